"""Which meetings a crawl looks at: a rolling window, plus rare re-checks of older meetings.

Agendas, minutes and supplements are published weeks apart, so every meeting from
``window_days_back`` ago to ``window_days_ahead`` ahead is re-checked on each crawl. Meetings
before the window (back to ``since``) are fetched once, then re-checked every
``recheck_old_days``. A council's first crawl back-fills to ``since``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crawler.known import KnownMeeting, KnownState
from sendwatch.core.config import Crawl


@dataclass(frozen=True)
class CrawlWindow:
    since: dt.date
    start: dt.date
    end: dt.date
    backfill: bool
    recheck_before: dt.datetime

    @classmethod
    def for_crawl(cls, crawl: Crawl, known: KnownState, now: dt.datetime) -> CrawlWindow:
        today = now.date()
        start = max(crawl.since, today - dt.timedelta(days=crawl.window_days_back))
        return cls(
            since=crawl.since,
            start=start,
            end=today + dt.timedelta(days=crawl.window_days_ahead),
            backfill=known.never_crawled,
            recheck_before=now - dt.timedelta(days=crawl.recheck_old_days),
        )

    @property
    def listing_start(self) -> dt.date:
        """The earliest date a meetings listing is asked for."""
        return self.since if self.backfill else self.start

    def in_window(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def wants(self, day: dt.date | None, known: KnownMeeting | None) -> bool:
        """Whether a listed meeting should be fetched on this crawl."""
        if day is None:
            return True
        if day < self.since or day > self.end:
            return False
        if self.in_window(day) or known is None:
            return True
        return self.is_due(known)

    def is_due(self, known: KnownMeeting) -> bool:
        """Never checked, checked too long ago, or left without a fingerprint because a paper failed."""
        return known.fingerprint is None or known.last_checked_at is None or known.last_checked_at < self.recheck_before

    def due_old_meetings(self, known: KnownState) -> list[KnownMeeting]:
        """Known meetings before the window whose re-check is due (fetched directly by URL)."""
        return [
            meeting
            for meeting in known.meetings.values()
            if meeting.date is not None and self.since <= meeting.date < self.start and self.is_due(meeting)
        ]
