"""Each council's current status, as the CLI, the digest and the web app show it.

Read-only: this module never derives anything, it reports what the diff engine stored. A
council sendwatch has found nothing about yet is reported as ``none`` with no ``since``.
Reference programme membership (published lists) is carried along as context only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sendwatch.core.formatting import status_label
from sendwatch.core.storage.models import Council, ReferenceProgramme, StatusRecord
from sendwatch.core.vocabulary import seriousness

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

    @property
    def label(self) -> str:
        return status_label(self.status)

    def as_json(self) -> dict:
        """Exactly the element of ``status --json`` in the team's interfaces."""
        return {
            "council": self.slug,
            "name": self.name,
            "status": self.status,
            "since": self.since,
            "evidence": [{key: item.get(key) for key in EVIDENCE_KEYS} for item in self.evidence],
            "figures": [{key: item.get(key) for key in FIGURE_KEYS} for item in self.figures],
        }


def current_statuses(session: Session, include_disabled: bool = False) -> list[CouncilStatus]:
    """Every (enabled) council, most serious status first, then by name."""
    councils = session.scalars(select(Council)).all()
    records = {
        record.council_id: record
        for record in session.scalars(select(StatusRecord).where(StatusRecord.is_current.is_(True)).order_by(StatusRecord.id))
    }
    references: dict[int, list[str]] = {}
    for reference in session.scalars(select(ReferenceProgramme).order_by(ReferenceProgramme.id)):
        references.setdefault(reference.council_id, []).append(describe_reference(reference))
    rows = []
    for council in councils:
        if not council.enabled and not include_disabled:
            continue  # removed from config.yaml: its history is kept, but it is not watched
        record = records.get(council.id)
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
