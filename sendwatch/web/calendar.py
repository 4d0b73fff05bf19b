"""iCalendar (RFC 5545) feeds of upcoming meetings, written by hand: a few lines of text.

One all-day event per meeting (ModernGov and CMIS give a meeting's date; sendwatch keeps no
times), with the council and committee in its summary and the meeting's page as its URL. Text
is escaped as the RFC says and lines are folded at 75 octets, so scraped titles cannot break
the file. No library is needed for this much.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

ICS = "text/calendar; charset=utf-8"
PRODUCT = "-//sendwatch//upcoming meetings//EN"


@dataclass(frozen=True)
class CalendarMeeting:
    """A meeting ahead, as a calendar and the pages show it."""

    meeting_id: int
    council_slug: str
    council_name: str
    committee: str
    date: dt.date
    url: str | None
    first_seen_at: dt.datetime

    @property
    def summary(self) -> str:
        return f"{self.council_name}: {self.committee}"


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


def calendar(meetings: Iterable[CalendarMeeting], name: str, base_url: str, stamp: dt.datetime) -> str:
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
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.meeting_id}@{host}",
            f"DTSTAMP:{_stamp(stamp)}",
            f"DTSTART;VALUE=DATE:{meeting.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{meeting.date + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(meeting.summary)}",
            f"DESCRIPTION:{escape_text(about)}",
            "TRANSP:TRANSPARENT",
        ]
        if meeting.url:
            lines.append(f"URL:{meeting.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
