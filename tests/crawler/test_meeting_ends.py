"""Meetings' planned finish times: read from ModernGov's GetMeeting where published, kept once known."""

from __future__ import annotations

import datetime as dt

import pytest
from crawl_support import rows
from spider_support import Answer, answer, spider_for

from crawler.items import MeetingFound
from crawler.spiders.base import with_time
from sendwatch.core.config import Config
from sendwatch.core.storage.models import Meeting
from sendwatch.demo.site import FORUM, DemoSite, sample_council
from sendwatch.demo.site.spec import DemoMeeting

MODERNGOV = "https://democracy.riverton.example/"


def meetings(result: Answer) -> dict[str, MeetingFound]:
    return {meeting.external_id: meeting for meeting in result.of(MeetingFound)}


def getmeeting(page: str, meeting_id: str) -> MeetingFound:
    """The meeting ``parse_meeting_xml`` finds in a saved GetMeeting answer."""
    url = f"{MODERNGOV}mgWebService.asmx/GetMeeting?lMeetingId={meeting_id}"
    meta = dict(meeting_id=meeting_id, committee_id="568", committee_title="Schools Forum", listed_time=None)
    return meetings(answer(spider_for("moderngov", MODERNGOV), "parse_meeting_xml", url, page, **meta))[meeting_id]


# --------------------------------------------------------------------------- saved GetMeeting answers


def test_getmeeting_gives_the_planned_finish_time_beside_the_start() -> None:
    found = getmeeting("moderngov_getmeeting_times.xml", "8202")
    assert (found.start_time, found.end_time) == (dt.time(13, 30), dt.time(16, 0))  # "1:30pm", "4.00 pm"


def test_an_empty_planned_finish_stays_unknown() -> None:
    found = getmeeting("moderngov_getmeeting_no_finish.xml", "8203")  # the field holds only a line break
    assert (found.start_time, found.end_time) == (dt.time(10, 0), None)


def test_an_answer_without_the_field_has_no_finish_time() -> None:
    found = getmeeting("moderngov_getmeeting_escaped_twice.xml", "7102")
    assert (found.start_time, found.end_time) == (dt.time(14, 0), None)


def test_no_finish_leaves_the_fingerprint_as_it_was_before_finishes_were_read() -> None:
    parsed = {"date": "2026-05-12", "status": "Confirmed"}
    assert with_time(parsed, dt.time(10, 0)) == {**parsed, "time": "10:00"}  # the shape fingerprints had before
    assert with_time(parsed, None) == parsed
    assert with_time(parsed, dt.time(10, 0), dt.time(12, 0)) != with_time(parsed, dt.time(10, 0), dt.time(12, 30))


# --------------------------------------------------------------------------- crawls over real sockets, stored


def stored_ends(config: Config) -> dict[str, dt.time | None]:
    return {meeting.external_id: meeting.end_time for meeting in rows(config, Meeting)}


def forum_meetings(site: DemoSite, slug: str) -> list[DemoMeeting]:
    return next(c for c in site.council(slug).committees if c.title == FORUM).meetings


def recent_with_a_finish(site: DemoSite, slug: str, today: dt.date) -> DemoMeeting:
    """A forum meeting the next crawl re-checks (in the window) whose planned finish is published."""
    return next(m for m in forum_meetings(site, slug) if m.ends is not None and m.date >= today - dt.timedelta(days=100))


@pytest.mark.parametrize(
    ("platform", "variants"),
    [("moderngov", ()), ("moderngov", ("plain_paragraphs",)), ("cmis", ())],
    ids=["moderngov-web-service", "moderngov-pages", "cmis-calendar"],
)
def test_a_crawl_stores_the_planned_finish_where_the_route_publishes_one(
    demo, make_config, crawl, today, platform, variants
) -> None:
    site = demo([sample_council("northshire", platform, today, variants=variants)])
    if variants:  # a page variant: the web service is off, as on such sites
        site.set_web_service("northshire", "not_found")
    config = make_config(site, ["northshire"])

    assert crawl(config)["northshire"].outcome == "ok"

    published = {str(meeting.id): meeting.ends for meeting in forum_meetings(site, "northshire")}
    assert dt.time(16, 30) in published.values() and None in published.values()  # the shapes under test are there
    on_the_route = published if platform == "moderngov" and not variants else dict.fromkeys(published)
    assert {key: value for key, value in stored_ends(config).items() if key in published} == on_the_route


@pytest.mark.parametrize("lacking", ["blank", "pages"])
def test_a_later_crawl_without_the_finish_keeps_the_one_known(demo, make_config, crawl, today, lacking) -> None:
    site = demo([sample_council("northshire", "moderngov", today)])
    config = make_config(site, ["northshire"])
    crawl(config)
    meeting = recent_with_a_finish(site, "northshire", today)
    checked = {m.external_id: m.last_checked_at for m in rows(config, Meeting)}

    if lacking == "blank":
        meeting.ends = None  # the field emptied
    else:
        site.set_web_service("northshire", "not_found")  # the pages: no finish is shown there
    assert crawl(config)["northshire"].outcome == "ok"

    [row] = rows(config, Meeting, external_id=str(meeting.id))
    assert row.last_checked_at != checked[str(meeting.id)]  # it was read again
    assert (row.start_time, row.end_time) == (dt.time(14, 0), dt.time(16, 30))


def test_a_finish_published_or_moved_marks_only_its_meeting_changed(demo, make_config, crawl, today) -> None:
    site = demo([sample_council("northshire", "moderngov", today)])
    config = make_config(site, ["northshire"])
    crawl(config)
    moved = recent_with_a_finish(site, "northshire", today)
    recent = [m for m in forum_meetings(site, "northshire") if m.date >= today - dt.timedelta(days=100)]
    published = next(m for m in recent if m.time is not None and m.ends is None)
    before = {m.external_id: m.changed_at for m in rows(config, Meeting)}

    moved.ends, published.ends = dt.time(17, 0), dt.time(11, 0)
    crawl(config)

    after = {m.external_id: m for m in rows(config, Meeting)}
    assert (after[str(moved.id)].end_time, after[str(published.id)].end_time) == (dt.time(17, 0), dt.time(11, 0))
    changed = {key for key, row in after.items() if row.changed_at != before[key]}
    assert changed == {str(moved.id), str(published.id)}
