"""Drain the outbox: deliver each due message once, and know what happened to it.

The life of an outbox row (``state``):

    pending --claim--> pending (leased) --mark_in_flight--> sending --> sent
                                  |                            |-> ambiguous (no answer)
                                  |-> pending, later (4xx / dropped before hand-over)
                                  |-> failed (5xx; the address is suppressed) or suppressed

* **Claim.** Due rows are claimed, a batch at a time, by one UPDATE that re-checks "pending and
  due", pushes ``next_attempt_at`` out by a lease and counts the attempt: two senders never take
  the same row, and a sender that dies before handing a message over leaves it pending, due
  again when the lease ends (then sent once: nothing reached the server).
* **In flight.** Just before the message is handed over (SMTP ``DATA``; the file rename) the row
  becomes ``sending`` (committed), with ``next_attempt_at`` holding when. This is the only
  window in which a crash leaves the outcome unknown: from DATA to the server's answer.
* **After a crash.** A ``sending`` row older than the transport timeout belongs to a dead
  sender. The file transport can tell whether it was delivered (the file exists); SMTP cannot,
  so the row becomes ``ambiguous``: reported, never resent silently (a duplicate alert is worse
  than one an operator resends by hand).
* **Failures.** Temporary ones (4xx, dropped connections) back off exponentially from
  ``mail.retry_base_seconds`` up to ``mail.retry_max_seconds``, until ``mail.max_attempts``; permanent ones
  (5xx at RCPT or DATA) fail at once and suppress that subscriber, whose other pending messages
  are then marked ``suppressed``. A server that cannot be reached, or refuses us (TLS, login,
  sender address), ends the run and leaves the remaining rows untouched.

Ambiguous rows are left for an operator: look at the server's logs for the Message-ID, then set
the row back to ``pending`` to resend it or to ``sent``.
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
    retry_base_seconds: float | None = None,
    retry_max_seconds: float | None = None,
) -> SendSummary:
    """Deliver every due outbox message through the configured transport; safe to call any time.

    Backoff comes from ``mail.retry_base_seconds`` / ``mail.retry_max_seconds`` unless given.
    """
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
    retry_base_seconds: float | None = None,
    retry_max_seconds: float | None = None,
) -> SendSummary:
    """The async body of ``send_pending``."""
    now = now or utcnow()
    transport = transport or make_transport(config)
    summary = SendSummary()
    policy = _RetryPolicy(
        retry_base_seconds or config.mail.retry_base_seconds, retry_max_seconds or config.mail.retry_max_seconds, config.mail.max_attempts
    )
    lease = dt.timedelta(seconds=config.mail.timeout_seconds * 4 + 60)
    _recover_in_flight(database, transport, now - dt.timedelta(seconds=config.mail.timeout_seconds + 30), summary)
    await transport.open()
    writer = _OutboxWriter(database)
    try:
        done = 0
        while limit is None or done < limit:
            batch = _claim_batch(database, now, lease, BATCH if limit is None else min(BATCH, limit - done))
            if not batch:
                break
            for position, row in enumerate(batch):
                done += 1
                if not row.wanted:
                    writer.set(row.message.id, state="suppressed", last_error=row.wanted_reason)
                    summary.suppressed += 1
                    continue
                try:
                    await transport.deliver(row.message, lambda: writer.mark_in_flight(row.message.id))
                except ServerUnavailable as error:
                    _release(database, [r.message.id for r in batch[position:]], now, str(error))
                    summary.errors.append(str(error))
                    log.warning("mail server unavailable; %s", error)
                    return summary
                except TemporaryFailure as error:
                    _defer(writer, row.message, now, policy, str(error), summary)
                except PermanentFailure as error:
                    _fail(database, row.message, str(error), error.suppress, summary)
                    suppressed_ids = {r.message.id for r in batch[position + 1:] if r.message.subscriber_id == row.message.subscriber_id}
                    for later in batch[position + 1:]:
                        if error.suppress and later.message.id in suppressed_ids:
                            later.wanted, later.wanted_reason = False, f"address suppressed: {error}"
                except OutcomeUnknown as error:
                    writer.set(row.message.id, state="ambiguous", last_error=str(error))
                    summary.ambiguous += 1
                else:
                    writer.set(row.message.id, state="sent", sent_at=utcnow(), last_error=None)
                    summary.sent += 1
    finally:
        writer.close()
        await transport.close()
    return summary


@dataclass
class _Claimed:
    """A row this sender has claimed, with whether its subscriber still wants mail."""

    message: OutboxMessage
    wanted: bool = True
    wanted_reason: str | None = None


@dataclass(frozen=True)
class _RetryPolicy:
    base_seconds: float
    max_seconds: float
    max_attempts: int

    def delay(self, attempts: int) -> dt.timedelta:
        return dt.timedelta(seconds=min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1)))


def _claim_batch(database: Database, now: dt.datetime, lease: dt.timedelta, size: int) -> list[_Claimed]:
    """Take up to ``size`` due rows for this sender in one transaction, oldest first.

    The UPDATE repeats the "due and pending" condition, so a row another sender claimed in the
    meantime is simply not returned: two senders never take the same row.
    """
    due = or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
    with database.session() as session:
        ids = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.state == "pending", due).order_by(OutboxMessage.id).limit(size)
        ).all()
        if not ids:
            return []
        claimed = set(
            session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.state == "pending", due)
                .values(next_attempt_at=now + lease, attempts=OutboxMessage.attempts + 1)
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            ).all()
        )
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)).all()
        subscriber_ids = {row.subscriber_id for row in rows if row.subscriber_id is not None}
        subscribers = {s.id: s for s in session.scalars(select(Subscriber).where(Subscriber.id.in_(subscriber_ids)))}
        batch = []
        for row in rows:
            session.expunge(row)
            batch.append(_claimed(row, subscribers.get(row.subscriber_id)))  # type: ignore[arg-type]
        return batch


def _claimed(row: OutboxMessage, subscriber: Subscriber | None) -> _Claimed:
    """Confirmation emails always go; anything else stops once its subscriber stopped or bounced."""
    if subscriber is None or row.kind == "confirm":
        return _Claimed(row)
    if subscriber.unsubscribed_at is not None:
        return _Claimed(row, False, "unsubscribed")
    if subscriber.suppressed_at is not None:
        return _Claimed(row, False, f"address suppressed: {subscriber.suppressed_reason}")
    return _Claimed(row)


class _OutboxWriter:
    """One dedicated connection for the many small outcome writes of a drain.

    Each write is its own committed transaction, visible to any process the moment it returns,
    which is what a sender killed at any point relies on. On PostgreSQL the connection uses
    asynchronous commit (no WAL flush wait per write; a few times faster): only a crash of the
    database server itself could lose the last fraction of a second of writes, after which a
    message could be sent again once its claim expires. The setting is reset before the
    connection returns to the pool.
    """

    def __init__(self, database: Database):
        self.connection = database.engine.connect()
        self.postgres = self.connection.dialect.name == "postgresql"
        if self.postgres:
            self.connection.exec_driver_sql("SET synchronous_commit TO OFF")
            self.connection.commit()

    def set(self, message_id: int, **values: object) -> None:
        with self.connection.begin():
            self.connection.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))

    def mark_in_flight(self, message_id: int) -> None:
        """Record that the message is about to be handed over (see the module docstring)."""
        self.set(message_id, state="sending", next_attempt_at=utcnow())

    def close(self) -> None:
        try:
            if self.postgres:
                self.connection.exec_driver_sql("RESET synchronous_commit")
                self.connection.commit()
        finally:
            self.connection.close()


def _release(database: Database, message_ids: list[int], now: dt.datetime, error: str) -> None:
    """Give claimed rows back untouched (the server, not the messages, was the problem)."""
    with database.session() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids))
            .values(state="pending", next_attempt_at=now, attempts=OutboxMessage.attempts - 1, last_error=error)
            .execution_options(synchronize_session=False)
        )


def _defer(writer: _OutboxWriter, row: OutboxMessage, now: dt.datetime, policy: _RetryPolicy, error: str, summary: SendSummary) -> None:
    attempts = row.attempts  # already counts this attempt: the claim incremented it
    if attempts >= policy.max_attempts:
        writer.set(row.id, state="failed", last_error=f"gave up after {attempts} attempts: {error}")
        summary.failed += 1
        return
    writer.set(row.id, state="pending", next_attempt_at=now + policy.delay(attempts), last_error=error)
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
