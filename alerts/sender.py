"""Drain the outbox: deliver each due message once, and know what happened to it.

The life of an outbox row (``state``):

    pending --claim--> pending (leased) --mark_in_flight--> sending --> sent
                                  |                            |-> ambiguous (no answer)
                                  |-> pending, later (4xx / dropped before hand-over)
                                  |-> failed (5xx; the address is suppressed) or suppressed

* **Claim.** A due row is claimed by an atomic UPDATE that pushes its ``next_attempt_at`` out
  by a lease and counts the attempt; two senders never take the same row, and a sender that
  dies before handing the message over leaves it pending, due again when the lease ends.
* **In flight.** Just before the message is handed over (SMTP ``DATA``; the file rename) the row
  becomes ``sending`` (committed), with ``next_attempt_at`` holding when. This is the only
  window in which a crash leaves the outcome unknown.
* **After a crash.** A ``sending`` row older than the transport timeout belongs to a dead
  sender. The file transport can tell whether it was delivered (the file exists); SMTP cannot,
  so the row becomes ``ambiguous``: reported, never resent silently (a duplicate alert is worse
  than one an operator resends by hand).
* **Failures.** Temporary ones (4xx, dropped connections) back off exponentially from
  ``retry_base_seconds`` up to ``retry_max_seconds``, until ``mail.max_attempts``; permanent ones
  (5xx at RCPT or DATA) fail at once and suppress that subscriber, whose other pending messages
  are then marked ``suppressed``. A server that cannot be reached at all ends the run and leaves
  the remaining rows untouched.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import or_, select, update

from alerts.transports import (
    OutcomeUnknown,
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
    Transport,
    make_transport,
)
from sendwatch.config import Config
from sendwatch.storage import Database
from sendwatch.storage.models import OutboxMessage, Subscriber, utcnow

log = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 60.0
RETRY_MAX_SECONDS = 3600.0
BATCH = 200


@dataclass
class SendSummary:
    """What one drain of the outbox did."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0
    suppressed: int = 0
    ambiguous: int = 0
    recovered: int = 0  # rows found in flight from an earlier, dead sender and resolved
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.deferred + self.failed + self.ambiguous


def send_pending(
    config: Config,
    database: Database,
    now: dt.datetime | None = None,
    transport: Transport | None = None,
    limit: int | None = None,
    retry_base_seconds: float = RETRY_BASE_SECONDS,
    retry_max_seconds: float = RETRY_MAX_SECONDS,
) -> SendSummary:
    """Deliver every due outbox message through the configured transport; safe to call any time."""
    coroutine = send_pending_async(
        config, database, now=now, transport=transport, limit=limit,
        retry_base_seconds=retry_base_seconds, retry_max_seconds=retry_max_seconds,
    )
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # Called from inside an event loop (the scheduler, the web app): run on a thread of its own.
    result: list[SendSummary] = []
    failure: list[BaseException] = []

    def runner() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    thread = threading.Thread(target=runner, name="sendwatch-sender")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


async def send_pending_async(
    config: Config,
    database: Database,
    now: dt.datetime | None = None,
    transport: Transport | None = None,
    limit: int | None = None,
    retry_base_seconds: float = RETRY_BASE_SECONDS,
    retry_max_seconds: float = RETRY_MAX_SECONDS,
) -> SendSummary:
    """The async body of ``send_pending``."""
    now = now or utcnow()
    transport = transport or make_transport(config)
    summary = SendSummary()
    policy = _RetryPolicy(retry_base_seconds, retry_max_seconds, config.mail.max_attempts)
    lease = dt.timedelta(seconds=config.mail.timeout_seconds * 4 + 60)
    _recover_in_flight(database, transport, now - dt.timedelta(seconds=config.mail.timeout_seconds + 30), summary)
    await transport.open()
    try:
        done: set[int] = set()
        while limit is None or len(done) < limit:
            due = _due_ids(database, now, exclude=done)
            if not due:
                break
            for message_id in due:
                if limit is not None and len(done) >= limit:
                    break
                done.add(message_id)
                row = _claim(database, message_id, now, lease)
                if row is None:
                    continue
                if not _still_wanted(database, row, summary):
                    continue
                try:
                    await transport.deliver(row, lambda: _mark_in_flight(database, row.id))
                except ServerUnavailable as error:
                    _release(database, row.id, now, str(error))
                    summary.errors.append(str(error))
                    log.warning("mail server unavailable; %s", error)
                    return summary
                except TemporaryFailure as error:
                    _defer(database, row, now, policy, str(error), summary)
                except PermanentFailure as error:
                    _fail(database, row, str(error), error.suppress, summary)
                except OutcomeUnknown as error:
                    _set(database, row.id, state="ambiguous", last_error=str(error))
                    summary.ambiguous += 1
                else:
                    _set(database, row.id, state="sent", sent_at=utcnow(), last_error=None)
                    summary.sent += 1
    finally:
        await transport.close()
    return summary


@dataclass(frozen=True)
class _RetryPolicy:
    base_seconds: float
    max_seconds: float
    max_attempts: int

    def delay(self, attempts: int) -> dt.timedelta:
        return dt.timedelta(seconds=min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1)))


def _due_ids(database: Database, now: dt.datetime, exclude: set[int]) -> list[int]:
    with database.session() as session:
        ids = session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.state == "pending",
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH + len(exclude))
        ).all()
    return [message_id for message_id in ids if message_id not in exclude][:BATCH]


def _claim(database: Database, message_id: int, now: dt.datetime, lease: dt.timedelta) -> OutboxMessage | None:
    """Take one due row for this sender (atomic), or None if another sender got it first."""
    with database.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.state == "pending",
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .values(next_attempt_at=now + lease, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        row = session.get(OutboxMessage, message_id)
        session.expunge(row)
        return row


def _still_wanted(database: Database, row: OutboxMessage, summary: SendSummary) -> bool:
    """False (and the row marked suppressed) when its subscriber has since stopped or bounced."""
    if row.subscriber_id is None or row.kind == "confirm":
        return True
    with database.session() as session:
        subscriber = session.get(Subscriber, row.subscriber_id)
        if subscriber is None or (subscriber.unsubscribed_at is None and subscriber.suppressed_at is None):
            return True
        reason = "unsubscribed" if subscriber.unsubscribed_at else f"address suppressed: {subscriber.suppressed_reason}"
    _set(database, row.id, state="suppressed", last_error=reason)
    summary.suppressed += 1
    return False


def _mark_in_flight(database: Database, message_id: int) -> None:
    _set(database, message_id, state="sending", next_attempt_at=utcnow())


def _set(database: Database, message_id: int, **values: object) -> None:
    with database.session() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values).execution_options(synchronize_session=False)
        )


def _release(database: Database, message_id: int, now: dt.datetime, error: str) -> None:
    """Give a claimed row back untouched (the server, not the message, was the problem)."""
    with database.session() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(state="pending", next_attempt_at=now, attempts=OutboxMessage.attempts - 1, last_error=error)
            .execution_options(synchronize_session=False)
        )


def _defer(database: Database, row: OutboxMessage, now: dt.datetime, policy: _RetryPolicy, error: str, summary: SendSummary) -> None:
    attempts = row.attempts  # already counts this attempt: the claim incremented it
    if attempts >= policy.max_attempts:
        _set(database, row.id, state="failed", last_error=f"gave up after {attempts} attempts: {error}")
        summary.failed += 1
        return
    _set(database, row.id, state="pending", next_attempt_at=now + policy.delay(attempts), last_error=error)
    summary.deferred += 1


def _fail(database: Database, row: OutboxMessage, error: str, suppress: bool, summary: SendSummary) -> None:
    """A permanent refusal: fail this row and, for a refused address, stop all mail to it."""
    with database.session() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row.id).values(state="failed", last_error=error)
            .execution_options(synchronize_session=False)
        )
        if suppress and row.subscriber_id is not None:
            subscriber = session.get(Subscriber, row.subscriber_id)
            if subscriber is not None and subscriber.suppressed_at is None:
                subscriber.suppressed_at = utcnow()
                subscriber.suppressed_reason = error[:500]
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.subscriber_id == row.subscriber_id, OutboxMessage.state == "pending")
                .values(state="suppressed", last_error=f"address suppressed: {error}"[:1000])
                .execution_options(synchronize_session=False)
            )
    summary.failed += 1


def _recover_in_flight(database: Database, transport: Transport, stale_before: dt.datetime, summary: SendSummary) -> None:
    """Resolve rows a dead sender left ``sending``: delivered, not delivered, or ambiguous."""
    with database.session() as session:
        rows = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.state == "sending",
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= stale_before),
            )
        ).all()
        for row in rows:
            delivered = transport.was_delivered(row)
            if delivered is True:
                row.state, row.sent_at, row.last_error = "sent", utcnow(), None
            elif delivered is False:
                row.state, row.last_error = "pending", "interrupted before delivery; sending again"
            else:
                row.state = "ambiguous"
                row.last_error = "the sender stopped after handing this message to the server and before its answer; it may have been delivered, so it was not resent"
                summary.ambiguous += 1
            summary.recovered += 1
