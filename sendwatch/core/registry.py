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
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sendwatch.core.config import Config
from sendwatch.core.config import Council as ConfiguredCouncil
from sendwatch.core.storage.db import REGISTRY_LOCK, hold_until_commit
from sendwatch.core.storage.models import Council, ReferenceProgramme
from sendwatch.core.storage.upsert import insert_missing


def sync_councils(session: Session, config: Config) -> None:
    """Insert or update one row per configured council; disable rows no longer configured.

    Several commands may start at once on a new database (``run --once`` beside ``serve``), and
    all of them sync. Missing rows are inserted with "nothing if it is there already"
    (``storage.upsert.insert_missing``), and what follows (reading the rows back, updating them,
    seeding reference data) runs one command at a time, so the later command finds the earlier
    one's rows and seeds nothing twice, instead of failing on a duplicate slug. A database
    already in step with the config is only read: no lock is taken.
    """
    wanted = {council.slug: _columns(council) for council in config.councils}
    present = {row.slug: row._asdict() for row in session.execute(select(*(getattr(Council, name) for name in _COLUMNS)))}
    if not _needs_writing(session, wanted, present):
        return
    insert_missing(session, Council, [columns for slug, columns in wanted.items() if slug not in present], key=["slug"])
    hold_until_commit(session, REGISTRY_LOCK)
    # Read again under the lock (what another command committed meanwhile is seen now).
    for row in session.scalars(select(Council).execution_options(populate_existing=True)):
        for name, value in wanted.get(row.slug, {"enabled": False}).items():
            setattr(row, name, value)
    session.flush()
    seed_reference_programmes(session)


_COLUMNS = ("slug", "name", "gss_code", "platform", "base_url", "enabled")


def _columns(council: ConfiguredCouncil) -> dict[str, Any]:
    """The row's columns that mirror the config."""
    return {
        "slug": council.slug,
        "name": council.name,
        "gss_code": council.gss_code,
        "platform": council.platform,
        "base_url": council.url,
        "enabled": council.enabled,
    }


def _needs_writing(session: Session, wanted: dict[str, dict[str, Any]], present: dict[str, dict[str, Any]]) -> bool:
    """Whether the rows differ from the config (missing, changed, or still enabled once removed)
    or reference data waits to be seeded."""
    if any(present.get(slug) != columns for slug, columns in wanted.items()):
        return True
    if any(row["enabled"] for slug, row in present.items() if slug not in wanted):
        return True
    return bool(_reference_rows_to_add(session))


def seed_reference_programmes(session: Session) -> int:
    """Load the bundled reference rows for councils that have none yet; return how many."""
    added = _reference_rows_to_add(session)
    session.add_all(added)
    session.flush()
    return len(added)


def _reference_rows_to_add(session: Session) -> list[ReferenceProgramme]:
    """The bundled reference rows of councils that have none yet."""
    councils_by_gss = dict(session.execute(select(Council.gss_code, Council.id).where(Council.gss_code.is_not(None))).all())
    seeded = set(session.scalars(select(ReferenceProgramme.council_id).distinct()))
    return [
        ReferenceProgramme(
            council_id=councils_by_gss[row["gss_code"]],
            programme=row["programme"],
            status=row["status"] or None,
            date=row["date"] or None,
            detail=row["tranche"] or None,
            source_url=row["source_url"] or None,
            verified=row["verified"] or None,
        )
        for row in load_reference_rows()
        if row["gss_code"] in councils_by_gss and councils_by_gss[row["gss_code"]] not in seeded
    ]


def load_reference_rows() -> list[dict[str, str]]:
    """The bundled reference data (``sendwatch/core/data/programmes.csv``)."""
    text = resources.files("sendwatch.core").joinpath("data/programmes.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))
