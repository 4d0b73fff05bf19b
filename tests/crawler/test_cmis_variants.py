"""CMIS as real councils run it: the calendar under any tab and folder, papers in any format.

Each council is crawled twice over real sockets (``variant_support.crawl_twice``); the tests
read one field each.
"""

from __future__ import annotations

import datetime as dt

import pytest
from crawl_support import rows
from variant_support import OncePerKey, crawl_twice, forum_meetings_since, start_site

from sendwatch.core.storage.models import Document, Meeting

# Tab names seen on live sites (Cambridgeshire, Hull, elsewhere), each under a site folder.
TABS = {"MeetingsCalendar": "/ccc_live/", "CalendarofMeetings": "/cmis/", "Meetingscalendar": "/cmis5public/"}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The crawl of a council by key: a calendar tab name, or "non_pdf_papers" (once per test worker)."""

    def build(key: str):
        if key in TABS:
            site = start_site("cambridgeshire", "cmis", {"calendar_tab"}, dt.date.today(), mount=TABS[key])
            site.council("cambridgeshire").cmis_tab_name = key
        else:
            site = start_site("cambridgeshire", "cmis", {key}, dt.date.today())
        return crawl_twice(site, "cambridgeshire", tmp_path_factory.mktemp(key)), site

    runs = OncePerKey(build)
    yield runs
    runs.stop()


@pytest.mark.parametrize("tab", TABS)
def test_the_calendar_is_found_from_the_sites_navigation(crawled, tab):
    run = crawled(tab)
    assert run.first.outcome == "ok", run.first
    assert [path for path in run.first_requests if f"{TABS[tab]}{tab}/tabid/70/ctl/MeetingCalendarPublicNoJava/" in path]


@pytest.mark.parametrize("tab", TABS)
def test_every_forum_meeting_since_is_found_under_any_tab(crawled, tab):
    run = crawled(tab)
    assert {m.external_id for m in rows(run.config, Meeting)} == {str(m.id) for m in forum_meetings_since(run)}


@pytest.mark.parametrize("tab", TABS)
def test_every_paper_is_fetched_under_any_tab(crawled, tab):
    run = crawled(tab)
    published = {d.title for m in forum_meetings_since(run) for d in m.all_documents()}
    assert {d.title for d in rows(run.config, Document) if d.fetch_state == "ok"} == published


@pytest.mark.parametrize("tab", TABS)
def test_the_committees_tab_is_not_taken_for_the_calendar(crawled, tab):
    run = crawled(tab)
    assert not [path for path in run.first_requests if "/Committees/tabid/" in path]


def test_html_and_word_papers_from_document_ashx_are_kept_as_what_they_are(crawled):
    run = crawled("non_pdf_papers")
    kinds = {d.title: (d.kind, d.fetch_state) for d in rows(run.config, Document)}
    assert kinds["Minutes of the previous meeting"] == ("docx", "ok")
    assert kinds["Appendix A - High Needs Block forecast"] == ("html", "ok")
    assert kinds["DSG monitoring report"] == ("pdf", "ok")


def test_the_declared_content_type_is_kept_for_the_reader(crawled):
    run = crawled("non_pdf_papers")
    word = next(d for d in rows(run.config, Document) if d.kind == "docx")
    assert word.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert word.file_path.endswith(".docx")


def test_a_council_serving_non_pdf_papers_is_not_failing(crawled):
    run = crawled("non_pdf_papers")
    assert run.first.outcome == run.second.outcome == "ok"
    assert not run.first.errors, run.first.errors  # notes (fallbacks taken) are kept apart in run.first.notes


def test_papers_without_validators_are_not_downloaded_again(crawled):
    run = crawled("non_pdf_papers")
    assert sum(run.second_bodies.values()) == 0, run.second_bodies
    assert (run.second.documents_new, run.second.documents_changed) == (0, 0)


def test_pdfs_with_validators_are_still_revalidated_in_the_window(crawled):
    run = crawled("non_pdf_papers")
    revalidated = [path for path in run.second_requests if "Document.ashx" in path]
    assert revalidated and sum(run.second_bodies.values()) == 0  # asked, answered 304


# --------------------------------------------------------------------------- shapes beyond the table

# Shapes on the demo's CMIS pages beyond platforms.md's table (tests/crawler/test_site_shapes.py
# has them on pages we wrote): each council's every forum meeting and paper is still read.
SHAPES = ["numeric_dates", "iso_dates", "status_after_name", "postponed_meeting", "lower_case_links", "data_paper_paths"]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_forum_meeting_since_is_found_with_its_date_and_status(crawled, shape):
    run = crawled(shape)
    assert run.first.outcome == "ok" and not run.first.errors, run.first
    stored = {m.external_id: m for m in rows(run.config, Meeting)}
    published = forum_meetings_since(run)
    assert set(stored) == {str(m.id) for m in published}
    for meeting in published:
        row = stored[str(meeting.id)]
        assert (row.date, row.start_time, row.status) == (meeting.date, meeting.time, meeting.status)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_paper_is_fetched_once_however_it_is_linked(crawled, shape):
    run = crawled(shape)
    # A cancelled meeting's papers are never read (status_after_name's withdrawn report).
    published = {d.title for m in forum_meetings_since(run) if m.status != "Cancelled" for d in m.all_documents()}
    assert {d.title for d in rows(run.config, Document) if d.fetch_state == "ok"} == published
    assert set(run.first_bodies.values()) == {1}
    assert (run.second.documents_new, run.second.documents_changed) == (0, 0)


def test_papers_linked_by_file_path_are_fetched_from_under_data(crawled):
    run = crawled("data_paper_paths")
    by_path = [d for d in rows(run.config, Document) if "/Data/Schools%20Forum/" in d.url]
    item_papers = [d for m in forum_meetings_since(run) for item in m.items for d in item.documents]
    assert len(by_path) == len(item_papers) and all(d.fetch_state == "ok" for d in by_path)
