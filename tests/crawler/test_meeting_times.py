"""Meeting start times as councils write them (``crawler.when``): every shape read, nothing guessed."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.when import find_date_and_time, find_time, parse_time


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
