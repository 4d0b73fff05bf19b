"""Accessibility checks that can be made on the HTML and CSS themselves.

Every form control has a label; every status is shown in words as well as colour; charts are
images with a text alternative; status badges' text meets WCAG AA contrast (4.5:1).
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from web_support import SECRET

from sendwatch.core.storage.models import Subscriber
from sendwatch.core.templating import templates_dir
from sendwatch.core.tokens import make_token
from sendwatch.core.vocabulary import QUIET_WORDS, STATUS_LABELS, STATUSES

CSS = (templates_dir("web") / "static" / "sendwatch.css").read_text(encoding="utf-8")


@pytest.fixture
def site(start_site, sqlite_url):  # type: ignore[no-untyped-def]
    return start_site(sqlite_url)


def pages(site) -> dict[str, BeautifulSoup]:  # type: ignore[no-untyped-def]
    with site.database.session() as session:
        person = Subscriber(email="editor@news.example.org", source="web")
        session.add(person)
        session.flush()
        manage = make_token(SECRET.encode(), person.id, person.email, "manage")
    paths = ["/", "/subscribe", "/councils/northshire", f"/manage?token={manage}", "/digests"]
    return {path: BeautifulSoup(site.client.get(path).text, "html.parser") for path in paths}


def test_every_form_control_has_a_label(site) -> None:
    for path, soup in pages(site).items():
        assert soup.html["lang"] == "en-GB"
        for control in soup.find_all(["input", "select", "textarea"]):
            if control.get("type") == "hidden":
                continue
            assert control.get("id"), f"{path}: a control without an id: {control}"
            assert soup.find("label", attrs={"for": control["id"]}), f"{path}: no label for #{control['id']}"


def test_statuses_are_words_not_just_colours(site) -> None:
    words = {*STATUS_LABELS.values(), *QUIET_WORDS.values()}  # a council with no news says why (checked, failing...)
    for path, soup in pages(site).items():
        for badge in soup.select("span.status"):
            assert badge.get_text(strip=True) in words, f"{path}: {badge}"


def test_charts_are_images_with_a_text_alternative(site) -> None:
    soup = pages(site)["/councils/northshire"]
    charts = soup.select("svg.chart")
    assert len(charts) == 2
    for chart in charts:
        assert chart["role"] == "img"
        title = chart.find("title", id=chart["aria-labelledby"])
        assert title and len(title.get_text()) > 20


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("status", STATUSES)
def test_status_badge_text_has_aa_contrast(status: str) -> None:
    rule = re.search(r"\.status-" + status + r" \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6});", CSS)
    assert rule, f"no badge colours for {status}"
    background, text = rule.groups()
    assert contrast(background, text) >= 4.5, f"{status}: {contrast(background, text):.2f}"


def test_no_external_resources_are_loaded(site) -> None:
    for path, soup in pages(site).items():
        for tag in soup.find_all(["link", "script", "img", "iframe"]):
            source = tag.get("src") or (tag.get("href") if tag.name == "link" else None)
            assert not source or source.startswith("/"), f"{path}: {tag}"
        assert not soup.find("script"), f"{path} sends JavaScript"
