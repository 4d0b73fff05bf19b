"""Meeting start times as councils write them (``crawler.when``): every shape read, nothing guessed."""

from __future__ import annotations

import datetime as dt

import pytest
from crawl_support import rows
from spider_support import Answer, answer, spider_for

from crawler.items import MeetingFound
from crawler.spiders.base import fingerprint
from crawler.when import find_date_and_time, find_time, parse_time
from sendwatch.core.config import Config
from sendwatch.core.storage.models import Meeting
from sendwatch.demo.site import FORUM, DemoSite, sample_council


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.00 am", dt.time(10, 0)),  # ModernGov's <meetingtime>
        ("2.00 pm", dt.time(14, 0)),
        ("6.30 pm", dt.time(18, 30)),
        ("2:00pm", dt.time(14, 0)),
        ("2.00 p.m.", dt.time(14, 0)),
        ("10 a.m.", dt.time(10, 0)),
        ("10am", dt.time(10, 0)),
        ("2 PM", dt.time(14, 0)),
        ("12.00 pm", dt.time(12, 0)),
        ("12.30 am", dt.time(0, 30)),
        ("14:00", dt.time(14, 0)),  # CMIS, 24-hour
        ("09:30", dt.time(9, 30)),
        ("9.30", dt.time(9, 30)),
        ("14.00 hrs", dt.time(14, 0)),
        ("1400hrs", dt.time(14, 0)),
        ("14:00:00", dt.time(14, 0)),
        ("noon", dt.time(12, 0)),
        ("12 noon", dt.time(12, 0)),
        ("Midday", dt.time(12, 0)),
        ("Time: 10.00 am", dt.time(10, 0)),
        ("Time: 1.30pm", dt.time(13, 30)),
        ("10.00am - 12.00pm", dt.time(10, 0)),  # a range: its start
        ("  5.30\u00a0pm ", dt.time(17, 30)),
    ],
)
def test_every_way_councils_write_a_start_time_is_read(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "TBC",
        "Time: to be confirmed",
        "2.00",  # no am/pm, and two in the morning is no meeting time: ambiguous
        "1:30",
        "00:00",  # midnight: printed where no time was entered
        "12.00 am",
        "25:00",
        "10:75",
        "13.00 pm",
        "10-11am",  # a range whose start has no am/pm of its own
        "10/02/2026",
        "10.02.2026",
        "2024",
        "£10.50m",
        "3 amendments",
        "Committee Room 2",
    ],
)
def test_absent_blank_or_unreadable_times_stay_unknown(text: str | None) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("text", "day", "time"),
    [
        ("Schools Forum - Tuesday, 3rd December, 2024 2.00 pm", dt.date(2024, 12, 3), dt.time(14, 0)),  # ModernGov heading
        ("14 Jul 2026\u00a06.00 pm", dt.date(2026, 7, 14), dt.time(18, 0)),  # ieListMeetings link
        ("9 Jul 2026 11:00 - Planning Committee", dt.date(2026, 7, 9), dt.time(11, 0)),  # CMIS list view
        ("3 Aug 2026 - 10:00", dt.date(2026, 8, 3), dt.time(10, 0)),  # CMIS meeting page
        ("Cabinet 2 - 10 Feb 2026", dt.date(2026, 2, 10), None),  # a number before the date is no time
        ("Schools Forum - Tuesday, 3rd December, 2024", dt.date(2024, 12, 3), None),
        ("10:00 Licensing Sub-Committee A", None, dt.time(10, 0)),  # CMIS month view: no date in the link
    ],
)
def test_a_date_and_the_time_after_it_are_read_together(text: str, day: dt.date | None, time: dt.time | None) -> None:
    assert find_date_and_time(text) == (day, time)


def test_the_first_readable_time_in_a_text_is_its_start() -> None:
    assert find_time("Starts 1.30 (informal) then the meeting at 2.00 pm") == dt.time(14, 0)


# --------------------------------------------------------------------------- spiders on saved-shape pages

MODERNGOV = "https://democracy.riverton.example/"
CMIS = "https://cmis.riverton.example/cmis/"


def listed_times(result: Answer) -> dict[str, dt.time | None]:
    """The time each meeting request carries from the list it was found on, by meeting id."""
    return {r.meta["meeting_id"]: r.meta["listed_time"] for r in result.requests if "meeting_id" in r.meta}


def meetings(result: Answer) -> dict[str, MeetingFound]:
    return {meeting.external_id: meeting for meeting in result.of(MeetingFound)}


def test_getmeetings_times_go_with_each_meeting_and_blank_or_missing_ones_stay_unknown() -> None:
    spider = spider_for("moderngov", MODERNGOV)
    result = answer(
        spider,
        "parse_meetings_xml",
        f"{MODERNGOV}mgWebService.asmx/GetMeetings?lCommitteeId=568",
        "moderngov_getmeetings_times.xml",
        committee_id="568",
        committee_title="Schools Forum",
        method="GetMeetings",
    )
    assert listed_times(result) == {
        "8201": dt.time(14, 0),
        "8202": dt.time(10, 0),
        "8203": None,  # <meetingtime> holds only whitespace
        "8204": None,  # "TBC"
        "8205": None,  # no <meetingtime> at all
    }
    [cancelled] = result.of(MeetingFound)  # not asked for again, but its time is kept
    assert (cancelled.external_id, cancelled.status, cancelled.start_time) == ("8206", "Cancelled", dt.time(17, 30))


def test_getmeeting_gives_the_meeting_its_own_time_over_the_listed_one() -> None:
    spider = spider_for("moderngov", MODERNGOV)
    url = f"{MODERNGOV}mgWebService.asmx/GetMeeting?lMeetingId=8202"
    meta = dict(meeting_id="8202", committee_id="568", committee_title="Schools Forum")
    result = answer(spider, "parse_meeting_xml", url, "moderngov_getmeeting_times.xml", listed_time=dt.time(10, 0), **meta)
    assert meetings(result)["8202"].start_time == dt.time(13, 30)  # <meetingtime>, not the linked papers' copies


def test_a_moderngov_meeting_page_heading_gives_the_time_after_its_date() -> None:
    spider = spider_for("moderngov", MODERNGOV)
    meta = dict(meeting_id="8165", committee_id="568", committee_title="Schools Forum")
    url = f"{MODERNGOV}ieListDocuments.aspx?CId=568&MId=8165&Ver=4"
    result = answer(spider, "parse_meeting_html", url, "moderngov_documents_oxford.html", listed_time=None, **meta)
    assert (meetings(result)["8165"].date, meetings(result)["8165"].start_time) == (dt.date(2026, 3, 10), dt.time(18, 0))


def test_a_moderngov_heading_without_a_time_falls_back_on_the_list_and_else_stays_unknown() -> None:
    url = f"{MODERNGOV}ieListDocuments.aspx?CId=568&MId=8203&Ver=4"
    meta = dict(meeting_id="8203", committee_id="568", committee_title="Schools Forum")
    listed = answer(
        spider_for("moderngov", MODERNGOV),
        "parse_meeting_html",
        url,
        "moderngov_documents_no_time.html",
        listed_time=dt.time(16, 0),
        **meta,
    )
    unlisted = answer(
        spider_for("moderngov", MODERNGOV),
        "parse_meeting_html",
        url,
        "moderngov_documents_no_time.html",
        listed_time=None,
        **meta,
    )
    assert meetings(listed)["8203"].start_time == dt.time(16, 0)
    assert meetings(unlisted)["8203"].start_time is None


def test_ielistmeetings_links_carry_their_times_to_the_meeting_pages() -> None:
    spider = spider_for("moderngov", MODERNGOV)
    result = answer(
        spider,
        "parse_meetings_html",
        f"{MODERNGOV}ieListMeetings.aspx?CId=568",
        "moderngov_meetings_recent.html",
        committee_id="568",
        committee_title="Schools Forum",
        listing="first",
    )
    times = listed_times(result)
    assert times and set(times.values()) == {dt.time(18, 0)}  # "14 Jul 2026&nbsp;6.00 pm"


def test_a_cmis_month_view_gives_times_from_links_titles_and_a_time_column() -> None:
    spider = spider_for("cmis", CMIS)
    url = f"{CMIS}Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/2026-09-01/Default.aspx"
    result = answer(spider, "parse_month", url, "cmis_month_times.html", month=dt.date(2026, 9, 1))
    assert listed_times(result) == {
        "15301": dt.time(14, 0),  # "14:00 Schools Forum"
        "15310": dt.time(9, 30),  # the row's time column, for its only meeting
        "15320": None,  # a time column shared by two meetings: whose is it?
        "15321": None,
        "15330": dt.time(14, 0),  # the link's title: "Schools Forum - 29 Sep 2026 2:00pm"
        "15340": None,
    }
    titles = {r.meta["meeting_id"]: r.meta["committee_title"] for r in result.requests}
    assert titles["15301"] == "Schools Forum"  # the time is not left in the committee's name


def test_a_cmis_meeting_page_gives_its_date_time_and_else_the_calendar_time() -> None:
    meeting_url = f"{CMIS}Meetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/15310/Committee/31/Default.aspx"
    meta = dict(meeting_id="15310", committee_id="31", committee_title="Schools Forum")
    timed = answer(
        spider_for("cmis", CMIS), "parse_meeting", meeting_url, "cmis_meeting_documents.html", listed_time=dt.time(9, 30), **meta
    )
    assert meetings(timed)["15310"].start_time == dt.time(14, 0)  # "15 Oct 2026 - 14:00": the page's own
    untimed = answer(
        spider_for("cmis", CMIS), "parse_meeting", meeting_url, "cmis_meeting_no_time.html", listed_time=dt.time(9, 30), **meta
    )
    assert meetings(untimed)["15310"].start_time == dt.time(9, 30)
    unknown = answer(
        spider_for("cmis", CMIS), "parse_meeting", meeting_url, "cmis_meeting_no_time.html", listed_time=None, **meta
    )
    assert (meetings(unknown)["15310"].date, meetings(unknown)["15310"].start_time) == (dt.date(2026, 9, 15), None)


def test_a_moved_time_is_a_changed_meeting_and_no_time_keeps_the_fingerprint_it_had() -> None:
    meeting_url = f"{CMIS}Meetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/15310/Committee/31/Default.aspx"
    meta = dict(meeting_id="15310", committee_id="31", committee_title="Schools Forum")

    def fingerprint_at(listed: dt.time | None) -> str | None:
        result = answer(
            spider_for("cmis", CMIS), "parse_meeting", meeting_url, "cmis_meeting_no_time.html", listed_time=listed, **meta
        )
        return meetings(result)["15310"].fingerprint

    assert fingerprint_at(dt.time(9, 30)) != fingerprint_at(dt.time(10, 0))
    assert fingerprint_at(dt.time(9, 30)) == fingerprint_at(dt.time(9, 30))
    parsed = {"date": "2026-09-15", "status": "Scheduled", "documents": []}
    assert fingerprint_at(None) == fingerprint(parsed)  # as before times were read


# --------------------------------------------------------------------------- crawls over real sockets, stored


def stored_times(config: Config) -> dict[str, dt.time | None]:
    return {meeting.external_id: meeting.start_time for meeting in rows(config, Meeting)}


def published_times(site: DemoSite, slug: str) -> dict[str, dt.time | None]:
    forum = next(c for c in site.council(slug).committees if c.title == FORUM)
    return {str(meeting.id): meeting.time for meeting in forum.meetings}


@pytest.mark.parametrize(
    ("platform", "variants"),
    [("moderngov", ()), ("moderngov", ("plain_paragraphs",)), ("cmis", ())],
    ids=["moderngov-web-service", "moderngov-pages", "cmis-calendar"],
)
def test_a_crawl_stores_each_meetings_published_time_and_none_where_none_is_published(
    demo, make_config, crawl, today, platform, variants
) -> None:
    site = demo([sample_council("northshire", platform, today, variants=variants)])
    if variants:  # a page variant: the web service is off, as on such sites
        site.set_web_service("northshire", "not_found")
    config = make_config(site, ["northshire"])

    assert crawl(config)["northshire"].outcome == "ok"

    published = published_times(site, "northshire")
    assert stored_times(config) == published
    assert dt.time(14, 0) in published.values() and None in published.values()  # the shapes under test are there


def test_a_time_moved_on_the_site_moves_in_the_database_and_marks_the_meeting_changed(demo, make_config, crawl, today) -> None:
    site = demo([sample_council("northshire", "moderngov", today)])
    config = make_config(site, ["northshire"])
    crawl(config)
    forum = next(c for c in site.council("northshire").committees if c.title == FORUM)
    moved = next(m for m in forum.meetings if m.time is not None and m.date >= today - dt.timedelta(days=100))
    before = {m.external_id: m.changed_at for m in rows(config, Meeting)}

    moved.time = dt.time(16, 30)
    crawl(config)

    after = {m.external_id: m for m in rows(config, Meeting)}
    assert after[str(moved.id)].start_time == dt.time(16, 30)
    assert after[str(moved.id)].changed_at != before[str(moved.id)]
    assert [key for key, row in after.items() if row.changed_at != before[key]] == [str(moved.id)]
