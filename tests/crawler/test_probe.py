"""``sendwatch probe``: on each demo-site variant it names the variant and what a crawl would fetch."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from crawl_support import closed_port
from variant_support import OncePerKey, start_site

from crawler.probe import PAPER_LINKS, probe_site
from sendwatch.cli import cli
from sendwatch.core.config import Crawl
from sendwatch.core.formats import PAPER_KINDS, kind_of_name
from sendwatch.demo.site import VARIANTS

# Each demo variant, the platform that shows it, and the code the probe names it by (None: a
# shape the crawler reads without naming it, such as a date written another way).
SHOWN: dict[str, tuple[str, str | None]] = {
    "items_link_to_reports": ("moderngov", "items_link_to_reports"),
    "plain_paragraphs": ("moderngov", "plain_paragraphs"),
    "earlier_meetings": ("moderngov", "earlier_meetings"),
    "ce_list_documents": ("moderngov", "ce_list_documents"),
    "cancelled_meeting": ("moderngov", "cancelled_on_list"),
    "titles_escaped_twice": ("moderngov", "titles_escaped_twice"),
    "exempt_papers": ("moderngov", "exempt_papers"),
    "items_without_ids": ("moderngov", "items_without_ids"),
    "raw_html_agendatext": ("moderngov", "raw_html_agendatext"),
    "malformed_html_agendatext": ("moderngov", "raw_html_agendatext"),
    "calendar_tab": ("cmis", "calendar_tab"),
    "non_pdf_papers": ("cmis", "non_pdf_papers"),
    "postponed_meeting": ("moderngov", "status_on_list"),
    "struck_through": ("moderngov", "cancelled_on_list"),
    "numeric_dates": ("moderngov", None),
    "lower_case_links": ("moderngov", None),
    "data_paper_paths": ("moderngov", None),
    "typographic_apostrophes": ("moderngov", None),
    "school_forum": ("moderngov", None),
    "xml_dates_with_time": ("moderngov", None),
    "status_after_name": ("cmis", None),
    "iso_dates": ("cmis", None),
}
NAMED = [variant for variant, (_, code) in SHOWN.items() if code]


def crawl_settings() -> Crawl:
    return Crawl(download_delay=0, retries=0, since=dt.date.today() - dt.timedelta(days=400))


@pytest.fixture(scope="module")
def probed():
    """The probe of a variant's council, and its site (each probed once per test worker, on first use)."""

    def build(variant: str):
        site = start_site("probed", SHOWN[variant][0], {variant}, dt.date.today())
        return (probe_site(site.base_url("probed"), crawl_settings()), site), site

    runs = OncePerKey(build)
    yield runs
    runs.stop()


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.gov.uk/downloads/file/1/Report.pdf",
        "https://www.example.gov.uk/media/Budget.XLSX",
        "https://www.example.gov.uk/media/Slides.pptx?v=2",
        "https://www.example.gov.uk/media/logo.png",
        "https://www.example.gov.uk/schools-forum.html",
        "https://www.example.gov.uk/Document.ashx?a=1",
    ],
)
def test_a_listing_probe_takes_as_papers_the_links_platform_detection_counts(url):
    assert bool(re.search(PAPER_LINKS, url, re.I)) == (kind_of_name(url) in PAPER_KINDS)


def test_every_demo_variant_has_a_probe_test():
    assert set(SHOWN) == set(VARIANTS)


@pytest.mark.parametrize("variant", NAMED)
def test_the_probe_names_the_variant(probed, variant):
    report, _ = probed(variant)
    assert SHOWN[variant][1] in report.variants, report.variants


@pytest.mark.parametrize("variant", SHOWN)
def test_the_probe_finds_the_platform(probed, variant):
    report, _ = probed(variant)
    assert report.platform == SHOWN[variant][0] and report.outcome == "ok", (report.detected_by, report.reason)


@pytest.mark.parametrize("variant", SHOWN)
def test_the_probe_lists_every_paper_a_crawl_would_fetch(probed, variant):
    report, site = probed(variant)
    forum = next(c for c in site.council("probed").committees if "forum" in c.title.lower())
    since = report.since
    # A cancelled meeting's papers are not read, on either platform (struck_through, status_after_name).
    expected = {
        d.title
        for m in forum.meetings
        if m.date >= since and m.status != "Cancelled"
        for d in m.all_documents()
        if not d.restricted
    }
    assert {paper.title for paper in report.to_fetch} == expected


@pytest.mark.parametrize("variant", SHOWN)
def test_the_probe_downloads_no_paper(probed, variant):
    _, site = probed(variant)
    assert sum(site.bodies("probed").values()) == 0


@pytest.mark.parametrize("variant", SHOWN)
def test_the_probe_shows_which_committees_the_patterns_select(probed, variant):
    report, _ = probed(variant)
    assert [c.title for c in report.committees if c.selected] in (
        ["Schools Forum"],
        ["Schools' Forum"],
        ["Schools\u2019 Forum"],
        ["School Forum"],
    )
    assert any(not c.selected for c in report.committees)


def test_the_probe_counts_papers_by_format(probed):
    report, _ = probed("non_pdf_papers")
    assert set(report.papers_by_format) == {"pdf", "html", "docx"}


def test_the_probe_shows_exempt_papers_as_left_alone(probed):
    report, site = probed("exempt_papers")
    assert [p.title for p in report.exempt] == ["Exempt appendix - placement costs by provider"]
    restricted = [d.id for _, _, d in site.documents("probed") if d.restricted]
    assert not [path for path in site.requests("probed") for id_ in restricted if f"ID={id_}" in path or f"/s{id_}/" in path]


def test_the_probe_reports_a_robots_refusal_as_disallowed(today):
    site = start_site("refusing", "moderngov", set(), today)
    try:
        site.fail("refusing", "robots_disallow")
        report = probe_site(site.base_url("refusing"), crawl_settings())
    finally:
        site.stop()
    assert report.robots == "disallowed" and report.outcome == "blocked"
    assert set(site.requests("refusing")) == {"/robots.txt"}


def test_the_probe_of_a_listing_page_finds_its_papers(today):
    site = start_site("westshire", "listing", set(), today)
    try:
        report = probe_site(site.base_url("westshire"), crawl_settings())
    finally:
        site.stop()
    assert report.platform == "listing" and report.to_fetch and report.robots == "allowed"


# --------------------------------------------------------------------------- the command


@pytest.fixture
def northshire(today):
    site = start_site("northshire", "moderngov", {"exempt_papers"}, today)
    yield site
    site.stop()


def test_probe_json_prints_one_object_naming_the_platform_and_what_it_would_fetch(northshire, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    done = CliRunner().invoke(
        cli, ["--config", str(tmp_path / "absent.yaml"), "probe", northshire.base_url("northshire"), "--json"]
    )

    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["platform"] == "moderngov" and report["robots"]["verdict"] == "allowed"
    assert report["would_fetch"]["papers"] == len([p for p in report["papers"] if p["state"] == "would_fetch"]) > 0
    assert {"web_service", "exempt_papers"} <= {variant["code"] for variant in report["variants"]}


def test_probe_council_uses_the_configured_council_and_stores_nothing(northshire, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": f"sqlite:///{tmp_path / 'sendwatch.db'}",
                "data_dir": str(tmp_path / "data"),
                "crawl": {"download_delay": 0, "retries": 0, "since": (dt.date.today() - dt.timedelta(days=400)).isoformat()},
                "councils": [northshire.council_config("northshire")],
            }
        ),
        encoding="utf-8",
    )
    before = sorted(os.listdir(tmp_path))

    done = CliRunner().invoke(cli, ["--config", str(config), "probe", "--council", "northshire"])

    assert done.exit_code == 0, done.output
    assert "platform    moderngov" in done.output and "exempt_papers" in done.output
    assert "* " in done.output and "Schools Forum" in done.output
    assert sorted(os.listdir(tmp_path)) == before  # no database, no data folder, nothing
    assert sum(northshire.bodies("northshire").values()) == 0


def test_probe_of_a_site_that_refuses_connections_exits_1_saying_why(tmp_path):
    done = CliRunner().invoke(cli, ["--config", str(tmp_path / "absent.yaml"), "probe", f"http://127.0.0.1:{closed_port()}/"])

    assert done.exit_code == 1
    assert "unknown" in done.output and "refused" in done.output.lower()


def test_probe_needs_a_url_or_a_council(tmp_path):
    done = CliRunner().invoke(cli, ["--config", str(tmp_path / "absent.yaml"), "probe"])
    assert done.exit_code == 2 and "give a URL or --council SLUG" in done.output


def test_probe_of_an_unknown_council_is_a_clear_error(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"councils": []}), encoding="utf-8")
    done = CliRunner().invoke(cli, ["--config", str(config), "probe", "--council", "nowhere"])
    assert done.exit_code == 2 and "no council 'nowhere' in the config" in done.output


def test_probe_has_help_with_an_example():
    done = CliRunner().invoke(cli, ["probe", "--help"])
    assert done.exit_code == 0 and "Example: sendwatch probe" in done.output


def test_probe_is_in_the_readmes_command_table():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "`sendwatch probe URL" in readme
