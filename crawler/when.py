"""When a meeting is: dates and start times as councils write them, read in one place.

ModernGov's web service gives ``meetingdate`` as ``10/02/2026`` and ``meetingtime`` beside it
("10.00 am"); its pages print "Tuesday, 3rd December, 2024 2.00 pm" and list "14 Jul 2026 6.00 pm";
CMIS writes "9 Jul 2026 11:00 - Planning Committee", "10:00 Licensing Sub-Committee A" and
"3 Aug 2026 - 10:00". ModernGov's ``GetMeeting`` may also give a planned finish
(``meetingplannedfinishtime``, "2.00 pm", often empty), read by the same rules. Times are local
(UK) wall-clock times. A time that is absent, blank or
cannot be read with certainty stays unknown (None): a calendar entry at a wrong hour is worse
than an all-day one. So a bare ``2.00`` (no am/pm, and no 24-hour reading a council would meet
at) is unknown, and so is midnight, which systems print where no time was entered.
"""

from __future__ import annotations

import datetime as dt
import re


def parse_uk_date(text: str | None) -> dt.date | None:
    """A date field: ``10/02/2026`` (ModernGov XML, day first), also with a time after it
    (``10/02/2026 00:00:00``) or written ``2026-02-10`` (ISO); None for blanks and junk."""
    found = _NUMERIC_DATE.match((text or "").strip())
    return _numeric_date(found) if found else None


_MONTHS = {
    name: index
    for index, name in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
_LONG_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9}),?\s+(\d{4})\b")
# Numeric dates as UK sites write them, day first (``03/03/2026``, ``3.3.2026``, ``03-03-2026``),
# or ISO (``2026-03-03``); never part of a longer number.
_NUMERIC_DATE = re.compile(
    r"(?<![\w./£-])(?:(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2}))(?![\d/-]|\.\d)"
)


def find_date(text: str | None) -> dt.date | None:
    """The first date in a text: ``10 Feb 2026`` / ``10th February, 2026``, else ``10/02/2026`` / ``2026-02-10``."""
    return _first_date(text or "")[0]


def _first_date(text: str) -> tuple[dt.date | None, int]:
    """The first date in ``text`` (a written month first, then a numeric one) and where it ends (0 when there is none)."""
    for found in _LONG_DATE.finditer(text):
        day, month, year = found.groups()
        number = _MONTHS.get(month[:3].lower())
        if number:
            try:
                return dt.date(int(year), number, int(day)), found.end()
            except ValueError:
                continue
    for numeric in _NUMERIC_DATE.finditer(text):
        value = _numeric_date(numeric)
        if value is not None:
            return value, numeric.end()
    return None, 0


def _numeric_date(found: re.Match[str]) -> dt.date | None:
    if found.group("iso_year"):
        year, month, day = found.group("iso_year", "iso_month", "iso_day")
    else:
        year, month, day = found.group("year", "month", "day")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


# A clock time: "2.00 pm", "2:00pm", "2.00 p.m.", "14:00", "14.00 hrs", "14:00:00", "1400hrs",
# "10am", "10 a.m.", "noon", "12 noon", "midday". Never part of a longer number or a date
# ("10.02.2026", "£10.50m", "2024").
_MERIDIEM = r"(?P<{name}>[ap])\.?\s?m\b\.?"
_CLOCK = re.compile(
    r"(?<![\d.:/£$€-])(?:"
    r"(?P<hour>\d{1,2})[.:](?P<minute>\d{2})(?::\d{2})?(?![.:/]?\d)\s*(?:" + _MERIDIEM.format(name="half") + r"|hrs?\b|hours\b)?"
    r"|(?P<hour24>\d{2})(?P<minute24>\d{2})\s*hrs?\b"
    r"|(?P<bare>\d{1,2})\s*" + _MERIDIEM.format(name="bare_half") + r"|(?P<noon>(?:12\s*)?\b(?:noon|midday)\b)"
    r")",
    re.I,
)
# The earliest hour a time with no am/pm is read as on the 24-hour clock: "9:30" is morning,
# but "2.00" alone is more likely afternoon loosely written than a meeting at two in the morning.
_EARLIEST_BARE_HOUR = 7


def find_time(text: str | None) -> dt.time | None:
    """The first start time in a text that can be read with certainty; None when there is none."""
    for found in _CLOCK.finditer(text or ""):
        moment = _clock_time(found)
        if moment is not None:
            return moment
    return None


def parse_time(text: str | None) -> dt.time | None:
    """A field that holds one of a meeting's times (``<meetingtime>``, ``<meetingplannedfinishtime>``,
    a "Time:" cell): the time it gives, or None."""
    return find_time(text)


def find_date_and_time(text: str | None) -> tuple[dt.date | None, dt.time | None]:
    """A date and the start time written after it ("Tuesday, 3rd December, 2024 2.00 pm",
    "9 Jul 2026 11:00 - Planning Committee"); with no date, the first time anywhere in the text.

    Looking after the date keeps a number in a title before it from passing for the time.
    """
    day, end = _first_date(text or "")
    return day, find_time((text or "")[end:])


def _clock_time(found: re.Match[str]) -> dt.time | None:
    if found.group("noon"):
        return dt.time(12, 0)
    if found.group("hour24"):
        return _checked(int(found.group("hour24")), int(found.group("minute24")), None)
    if found.group("bare"):
        return _checked(int(found.group("bare")), 0, found.group("bare_half"))
    return _checked(int(found.group("hour")), int(found.group("minute")), found.group("half"))


def _checked(hour: int, minute: int, half: str | None) -> dt.time | None:
    """The time on the 24-hour clock, or None when it is out of range, ambiguous or midnight."""
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    elif hour > 23 or (hour < _EARLIEST_BARE_HOUR and (hour, minute) != (0, 0)):
        return None
    if (hour, minute) == (0, 0):
        return None  # midnight: what a system prints where no time was entered
    return dt.time(hour, minute)
