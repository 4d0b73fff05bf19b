"""Page shapes real sites show beyond the platforms.md table, crawled over real sockets.

Each council here is a demo site serving pages we wrote on real ModernGov and CMIS shapes
(``pages/shapes/``; invented councils and committees): links relative, absolute,
protocol-relative and with ``&amp;``, paths in any case, meetings struck through or marked
cancelled or postponed, numeric dates, papers under ``Data/`` and ``olddocuments/``, a page in
Windows-1252, tables inside wrappers, an "Earlier meetings" page, an empty committee, a web
service listing no committees, and pages missing the element a parser looks for. Every test
reads one field of what the crawl stored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from crawl_support import rows
from variant_support import crawl_twice

from sendwatch.core.storage.models import AgendaItem, Committee, Document, Meeting
from sendwatch.demo.site import DemoCouncil, DemoDocument, DemoSite
from sendwatch.demo.site.papers import render_paper

SHAPES = Path(__file__).parent / "pages" / "shapes"
PDF = "application/pdf"
# One date for the whole module: the pages are built from it and the tests check against it, so
# a run across midnight (or a month's end) cannot see two different days.
TODAY = dt.date.today()


def paper(title: str, text: str) -> bytes:
    return render_paper(DemoDocument(title, [text]))


def soon(today: dt.date) -> dt.date:
    """The date of the one ModernGov meeting inside the crawl's window (the others are older)."""
    return today + dt.timedelta(days=10)


def long_date(day: dt.date) -> str:
    """ "Saturday, 12th December, 2026", as ModernGov headings and lists write it."""
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day:%A}, {day.day}{suffix} {day:%B}, {day.year}"


def serve(site: DemoSite, slug: str, pages: dict[str, str | tuple[bytes, str]], today: dt.date) -> None:
    """Serve each path with a saved page or a paper's bytes. A page's ``{{origin}}`` and ``{{host}}``
    become the site's; ``{{soon}}``, ``{{month}}``, ``{{mm}}``, ``{{yyyy}}`` put its meetings in the
    crawl's window (today's month), so the crawl has news to find."""
    origin = site.origin(slug)
    fill = {
        "origin": origin,
        "host": origin.split("://", 1)[1],
        "soon": long_date(soon(today)),
        "month": f"{today:%B}",
        "mm": f"{today:%m}",
        "yyyy": str(today.year),
    }
    for path, source in pages.items():
        path = path.replace("{{yyyy}}", fill["yyyy"]).replace("{{mm}}", fill["mm"])
        if isinstance(source, tuple):
            site.serve_saved(slug, path, *source)
            continue
        body = (SHAPES / source).read_bytes()
        for name, value in fill.items():
            body = body.replace(b"{{%s}}" % name.encode(), value.encode())
        site.serve_saved(slug, path, body, "text/html" if "windows1252" in source else "text/html; charset=utf-8")


# --------------------------------------------------------------------------- ModernGov

MODERNGOV_PAGES: dict[str, str | tuple[bytes, str]] = {
    "/mgListCommittees.aspx": "mg_committees_mixed_links.html",
    "/ieListMeetings.aspx?CommitteeId=210": "mg_meetings_statuses.html",
    "/ieListMeetings.aspx?Act=earlier&CId=210&D=202512020000&MD=ielistmeetings": "mg_meetings_earlier.html",
    "/ieListMeetings.aspx?CommitteeId=211": "mg_meetings_none.html",
    "/ieListDocuments.aspx?CId=210&MId=9001&Ver=4": "mg_documents_windows1252.html",
    "/ieListDocuments.aspx?CId=210&MId=9003&Ver=4": "mg_documents_postponed.html",
    "/ieListDocuments.aspx?CId=210&MId=9004&Ver=4": "mg_documents_no_heading_no_table.html",
    "/ieListDocuments.aspx?CId=210&MId=9005&Ver=4": "mg_documents_october.html",
    "/documents/g9001/Public%20reports%20pack%2003rd-Mar-2026%2014.00%20Schools%20Forum.pdf": (
        paper("Public reports pack", "Schools Forum reports pack"),
        PDF,
    ),
    "/Data/Schools%20Forum/20260303/Agenda/Item%202%20High%20Needs%20Monitoring.pdf": (
        paper("High Needs Monitoring", "The high needs block deficit is forecast to grow."),
        PDF,
    ),
    "/mgConvert2PDF.aspx?ID=77001": (paper("Appendix A", "Placements by type"), PDF),
    "/documents/s77002/Appendix%20B%20-%20deficit%20recovery.pdf": (paper("Appendix B", "Deficit recovery plan"), PDF),
    "/olddocuments/Appendix%20C%20-%20banding.pdf?F=AppC.pdf&MId=9001": (paper("Appendix C", "Banding"), PDF),
    "/mgConvert2PDF.aspx?ID=77010": (paper("Notice", "Notice of meeting"), PDF),
    "/mgConvert2PDF.aspx?ID=76901": (paper("DSG outturn", "Outturn"), PDF),
}


@pytest.fixture(scope="module")
def eastmarsh(tmp_path_factory):
    """A ModernGov council whose web service answers but lists no committees, read from its pages."""
    site = DemoSite([DemoCouncil("eastmarsh", "Eastmarsh Council", "moderngov")]).start()
    try:
        serve(site, "eastmarsh", MODERNGOV_PAGES, TODAY)
        yield crawl_twice(site, "eastmarsh", tmp_path_factory.mktemp("eastmarsh"), since="2025-06-01")
    finally:
        site.stop()


def meetings(run) -> dict[str, Meeting]:
    return {m.external_id: m for m in rows(run.config, Meeting)}


def test_a_web_service_listing_no_committees_sends_the_crawl_to_the_pages(eastmarsh):
    assert eastmarsh.first.outcome == "ok", eastmarsh.first
    assert not eastmarsh.first.errors, eastmarsh.first.errors
    assert any("lists no committees" in note for note in eastmarsh.first.notes)


def test_forum_titles_match_with_typographic_apostrophes_and_as_school_forum(eastmarsh):
    selected = {c.external_id: c.title for c in rows(eastmarsh.config, Committee)}
    assert selected == {"210": "Schools\u2019 Forum", "211": "School Forum (High Needs Sub-group)"}


def test_committee_links_in_any_case_absolute_or_protocol_relative_are_followed(eastmarsh):
    assert eastmarsh.first_requests["/ieListMeetings.aspx?CommitteeId=211"] == 1
    assert not [path for path in eastmarsh.first_requests if "CommitteeId=212" in path or "CommitteeId=213" in path]


def test_every_listed_meeting_is_found_behind_earlier_meetings_too(eastmarsh):
    assert set(meetings(eastmarsh)) == {"9001", "9002", "9003", "9004", "9005", "9006"}


def test_a_struck_through_or_cancelled_meeting_is_recorded_cancelled_and_not_fetched(eastmarsh):
    found = meetings(eastmarsh)
    assert (found["9002"].status, found["9006"].status) == ("Cancelled", "Cancelled")
    assert not [path for path in eastmarsh.first_requests if "MId=9002" in path or "MId=9006" in path]


def test_a_meeting_marked_postponed_is_recorded_postponed_and_its_page_read(eastmarsh):
    assert meetings(eastmarsh)["9003"].status == "Postponed"
    assert eastmarsh.first_requests["/ieListDocuments.aspx?CId=210&MId=9003&Ver=4"] == 1


def test_dates_and_times_as_pages_write_them(eastmarsh):
    found = meetings(eastmarsh)
    assert (found["9001"].date, found["9001"].start_time) == (soon(TODAY), dt.time(14, 0))
    assert (found["9003"].date, found["9003"].start_time) == (dt.date(2026, 1, 13), dt.time(12, 0))
    assert (found["9005"].date, found["9005"].start_time) == (dt.date(2025, 10, 8), dt.time(9, 30))


def test_a_page_without_its_heading_keeps_the_lists_numeric_date_and_says_so(eastmarsh):
    assert meetings(eastmarsh)["9004"].date == dt.date(2025, 12, 2)
    assert any("no meeting date in the page heading" in note for note in eastmarsh.first.notes)
    assert any("no agenda items table" in note for note in eastmarsh.first.notes)


def test_a_windows_1252_page_is_read_as_written(eastmarsh):
    item = next(i for i in rows(eastmarsh.config, AgendaItem) if i.external_id == "41002")
    assert item.title == "High needs block \u2013 budget monitoring"
    assert "\u00a312.4m" in item.agenda_html and "officers\u2019 recovery plan" in item.agenda_html


def test_papers_linked_by_every_kind_of_link_are_stored_once_each(eastmarsh):
    base = eastmarsh.site.base_url("eastmarsh")
    stored = {d.url for d in rows(eastmarsh.config, Document) if d.fetch_state == "ok" and d.kind == "pdf"}
    assert stored == {
        f"{base}documents/g9001/Public%20reports%20pack%2003rd-Mar-2026%2014.00%20Schools%20Forum.pdf",
        f"{base}Data/Schools%20Forum/20260303/Agenda/Item%202%20High%20Needs%20Monitoring.pdf",
        f"{base}mgConvert2PDF.aspx?ID=77001",
        f"{base}mgConvert2PDF.aspx?ID=77002",
        f"{base}olddocuments/Appendix%20C%20-%20banding.pdf?F=AppC.pdf&MId=9001",
        f"{base}mgConvert2PDF.aspx?ID=77010",
        f"{base}mgConvert2PDF.aspx?ID=76901",
    }


def test_a_paper_under_data_belongs_to_its_item_and_is_not_item_text(eastmarsh):
    item = next(i for i in rows(eastmarsh.config, AgendaItem) if i.external_id == "41002")
    monitoring = next(d for d in rows(eastmarsh.config, Document) if "/Data/" in d.url)
    assert monitoring.agenda_item_id == item.id and monitoring.title == "Item 2 High Needs Monitoring"
    assert "Item 2 High Needs Monitoring" not in item.agenda_html


def test_nothing_is_downloaded_again_on_the_second_crawl(eastmarsh):
    assert eastmarsh.second.outcome == "ok"
    assert (eastmarsh.second.documents_new, eastmarsh.second.documents_changed) == (0, 0)


# --------------------------------------------------------------------------- CMIS

CMIS_MEETING = "/cmis/Meetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/{}/Committee/{}/SelectedTab/Documents/Default.aspx"
CMIS_PAPER = (
    "/cmis/Document.ashx?czJKcaeAi5tUFL1DTL2UE4zNRBcoShgo=Qm9va2luZ3MrZm9yK3Rlc3Q%3d"
    "&rUzwRPf%2bZ3zd4E7Ikn8Lyw%3d%3d=pwRE6AGJFLDNlh225F5QMaQWCtPHwdhUfCZ%2fLUQzgA2uL5jNRG4jdQ%3d%3d"
)
CMIS_PAGES: dict[str, str | tuple[bytes, str]] = {
    "/cmis/Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/{{yyyy}}-{{mm}}-01/Default.aspx": "cmis_month_statuses.html",
    CMIS_MEETING.format(15001, 31): "cmis_meeting_numeric_date.html",
    CMIS_MEETING.format(15002, 31): "cmis_meeting_no_details.html",
    CMIS_MEETING.format(15003, 32): "cmis_meeting_no_details.html",
    CMIS_PAPER: (paper("Agenda Reports Pack", "Schools Forum agenda"), "application/octet-stream"),
    "/cmis/Data/Schools%20Forum/202603031400/Agenda/High%20Needs%20Update.pdf": (paper("High Needs Update", "Update"), PDF),
}


@pytest.fixture(scope="module")
def northfold(tmp_path_factory):
    site = DemoSite([DemoCouncil("northfold", "Northfold County Council", "cmis", mount="/cmis/")]).start()
    try:
        serve(site, "northfold", CMIS_PAGES, TODAY)
        since = (TODAY - dt.timedelta(days=40)).isoformat()
        yield crawl_twice(site, "northfold", tmp_path_factory.mktemp("northfold"), since=since)
    finally:
        site.stop()


def test_the_cmis_crawl_is_ok_with_nothing_but_notes(northfold):
    assert northfold.first.outcome == "ok", northfold.first
    assert not northfold.first.errors, northfold.first.errors


def test_forum_meetings_are_found_under_every_spelling_and_link_form(northfold):
    assert set(meetings(northfold)) == {"15001", "15002", "15003"}


def test_a_numeric_date_time_on_the_meeting_page_is_read(northfold):
    meeting = meetings(northfold)["15001"]
    assert (meeting.date, meeting.start_time, meeting.status) == (TODAY.replace(day=3), dt.time(14, 0), "Scheduled")


def test_a_status_written_after_the_committee_is_kept_and_left_out_of_its_title(northfold):
    assert meetings(northfold)["15002"].status == "Cancelled"
    assert "CANCELLED" not in " ".join(c.title for c in rows(northfold.config, Committee))


def test_a_struck_through_entry_on_a_lowercase_path_is_cancelled_with_the_calendars_date_and_time(northfold):
    meeting = meetings(northfold)["15003"]
    assert (meeting.status, meeting.date, meeting.start_time) == ("Cancelled", TODAY.replace(day=26), dt.time(10, 0))


def test_the_pages_of_meetings_the_calendar_marks_cancelled_are_not_asked_for(northfold):
    asked = [path.lower() for path in northfold.first_requests]
    assert [path for path in asked if "/meeting/15001/" in path]
    assert not [path for path in asked if "/meeting/15002/" in path or "/meeting/15003/" in path]


def test_document_ashx_and_data_papers_are_both_stored(northfold):
    stored = {d.title: d.kind for d in rows(northfold.config, Document) if d.fetch_state == "ok"}
    today = TODAY
    assert stored == {f"Agenda Reports Pack - 3rd {today:%B} {today.year}": "pdf", "High Needs Update": "pdf"}
