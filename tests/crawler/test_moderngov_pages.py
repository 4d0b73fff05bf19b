"""ModernGov parsing on saved-shape pages (``pages/``, written by us on real shapes): one field per test."""

from __future__ import annotations

import datetime as dt

import pytest
from spider_support import answer, spider_for

from crawler.items import EXEMPT, AgendaItemFound, DocumentFound, MeetingFound, VariantSeen

BASE = "https://democracy.riverton.example/"


@pytest.fixture(scope="module")
def oxford():
    """``ieListDocuments`` in Oxford's shape: titles linking straight to reports, AI anchors, plain paragraphs."""
    spider = spider_for("moderngov", BASE)
    return answer(
        spider,
        "parse_meeting_html",
        f"{BASE}ieListDocuments.aspx?CId=568&MId=8165&Ver=4",
        "moderngov_documents_oxford.html",
        meeting_id="8165",
        committee_id="568",
        committee_title="Schools Forum",
    )


def items(result) -> dict[str, AgendaItemFound]:
    return {item.external_id: item for item in result.of(AgendaItemFound)}


def papers(result) -> dict[str, DocumentFound]:
    """Fetched-to-be papers by title (the requests' documents), without the items' composed text."""
    found = [request.meta["document"] for request in result.requests if "document" in request.meta]
    return {document.title: document for document in found}


def test_every_item_row_is_an_item_keyed_by_its_anchor(oxford):
    assert list(items(oxford))[:4] == ["31001", "31002", "31003", "31004"]


def test_a_numbered_row_without_id_or_title_class_is_kept_by_position(oxford):
    last = list(items(oxford).values())[-1]
    assert (last.external_id, last.title, last.number) == ("item-5", "Any other business", "5.")
    assert "date of the next meeting" in last.agenda_html


def test_a_table_inside_an_items_text_is_not_an_item(oxford):
    assert "Special school places" not in {item.title for item in items(oxford).values()}


def test_item_titles_leave_out_the_linked_files_size(oxford):
    assert [item.title for item in items(oxford).values()][:4] == [
        "Apologies for absence",
        "Minutes of the previous meeting",
        "High needs block update",
        "Schools budget 2026-27",
    ]


def test_item_numbers(oxford):
    assert [item.number for item in items(oxford).values()] == ["1.", "2.", "3.", "4.", "5."]


def test_items_without_an_mgai_link_still_have_its_url(oxford):
    assert items(oxford)["31003"].url == f"{BASE}mgAi.aspx?ID=31003"


def test_item_text_in_plain_paragraphs_is_read(oxford):
    text = items(oxford)["31003"].agenda_html
    assert "spending against the high needs block" in text and "note the forecast" in text
    assert "Independent placements" in text  # the table of figures stays with its item


def test_the_supporting_documents_label_and_list_are_not_item_text(oxford):
    assert "Appendix 1" not in items(oxford)["31003"].agenda_html


def test_mgwordpara_text_and_minutes_are_still_read(oxford):
    item = items(oxford)["31004"]
    assert "schools budget" in item.agenda_html and "transfer of 0.5%" in item.minutes_html


def test_the_report_an_item_title_links_to_is_that_items_paper(oxford):
    minutes = papers(oxford)["Minutes 10 Feb"]
    assert minutes.agenda_item_id == "31002" and minutes.url == f"{BASE}mgConvert2PDF.aspx?ID=90579"


def test_a_paper_is_fetched_as_the_page_links_it(oxford):
    assert papers(oxford)["High needs block update"].fetch_url == f"{BASE}documents/s90588/High%20needs%20block%20update.pdf"


def test_a_supporting_word_document_belongs_to_its_item_and_says_what_it_is(oxford):
    appendix = papers(oxford)["Appendix 1 forecast"]
    assert (appendix.agenda_item_id, appendix.kind) == ("31003", "docx")


def test_the_reports_pack_is_a_meeting_paper(oxford):
    pack = next(document for title, document in papers(oxford).items() if "pack" in title.lower())
    assert pack.is_pack and pack.agenda_item_id is None


def test_the_meeting_date_comes_from_the_heading(oxford):
    assert oxford.of(MeetingFound)[0].date == dt.date(2026, 3, 10)


def test_the_page_shapes_are_named(oxford):
    assert {"items_link_to_reports", "plain_paragraphs"} <= {variant.code for variant in oxford.of(VariantSeen)}


# --------------------------------------------------------------------------- the meetings list


def meetings_list(page: str, committee_id: str, since: dt.date):
    """What the spider makes of a committee's ``ieListMeetings`` page, crawling back to ``since``."""
    spider = spider_for("moderngov", BASE, since=since)
    return answer(
        spider,
        "parse_meetings_html",
        f"{BASE}ieListMeetings.aspx?CommitteeId={committee_id}",
        page,
        committee_id=committee_id,
        committee_title="Schools Forum",
        listing="first",
    )


@pytest.fixture(scope="module")
def recent():
    return meetings_list("moderngov_meetings_recent.html", "568", since=dt.date(2025, 6, 1))


def test_listed_meetings_are_fetched_from_their_pages(recent):
    asked = [request.meta["meeting_id"] for request in recent.requests if request.meta.get("meeting_id")]
    assert sorted(asked) == ["8162", "8165", "8510"]


def test_a_meeting_marked_cancelled_is_recorded_and_not_fetched(recent):
    cancelled = recent.of(MeetingFound)
    assert [(m.external_id, m.status, m.date) for m in cancelled] == [("8163", "Cancelled", dt.date(2026, 3, 24))]


def test_earlier_meetings_are_followed_while_they_reach_past_since(recent):
    assert [r.url for r in recent.requests if "Act=earlier" in r.url] == [
        f"{BASE}ieListMeetings.aspx?Act=earlier&CId=568&D=202602240000&MD=ielistmeetings"
    ]


def test_earlier_meetings_are_not_followed_before_since():
    result = meetings_list("moderngov_meetings_recent.html", "568", since=dt.date(2026, 3, 1))
    assert not [r for r in result.requests if "Act=earlier" in r.url]


def test_the_year_form_is_not_needed(recent):
    assert not [r for r in recent.requests if r.method == "POST"]


@pytest.fixture(scope="module")
def senedd():
    return meetings_list("moderngov_meetings_senedd.html", "702", since=dt.date(2025, 6, 1))


def test_celistdocuments_links_are_meetings_read_from_iellistdocuments(senedd):
    assert sorted(r.url for r in senedd.requests if r.meta.get("meeting_id")) == [
        f"{BASE}ieListDocuments.aspx?CId=702&MId={mid}&Ver=4" for mid in ("2277", "2279", "2281")
    ]


def test_a_celistdocuments_link_is_kept_to_fall_back_on(senedd):
    first = next(r for r in senedd.requests if r.meta.get("meeting_id") == "2281")
    assert first.meta["listed_url"].startswith(f"{BASE}CeListDocuments.aspx?CommitteeId=702&MeetingId=2281")


def test_the_date_of_a_link_without_one_comes_from_df():
    result = meetings_list("moderngov_meetings_senedd.html", "702", since=dt.date(2025, 10, 1))
    assert sorted(r.meta["meeting_id"] for r in result.requests if r.meta.get("meeting_id")) == ["2279", "2281"]


# --------------------------------------------------------------------------- the web service


@pytest.fixture(scope="module")
def lambeth():
    spider = spider_for("moderngov", BASE)
    return answer(
        spider,
        "parse_meeting_xml",
        f"{BASE}mgWebService.asmx/GetMeeting?lMeetingId=7102",
        "moderngov_getmeeting_escaped_twice.xml",
        meeting_id="7102",
        committee_id="90",
        committee_title="Schools Forum",
    )


def test_titles_escaped_twice_are_unescaped_exactly_once(lambeth):
    assert [item.title for item in lambeth.of(AgendaItemFound)] == [
        "Chair's Communications",
        "Fees & Charges for Traded Services",
        "High Needs Block: Safety Valve monitoring",
    ]


def test_paper_titles_escaped_twice_are_unescaped_once(lambeth):
    assert "Fees & Charges 2026-27" in papers(lambeth)


def test_items_without_ids_are_keyed_by_position(lambeth):
    assert [item.external_id for item in lambeth.of(AgendaItemFound)] == ["item-1", "item-2", "40222"]


def test_a_restricted_paper_is_exempt_and_not_requested(lambeth):
    exempt = [d for d in lambeth.of(DocumentFound) if d.fetch_state == EXEMPT]
    assert [d.title for d in exempt] == ["Exempt appendix - provider rates"]
    assert "Exempt appendix - provider rates" not in papers(lambeth)


def test_raw_html_elements_in_agendatext_are_read(lambeth):
    item = lambeth.of(AgendaItemFound)[1]
    assert "fees for <b>2026-27</b>" in item.agenda_html and "noted the report" in item.minutes_html


def test_escaped_html_in_agendatext_is_read_with_its_entities_once(lambeth):
    assert "schools' funding announcement" in lambeth.of(AgendaItemFound)[0].agenda_html


def test_the_web_service_shapes_are_named(lambeth):
    assert {"titles_escaped_twice", "items_without_ids", "exempt_papers", "raw_html_agendatext"} <= {
        variant.code for variant in lambeth.of(VariantSeen)
    }


def test_malformed_raw_html_is_read_as_text_not_given_up():
    spider = spider_for("moderngov", BASE)
    result = answer(
        spider,
        "parse_meeting_xml",
        f"{BASE}mgWebService.asmx/GetMeeting?lMeetingId=7103",
        "moderngov_getmeeting_malformed_html.xml",
        meeting_id="7103",
        committee_id="90",
        committee_title="Schools Forum",
    )
    item = result.of(AgendaItemFound)[0]
    assert "£9.1m" in item.agenda_html and "noted the outturn" in item.minutes_html
    assert "DSG outturn report" in papers(result)


@pytest.fixture(scope="module")
def forum_meetings():
    """``GetMeetings`` for a forum whose March meeting is cancelled."""
    spider = spider_for("moderngov", BASE)
    return answer(
        spider,
        "parse_meetings_xml",
        f"{BASE}mgWebService.asmx/GetMeetings?lCommitteeId=568&sFromDate=01/06/2025&sToDate=20/08/2026",
        "moderngov_getmeetings_cancelled.xml",
        committee_id="568",
        committee_title="Schools Forum",
        method="GetMeetings",
    )


def test_getmeeting_is_asked_only_for_meetings_not_cancelled(forum_meetings):
    assert [request.meta["meeting_id"] for request in forum_meetings.requests] == ["8171", "8173"]


def test_a_meeting_the_web_service_lists_as_cancelled_is_recorded_as_cancelled(forum_meetings):
    recorded = forum_meetings.of(MeetingFound)
    assert [(m.external_id, m.status, m.date, m.committee_id) for m in recorded] == [
        ("8172", "Cancelled", dt.date(2026, 3, 18), "568")
    ]


def test_why_a_cancelled_meeting_was_not_asked_for_is_said(forum_meetings):
    [variant] = [v for v in forum_meetings.of(VariantSeen) if v.code == "cancelled_in_service"]
    assert "8172" in variant.detail and "Cancelled" in variant.detail


@pytest.fixture(scope="module")
def all_by_date():
    """``GetAllMeetingsByDate`` (asked after ``GetMeetings`` failed): one flat list naming each meeting's committee."""
    spider = spider_for("moderngov", BASE)
    return answer(
        spider,
        "parse_meetings_xml",
        f"{BASE}mgWebService.asmx/GetAllMeetingsByDate?lCommitteeId=568&sFromDate=01/06/2025&sToDate=20/08/2026",
        "moderngov_getallmeetingsbydate.xml",
        committee_id="568",
        committee_title="Schools Forum",
        method="GetAllMeetingsByDate",
    )


def test_a_flat_list_of_every_committees_meetings_yields_only_this_committees(all_by_date):
    assert [request.meta["meeting_id"] for request in all_by_date.requests] == ["8301", "8304"]
    assert [(m.external_id, m.status, m.date) for m in all_by_date.of(MeetingFound)] == [
        ("8303", "Cancelled", dt.date(2026, 1, 13))
    ]


def test_the_route_taken_is_named(all_by_date):
    assert "getallmeetingsbydate" in {variant.code for variant in all_by_date.of(VariantSeen)}
