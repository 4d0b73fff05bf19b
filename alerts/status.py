"""Each council's current status, as the CLI, the digest and the web app show it.

Read-only: this module never derives anything, it reports what the diff engine stored. A
council sendwatch has found nothing about yet is reported as ``none`` with no ``since``; its
``health`` (``sendwatch.core.health``) says whether that is a council checked and quiet, one
never checked, or one whose crawl fails. The newsroom's questions come with each row: what it
was before (``previous``), when sendwatch detected the change (``detected_at``) and when the
council was last read (``checked_at``). Reference programme membership (published lists) is
carried along as context only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sendwatch.core.formatting import iso_seconds, status_label, status_words
from sendwatch.core.health import crawl_health
from sendwatch.core.money import clean_figure, labelled
from sendwatch.core.storage.models import ChangeEvent, Council, ReferenceProgramme, StatusRecord
from sendwatch.core.vocabulary import CrawlHealth, seriousness

EVIDENCE_KEYS = ("url", "title", "date", "page", "quote")
FIGURE_KEYS = ("amount_gbp", "text", "label")


@dataclass
class CouncilStatus:
    """One council's current status with what established it."""

    slug: str
    name: str
    status: str
    since: str | None
    evidence: list[dict]
    figures: list[dict]
    papers_url: str | None
    reference: list[str] = field(default_factory=list)
    health: CrawlHealth = "never_checked"
    previous: str | None = None  # the status before the latest change
    detected_at: dt.datetime | None = None  # when sendwatch detected the latest change
    checked_at: dt.datetime | None = None  # the last successful crawl
    first_seen: bool = False  # the latest change is the first status sendwatch found (a baseline)
    gss_code: str | None = None

    @property
    def label(self) -> str:
        """The status as people read it, saying so when it rests on no successful read."""
        return status_words(self.status, self.health)

    @property
    def status_label(self) -> str:
        """The status's own words, whatever the crawl's health."""
        return status_label(self.status)

    @property
    def latest_figure(self) -> dict | None:
        """The first labelled figure: an amount that does not say what it is is not one."""
        kept = labelled(self.figures)
        return dict(kept[0]) if kept else None

    def changed_within(self, since: dt.datetime) -> bool:
        """Whether sendwatch detected a change (not a first sighting) at or after ``since``."""
        return self.detected_at is not None and not self.first_seen and self.detected_at >= since

    def as_json(self) -> dict:
        """Exactly the element of ``status --json`` in the team's interfaces."""
        return {
            "council": self.slug,
            "name": self.name,
            "status": self.status,
            "since": self.since,
            "evidence": [{key: item.get(key) for key in EVIDENCE_KEYS} for item in self.evidence],
            "figures": [{key: clean_figure(item).get(key) for key in FIGURE_KEYS} for item in self.figures],
            "previous": self.previous,
            "detected_at": iso_seconds(self.detected_at),
            "checked_at": iso_seconds(self.checked_at),
            "health": self.health,
            "gss_code": self.gss_code,
        }


def current_statuses(session: Session, include_disabled: bool = False) -> list[CouncilStatus]:
    """Every (enabled) council, most serious status first, then by name."""
    councils = session.scalars(select(Council)).all()
    records = {
        record.council_id: record
        for record in session.scalars(select(StatusRecord).where(StatusRecord.is_current.is_(True)).order_by(StatusRecord.id))
    }
    latest_events: dict[int, ChangeEvent] = {}
    for event in session.scalars(select(ChangeEvent).order_by(ChangeEvent.detected_at, ChangeEvent.id)):
        latest_events[event.council_id] = event
    references: dict[int, list[str]] = {}
    for reference in session.scalars(select(ReferenceProgramme).order_by(ReferenceProgramme.id)):
        references.setdefault(reference.council_id, []).append(describe_reference(reference))
    rows = []
    for council in councils:
        if not council.enabled and not include_disabled:
            continue  # removed from config.yaml: its history is kept, but it is not watched
        record = records.get(council.id)
        latest = latest_events.get(council.id)
        rows.append(
            CouncilStatus(
                slug=council.slug,
                name=council.name,
                status=record.status if record else "none",
                since=record.since.isoformat() if record and record.since else None,
                evidence=list(record.evidence or []) if record else [],
                figures=list(record.figures or []) if record else [],
                papers_url=council.base_url,
                reference=references.get(council.id, []),
                health=crawl_health(council),
                previous=latest.old_status if latest else None,
                detected_at=latest.detected_at if latest else None,
                checked_at=council.last_success_at,
                first_seen=bool(latest and (latest.is_baseline or latest.old_status is None)),
                gss_code=council.gss_code,
            )
        )
    rows.sort(key=lambda row: (-seriousness(row.status), row.name.lower()))
    return rows


def describe_reference(reference: ReferenceProgramme) -> str:
    """A short phrase such as 'safety valve agreement (2021-03-19)' from a reference row."""
    words = reference.programme.replace("_", " ")
    if reference.status:
        words += f" {reference.status}"
    if reference.date:
        words += f" ({reference.date})"
    return words


def status_counts(rows: list[CouncilStatus]) -> dict[str, int]:
    """How many councils are in each status, in vocabulary order."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts
