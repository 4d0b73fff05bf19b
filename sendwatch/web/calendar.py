"""iCalendar (RFC 5545) feeds of upcoming meetings, written by hand: a few lines of text.

One event per meeting, with the council and committee in its summary and the meeting's page as
its URL: a timed event where the council publishes a start time, an all-day one where it does
not. Text is escaped as the RFC says and lines are folded at 75 octets, so scraped titles cannot
break the file. No library is needed for this much.

Timed events are written in UTC (``DTSTART:20261210T140000Z``), converted from the UK local
time councils publish, rather than as ``DTSTART;TZID=Europe/London:...`` with a VTIMEZONE block.
UTC is the one form every client reads the same way (RFC 5545 3.3.5, form 2): it needs no
VTIMEZONE, which Outlook requires and Google Calendar ignores in favour of the TZID's name, so a
hand-written block would be one more thing that some client reads differently; and each client
shows the time in its user's own zone, right for a reporter abroad too. The conversion uses
the time-zone database at the moment the feed is fetched, and subscribed calendars are fetched
again and again, so British Summer Time is always applied as the meeting's date requires.

A timed event ends at the council's planned finish where it publishes one (ModernGov's
``meetingplannedfinishtime``) and that finish is after the start, by the rule the pages use too
(``sendwatch.web.meetings``); otherwise (most meetings, and every CMIS one, publish none) it is
given ``ASSUMED_LENGTH`` (two hours) and its description says the end is not the council's, and
why: no finish published, or one that is not after the start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sendwatch.web.meetings import MeetingAhead

ICS = "text/calendar; charset=utf-8"
PRODUCT = "-//sendwatch//upcoming meetings//EN"
# How long a timed event lasts in the calendar when the council publishes no usable finish time.
ASSUMED_LENGTH = dt.timedelta(hours=2)


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n, controls gone."""
    cleaned = "".join(ch for ch in value if ch >= " " or ch in "\n")
    return cleaned.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _length(meeting: MeetingAhead) -> str:
    """What the event's end is: the council's planned finish, or sendwatch's allowance and why."""
    if meeting.finish == "planned":
        return f"The council plans it to finish at {meeting.finish_clock} UK time."
    hours = f"{ASSUMED_LENGTH.total_seconds() / 3600:g}"
    if meeting.finish == "unpublished":
        return f"The council publishes no end time: the {hours} hours shown are sendwatch's allowance."
    return (
        f"The council's planned finish ({meeting.end_time:%H:%M}) is not after its start: "
        f"the {hours} hours shown are sendwatch's allowance."
    )


def calendar(meetings: Iterable[MeetingAhead], name: str, base_url: str, stamp: dt.datetime) -> str:
    """The VCALENDAR text; ``stamp`` (the data's own time) is every event's DTSTAMP, so the same
    meetings give the same bytes and conditional requests can answer 304."""
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "sendwatch"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    site = base_url.rstrip("/")
    for meeting in meetings:
        about = f"{meeting.committee} of {meeting.council_name}. Papers and changes: {site}/councils/{meeting.council_slug}"
        starts = meeting.starts_at
        if starts is None:
            when = [f"DTSTART;VALUE=DATE:{meeting.date:%Y%m%d}", f"DTEND;VALUE=DATE:{meeting.date + dt.timedelta(days=1):%Y%m%d}"]
        else:
            ends = meeting.ends_at
            when = [f"DTSTART:{_stamp(starts)}", f"DTEND:{_stamp(ends or starts + ASSUMED_LENGTH)}"]
            about = (
                f"{meeting.committee} of {meeting.council_name}, starting at {meeting.clock} UK time. "
                f"{_length(meeting)} Papers and changes: {site}/councils/{meeting.council_slug}"
            )
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.meeting_id}@{host}",
            f"DTSTAMP:{_stamp(stamp)}",
            *when,
            f"SUMMARY:{escape_text(meeting.summary)}",
            f"DESCRIPTION:{escape_text(about)}",
            "TRANSP:TRANSPARENT",
        ]
        if meeting.url:
            lines.append(f"URL:{meeting.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
