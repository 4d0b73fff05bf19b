"""The demo's own councils, crawled over real sockets: every council that shows a shape is read.

``sendwatch demo`` and the end-to-end tests crawl these three councils; between them they show
shapes real sites have (``sendwatch.demo.councils``): dates with a time after them in the web
service, numeric and ISO dates on the pages, a postponed meeting, a cancelled one struck through
or with its status after the committee in a CMIS calendar, lower-case links, a paper linked by
its file path (``Data/...``), a forum titled with a typographic apostrophe, and a web service
that lists no committees. Each test takes every demo council showing one shape, so a shape given
to another council later is checked there too.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.request

import pytest
from crawl_support import rows
from variant_support import VariantCrawl, crawl_twice

from sendwatch.core.storage.models import Committee, Document, Meeting
from sendwatch.demo.councils import RIVERTON_WEB_SERVICE, demo_councils
from sendwatch.demo.site import DemoCouncil, DemoMeeting, DemoSite
from sendwatch.demo.site.sample import WITHDRAWN_REPORT

TODAY = dt.date.today()
COUNCILS = {council.slug: council for council in demo_councils(TODAY)}


def showing(variant: str) -> list[str]:
    """The demo councils whose site shows ``variant``; none would leave its test checking nothing."""
    slugs = [slug for slug, council in COUNCILS.items() if variant in council.variants]
    assert slugs, f"no demo council shows {variant}"
    return slugs


@pytest.fixture(scope="module")
def crawls(tmp_path_factory) -> dict[str, VariantCrawl]:
    """Each demo council crawled twice, on the site the demo serves (Riverton's web service as the demo sets it)."""
    site = DemoSite(demo_councils(TODAY), today=TODAY).start()
    try:
        site.set_web_service("riverton", RIVERTON_WEB_SERVICE)
        yield {
            slug: crawl_twice(site, slug, tmp_path_factory.mktemp(slug), since=(TODAY - dt.timedelta(days=120)).isoformat())
            for slug in COUNCILS
        }
    finally:
        site.stop()


def spec(crawl: VariantCrawl) -> DemoCouncil:
    return crawl.site.council(crawl.slug)


def forum_meetings(crawl: VariantCrawl) -> list[DemoMeeting]:
    return [
        meeting for committee in spec(crawl).committees if "forum" in committee.title.lower() for meeting in committee.meetings
    ]


def taking_place(meeting: DemoMeeting) -> bool:
    return meeting.status.lower() not in ("cancelled", "postponed")


def stored_papers(crawl: VariantCrawl, meeting: DemoMeeting) -> list[Document]:
    """The papers stored under a meeting (item texts composed from the pages left out)."""
    row = crawl.meeting_row(meeting)
    return [d for d in rows(crawl.config, Document, meeting_id=row.id) if d.kind != "html" or d.title not in item_titles(meeting)]


def item_titles(meeting: DemoMeeting) -> set[str]:
    return {item.title for item in meeting.items}


@pytest.mark.parametrize("slug", list(COUNCILS))
def test_every_demo_council_is_crawled_ok_with_no_errors(crawls, slug):
    crawl = crawls[slug]
    assert crawl.first.outcome == "ok", crawl.first
    assert not crawl.first.errors, crawl.first.errors
    assert crawl.second.outcome == "ok" and (crawl.second.documents_new, crawl.second.documents_changed) == (0, 0)


@pytest.mark.parametrize("slug", list(COUNCILS))
def test_every_paper_of_a_forum_meeting_taking_place_is_fetched(crawls, slug):
    crawl = crawls[slug]
    for meeting in filter(taking_place, forum_meetings(crawl)):
        fetched = {d.title for d in stored_papers(crawl, meeting) if d.fetch_state == "ok"}
        assert {document.title for document in meeting.all_documents()} <= fetched, (meeting.date, fetched)


@pytest.mark.parametrize(
    ("slug", "variant"),
    [(slug, variant) for variant in ("xml_dates_with_time", "numeric_dates", "iso_dates") for slug in showing(variant)],
)
def test_dates_as_each_site_writes_them_give_every_forum_meeting_its_date_and_time(crawls, slug, variant):
    crawl = crawls[slug]
    for meeting in forum_meetings(crawl):
        row = crawl.meeting_row(meeting)
        assert row.date == meeting.date
        if taking_place(meeting) or COUNCILS[slug].platform == "cmis":
            assert row.start_time == meeting.time


@pytest.mark.parametrize("slug", showing("postponed_meeting"))
def test_a_postponed_meeting_is_recorded_postponed_with_no_papers(crawls, slug):
    crawl = crawls[slug]
    [postponed] = [meeting for meeting in forum_meetings(crawl) if meeting.status == "Postponed"]
    assert crawl.meeting_row(postponed).status == "Postponed"
    assert stored_papers(crawl, postponed) == []


@pytest.mark.parametrize("slug", sorted({*showing("struck_through"), *showing("status_after_name")}))
def test_a_cancelled_meeting_is_recorded_and_neither_its_page_nor_its_withdrawn_report_fetched(crawls, slug):
    # Struck through on a ModernGov list (Riverton), its status after the committee in a CMIS calendar (Northfield).
    crawl = crawls[slug]
    [cancelled] = [meeting for meeting in forum_meetings(crawl) if meeting.status == "Cancelled"]
    assert crawl.meeting_row(cancelled).status == "Cancelled"
    opened = [path for path in crawl.first_requests if re.search(rf"(?:mid=|/meeting/){cancelled.id}\b", path, re.I)]
    assert opened == []
    [report] = cancelled.all_documents()
    assert report.title == WITHDRAWN_REPORT and sum(crawl.first_bodies.values()) == sum(
        len(meeting.all_documents()) for meeting in filter(taking_place, forum_meetings(crawl))
    )
    assert WITHDRAWN_REPORT not in {d.title for d in rows(crawl.config, Document)}


@pytest.mark.parametrize("slug", showing("status_after_name"))
def test_a_status_after_the_committee_in_the_calendar_cancels_the_meeting_not_the_committee(crawls, slug):
    crawl = crawls[slug]
    [cancelled] = [meeting for meeting in forum_meetings(crawl) if meeting.status == "Cancelled"]
    assert crawl.meeting_row(cancelled).status == "Cancelled"
    titles = {c.title for c in rows(crawl.config, Committee)}
    assert not [title for title in titles if "CANCELLED" in title.upper()], titles


@pytest.mark.parametrize("slug", showing("data_paper_paths"))
def test_papers_linked_by_file_path_are_fetched_from_that_path(crawls, slug):
    crawl = crawls[slug]
    item_papers = [doc for m in filter(taking_place, forum_meetings(crawl)) for item in m.items for doc in item.documents]
    assert item_papers
    base = crawl.site.base_url(slug)
    stored = {d.title: d for d in rows(crawl.config, Document)}
    for paper in item_papers:
        found = next(d for d in stored.values() if d.url.startswith(f"{base}Data/") and d.url.endswith(paper.file_name))
        assert found.fetch_state == "ok" and found.sha256
        assert crawl.first_bodies[found.url.removeprefix(crawl.site.origin(slug))] == 1


@pytest.mark.parametrize("slug", showing("lower_case_links"))
def test_meetings_linked_in_lower_case_are_all_found(crawls, slug):
    crawl = crawls[slug]
    lists = [path for path in crawl.first_requests if re.search(r"ielistmeetings|meetingcalendarpublicnojava", path, re.I)]
    links = [href for path in lists for href in meeting_links(crawl.site.origin(slug) + path)]
    assert links and all(href == href.lower() for href in links), links
    read = {m.external_id for m in rows(crawl.config, Meeting)}
    assert {str(meeting.id) for meeting in forum_meetings(crawl)} <= read


def meeting_links(url: str) -> list[str]:
    """The meeting links on a list or calendar page, as the site writes them."""
    with urllib.request.urlopen(url, timeout=10) as answer:
        page = answer.read().decode("utf-8")
    return [href for href in re.findall(r'href="([^"]+)"', page) if re.search(r"listdocuments|viewmeetingpublic", href, re.I)]


@pytest.mark.parametrize("slug", showing("typographic_apostrophes"))
def test_a_forum_titled_with_a_typographic_apostrophe_is_selected(crawls, slug):
    crawl = crawls[slug]
    [forum] = [c for c in rows(crawl.config, Committee) if c.title == "Schools\u2019 Forum"]
    meetings = {m.external_id for m in rows(crawl.config, Meeting, committee_id=forum.id)}
    assert meetings == {str(meeting.id) for meeting in forum_meetings(crawl)}


def test_a_web_service_listing_no_committees_sends_riverton_s_crawl_to_its_pages(crawls):
    crawl = crawls["riverton"]
    assert any("lists no committees" in note for note in crawl.first.notes), crawl.first.notes
    assert crawl.first_requests["/moderngov/mgWebService.asmx/GetCommittees"] == 1
    assert [path for path in crawl.first_requests if path.lower().startswith("/moderngov/ielistdocuments.aspx")]
