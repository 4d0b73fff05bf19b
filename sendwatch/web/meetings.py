"""A meeting ahead as the pages and the calendars show it, and the one rule for its times.

The council publishes a start time for many meetings and a planned finish for some (ModernGov's
``meetingplannedfinishtime``; CMIS publishes none). A finish is used only where there is a start
and the finish is after it: one at or before the start is a slip in the council's data, not a
meeting that runs past midnight. ``planned_finish`` is that rule, and ``finish`` says which case a
meeting is in, so the meeting lists ("10:00–12:30") and the iCalendar events (which end there, or
else after an allowance, saying why) can never disagree about it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sendwatch.core.formatting import LONDON

# What is known of a meeting's finish: a usable planned finish, none published, or one published
# that is not after the start (or that has no start to be after).
Finish = Literal["planned", "unpublished", "not_after_start"]


def finish_of(start: dt.time | None, end: dt.time | None) -> Finish:
    """Which case a meeting's published times are in (see ``Finish``)."""
    if end is None:
        return "unpublished"
    if start is None or end <= start:
        return "not_after_start"
    return "planned"


def planned_finish(start: dt.time | None, end: dt.time | None) -> dt.time | None:
    """The council's planned finish when it can be shown: published, with a start, and after it."""
    return end if finish_of(start, end) == "planned" else None


@dataclass(frozen=True)
class MeetingAhead:
    """A meeting of a watched committee, from today on."""

    meeting_id: int
    council_slug: str
    council_name: str
    committee: str
    date: dt.date
    url: str | None
    first_seen_at: dt.datetime
    # The UK local start time the council publishes; None: an all-day event.
    start_time: dt.time | None = None
    # The planned finish (UK local, same day) the council publishes, as published; None: none.
    # Read it through ``finish``, ``ends_at`` or ``finish_clock``, which apply the rule.
    end_time: dt.time | None = None

    @property
    def summary(self) -> str:
        return f"{self.council_name}: {self.committee}"

    @property
    def finish(self) -> Finish:
        return finish_of(self.start_time, self.end_time)

    @property
    def starts_at(self) -> dt.datetime | None:
        """The start as an instant (London wall-clock time on the meeting's date), if a time is known."""
        if self.start_time is None:
            return None
        return dt.datetime.combine(self.date, self.start_time, tzinfo=LONDON)

    @property
    def ends_at(self) -> dt.datetime | None:
        """The council's planned finish as an instant, if it publishes one after the start on the same day."""
        end = planned_finish(self.start_time, self.end_time)
        return dt.datetime.combine(self.date, end, tzinfo=LONDON) if end is not None else None

    @property
    def clock(self) -> str:
        """``14:00`` for pages ("10 December 2026, 14:00"); '' when no time is published."""
        return f"{self.start_time:%H:%M}" if self.start_time is not None else ""

    @property
    def machine_time(self) -> str:
        """The HTML ``<time datetime>`` value: a local date and time (``2026-12-10T14:00``), or the date."""
        return f"{self.date.isoformat()}T{self.clock}" if self.clock else self.date.isoformat()

    @property
    def finish_clock(self) -> str:
        """``15:30`` for pages ("14:00–15:30"); '' when there is no finish that can be shown."""
        end = planned_finish(self.start_time, self.end_time)
        return f"{end:%H:%M}" if end is not None else ""

    @property
    def machine_finish(self) -> str:
        """The finish's ``<time datetime>`` value (``2026-12-10T15:30``); '' when it is not shown."""
        return f"{self.date.isoformat()}T{self.finish_clock}" if self.finish_clock else ""
