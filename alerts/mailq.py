"""The outbox as an operator sees it: rows by state with their reasons; resend or settle them.

States (``MAIL_STATES``) as ``sendwatch mail`` shows them, from a row's stored state:

* ``pending``: due, or waiting for its first try;
* ``deferred``: a temporary failure, retried at ``next_attempt_at``;
* ``claimed``: held by a drain that is sending it now (stored ``claimed`` or ``sending``);
* ``ambiguous``: handed to the relay, no answer: check the relay's log for its Message-ID, then
  ``--retry`` (it was not delivered) or ``--mark-sent`` (it was);
* ``failed``: refused, or out of attempts; ``--retry`` after fixing the cause;
* ``suppressed``: not sent because its subscriber unsubscribed or their address was refused;
* ``sent``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Literal, get_args

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from sendwatch.core.storage.db import fits_row_id
from sendwatch.core.storage.models import ChangeEvent, OutboxMessage, Subscriber, utcnow

MailState = Literal["pending", "deferred", "claimed", "ambiguous", "failed", "suppressed", "sent"]
MAIL_STATES: tuple[str, ...] = get_args(MailState)
RETRYABLE = ("failed", "ambiguous", "deferred", "suppressed")


class MailError(ValueError):
    """An operator's request on the outbox that cannot be done; the message says why."""


def shown_state(state: str, last_error: str | None, next_attempt_at: dt.datetime | None, now: dt.datetime) -> str:
    """The state an operator sees for a stored row (see the module docstring)."""
    if state in ("claimed", "sending"):
        return "claimed"
    if state == "pending" and last_error and next_attempt_at is not None and next_attempt_at > now:
        return "deferred"
    return state


def _shown_state_sql(now: dt.datetime):
    return case(
        (OutboxMessage.state.in_(("claimed", "sending")), "claimed"),
        (
            (OutboxMessage.state == "pending") & OutboxMessage.last_error.is_not(None) & (OutboxMessage.next_attempt_at > now),
            "deferred",
        ),
        else_=OutboxMessage.state,
    )


def mail_counts(session: Session, now: dt.datetime | None = None) -> dict[str, int]:
    """How many outbox rows are in each state, every state present (zero when none)."""
    shown = _shown_state_sql(now or utcnow())
    counts: dict[str, int] = dict(session.execute(select(shown, func.count()).group_by(shown)).all())
    return {state: int(counts.get(state, 0)) for state in MAIL_STATES}


def mail_counts_by_council(session: Session, now: dt.datetime | None = None) -> dict[int, dict[str, int]]:
    """For each council id: its alerts (outbox rows reporting its changes) by state."""
    now = now or utcnow()
    council_of = dict(session.execute(select(ChangeEvent.id, ChangeEvent.council_id)).all())
    result: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(OutboxMessage.state, OutboxMessage.last_error, OutboxMessage.next_attempt_at, OutboxMessage.event_ids).where(
            OutboxMessage.kind == "alert"
        )
    )
    for state, last_error, next_attempt_at, event_ids in rows:
        shown = shown_state(state, last_error, next_attempt_at, now)
        for council_id in {council_of.get(event_id) for event_id in event_ids or []} - {None}:
            counts = result.setdefault(council_id, dict.fromkeys(MAIL_STATES, 0))  # type: ignore[arg-type]
            counts[shown] += 1
    return result


def describe_counts(counts: dict[str, int]) -> str:
    """'3 sent, 1 deferred, 2 ambiguous': the non-zero states, in vocabulary order."""
    return ", ".join(f"{counts[state]} {state}" for state in MAIL_STATES if counts.get(state)) or "empty"


def needs_attention(counts: dict[str, int]) -> int:
    """Rows an operator should look at: failed and ambiguous."""
    return counts.get("failed", 0) + counts.get("ambiguous", 0)


@dataclass(frozen=True)
class MailRow:
    """One outbox row as ``sendwatch mail`` lists it."""

    id: int
    state: str
    kind: str
    recipient: str
    subject: str
    attempts: int
    created_at: str | None
    next_attempt_at: str | None
    sent_at: str | None
    message_id: str
    reason: str | None

    def as_json(self) -> dict:
        return asdict(self)


def list_mail(
    session: Session, states: list[str] | None = None, limit: int | None = None, now: dt.datetime | None = None
) -> tuple[list[MailRow], int]:
    """Rows in ``states`` (default: every state but sent), newest first, and how many match in all."""
    now = now or utcnow()
    shown = _shown_state_sql(now)
    wanted = list(states) if states else [state for state in MAIL_STATES if state != "sent"]
    query = select(OutboxMessage, shown).where(shown.in_(wanted))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(OutboxMessage.id.desc())
    if limit:
        query = query.limit(limit)
    rows = [
        MailRow(
            id=row.id,
            state=state,
            kind=row.kind,
            recipient=row.recipient,
            subject=row.subject,
            attempts=row.attempts,
            created_at=_iso(row.created_at),
            next_attempt_at=_iso(row.next_attempt_at),
            sent_at=_iso(row.sent_at),
            message_id=row.message_id,
            reason=row.last_error,
        )
        for row, state in session.execute(query).all()
    ]
    return rows, int(total)


def retry(session: Session, message_ids: list[int] | None = None, now: dt.datetime | None = None) -> list[str]:
    """Make rows due again (all failed, ambiguous and deferred ones when ``message_ids`` is None).

    A row that failed because its address was refused takes its subscriber's suppression with
    it: asking for the retry says the address is fine. Returns one line per row changed.
    """
    now = now or utcnow()
    if message_ids is None:
        rows = [
            row
            for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if shown_state(row.state, row.last_error, row.next_attempt_at, now) in ("failed", "ambiguous", "deferred")
        ]
    else:
        rows = [_row(session, message_id) for message_id in message_ids]
    done = []
    for row in rows:
        shown = shown_state(row.state, row.last_error, row.next_attempt_at, now)
        if shown not in RETRYABLE and not (message_ids is not None and shown == "pending"):
            raise MailError(f"message {row.id} is {shown}; only {', '.join(RETRYABLE)} messages can be retried")
        note = ""
        subscriber = session.get(Subscriber, row.subscriber_id) if row.subscriber_id is not None else None
        if subscriber is not None and subscriber.suppressed_at is not None and row.kind != "confirm":
            subscriber.suppressed_at, subscriber.suppressed_reason = None, None
            note = f"; {subscriber.email} is no longer suppressed"
        if subscriber is not None and subscriber.unsubscribed_at is not None and row.kind != "confirm":
            note += f"; note: {subscriber.email} has unsubscribed, so it will be suppressed again"
        previous = row.last_error
        row.state, row.attempts, row.next_attempt_at = "pending", 0, now
        row.claimed_by = row.claimed_until = None
        row.last_error = f"retry requested by the operator (was {shown}: {previous})" if previous else None
        done.append(f"message {row.id} to {row.recipient}: {shown} -> pending{note}")
    session.flush()
    return done


def mark_sent(session: Session, message_id: int, now: dt.datetime | None = None) -> str:
    """Settle a row as delivered (after finding its Message-ID in the relay's log)."""
    now = now or utcnow()
    row = _row(session, message_id)
    shown = shown_state(row.state, row.last_error, row.next_attempt_at, now)
    if shown == "sent":
        raise MailError(f"message {row.id} is already sent")
    if shown == "claimed":
        raise MailError(f"message {row.id} is being sent right now; look again when its drain has finished")
    previous = row.last_error
    row.state, row.sent_at = "sent", now
    row.claimed_by = row.claimed_until = None
    row.last_error = f"marked sent by the operator (was {shown}: {previous})" if previous else "marked sent by the operator"
    session.flush()
    return f"message {row.id} to {row.recipient}: {shown} -> sent"


def _row(session: Session, message_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, message_id) if fits_row_id(message_id) else None
    if row is None:
        raise MailError(f"there is no outbox message {message_id}")
    return row


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None
