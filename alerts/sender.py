"""Drain the outbox: deliver each due message once, and know what happened to it.

The life of an outbox row (``state``):

    pending --claim--> claimed --mark_in_flight--> sending --> sent
                          |                           |-> ambiguous (no answer)
                          |-> pending, later (4xx, dropped before hand-over, a relay-wide refusal)
                          |-> failed (refused about the address: suppressed; attempts used up;
                          |           an error of this message alone) or suppressed

* **Claim.** A drain names itself (``claimed_by``, see ``sendwatch.core.holders``) on the due rows it
  takes, a batch at a time, by one UPDATE that re-checks "pending and due": two drains never
  take the same row. The claim lasts ``claimed_until`` and a keeper thread renews it while the
  drain lives, however slow the relay; a drain whose process died on this machine loses its
  claims at once, one elsewhere when they run out. Every later write is fenced by
  ``claimed_by``: a drain that lost a row (it stalled past its lease) hands nothing over.
* **In flight.** Just before the message is handed over (SMTP ``DATA``; the file rename) the row
  becomes ``sending`` (committed). This is the only window in which a crash leaves the outcome
  unknown: from DATA to the server's answer.
* **After a crash.** A ``sending`` row whose drain is dead (on this machine), or older than the
  transport timeout, is settled: the file transport can tell whether it was delivered (the file
  exists); SMTP cannot, so the row becomes ``ambiguous``: reported by ``sendwatch mail``, never
  resent silently (a duplicate alert is worse than one an operator resends by hand).
* **Failures.** Temporary ones (4xx, dropped connections) back off from
  ``mail.retry_base_seconds`` up to ``mail.retry_max_seconds``; every attempt counts, and after
  ``mail.max_attempts`` the row is ``failed`` with the reason. A refusal about the recipient's
  address fails the row and suppresses that subscriber. A refusal that is the relay's (quota,
  content, policy: ``alerts.refusals``), or the same refusal for several people at different
  domains in a row, suppresses nobody: the relay is paused (``mail_pauses``, doubling each time)
  and the rows wait. A server that cannot be reached, or refuses us (TLS, login, sender
  address), ends the run and leaves the remaining rows untouched. Any other error while sending
  one message is that message's failed attempt (or makes it ambiguous, once handed over), never
  the drain's end; only the same error for several messages in a row stops the drain. Two
  messages in a row handed over and then dropped unanswered (a relay that closes after each
  DATA) pause the relay as a relay-wide refusal does, so the rest wait pending rather than in doubt.
* **Patience.** ``linger_seconds`` (``run --once`` and ``digest --send``) retries this run's
  temporary failures after short, doubling waits for that long before leaving them for later.

``sendwatch mail`` lists rows by state with reasons, resends them or settles them by hand.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, bindparam, or_, select, update
from sqlalchemy.exc import DBAPIError

from alerts.channels import ChannelRouter
from alerts.merged import redirect_merged
from alerts.refusals import Refusal
from alerts.transports import (
    OutcomeUnknown,
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
    Transport,
    Withdrawn,
    make_transport,
)
from sendwatch.core import holders
from sendwatch.core.config import Config
from sendwatch.core.storage import Database
from sendwatch.core.storage.db import rows_matched
from sendwatch.core.storage.models import Base, MailPause, OutboxMessage, Subscriber, utcnow

log = logging.getLogger(__name__)

BATCH = 200
# Refusals in a row with the same answer, for people at this many different domains, are the
# relay's doing rather than each address's.
RELAY_STREAK = 3
# Messages in a row handed over, then dropped unanswered (each now ambiguous), before the relay is paused.
DROPPED_STREAK = 2


@dataclass
class SendSummary:
    """What one drain of the outbox did."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0
    suppressed: int = 0
    ambiguous: int = 0
    recovered: int = 0  # rows found in flight from an earlier, dead sender and resolved
    reclaimed: int = 0  # rows claimed by a dead sender, never tried, given back
    paused: str | None = None  # why the relay is paused, when it is
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
    linger_seconds: float = 0.0,
) -> SendSummary:
    """Deliver every due outbox message through the configured transport; safe to call any time,
    from any number of processes at once.

    Backoff comes from ``mail.retry_base_seconds`` / ``mail.retry_max_seconds`` unless given.
    With ``linger_seconds``, temporary failures are retried within this call for that long.
    """
    coroutine = send_pending_async(
        config,
        database,
        now=now,
        transport=transport,
        limit=limit,
        retry_base_seconds=retry_base_seconds,
        retry_max_seconds=retry_max_seconds,
        linger_seconds=linger_seconds,
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
    linger_seconds: float = 0.0,
) -> SendSummary:
    """The async body of ``send_pending``."""
    now = now or utcnow()
    transport = ChannelRouter(transport or make_transport(config))  # Apprise rows go their own way
    mail = config.mail
    policy = _RetryPolicy(
        retry_base_seconds or mail.retry_base_seconds, retry_max_seconds or mail.retry_max_seconds, mail.max_attempts
    )
    drain = _Drain(database, transport, policy, holders.new_holder(), _claim_lease(config), now)
    drain.recover(now - dt.timedelta(seconds=mail.timeout_seconds + 30))
    deadline = time.monotonic() + linger_seconds
    wait = mail.linger_retry_seconds
    keeper = _ClaimKeeper(drain)
    keeper.start()
    try:
        await transport.open()
        await drain.run(limit)
        while linger_seconds > 0 and drain.retry_soon and drain.summary.paused is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await asyncio.sleep(min(wait, remaining))
            wait *= 2
            drain.make_due(sorted(drain.retry_soon))
            await drain.run(limit)
    finally:
        keeper.stop()
        try:
            drain.release_unsent()
        finally:
            drain.writer.close()
            await transport.close()
    drain.summary.deferred = len(drain.deferred_ids)
    return drain.summary


def _claim_lease(config: Config) -> dt.timedelta:
    """How long a claim lasts unless renewed: a few SMTP exchanges, never under two seconds."""
    return dt.timedelta(seconds=max(2.0, 4 * config.mail.timeout_seconds))


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


@dataclass
class _Suspect:
    """A refusal that looks like it is about the address, held until the next outcome says more."""

    row: OutboxMessage
    refusal: Refusal
    error: str


class _Drain:
    """One sender's pass over the outbox; its claims, its outcomes and its summary."""

    def __init__(
        self, database: Database, transport: Transport, policy: _RetryPolicy, holder: str, lease: dt.timedelta, now: dt.datetime
    ):
        self.database = database
        self.transport = transport
        self.policy = policy
        self.holder = holder
        self.lease = lease
        self.now = now
        self.writer = _OutboxWriter(database, holder)
        self.summary = SendSummary()
        self.retry_soon: set[int] = set()  # temporary failures of this run, retried while lingering
        self.deferred_ids: set[int] = set()
        self.suspects: list[_Suspect] = []
        self.suppressed_subscribers: set[int] = set()
        self.stopped = False
        self.pause_seen = False  # a pause row exists (expired, or made by this drain)
        self.unexpected: list[str] = []  # unexpected errors since the last message accepted
        self.dropped_after_data = 0  # messages in a row handed over, then the connection closed unanswered

    # ------------------------------------------------------------------ the pass

    async def run(self, limit: int | None) -> None:
        self.retry_soon = set()
        self.stopped = False
        if self._paused():
            return
        done = 0
        while not self.stopped and (limit is None or done < limit):
            batch = self._claim(BATCH if limit is None else min(BATCH, limit - done))
            if not batch:
                break
            for claimed in batch:
                if self.stopped:
                    break
                done += 1
                await self._one(claimed)
        self._settle_suspects()

    async def _one(self, claimed: _Claimed) -> None:
        row = claimed.message
        if row.subscriber_id in self.suppressed_subscribers:
            claimed.wanted, claimed.wanted_reason = False, "address suppressed: refused by the mail server"
        if not claimed.wanted:
            if self.writer.finish(row.id, state="suppressed", last_error=claimed.wanted_reason):
                self.summary.suppressed += 1
            return
        in_flight = False

        def mark_in_flight() -> bool:
            nonlocal in_flight
            in_flight = self.writer.mark_in_flight(row.id)
            return in_flight

        try:
            await self.transport.deliver(row, mark_in_flight)
        except Withdrawn:
            return  # another drain holds it now: nothing was sent, nothing to record
        except ServerUnavailable as error:
            self.summary.errors.append(str(error))
            log.warning("mail server unavailable; %s", error)
            self.writer.finish(row.id, state="pending", next_attempt_at=self.now, last_error=str(error))
            self.retry_soon.add(row.id)
            self.stopped = True
        except TemporaryFailure as error:
            self._defer(row, str(error))
        except PermanentFailure as error:
            self._refused(row, error)
        except OutcomeUnknown as error:
            if self.writer.finish(row.id, state="ambiguous", last_error=str(error), attempts=row.attempts + 1):
                self.summary.ambiguous += 1
            self.dropped_after_data = self.dropped_after_data + 1 if error.dropped else 0
            if self.dropped_after_data >= DROPPED_STREAK:
                # A relay that drops every message it is handed would make each alert ambiguous:
                # hand it no more, pause it, and let the rest wait (pending, never in doubt).
                self._relay_wide(
                    f"the relay closed the connection after {self.dropped_after_data} messages in a row: {error}", []
                )
        except Exception as error:  # this message's own trouble (an encoding, a bug): it alone fails
            log.exception("sending outbox message %s failed", row.id)
            await self.transport.reset()
            reason = f"{type(error).__name__}: {error}"
            if in_flight:
                self.writer.finish(
                    row.id,
                    state="ambiguous",
                    attempts=row.attempts + 1,
                    last_error=f"an error after the message was handed over ({reason}); it may have been delivered",
                )
                self.summary.ambiguous += 1
            else:  # retried later like a temporary failure: its attempts are counted, then it fails
                self._defer(row, f"could not be sent: {reason}", retry_soon=False)
                self.unexpected.append(reason)
                if len(self.unexpected) >= RELAY_STREAK and len(set(self.unexpected[-RELAY_STREAK:])) == 1:
                    # The same error for every message is ours, not theirs: stop, and keep the rest for later.
                    self.summary.errors.append(f"sending stopped: {RELAY_STREAK} messages in a row failed alike: {reason}")
                    self.stopped = True
        else:
            self.unexpected = []
            self.dropped_after_data = 0
            self._settle_suspects()
            if self.writer.finish(row.id, state="sent", sent_at=utcnow(), last_error=None, attempts=row.attempts + 1):
                self.summary.sent += 1
            self.deferred_ids.discard(row.id)
            if self.pause_seen:  # the relay takes mail again
                _clear_pause(self.database, self.transport.relay)
                self.pause_seen = False

    # ------------------------------------------------------------------ outcomes

    def _defer(
        self, row: OutboxMessage, error: str, *, retry_soon: bool = True, at_least: dt.timedelta = dt.timedelta(0)
    ) -> None:
        attempts = row.attempts + 1
        if attempts >= self.policy.max_attempts:
            if self.writer.finish(
                row.id, state="failed", attempts=attempts, last_error=f"gave up after {attempts} attempts: {error}"
            ):
                self.summary.failed += 1
            self.deferred_ids.discard(row.id)
            return
        delay = max(self.policy.delay(attempts), at_least)
        if self.writer.finish(row.id, state="pending", attempts=attempts, next_attempt_at=self.now + delay, last_error=error):
            self.deferred_ids.add(row.id)
            if retry_soon:
                self.retry_soon.add(row.id)

    def _refused(self, row: OutboxMessage, error: PermanentFailure) -> None:
        refusal = error.refusal
        if refusal is None:  # not the relay's answer (an address we cannot encode, no SMTPUTF8)
            self._settle_suspects()
            if self.writer.finish(row.id, state="failed", attempts=row.attempts + 1, last_error=str(error)):
                self.summary.failed += 1
            return
        if refusal.verdict == "mailbox":  # full: that person's problem for now, nobody's address
            self._settle_suspects()
            self._defer(row, str(error), retry_soon=False)
            return
        if refusal.verdict == "address":
            if self.suspects and self.suspects[-1].refusal.signature != refusal.signature:
                self._settle_suspects()
            self.suspects.append(_Suspect(row, refusal, str(error)))
            domains = {suspect.row.recipient.rpartition("@")[2].lower() for suspect in self.suspects}
            if len(self.suspects) >= RELAY_STREAK and len(domains) >= RELAY_STREAK:
                self._relay_wide(
                    f"{len(self.suspects)} recipients at different domains refused alike: {refusal.text}",
                    [suspect.row for suspect in self.suspects],
                )
                self.suspects = []
            return
        self._settle_suspects()
        self._relay_wide(f"the relay refused a message for reasons that are not the address: {refusal.text}", [row])

    def _relay_wide(self, reason: str, rows: list[OutboxMessage]) -> None:
        """Suppress nobody; put ``rows`` back to wait out a pause of the whole relay; stop."""
        pause = _pause(self.database, self.transport.relay, reason, self.policy)
        self.pause_seen = True
        for row in rows:
            self._defer(row, reason, retry_soon=False, at_least=pause)
        self.summary.paused = reason
        self.summary.errors.append(f"sending paused for {pause.total_seconds():g} s: {reason}")
        log.warning("mail paused; %s", reason)
        self.stopped = True

    def _settle_suspects(self) -> None:
        """The refusals held as suspects were about their addresses after all: fail and suppress."""
        suspects, self.suspects = self.suspects, []
        for suspect in suspects:
            if _fail_and_suppress(self.database, self.holder, suspect.row, suspect.error):
                self.summary.failed += 1
            if suspect.row.subscriber_id is not None:
                self.suppressed_subscribers.add(suspect.row.subscriber_id)

    # ------------------------------------------------------------------ claims

    def _paused(self) -> bool:
        with self.database.session() as session:
            pause = session.get(MailPause, self.transport.relay)
            self.pause_seen = pause is not None
            if pause is not None and pause.paused_until > self.now:
                self.summary.paused = pause.reason
                self.summary.errors.append(f"sending paused until {pause.paused_until:%Y-%m-%d %H:%M:%S} UTC: {pause.reason}")
                return True
        return False

    def _claim(self, size: int) -> list[_Claimed]:
        """Take up to ``size`` due rows for this drain in one transaction, oldest first.

        The UPDATE repeats the "due and pending" condition, so a row another drain claimed in
        the meantime is simply not returned: two drains never take the same row.
        """
        due = or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= self.now)
        with self.database.session() as session:
            ids = session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.state == "pending", due).order_by(OutboxMessage.id).limit(size)
            ).all()
            if not ids:
                return []
            claimed = set(
                session.scalars(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids), OutboxMessage.state == "pending", due)
                    .values(state="claimed", claimed_by=self.holder, claimed_until=utcnow() + self.lease)
                    .returning(OutboxMessage.id)
                    .execution_options(synchronize_session=False)
                ).all()
            )
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)).all()
            subscriber_ids = {row.subscriber_id for row in rows if row.subscriber_id is not None}
            subscribers = {s.id: s for s in session.scalars(select(Subscriber).where(Subscriber.id.in_(subscriber_ids)))}
            batch = []
            for row in rows:
                subscriber = subscribers.get(row.subscriber_id)  # type: ignore[arg-type]
                merged_away = None
                if subscriber is not None and subscriber.merged_into is not None and row.kind != "confirm":
                    # Queued before its subscriber was merged into another row of the same address.
                    merged_away = redirect_merged(session, row, subscriber)
                    subscriber = None if merged_away else session.get(Subscriber, row.subscriber_id)
                batch.append(_claimed(row, subscriber) if merged_away is None else _Claimed(row, False, merged_away))
            session.flush()
            for entry in batch:
                session.expunge(entry.message)
            return batch

    def renew(self) -> None:
        """Extend this drain's claims (called by the keeper thread while the drain lives)."""
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.claimed_by == self.holder, OutboxMessage.state.in_(("claimed", "sending")))
                .values(claimed_until=utcnow() + self.lease)
                .execution_options(synchronize_session=False)
            )

    def make_due(self, message_ids: list[int]) -> None:
        """Bring this run's temporary failures forward for one more try (lingering)."""
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(message_ids), OutboxMessage.state == "pending")
                .values(next_attempt_at=self.now)
                .execution_options(synchronize_session=False)
            )

    def release_unsent(self) -> None:
        """Give back the rows this drain claimed and never tried (it stopped early)."""
        with self.database.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.claimed_by == self.holder, OutboxMessage.state == "claimed")
                .values(state="pending", claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )

    def recover(self, stale_before: dt.datetime) -> None:
        """Settle what dead drains left: rows in flight (delivered, not, or ambiguous) and claims."""
        real_now = utcnow()
        with self.database.session() as session:
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.state.in_(("sending", "claimed")))).all()
            for row in rows:
                dead = holders.is_dead(row.claimed_by)
                if row.state == "claimed":
                    if dead or row.claimed_until is None or row.claimed_until < real_now:
                        row.state, row.claimed_by, row.claimed_until = "pending", None, None
                        self.summary.reclaimed += 1
                    continue
                if not dead and not (row.next_attempt_at is None or row.next_attempt_at <= stale_before):
                    continue  # its drain may still be waiting for the server's answer
                delivered = self.transport.was_delivered(row)
                if delivered is True:
                    row.state, row.sent_at, row.last_error = "sent", utcnow(), None
                elif delivered is False:
                    row.state, row.last_error = "pending", "interrupted before delivery; sending again"
                else:
                    row.state = "ambiguous"
                    row.last_error = (
                        "the sender stopped after handing this message to the server and before its answer; "
                        "it may have been delivered, so it was not resent (check the relay's log for its "
                        "Message-ID, then: sendwatch mail --retry ID or --mark-sent ID)"
                    )
                    self.summary.ambiguous += 1
                row.claimed_by, row.claimed_until = None, None
                self.summary.recovered += 1


def _claimed(row: OutboxMessage, subscriber: Subscriber | None) -> _Claimed:
    """Confirmation emails always go; anything else stops once its subscriber stopped or bounced.
    (A row queued for a subscriber since merged into another is first re-pointed at the one kept,
    or found not to be sent: ``alerts.merged``.)"""
    if subscriber is None or row.kind == "confirm":
        return _Claimed(row)
    if subscriber.unsubscribed_at is not None:
        return _Claimed(row, False, "unsubscribed")
    if subscriber.suppressed_at is not None:
        return _Claimed(row, False, f"address suppressed: {subscriber.suppressed_reason}")
    return _Claimed(row)


class _ClaimKeeper(threading.Thread):
    """Renews a drain's claims a few times per lease, so a slow relay never lets them lapse."""

    def __init__(self, drain: _Drain):
        super().__init__(daemon=True, name="sendwatch-claim-keeper")
        self.drain = drain
        self.interval = drain.lease.total_seconds() / 4
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.drain.renew()
            except Exception:  # a transient database error: the next renewal tries again
                log.warning("could not renew outbox claims", exc_info=True)

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=10)


class _OutboxWriter:
    """One dedicated connection for the many small outcome writes of a drain.

    Each write is its own committed transaction, visible to any process the moment it returns,
    which is what a sender killed at any point relies on, and each is fenced: it changes the row
    only while this drain holds it. On PostgreSQL the connection uses asynchronous commit (no
    WAL flush wait per write; a few times faster): only a crash of the database server itself
    could lose the last fraction of a second of writes, after which a message could be sent
    again once its claim expires. The setting is reset before the connection returns to the pool.
    """

    def __init__(self, database: Database, holder: str):
        self.holder = holder
        self.engine = database.engine
        self.connection = self._connect()
        # One statement per set of columns written, built once: a drain writes twice per message,
        # and building an UPDATE costs more than running it.
        self._statements: dict[tuple[str, ...], Any] = {}

    def _update(self, message_id: int, values: dict[str, object], only_claimed: bool = False) -> bool:
        key = (*sorted(values), "claimed" if only_claimed else "")
        statement = self._statements.get(key)
        if statement is None:
            table = Base.metadata.tables[OutboxMessage.__tablename__]
            condition = and_(table.c.id == bindparam("row_id"), table.c.claimed_by == bindparam("holder"))
            if only_claimed:
                condition = and_(condition, table.c.state == "claimed")
            statement = self._statements[key] = (
                update(table).where(condition).values({name: bindparam(f"new_{name}") for name in values})
            )
        params = {"row_id": message_id, "holder": self.holder, **{f"new_{name}": value for name, value in values.items()}}
        try:
            with self.connection.begin():
                return bool(self.connection.execute(statement, params).rowcount)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            # The connection was lost (a database restart, a terminated backend): a message the
            # relay just accepted must still be recorded sent. The write is fenced and idempotent,
            # so it is made again, once, on a fresh connection.
            log.warning("outbox writer lost its database connection; writing again on a new one")
            self.connection.close()
            self.connection = self._connect()
            with self.connection.begin():
                return bool(self.connection.execute(statement, params).rowcount)

    def _connect(self) -> Connection:
        connection = self.engine.connect()
        self.postgres = connection.dialect.name == "postgresql"
        if self.postgres:
            connection.exec_driver_sql("SET synchronous_commit TO OFF")
            connection.commit()
        return connection

    def finish(self, message_id: int, **values: object) -> bool:
        """Record an outcome and let go of the row; False if it was no longer ours."""
        return self._update(message_id, {"claimed_by": None, "claimed_until": None, **values})

    def mark_in_flight(self, message_id: int) -> bool:
        """Record that the message is about to be handed over (see the module docstring);
        False when another drain holds it now, in which case it must not be handed over."""
        return self._update(message_id, {"state": "sending", "next_attempt_at": utcnow()}, only_claimed=True)

    def close(self) -> None:
        try:
            if self.postgres:
                self.connection.exec_driver_sql("RESET synchronous_commit")
                self.connection.commit()
        finally:
            self.connection.close()


def _fail_and_suppress(database: Database, holder: str, row: OutboxMessage, error: str) -> bool:
    """A refusal about the address: fail this row and stop all mail to its subscriber."""
    with database.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.claimed_by == holder)
            .values(state="failed", last_error=error, attempts=row.attempts + 1, claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        if not rows_matched(result):
            return False
        if row.subscriber_id is not None:
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
    return True


def _pause(database: Database, relay: str, reason: str, policy: _RetryPolicy) -> dt.timedelta:
    """Pause the relay, each pause in a row twice as long as the one before; return its length."""
    with database.session() as session:
        pause = session.get(MailPause, relay)
        count = 1 if pause is None else pause.count + 1
        length = policy.delay(count)
        until = utcnow() + length
        if pause is None:
            session.add(MailPause(relay=relay, paused_until=until, reason=reason[:2000], count=count, since=utcnow()))
        else:
            pause.paused_until, pause.reason, pause.count = until, reason[:2000], count
    return length


def _clear_pause(database: Database, relay: str) -> None:
    """A message was accepted: the relay is taking mail again."""
    with database.session() as session:
        pause = session.get(MailPause, relay)
        if pause is not None:
            session.delete(pause)
