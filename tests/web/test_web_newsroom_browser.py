"""The newsroom view over the demo's own database, in headless chromium at desk and phone widths.

The database is a copy of the one ``sendwatch demo`` leaves behind (a baseline cycle, then Eastmoor
moved from on track to enhanced monitoring; the session's one demo run), and then what happens to a real install afterwards: the
demo's site is gone, so crawling Riverton again fails for real; a council disabled in the config
is mirrored in; the weekly digest is sent (file transport) and archived. ``sendwatch serve``
serves it in its own process. Screenshots of the dashboard, a council page, the digest and the
alert email at both widths land in ``test-artifacts/``.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from web_support import ARTIFACTS, SECRET

from tests.support.demo_once import DemoRun

WIDTHS = {"desk": (1280, 800), "phone": (390, 844)}
DISABLED = {
    "slug": "westmere",
    "name": "Westmere Council",
    "platform": "moderngov",
    "url": "https://democracy.westmere.example.gov.uk/",
    "enabled": False,
}
PAGES = [
    "/",
    "/?days=365",
    "/councils/eastmoor",
    "/councils/riverton",  # its last crawl failed
    "/councils/northfield",
    "/councils/westmere",  # disabled
    "/subscribe",
    "/subscribe?council=westmere",
    "/digests",
    "/digests/1",
    "/digests/1/email",
]


@dataclass
class Demo:
    url: str
    folder: Path
    client: httpx.Client

    def emails(self, kind: str) -> list[email.message.EmailMessage]:
        """The .eml files the demo's file transport wrote, of one kind (by subject)."""
        messages = [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted((self.folder / "outbox").glob("*.eml"))
        ]
        return [m for m in messages if ("weekly digest" in m["Subject"]) == (kind == "digest")]  # type: ignore[misc]


def sendwatch(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sendwatch.cli", *args], cwd=folder, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def demo(demo_made: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    assert demo_made.returncode == 0, demo_made.stdout + demo_made.stderr
    folder = demo_made.copy_to(tmp_path_factory.mktemp("newsroom") / "demo")  # this module's own copy
    config_path = folder / "config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["councils"].append(DISABLED)
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    failed = sendwatch(folder, "crawl", "--council", "riverton")  # the demo's site has stopped: a real failure
    assert failed.returncode == 0 and "failing" in failed.stdout, failed.stdout + failed.stderr
    sent = sendwatch(folder, "digest", "--send")
    assert sent.returncode == 0 and "1 sent" in sent.stdout, sent.stdout + sent.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "sendwatch.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SENDWATCH_SECRET": SECRET},
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("sendwatch: serving on "), line + process.stderr.read()  # type: ignore[union-attr]
        url = line.split()[3].rstrip("/")
        with httpx.Client(base_url=url, timeout=20) as client:
            yield Demo(url, folder, client)
    finally:
        process.terminate()
        process.wait(timeout=20)


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(browser, demo, width) -> None:  # type: ignore[no-untyped-def]
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    wider = []
    for path in PAGES:
        response = page.goto(demo.url + path)
        assert response is not None and response.status == 200, path
        if not fits(page):
            wider.append((path, page.evaluate("document.documentElement.scrollWidth")))
    search = page.goto(demo.url + "/search?q=deficit")
    if search is not None and search.status == 200 and not fits(page):  # the search page, where there is one
        wider.append(("/search?q=deficit", page.evaluate("document.documentElement.scrollWidth")))
    assert wider == [], f"pages wider than {w} px"
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_first_screen_names_the_council_that_changed_and_from_what(browser, demo, width) -> None:  # type: ignore[no-untyped-def]
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    page.goto(demo.url + "/")
    change = page.locator('li.recent-change[data-council="eastmoor"]')
    box = change.bounding_box()
    assert box is not None and box["y"] + 120 <= h  # its name and both statuses are on the first screen
    words = change.inner_text()
    assert "Eastmoor County Council" in words
    assert re.search(r"Safety valve: on track\s*→?\s*(changed to)?\s*Enhanced monitoring and support", words), words
    assert "Detected" in words and change.locator("blockquote a[href]").count() == 1  # the deciding quote, linked
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"newsroom-dashboard-{w}.png"), full_page=True)
    page.goto(demo.url + "/councils/eastmoor")
    page.screenshot(path=str(ARTIFACTS / f"newsroom-council-{w}.png"), full_page=True)
    page.goto(demo.url + "/councils/riverton")
    page.screenshot(path=str(ARTIFACTS / f"newsroom-council-failing-{w}.png"), full_page=True)
    page.close()


def test_checked_failing_and_disabled_councils_are_said_plainly(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(demo.url + "/")
    riverton = page.locator('tr[data-council="riverton"]').inner_text()
    assert "Delivering Better Value" in riverton and "last check failed" in riverton
    assert page.locator('tr[data-council="westmere"]').count() == 0  # not watched: not on the dashboard
    page.goto(demo.url + "/councils/westmere")
    assert "does not watch this council" in page.locator("main").inner_text()
    assert page.locator("text=Get alerts for Westmere Council").count() == 0
    page.goto(demo.url + "/subscribe?council=westmere")
    assert not page.is_checked("#scope-all") and page.locator("#council-westmere").count() == 0
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_digest_and_the_alert_read_on_a_phone_as_on_a_desk(browser, demo, width) -> None:  # type: ignore[no-untyped-def]
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    page.goto(demo.url + "/digests/1")
    assert page.locator("a[href^='http']").count() >= 1  # links are links, not text in a <pre>
    assert page.locator("pre").count() == 0 and fits(page)
    page.screenshot(path=str(ARTIFACTS / f"newsroom-digest-{w}.png"), full_page=True)
    [alert] = demo.emails("alert")
    page.set_content(alert.get_body(preferencelist=("html",)).get_content())
    assert "Eastmoor County Council" in page.inner_text("body") and fits(page)
    page.screenshot(path=str(ARTIFACTS / f"newsroom-alert-{w}.png"), full_page=True)
    [digest] = demo.emails("digest")
    page.set_content(digest.get_body(preferencelist=("html",)).get_content())
    assert fits(page)
    page.close()


def test_the_meetings_ahead_are_listed_and_in_the_calendar(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(demo.url + "/")
    listed = page.locator("ul.meetings").inner_text()
    # The demo's forum meets at 2.00 pm, with a planned finish at 3.30 pm from its GetMeeting.
    assert "Eastmoor County Council" in listed and ", 14:00–15:30:" in listed
    assert page.locator('a[type="text/calendar"][href="/calendar.ics"]').count() >= 1
    page.close()
    for path in ("/calendar.ics", "/councils/eastmoor/calendar.ics"):
        body = demo.client.get(path).text
        assert body.count("BEGIN:VEVENT") == 1 and "SUMMARY:Eastmoor County Council: Schools Forum" in body
        # Crawled from the demo's web service ("2.00 pm"): a timed event, in UTC.
        start = next(line for line in body.split("\r\n") if line.startswith("DTSTART"))
        assert start.startswith("DTSTART:") and start.endswith(("T140000Z", "T130000Z")), start
        # Its GetMeeting plans a finish at "3.30 pm": the event ends there, not after two hours.
        end = next(line for line in body.split("\r\n") if line.startswith("DTEND"))
        assert end.startswith("DTEND:") and end.endswith(("T153000Z", "T143000Z")), end
    assert "BEGIN:VEVENT" not in demo.client.get("/councils/northfield/calendar.ics").text


def test_chart_labels_stay_legible_on_a_phone(browser, demo) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(demo.url + "/councils/eastmoor")
    sizes = page.evaluate("[...document.querySelectorAll('svg.chart text')].map(t => t.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 11, sizes
    page.close()


# --------------------------------------------------------------------------- figures only with their labels

AMOUNT = re.compile(r"£\d[\d,.]*\s?(?:m|k|bn|million)?")


def test_every_figure_shown_has_its_label_on_pages_and_in_emails(browser, demo) -> None:  # type: ignore[no-untyped-def]
    # Riverton's only amount is an unlabelled £1m grant: never its "latest figure".
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(demo.url + "/")
    for row in page.locator("table.councils tbody tr").all():
        cell = row.locator('td[data-label="Latest figure"]').inner_text().strip()
        assert cell == "—" or re.fullmatch(r"£[\d.,]+[mk]? [a-zA-Z][\w -]+", cell), cell
    assert page.locator('tr[data-council="riverton"] td[data-label="Latest figure"]').inner_text().strip() == "—"
    for slug in ("eastmoor", "riverton", "northfield"):
        page.goto(demo.url + f"/councils/{slug}")
        for what in page.locator('table.figures-table td[data-label="What"]').all():
            assert AMOUNT.sub("", what.inner_text()).strip(" “”"), f"{slug}: a figure without its label"
        for item in page.locator("ul.figures li").all():
            assert re.match(r"[a-zA-Z][\w -]+: £", item.inner_text()), item.inner_text()
    page.close()
    for message in demo.emails("alert") + demo.emails("digest"):
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "figure:" not in text
        for line in text.splitlines():
            if re.fullmatch(r"\s*-?\s*£[\d.,]+[mk]?\s*", line):
                pytest.fail(f"an amount alone on a line: {line!r}")
    status = sendwatch(demo.folder, "status")
    riverton = next(line for line in status.stdout.splitlines() if line.startswith("Riverton"))
    assert "£1m" not in riverton


# --------------------------------------------------------------------------- money, exactly


def test_amounts_round_trip_exactly_through_csv_json_and_status_json(demo) -> None:
    import csv
    import io
    import json
    from decimal import Decimal

    exported = demo.client.get("/export/statuses.csv").text
    rows = {row["council"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert rows["northfield"]["figure_gbp"] == "4100000" and rows["northfield"]["figure_label"] == "in-year deficit"
    assert Decimal(rows["eastmoor"]["figure_gbp"]) == Decimal("6200000")
    as_json = demo.client.get("/export/statuses.json").json()
    status = json.loads(sendwatch(demo.folder, "status", "--json").stdout)
    for rows_out in (as_json, status):
        figures = {row["council"]: row["figures"] for row in rows_out}
        assert {"amount_gbp": 4100000, "text": "£4.1m", "label": "in-year deficit"} in figures["northfield"]
    amounts = [row["figure_gbp"] for row in rows.values() if row["figure_gbp"]]
    amounts += [str(figure["amount_gbp"]) for row in as_json + status for figure in row["figures"]]
    assert amounts and all(Decimal(amount) == Decimal(amount).quantize(Decimal("0.01")) for amount in amounts), amounts
    assert not re.search(r"\d\.\d*(9999|0000)\d", exported + json.dumps(as_json) + json.dumps(status))  # no float noise


# --------------------------------------------------------------------------- validators


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/changes.atom",
        "/councils/eastmoor/feed.atom",
        "/export/statuses.csv",
        "/export/statuses.json",
        "/export/history.csv",
        "/export/history.json",
        "/calendar.ics",
        "/councils/eastmoor/calendar.ics",
    ],
)
def test_a_repeated_request_with_the_validator_gets_304(demo, path) -> None:
    first = demo.client.get(path)
    assert first.status_code == 200 and first.headers["etag"] and first.headers["last-modified"]
    again = demo.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    since = demo.client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    stale = demo.client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.content == first.content


# --------------------------------------------------------------------------- after the demo


def test_the_demo_s_papers_stay_readable_from_sendwatch_s_stored_copies(demo) -> None:
    page = demo.client.get("/councils/eastmoor").text
    copies = sorted(set(re.findall(r'href="(/papers/\d+)(?:#page=\d+)?"', page)))
    assert copies, "no stored copy linked from the council page"
    for copy in copies:
        served = demo.client.get(copy)
        assert served.status_code == 200 and served.content
        assert "sandbox" in served.headers["content-security-policy"]  # scraped HTML runs nothing, here of all places
    pdf = next(copy for copy in copies if demo.client.get(copy).headers["content-type"] == "application/pdf")
    assert demo.client.get(pdf).content.startswith(b"%PDF-")
    assert demo.client.get("/papers/999999").status_code == 404
