"""Mirror the configured councils into the database, and seed known programme membership.

The config is the source of truth for which councils exist; the database keeps their history.
A council removed from the config is disabled, never deleted, so its history survives.
Reference programme data (which councils published sources place in safety valve, DBV, EMS)
is shown beside a council's status but never alerted on: sendwatch alerts only on what it
reads in the council's own papers.
"""

from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from sendwatch.core.config import Config
from sendwatch.core.storage.models import Council, ReferenceProgramme


def sync_councils(session: Session, config: Config) -> None:
    """Insert or update one row per configured council; disable rows no longer configured."""
    existing = {council.slug: council for council in session.scalars(select(Council))}
    for configured in config.councils:
        row = existing.pop(configured.slug, None)
        if row is None:
            row = Council(slug=configured.slug)
            session.add(row)
        row.name = configured.name
        row.gss_code = configured.gss_code
        row.platform = configured.platform
        row.base_url = configured.url
        row.enabled = configured.enabled
    for leftover in existing.values():
        leftover.enabled = False
    session.flush()
    seed_reference_programmes(session)


def seed_reference_programmes(session: Session) -> int:
    """Load the bundled reference rows for councils that have none yet; return how many."""
    councils_by_gss = {c.gss_code: c for c in session.scalars(select(Council)) if c.gss_code}
    seeded = set(session.scalars(select(ReferenceProgramme.council_id).distinct()))
    added = 0
    for row in load_reference_rows():
        council = councils_by_gss.get(row["gss_code"])
        if council is None or council.id in seeded:
            continue
        session.add(
            ReferenceProgramme(
                council_id=council.id,
                programme=row["programme"],
                status=row["status"] or None,
                date=row["date"] or None,
                detail=row["tranche"] or None,
                source_url=row["source_url"] or None,
                verified=row["verified"] or None,
            )
        )
        added += 1
    session.flush()
    return added


def load_reference_rows() -> list[dict[str, str]]:
    """The bundled reference data (``sendwatch/core/data/programmes.csv``)."""
    text = resources.files("sendwatch.core").joinpath("data/programmes.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))
