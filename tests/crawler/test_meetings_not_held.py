"""Meetings that will not take place: one rule on both platforms (``crawler.spiders.base.papers_are_read``).

A cancelled meeting is recorded as cancelled and none of its papers is asked for, wherever the
site says so: ModernGov's ``GetMeetings`` or meetings list, a CMIS calendar entry, or only the
meeting's own page (``GetMeeting``, the ``ieListDocuments`` heading, a CMIS "Status:" field). A
postponed meeting is recorded as postponed and its papers are read; listed again under the new
date they are read once. A cancelled meeting reinstated is read on the next crawl. Each council
is a demo site crawled over real sockets (``variant_support.crawl_twice``); its cancelled meeting
still links a withdrawn report that would change the council's status if it were read.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from crawl_support import rows
from variant_support import OncePerKey, VariantCrawl, crawl_twice

from crawler import crawl_councils
from extractors.pipeline import extract_documents, pending_document_ids
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Document
from sendwatch.core.vocabulary import Platform
from sendwatch.demo.site import FORUM, DemoCommittee, DemoCouncil, DemoDocument, DemoItem, DemoMeeting, DemoSite
from sendwatch.demo.site.cmis_pages import tab_path
from sendwatch.demo.site.moderngov_pages import mg_list_documents, mg_meeting_xml
from sendwatch.demo.site.sample import WITHDRAWN_REPORT, withdrawn_meeting

TODAY = dt.date.today()


@dataclass(frozen=True)
class Route:
    """How a site says a meeting is cancelled: its platform, the shapes it shows, whether ModernGov's
    web service answers, and where the status shows (``list``: before the meeting's page; ``page``:
    only on it)."""

    platform: Platform
    variants: frozenset[str]
    web_service: str
    shown: str


ROUTES = {
    "getmeetings": Route("moderngov", frozenset(), "on", "list"),
    "meetings_list": Route("moderngov", frozenset(), "not_found", "list"),
    "getmeeting": Route("moderngov", frozenset(), "on", "page"),
    "page_heading": Route("moderngov", frozenset(), "not_found", "page"),
    "cmis_calendar": Route("cmis", frozenset({"status_after_name"}), "on", "list"),
    "cmis_page": Route("cmis", frozenset(), "on", "page"),
}


@dataclass
class Crawled:
    route: Route
    run: VariantCrawl
    held: DemoMeeting
    cancelled: DemoMeeting
    postponed: DemoMeeting

    @property
    def site(self) -> DemoSite:
        return self.run.site

    @property
    def slug(self) -> str:
        return self.run.slug

    def papers_of(self, meeting: DemoMeeting) -> list[Document]:
        return [d for d in rows(self.run.config, Document, meeting_id=self.run.meeting_row(meeting).id) if d.kind != "html"]


def forum_council(slug: str, route: Route) -> tuple[DemoCouncil, DemoMeeting, DemoMeeting, DemoMeeting]:
    """A council whose forum met, cancelled a meeting (its withdrawn report still linked) and postponed one."""
    held = DemoMeeting(
        date=TODAY - dt.timedelta(days=40),
        items=[DemoItem("High Needs Block update", "<p>To note the update.</p>", "", [paper("High Needs Block report")])],
    )
    postponed = DemoMeeting(
        date=TODAY - dt.timedelta(days=10),
        status="Postponed",
        items=[DemoItem("DSG recovery plan", "<p>To consider the plan.</p>", "", [paper("DSG recovery plan 2026-27")])],
    )
    council = DemoCouncil(
        slug=slug,
        name="Lowfield Borough Council",
        platform=route.platform,
        mount="/" if route.platform == "moderngov" else "/cmis/",
        variants=set(route.variants),
    )
    cancelled = withdrawn_meeting(council, TODAY - dt.timedelta(days=25))
    council.committees = [DemoCommittee(FORUM, [held, cancelled, postponed])]
    return council, held, cancelled, postponed


def paper(title: str) -> DemoDocument:
    return DemoDocument(
        title, [f"{title}: the forecast high needs position for the year."], published=TODAY - dt.timedelta(days=50)
    )


def say_cancelled_only_on_its_page(site: DemoSite, slug: str, meeting: DemoMeeting) -> None:
    """Leave the list (or ``GetMeetings``) showing the meeting as confirmed, its own page saying it is cancelled."""
    meeting.status = "Confirmed"
    serve_own_page(site, slug, meeting, "Cancelled")


def serve_own_page(site: DemoSite, slug: str, meeting: DemoMeeting, status: str) -> None:
    """Serve the meeting's ``ieListDocuments`` page and ``GetMeeting`` as the site renders them for this status."""
    council = site.council(slug)
    committee = council.committees[0]
    shown = replace(meeting, status=status)
    site.serve_saved(slug, meeting_page(committee, meeting), mg_list_documents(council, committee, shown).encode("utf-8"))
    xml = mg_meeting_xml(site.base_url(slug), council, committee, shown).encode("utf-8")
    site.serve_saved(slug, f"/mgWebService.asmx/GetMeeting?lMeetingId={meeting.id}", xml, "text/xml; charset=utf-8")


def reinstate(crawled: Crawled) -> None:
    """The council takes the cancellation back: its list and its page no longer say it."""
    crawled.cancelled.status = "Confirmed"
    if crawled.route.platform == "moderngov" and crawled.route.shown == "page":
        serve_own_page(crawled.site, crawled.slug, crawled.cancelled, "Confirmed")


def meeting_page(committee: DemoCommittee, meeting: DemoMeeting) -> str:
    return f"/ieListDocuments.aspx?CId={committee.id}&MId={meeting.id}&Ver=4"


def crawl_route(name: str, folder: Path) -> Crawled:
    """The route's council on a site of its own, crawled twice."""
    route = ROUTES[name]
    council, held, cancelled, postponed = forum_council("lowfield", route)
    site = DemoSite([council], today=TODAY).start()
    try:
        if route.platform == "moderngov":
            site.set_web_service("lowfield", route.web_service)
            if route.shown == "page":
                say_cancelled_only_on_its_page(site, "lowfield", cancelled)
        run = crawl_twice(site, "lowfield", folder)
    except BaseException:
        site.stop()
        raise
    return Crawled(route, run, held, cancelled, postponed)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Each route's crawl, made on first use (once per test worker)."""

    def build(name: str):
        result = crawl_route(name, tmp_path_factory.mktemp(name))
        return result, result.site

    runs = OncePerKey(build)
    yield runs
    runs.stop()


def report_links(crawled: Crawled) -> list[str]:
    """The paths the site links the withdrawn report by: ModernGov's canonical and file links, or the
    ``Document.ashx`` link the CMIS meeting page shows (read now, after the crawls were counted)."""
    [report] = crawled.cancelled.all_documents()
    council = crawled.site.council(crawled.slug)
    if council.platform == "moderngov":
        return [f"/mgConvert2PDF.aspx?ID={report.id}", f"/documents/s{report.id}/"]
    month = f"{tab_path(council)}ctl/MeetingCalendarPublicNoJava/mid/{council.cmis_module}/Date/"
    calendar = read_page(crawled, f"{month}{crawled.cancelled.date.replace(day=1).isoformat()}/Default.aspx")
    page = re.search(rf'href="[^"]*?({re.escape(council.mount)}[^"]*/Meeting/{crawled.cancelled.id}/[^"]*)"', calendar, re.I)
    assert page, "the calendar links the cancelled meeting"
    link = re.search(
        r'href="([^"]*Document\.ashx\?[^"]+)"[^>]*>' + re.escape(WITHDRAWN_REPORT), read_page(crawled, page.group(1))
    )
    assert link, "the cancelled meeting's page still links the withdrawn report"
    return [link.group(1)]


def read_page(crawled: Crawled, path: str) -> str:
    with urllib.request.urlopen(crawled.site.origin(crawled.slug) + path, timeout=10) as answer:
        return answer.read().decode("utf-8")


def asked(crawled: Crawled) -> list[str]:
    return [*crawled.run.first_requests, *crawled.run.second_requests]


# --------------------------------------------------------------------------- cancelled


@pytest.mark.parametrize("route", ROUTES)
def test_a_cancelled_meeting_is_recorded_cancelled(crawled, route):
    run = crawled(route)
    assert run.run.first.outcome == "ok" and not run.run.first.errors, run.run.first
    assert run.run.meeting_row(run.cancelled).status == "Cancelled"


@pytest.mark.parametrize("route", ROUTES)
def test_no_paper_of_a_cancelled_meeting_is_asked_for(crawled, route):
    run = crawled(route)
    links = report_links(run)
    assert not [path for path in asked(run) for link in links if path.startswith(link)], links
    assert run.papers_of(run.cancelled) == []
    assert WITHDRAWN_REPORT not in {d.title for d in rows(run.run.config, Document)}


@pytest.mark.parametrize("route", ROUTES)
def test_no_text_of_a_cancelled_meeting_is_kept_to_read(crawled, route):
    run = crawled(route)
    meeting = run.run.meeting_row(run.cancelled)
    assert rows(run.run.config, Document, meeting_id=meeting.id) == []


@pytest.mark.parametrize("route", [name for name, route in ROUTES.items() if route.shown == "list"])
def test_a_meeting_the_list_marks_cancelled_has_its_page_left_unopened(crawled, route):
    run = crawled(route)
    meeting_id = str(run.cancelled.id)
    opened = [p for p in asked(run) if re.search(rf"(?:mid=|lmeetingid=|/meeting/){meeting_id}\b", p, re.I)]
    assert opened == []


@pytest.mark.parametrize("route", [name for name, route in ROUTES.items() if route.shown == "page"])
def test_a_meeting_only_its_page_calls_cancelled_has_that_page_read_and_nothing_it_links(crawled, route):
    run = crawled(route)
    meeting_id = str(run.cancelled.id)
    assert [p for p in run.run.first_requests if re.search(rf"(?:mid=|lmeetingid=|/meeting/){meeting_id}\b", p, re.I)]
    assert sum(run.run.first_bodies.values()) == len(run.held.all_documents()) + len(run.postponed.all_documents())


# --------------------------------------------------------------------------- postponed


@pytest.mark.parametrize("route", ROUTES)
def test_a_postponed_meeting_is_recorded_postponed_and_its_papers_read(crawled, route):
    run = crawled(route)
    assert run.run.meeting_row(run.postponed).status == "Postponed"
    stored = {d.title: d for d in run.papers_of(run.postponed)}
    assert set(stored) == {"DSG recovery plan 2026-27"} and stored["DSG recovery plan 2026-27"].fetch_state == "ok"


@pytest.mark.parametrize("route", ["getmeetings", "meetings_list", "cmis_calendar"])
def test_a_postponed_meetings_paper_listed_again_under_the_new_date_is_read_once(route, tmp_path):
    run = crawl_route(route, tmp_path)
    try:
        config, site = run.run.config, run.site
        database = open_database(config.database_url)
        try:
            extract_documents(config, database, workers=1)
            [moved] = run.postponed.all_documents()
            again = site.publish_meeting(run.slug, FORUM, relisted(moved))
            result = crawl_councils(config, database)[0]
            assert (result.outcome, result.documents_changed) == ("ok", 0)
            [row] = [d for d in rows(config, Document) if d.title == moved.title and d.kind != "html"]
            assert row.meeting_id in {run.run.meeting_row(again).id, run.run.meeting_row(run.postponed).id}
            assert papers_to_read(config, database) == []
        finally:
            database.dispose()
    finally:
        run.site.stop()


@pytest.mark.parametrize("route", ["getmeetings", "meetings_list", "cmis_calendar"])
def test_a_postponed_meetings_paper_moved_to_a_new_link_under_the_new_date_is_read_once(route, tmp_path):
    run = crawl_route(route, tmp_path)
    try:
        config, site = run.run.config, run.site
        database = open_database(config.database_url)
        try:
            extract_documents(config, database, workers=1)
            [item] = run.postponed.items
            [old] = item.documents
            item.documents = []  # the postponed meeting's page no longer lists it: the new one does, by a new link
            again = site.publish_meeting(run.slug, FORUM, relisted(DemoDocument(old.title, list(old.pages), old.published)))
            result = crawl_councils(config, database)[0]
            assert (result.outcome, result.documents_changed) == ("ok", 0)
            [row] = [d for d in rows(config, Document) if d.title == old.title and d.kind != "html"]
            assert row.meeting_id == run.run.meeting_row(again).id and str(old.id) not in row.url
            assert papers_to_read(config, database) == []
        finally:
            database.dispose()
    finally:
        run.site.stop()


def papers_to_read(config, database) -> list[str]:
    """The papers the reader would read now (the new meeting's agenda text, composed from its page, aside)."""
    pending = set(pending_document_ids(config, database))
    return [d.title for d in rows(config, Document) if d.id in pending and d.kind != "html"]


def relisted(document: DemoDocument) -> DemoMeeting:
    """The postponed business on the forum's next date, with its paper."""
    return DemoMeeting(
        date=TODAY + dt.timedelta(days=14),
        items=[DemoItem("DSG recovery plan", "<p>To consider the plan (postponed from the last meeting).</p>", "", [document])],
    )


# --------------------------------------------------------------------------- reinstated


@pytest.mark.parametrize("route", ROUTES)
def test_a_cancelled_meeting_reinstated_is_read_on_the_next_crawl(route, tmp_path):
    run = crawl_route(route, tmp_path)
    try:
        before = run.run.meeting_row(run.cancelled)
        reinstate(run)
        database = open_database(run.run.config.database_url)
        try:
            result = crawl_councils(run.run.config, database)[0]
        finally:
            database.dispose()
        after = run.run.meeting_row(run.cancelled)
        assert result.outcome == "ok" and after.fingerprint != before.fingerprint
        pages_only = run.route.platform == "moderngov" and run.route.web_service == "not_found"
        assert after.status == (None if pages_only else "Confirmed")  # ModernGov's pages show no status but these
        [report] = run.papers_of(run.cancelled)
        assert (report.title, report.fetch_state) == (WITHDRAWN_REPORT, "ok")
    finally:
        run.site.stop()
