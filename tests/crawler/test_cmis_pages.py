"""CMIS parsing on saved-shape pages (``pages/``, written by us, modelled on real CMIS pages): one field per test."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from scrapy.http import Response
from spider_support import answer, spider_for

from crawler.items import WOULD_FETCH, CrawlProblem, DocumentFound, VariantSeen

SITE = "https://cmis.riverton.example/cmis/"


def test_the_calendar_tab_is_followed_from_the_navigation_not_the_committees_tab():
    spider = spider_for("cmis", SITE)
    result = answer(spider, "parse_entry", SITE, "cmis_home_navigation.html", entry=True, hops=0, tried=[SITE])
    assert [r.url for r in result.requests] == [f"{SITE}CalendarofMeetings/tabid/70/Default.aspx"]


def test_a_page_with_no_way_to_the_calendar_is_a_clear_error():
    spider = spider_for("cmis", SITE)
    tried = [SITE, f"{SITE}CalendarofMeetings/tabid/70/Default.aspx"]
    result = answer(
        spider, "parse_entry", f"{SITE}Home/tabid/36/Default.aspx", "cmis_home_navigation.html", entry=True, hops=1, tried=tried
    )
    problems = result.of(CrawlProblem)
    assert not result.requests and "no CMIS meetings calendar" in problems[0].message and problems[0].entry


def test_a_calendar_page_with_no_meetings_this_month_gives_its_module_from_the_element_ids():
    spider = spider_for("cmis", "https://cmis.riverton.example/cmis5/")
    result = answer(
        spider,
        "parse_entry",
        "https://cmis.riverton.example/cmis5/Meetings.aspx",
        "cmis_calendar_friendly_url.html",
        entry=True,
        hops=1,
        tried=[],
    )
    months = [r.url for r in result.requests]
    assert months and all(
        url.startswith("https://cmis.riverton.example/cmis5/Meetings/tabid/73/ctl/MeetingCalendarPublicNoJava/mid/410/Date/")
        for url in months
    )


def test_a_configured_module_url_under_any_tab_is_used_as_it_is():
    spider = spider_for(
        "cmis",
        "https://cambridgeshire.cmis.example/ccc_live/MeetingsCalendar/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/1/Committee/2/Default.aspx",
    )

    async def first_requests():
        return [request async for request in spider.start()]

    # In a thread of its own: a test file run before this one on the same worker may leave an
    # event loop running in the main thread (Scrapy's asyncio reactor), where asyncio.run refuses.
    with ThreadPoolExecutor(1) as pool:
        urls = [r.url for r in pool.submit(asyncio.run, first_requests()).result()]
    assert urls[0].startswith(
        "https://cambridgeshire.cmis.example/ccc_live/MeetingsCalendar/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/"
    )


@pytest.fixture(scope="module")
def meeting():
    spider = spider_for("cmis", SITE)
    return answer(
        spider,
        "parse_meeting",
        f"{SITE}CalendarofMeetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/15042/Committee/4/Default.aspx",
        "cmis_meeting_documents.html",
        meeting_id="15042",
        committee_id="4",
        committee_title="Schools Forum",
    )


def kinds(result) -> dict[str, str]:
    return {r.meta["document"].title: r.meta["document"].kind for r in result.requests if "document" in r.meta}


def test_the_file_type_icon_is_the_papers_hint(meeting):
    assert kinds(meeting)["Agenda Reports Pack - 15th October 2026"] == "pdf"
    assert kinds(meeting)["High Needs Recovery Plan update"] == "doc"


def test_a_document_ashx_link_without_an_icon_names_no_format(meeting):
    assert kinds(meeting)["Schools Forum membership list"] == "unknown"


def test_a_calendar_tab_with_another_name_is_named():
    spider = spider_for("cmis", SITE)
    result = answer(
        spider,
        "parse_entry",
        f"{SITE}CalendarofMeetings/tabid/70/Default.aspx",
        "cmis_listview_calendar_tab.html",
        entry=True,
        hops=1,
        tried=[SITE],
    )
    assert [v.code for v in result.of(VariantSeen)] == ["calendar_tab"]
    assert result.requests[0].url.startswith(f"{SITE}CalendarofMeetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/")


def test_a_probe_asks_a_link_that_names_no_format_for_its_declared_type():
    spider = spider_for("cmis", SITE)
    spider.probe = True
    paper = DocumentFound(url=f"{SITE}Document.ashx?a=1", title="Membership list", kind="unknown")

    request = spider.document_request(paper)
    answered = list(
        spider.paper_probed(
            Response(
                request.url,
                status=200,
                request=request,
                headers={"Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
            )
        )
    )

    assert request.method == "HEAD"
    assert (answered[0].kind, answered[0].fetch_state) == ("docx", WOULD_FETCH)


def test_a_probe_does_not_ask_for_a_paper_whose_link_names_its_format():
    spider = spider_for("cmis", SITE)
    spider.probe = True
    paper = spider.document_request(DocumentFound(url=f"{SITE}Document.ashx?a=2", title="Pack", kind="pdf"))
    assert isinstance(paper, DocumentFound) and paper.fetch_state == WOULD_FETCH
