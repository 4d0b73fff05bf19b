"""ModernGov as real councils run it: every variant of platforms.md's table, one demo council each.

Each variant's council is crawled twice over real sockets (``variant_support.crawl_twice``);
the tests read one field each: meetings, items, titles, text, papers, exempt papers, and what
the second crawl asked for. Page variants are crawled with the web service switched off.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from crawl_support import rows
from lxml import html as lxml_html
from variant_support import OncePerKey, crawl_twice, forum_meetings_since, public_documents, start_site

from sendwatch.core.storage.models import Committee, Document, Meeting
from sendwatch.demo.site import DemoSite, sample_council

VARIANTS = [
    "items_link_to_reports",
    "plain_paragraphs",
    "earlier_meetings",
    "ce_list_documents",
    "cancelled_meeting",
    "titles_escaped_twice",
    "exempt_papers",
    "items_without_ids",
    "raw_html_agendatext",
    "malformed_html_agendatext",
    "non_pdf_papers",
    # Beyond the table (tests/crawler/test_site_shapes.py has them on pages we wrote)
    "postponed_meeting",
    "numeric_dates",
    "lower_case_links",
    "xml_dates_with_time",
    "typographic_apostrophes",
    "school_forum",
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The crawl of a variant's council (each crawled once per test worker, on first use)."""

    def build(variant: str):
        site = start_site("variant", "moderngov", {variant}, dt.date.today())
        return crawl_twice(site, "variant", tmp_path_factory.mktemp(variant)), site

    runs = OncePerKey(build)
    yield runs
    runs.stop()


def text_of(fragment: str | None) -> str:
    """What a reader sees of an HTML fragment: its words, one space apart."""
    if not fragment or not fragment.strip():
        return ""
    return " ".join(
        " ".join(
            part if isinstance(part, str) else part.text_content() for part in lxml_html.fragments_fromstring(fragment)
        ).split()
    )


# --------------------------------------------------------------------------- every variant


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_crawl_is_ok_with_nothing_but_notes(crawled, variant):
    result = crawled(variant).first
    assert result.outcome == "ok", result
    assert not result.errors, result.errors  # only notes, kept apart in result.notes


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_forum_meeting_since_is_found(crawled, variant):
    run = crawled(variant)
    stored = {m.external_id for m in rows(run.config, Meeting)}
    assert stored == {str(m.id) for m in forum_meetings_since(run)}


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_agenda_item_is_lost(crawled, variant):
    run = crawled(variant)
    for meeting in forum_meetings_since(run):
        if meeting.status != "Cancelled":
            assert len(run.items_of(meeting)) == len(meeting.items), meeting.date


@pytest.mark.parametrize("variant", VARIANTS)
def test_item_titles_are_clean(crawled, variant):
    run = crawled(variant)
    for meeting in forum_meetings_since(run):
        assert [item.title for item in run.items_of(meeting)] == [item.title for item in meeting.items]


@pytest.mark.parametrize("field", ["agenda_html", "minutes_html"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_item_text_and_minutes_are_read(crawled, variant, field):
    run = crawled(variant)
    for meeting in forum_meetings_since(run):
        for stored, published in zip(run.items_of(meeting), meeting.items):
            assert text_of(getattr(stored, field)) == text_of(getattr(published, field)), stored.title


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_public_paper_is_stored(crawled, variant):
    run = crawled(variant)
    base = run.site.base_url(run.slug)
    expected = {f"{base}mgConvert2PDF.aspx?ID={d.id}" for m in forum_meetings_since(run) for d in public_documents(m)}
    assert {d.url for d in run.papers() if d.fetch_state == "ok"} == expected


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_paper_is_downloaded_once(crawled, variant):
    run = crawled(variant)
    published = sum(len(public_documents(m)) for m in forum_meetings_since(run))
    assert sum(run.first_bodies.values()) == published
    assert set(run.first_bodies.values()) <= {1}


@pytest.mark.parametrize("variant", VARIANTS)
def test_papers_belong_to_their_items(crawled, variant):
    run = crawled(variant)
    for meeting in forum_meetings_since(run):
        items = {item.id: item.title for item in run.items_of(meeting)}
        for published in meeting.items:
            for document in public_documents_of_item(published):
                row = next(d for d in run.papers() if d.url.endswith(f"ID={document.id}"))
                assert items[row.agenda_item_id] == published.title


@pytest.mark.parametrize("variant", VARIANTS)
def test_nothing_is_downloaded_on_the_second_crawl(crawled, variant):
    run = crawled(variant)
    assert run.second.outcome == "ok"
    assert sum(run.second_bodies.values()) == 0, run.second_bodies
    assert (run.second.documents_new, run.second.documents_changed) == (0, 0)


def public_documents_of_item(item) -> list:
    return [document for document in item.documents if not document.restricted]


# --------------------------------------------------------------------------- one variant each


def test_titles_escaped_twice_are_unescaped_once(crawled):
    run = crawled("titles_escaped_twice")
    titles = {d.title for d in run.papers()}
    assert "Fees & Charges: schools' traded services" in titles
    assert not [title for title in titles if re.search(r"&(amp|#39|quot);", title or "")]


def test_a_committee_title_escaped_twice_still_matches_its_pattern(crawled):
    run = crawled("titles_escaped_twice")
    assert {c.title for c in rows(run.config, Committee)} == {"Schools' Forum"}


def test_exempt_papers_are_recorded_and_left_alone(crawled):
    run = crawled("exempt_papers")
    restricted = [d for m in run.forum.meetings for d in m.all_documents() if d.restricted]
    rows_ = [d for d in run.papers() if any(d.url.endswith(f"ID={r.id}") for r in restricted)]
    assert rows_ and all(d.fetch_state == "exempt" and d.file_path is None and d.fetch_error is None for d in rows_)
    asked = [*run.first_requests, *run.second_requests]
    assert not [path for path in asked for r in restricted if f"ID={r.id}" in path or f"/s{r.id}/" in path]


def test_items_without_ids_are_keyed_by_their_position(crawled):
    run = crawled("items_without_ids")
    meeting = forum_meetings_since(run)[0]
    assert [item.external_id for item in run.items_of(meeting)] == [f"item-{n}" for n in range(1, len(meeting.items) + 1)]


def test_a_cancelled_meeting_is_recorded_as_cancelled_and_not_fetched(crawled):
    run = crawled("cancelled_meeting")
    cancelled = next(m for m in run.forum.meetings if m.status == "Cancelled")
    assert run.meeting_row(cancelled).status == "Cancelled"
    assert not [path for path in run.first_requests if f"MId={cancelled.id}" in path]


def test_a_meeting_the_web_service_lists_as_cancelled_is_recorded_without_asking_for_its_details(tmp_path):
    site = DemoSite([sample_council("served", "moderngov", dt.date.today(), variants={"cancelled_meeting"})]).start()
    try:
        run = crawl_twice(site, "served", tmp_path)
    finally:
        site.stop()
    cancelled = next(m for m in run.forum.meetings if m.status == "Cancelled")
    held = [m for m in forum_meetings_since(run) if m.status != "Cancelled"]
    asked = [*run.first_requests, *run.second_requests]
    assert run.first.outcome == "ok" and run.meeting_row(cancelled).status == "Cancelled"
    assert not [path for path in asked if f"lMeetingId={cancelled.id}" in path or f"MId={cancelled.id}" in path]
    assert held and all(f"/mgWebService.asmx/GetMeeting?lMeetingId={m.id}" in "".join(asked) for m in held)


def test_meetings_behind_earlier_meetings_links_are_found(crawled):
    run = crawled("earlier_meetings")
    assert [path for path in run.first_requests if "Act=earlier" in path]
    assert not [path for path in run.first_requests if "Year=" in path]


def test_celistdocuments_links_lead_to_the_meeting_pages(crawled):
    run = crawled("ce_list_documents")
    assert {m.url.split("?")[0].rsplit("/", 1)[-1] for m in rows(run.config, Meeting)} == {"ieListDocuments.aspx"}


def test_items_linking_straight_to_reports_keep_their_anchor_ids(crawled):
    run = crawled("items_link_to_reports")
    meeting = forum_meetings_since(run)[0]
    assert [item.external_id for item in run.items_of(meeting)] == [str(item.id) for item in meeting.items]
    assert [path for path in run.first_bodies if path.startswith("/documents/s")]


def test_word_and_html_papers_are_stored_as_what_they_are(crawled):
    run = crawled("non_pdf_papers")
    kinds = {d.title: d.kind for d in run.papers()}
    assert kinds["Minutes of the previous meeting"] == "docx"
    assert kinds["Appendix A - High Needs Block forecast"] == "html"
    assert kinds["DSG monitoring report"] == "pdf"
    assert all(d.file_path.endswith("." + d.kind) for d in run.papers() if d.kind in ("docx", "html", "pdf"))


def test_getmeetings_failing_falls_back_to_getallmeetingsbydate(today, tmp_path):
    site = start_site("lambeth", "moderngov", set(), today)
    try:
        site.fail("lambeth", "error_500", path="GetMeetings?")
        run = crawl_twice(site, "lambeth", tmp_path, retries=0)
    finally:
        site.stop()
    assert run.first.outcome == "ok"
    assert {m.external_id for m in rows(run.config, Meeting)} == {str(m.id) for m in forum_meetings_since(run)}
    assert [path for path in run.first_requests if "GetAllMeetingsByDate" in path]
    assert not [path for path in run.first_requests if "ieListMeetings" in path]
    assert len({d.url for d in rows(run.config, Document)}) == run.first.documents
