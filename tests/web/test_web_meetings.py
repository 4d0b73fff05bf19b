"""Meetings ahead on the pages: the date, the start and the council's planned finish, each in its
own <time>, the finish only where it is published and after the start, as in the calendars."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from web_support import council

from sendwatch.core.storage.models import Committee, Meeting

LONDON = ZoneInfo("Europe/London")

# Committee title: (start, planned finish) as the council publishes them.
TIMES = {
    "Schools Forum": (dt.time(10, 0), dt.time(12, 30)),  # a finish after the start
    "Cabinet": (dt.time(10, 0), None),  # no finish published (every CMIS meeting)
    "Children's Scrutiny": (dt.time(14, 0), dt.time(9, 30)),  # a finish before the start: a slip
    "Audit Committee": (dt.time(16, 0), dt.time(16, 0)),  # a finish at the start: a slip too
    "Corporate Parenting Panel": (None, dt.time(12, 30)),  # a finish with no start
}


@pytest.fixture
def ahead() -> dt.date:
    """The day every meeting is held: ten days from today in the UK, so it is listed ahead."""
    return dt.datetime.now(LONDON).date() + dt.timedelta(days=10)


@pytest.fixture
def day(ahead: dt.date) -> str:
    """The day as the pages write it."""
    return f"{ahead.day} {ahead:%B %Y}"


@pytest.fixture
def site(start_site, database_url, ahead):  # type: ignore[no-untyped-def]
    site = start_site(database_url)
    with site.database.session() as session:
        north = council(session, "northshire")
        for n, (title, (start, end)) in enumerate(TIMES.items()):
            committee = Committee(council_id=north.id, external_id=f"c{n}", title=title)
            session.add(committee)
            session.flush()
            session.add(
                Meeting(
                    council_id=north.id,
                    committee_id=committee.id,
                    external_id=f"m{n}",
                    date=ahead,
                    start_time=start,
                    end_time=end,
                )
            )
    return site


def listed(html: str) -> dict[str, str]:
    """Each meeting's list item in the page's meeting list, by its committee."""
    [meetings] = re.findall(r'<ul class="meetings">(.*?)</ul>', html, re.DOTALL)
    items = re.findall(r"<li>(.*?)</li>", meetings, re.DOTALL)
    return {title: item for title in TIMES for item in items if title.replace("'", "&#39;") in item}


def when(item: str) -> str:
    """The item's times as written, up to the colon before its committee."""
    return item.split(":\n", 1)[0]


@pytest.mark.parametrize("path", ["/", "/councils/northshire"])
def test_a_planned_finish_after_the_start_is_shown_after_it_each_in_a_time_element(site, path, ahead, day) -> None:  # type: ignore[no-untyped-def]
    item = listed(site.client.get(path).text)["Schools Forum"]
    assert when(item) == (
        f'<time datetime="{ahead.isoformat()}T10:00">{day}, 10:00</time>'
        f'–<time datetime="{ahead.isoformat()}T12:30" title="The council\'s planned finish">12:30</time>'
    )


@pytest.mark.parametrize("path", ["/", "/councils/northshire"])
def test_no_finish_is_shown_where_none_is_published_or_it_is_not_after_the_start(site, path, ahead, day) -> None:  # type: ignore[no-untyped-def]
    items = listed(site.client.get(path).text)
    assert when(items["Cabinet"]) == f'<time datetime="{ahead.isoformat()}T10:00">{day}, 10:00</time>'
    assert when(items["Children's Scrutiny"]) == f'<time datetime="{ahead.isoformat()}T14:00">{day}, 14:00</time>'
    assert when(items["Audit Committee"]) == f'<time datetime="{ahead.isoformat()}T16:00">{day}, 16:00</time>'
    # No start: the day alone, and the finish, which has nothing to follow, is not shown either.
    assert when(items["Corporate Parenting Panel"]) == f'<time datetime="{ahead.isoformat()}">{day}</time>'
    for title in TIMES.keys() - {"Schools Forum"}:
        assert "–" not in items[title] and "planned finish" not in items[title], title
        assert "09:30" not in items[title] and "12:30" not in items[title], title


def test_the_pages_and_the_calendar_agree_on_every_meetings_finish(site) -> None:  # type: ignore[no-untyped-def]
    items = listed(site.client.get("/").text)
    events = {
        str(event["SUMMARY"]).split(": ", 1)[1]: event
        for event in icalendar.Calendar.from_ical(site.client.get("/calendar.ics").text).walk("VEVENT")
    }
    assert set(items) == set(events) == set(TIMES)
    for title, event in events.items():
        shown = re.findall(r'<time datetime="([^"]+)" title="The council\'s planned finish">', items[title])
        ends = event.decoded("DTEND")
        if shown:
            # The page's finish is the event's end, to the minute.
            assert ends == dt.datetime.fromisoformat(shown[0]).replace(tzinfo=LONDON), title
        elif isinstance(ends, dt.datetime):
            # A timed event with no finish on the page lasts sendwatch's two hours and says why.
            assert ends - event.decoded("DTSTART") == dt.timedelta(hours=2), title
            assert "allowance" in str(event["DESCRIPTION"]), title
    assert [title for title in TIMES if "planned finish" in items[title]] == ["Schools Forum"]  # the loop checked something
