"""The diff engine: compare each council's derived status with the stored one, record changes.

Why it is shaped like this: a change must be announced once, whatever happens around it. Each
change event carries an ``event_key`` computed only from what the change *is* (council, old
status, new status, since, and the deciding sentences with their documents' URLs), never from
row ids or clocks, so a re-run, a crash before commit or a re-crawl that re-extracts the same
papers recomputes the same key and inserts nothing new.

The first status a council ever gets is its baseline: stored, recorded as an event with
``is_baseline=True``, never alerted. Status comes only from evidence, so a failed, empty or
blocked crawl cannot change it; and a stored status is never replaced by an *older* one (which
is what it would look like if the papers behind it went missing).
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.timeline import Period, council_timeline, normalise_quote
from sendwatch.core.storage.models import ChangeEvent, Council, Evidence, StatusRecord, utcnow
from sendwatch.core.vocabulary import MIN_CONFIDENCE

log = logging.getLogger(__name__)


def update_statuses(session: Session, cycle_id: int | None = None, min_confidence: float = MIN_CONFIDENCE) -> list[ChangeEvent]:
    """Derive every council's status from all its evidence; return the new non-baseline events.

    A council whose status cannot be derived (bad data) is logged and skipped, before anything is
    written for it, so it never stops the others. The caller commits (alerts are queued in the
    same transaction).
    """
    with_evidence = set(session.scalars(select(Evidence.council_id).distinct()))
    events: list[ChangeEvent] = []
    for council in session.scalars(select(Council).order_by(Council.slug)):
        if council.id not in with_evidence:
            continue
        try:
            periods = council_timeline(session, council.id, min_confidence)
        except Exception:
            log.exception("cannot derive the status of council %s; its stored status is unchanged", council.slug)
            continue
        event = update_council(session, council, periods, cycle_id)
        if event is not None and not event.is_baseline:
            events.append(event)
    return events


def current_record(session: Session, council_id: int) -> StatusRecord | None:
    return session.scalars(
        select(StatusRecord)
        .where(StatusRecord.council_id == council_id, StatusRecord.is_current.is_(True))
        .order_by(StatusRecord.id.desc())
    ).first()


def update_council(session: Session, council: Council, periods: list[Period], cycle_id: int | None) -> ChangeEvent | None:
    """Bring one council's stored history up to date with its derived ``periods``; return the event, if any."""
    if not periods:
        return None
    derived = periods[-1]
    stored = current_record(session, council.id)
    if stored is None:
        for period in periods:
            session.add(_record(council.id, period, is_current=period is derived))
        return _new_event(session, council, None, derived, cycle_id, baseline=True)
    if derived.status == stored.status:
        _refresh(stored, derived)
        return None
    if stored.since and derived.since < stored.since:
        log.warning(
            "council %s: derived status %s since %s is older than stored %s since %s; keeping the stored one",
            council.slug,
            derived.status,
            derived.since,
            stored.status,
            stored.since,
        )
        return None
    stored.is_current = False
    for period in periods:
        if stored.since is None or period.since > stored.since or period is derived:
            session.add(_record(council.id, period, is_current=period is derived))
    return _new_event(session, council, stored.status, derived, cycle_id, baseline=False)


def _refresh(stored: StatusRecord, derived: Period) -> None:
    """Same status: keep the latest figures; move ``since`` earlier if older papers now show it."""
    if derived.figures and derived.figures != stored.figures:
        stored.figures = derived.figures
    if stored.since is None or derived.since < stored.since:
        stored.since = derived.since
        stored.evidence = derived.evidence_json()


def _record(council_id: int, period: Period, is_current: bool) -> StatusRecord:
    return StatusRecord(
        council_id=council_id,
        status=period.status,
        since=period.since,
        evidence=period.evidence_json(),
        figures=period.figures,
        is_current=is_current,
    )


def event_key(slug: str, old: str | None, period: Period, baseline: bool) -> str:
    """A key that depends only on what the change is, so recomputing it finds the same event."""
    deciding = sorted(f"{s.url}|{normalise_quote(s.quote)}" for s in period.evidence)
    parts = ["baseline" if baseline else "change", slug, old or "", period.status, period.since.isoformat(), *deciding]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _new_event(
    session: Session, council: Council, old: str | None, period: Period, cycle_id: int | None, baseline: bool
) -> ChangeEvent | None:
    key = event_key(council.slug, old, period, baseline)
    if session.scalars(select(ChangeEvent.id).where(ChangeEvent.event_key == key)).first() is not None:
        return None
    event = ChangeEvent(
        event_key=key,
        council_id=council.id,
        old_status=old,
        new_status=period.status,
        since=period.since,
        evidence=period.evidence_json(),
        figures=period.figures,
        is_baseline=baseline,
        detected_at=utcnow(),
        cycle_id=cycle_id,
    )
    session.add(event)
    session.flush()
    return event
