"""The outbox cannot wedge or repeat: one message's trouble is its own, relay-wide refusals suppress
nobody, attempts are capped, and claims hold however slow the relay (real aiosmtpd servers)."""

from __future__ import annotations

import collections
import datetime as dt

import pytest
from alerts_support import queue_change_alerts
from sqlalchemy import select

from alerts import send_pending
from alerts.outbox import enqueue, message_key
from alerts.transports import SmtpTransport
from sendwatch.core.storage.models import MailPause, OutboxMessage, Subscriber, utcnow
from tests.support.smtp import running_smtp_server

READERS = [f"reader{n}@newsroom.example" for n in range(1, 6)]
LATER = dt.timedelta(days=1)


def rows(database) -> dict[str, OutboxMessage]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        found = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in found:
            session.expunge(row)
        return {row.recipient: row for row in found}


def suppressed(database) -> list[str]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return list(session.scalars(select(Subscriber.email).where(Subscriber.suppressed_at.is_not(None))))


def delivered_once(handler, message_ids) -> bool:  # type: ignore[no-untyped-def]
    counts = collections.Counter(handler.message_ids())
    return set(counts) == set(message_ids) and set(counts.values()) == {1}


def legacy_row(database, config, address: str) -> None:  # type: ignore[no-untyped-def]
    """A message to an address the old sign-up form let in, queued before the alerts behind it."""
    with database.session() as session:
        subscriber = Subscriber(email=address, source="web", confirmed_at=utcnow())
        session.add(subscriber)
        session.flush()
        enqueue(
            session,
            config,
            kind="confirm",
            key=message_key("confirm", subscriber, "legacy"),
            subscriber=subscriber,
            subject="Confirm your sendwatch subscription",
            html="<p>Confirm</p>",
            text="Confirm",
            links=None,
        )


# --------------------------------------------------------------------------- one message, one fate


def test_a_non_ascii_address_fails_alone_and_the_alerts_behind_it_are_delivered(smtp_config, database):
    with running_smtp_server(enable_SMTPUTF8=False) as relay:  # a relay without SMTPUTF8, as most are
        _, config = smtp_config(mail={"transport": "smtp", "host": relay.host, "port": relay.port, "timeout_seconds": 10})
        legacy_row(database, config, "jöhn@exämple.org")
        message_ids = queue_change_alerts(database, config, READERS[:2])[2:]  # after jöhn's confirmation and alert

        summary = send_pending(config, database)

        assert summary.sent == 2 and delivered_once(relay.handler, message_ids)
        assert {row.state for address, row in rows(database).items() if address.startswith("jöhn")} == {"failed"}
        assert "SMTPUTF8" in rows(database)["jöhn@exämple.org"].last_error
        assert suppressed(database) == [], "the relay's limits are nobody's address fault"
        assert send_pending(config, database, now=utcnow() + LATER).attempted == 0, "a failed row is not retried"


def test_with_an_smtputf8_relay_the_non_ascii_address_is_delivered_with_its_domain_idna_encoded(smtp_config, database):
    with running_smtp_server(enable_SMTPUTF8=True) as relay:
        _, config = smtp_config(
            mail={"transport": "smtp", "host": relay.host, "port": relay.port, "smtputf8": True, "timeout_seconds": 10}
        )
        legacy_row(database, config, "jöhn@exämple.org")

        assert send_pending(config, database).sent == 1
        assert relay.handler.received[0].recipients == ["jöhn@xn--exmple-cua.org"]


class FaultyTransport(SmtpTransport):
    """The real SMTP transport with a fault injected for one recipient, before or after hand-over."""

    def __init__(self, config, recipient: str, after_hand_over: bool):  # type: ignore[no-untyped-def]
        super().__init__(config)
        self.recipient, self.after_hand_over = recipient, after_hand_over

    async def deliver(self, message, mark_in_flight):  # type: ignore[no-untyped-def]
        if message.recipient == self.recipient:
            if self.after_hand_over:
                mark_in_flight()
            raise RuntimeError("an unforeseen fault with this one message")
        await super().deliver(message, mark_in_flight)


@pytest.mark.parametrize("after_hand_over, state", [(False, "pending"), (True, "ambiguous")])
def test_an_unexpected_error_for_one_message_fails_that_message_not_the_drain(
    smtp_config, smtp_server, database, after_hand_over, state
):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS)
    transport = FaultyTransport(config, READERS[1], after_hand_over)

    summary = send_pending(config, database, transport=transport)

    assert summary.sent == 4 and delivered_once(smtp_server.handler, message_ids[:1] + message_ids[2:])
    broken = rows(database)[READERS[1]]
    assert broken.state == state and "unforeseen fault" in broken.last_error and broken.attempts == 1
    assert suppressed(database) == []


def test_an_error_that_repeats_for_every_message_is_retried_up_to_the_cap_then_failed(smtp_config, database):
    _, config = smtp_config(mail={"transport": "smtp", "host": "127.0.0.1", "port": 9, "max_attempts": 2})
    queue_change_alerts(database, config, READERS)

    class Broken(SmtpTransport):
        async def deliver(self, message, mark_in_flight):  # type: ignore[no-untyped-def]
            raise RuntimeError("a bug in this version")

    first = send_pending(config, database, transport=Broken(config))
    assert first.errors and "failed alike" in first.errors[-1], "stopped after three in a row"
    assert sorted(row.attempts for row in rows(database).values()) == [0, 0, 1, 1, 1]
    send_pending(config, database, transport=Broken(config), now=utcnow() + LATER)
    send_pending(config, database, transport=Broken(config), now=utcnow() + 3 * LATER)
    failed = [row for row in rows(database).values() if row.state == "failed"]
    assert failed and all(row.last_error.startswith("gave up after 2 attempts: could not be sent") for row in failed)


def test_attempts_are_capped_then_the_row_fails_with_the_reason(smtp_config, smtp_server, database):
    _, config = smtp_config(
        mail={"transport": "smtp", "host": smtp_server.host, "port": smtp_server.port, "timeout_seconds": 10, "max_attempts": 3}
    )
    queue_change_alerts(database, config, READERS[:1])
    smtp_server.handler.behaviour.greylist_first = 10**6

    when = utcnow()
    for _ in range(3):
        send_pending(config, database, now=when)
        when += LATER

    row = rows(database)[READERS[0]]
    assert (row.state, row.attempts) == ("failed", 3)
    assert row.last_error.startswith("gave up after 3 attempts: 451")
    assert send_pending(config, database, now=when + LATER).attempted == 0


# --------------------------------------------------------------------------- the relay's refusals


def test_a_quota_refusal_pauses_sending_and_suppresses_nobody(smtp_config, smtp_server, database):
    _, config = smtp_config()
    readers = [f"desk{n}@newsroom{n}.example" for n in range(20)]
    message_ids = queue_change_alerts(database, config, readers)
    smtp_server.handler.behaviour.refuse_all_rcpt_after = 5  # "550 5.4.5 Daily user sending quota exceeded"

    first = send_pending(config, database)

    assert first.sent == 5 and first.failed == 0 and first.paused and "5.4.5" in first.paused
    assert suppressed(database) == []
    assert send_pending(config, database).attempted == 0, "paused: nothing is tried until the pause ends"
    with database.session() as session:
        assert session.scalars(select(MailPause)).one().paused_until > utcnow()

    smtp_server.handler.behaviour.refuse_all_rcpt_after = None  # the quota resets
    assert send_pending(config, database, now=utcnow() + LATER).sent == 15
    assert delivered_once(smtp_server.handler, message_ids)
    assert {row.state for row in rows(database).values()} == {"sent"}
    with database.session() as session:
        assert session.scalars(select(MailPause)).all() == [], "a message accepted ends the pause"


def test_a_content_refusal_at_data_suppresses_nobody(smtp_config, smtp_server, database):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS)
    smtp_server.handler.behaviour.data_refusal = "554 5.7.1 Message rejected: content policy"

    summary = send_pending(config, database)

    assert summary.sent == 0 and summary.paused and "5.7.1" in summary.paused
    assert suppressed(database) == []
    assert {row.state for row in rows(database).values()} == {"pending"}
    smtp_server.handler.behaviour.data_refusal = None
    assert send_pending(config, database, now=utcnow() + LATER).sent == len(READERS)
    assert delivered_once(smtp_server.handler, message_ids)


def test_the_same_refusal_for_people_at_different_domains_in_a_row_is_the_relays(smtp_config, smtp_server, database):
    _, config = smtp_config()
    readers = ["ann@first.example", "bob@second.example", "cat@third.example", "dan@fourth.example"]
    queue_change_alerts(database, config, readers)
    # A relay that believes it is the final destination answers "user unknown" for everyone.
    smtp_server.handler.behaviour.refuse = set(readers)

    summary = send_pending(config, database)

    assert summary.sent == 0 and summary.paused and "different domains" in summary.paused
    assert suppressed(database) == []


def test_one_unknown_user_among_good_ones_is_still_suppressed(smtp_config, smtp_server, database):
    _, config = smtp_config()
    queue_change_alerts(database, config, READERS)
    smtp_server.handler.behaviour.refuse = {READERS[1], READERS[2]}  # two colleagues who left, one domain

    summary = send_pending(config, database)

    assert (summary.sent, summary.failed, summary.paused) == (3, 2, None)
    assert sorted(suppressed(database)) == [READERS[1], READERS[2]]


def test_a_mailbox_full_refusal_waits_and_suppresses_nobody(smtp_config, smtp_server, database):
    _, config = smtp_config()
    queue_change_alerts(database, config, READERS[:2])
    smtp_server.handler.behaviour.refuse = {READERS[0]}
    smtp_server.handler.behaviour.refuse_rcpt_text = "552 5.2.2 <{address}>: Mailbox full"

    summary = send_pending(config, database)

    assert (summary.sent, summary.deferred, summary.paused) == (1, 1, None)
    assert suppressed(database) == [] and rows(database)[READERS[0]].state == "pending"


# --------------------------------------------------------------------------- patience within one run


def test_within_one_run_a_greylisted_message_is_retried_after_a_short_wait(smtp_config, smtp_server, database):
    _, config = smtp_config(
        mail={
            "transport": "smtp",
            "host": smtp_server.host,
            "port": smtp_server.port,
            "timeout_seconds": 10,
            "linger_retry_seconds": 0.05,
        }
    )
    message_ids = queue_change_alerts(database, config, READERS[:3])
    smtp_server.handler.behaviour.greylist_first = 3

    summary = send_pending(config, database, linger_seconds=30)

    assert (summary.sent, summary.deferred) == (3, 0)
    assert delivered_once(smtp_server.handler, message_ids)


def test_lingering_gives_up_at_its_deadline_and_leaves_the_row_for_later(smtp_config, smtp_server, database):
    _, config = smtp_config(
        mail={
            "transport": "smtp",
            "host": smtp_server.host,
            "port": smtp_server.port,
            "timeout_seconds": 10,
            "linger_retry_seconds": 0.05,
        }
    )
    queue_change_alerts(database, config, READERS[:1])
    smtp_server.handler.behaviour.greylist_first = 10**6

    summary = send_pending(config, database, linger_seconds=1.5)

    assert (summary.sent, summary.deferred) == (0, 1)
    row = rows(database)[READERS[0]]
    assert row.state == "pending" and row.next_attempt_at > utcnow() and row.attempts >= 2


@pytest.mark.parametrize("claimed_by", ["elsewhere:1:-:-:abcd1234", None])
def test_claims_of_a_drain_that_is_not_provably_dead_are_left_until_they_expire(smtp_config, smtp_server, database, claimed_by):
    _, config = smtp_config()
    queue_change_alerts(database, config, READERS[:2])
    with database.session() as session:
        held = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        held.state, held.claimed_by, held.claimed_until = "claimed", claimed_by, utcnow() + dt.timedelta(minutes=5)

    assert send_pending(config, database).sent == 1
    assert rows(database)[READERS[0]].state == "claimed"


def test_the_claims_of_a_drain_on_another_machine_come_back_when_they_expire(smtp_config, smtp_server, database):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS[:2])
    with database.session() as session:
        for row in session.scalars(select(OutboxMessage)):
            row.state, row.claimed_by, row.claimed_until = (
                "claimed",
                "elsewhere:1:-:-:abcd1234",
                utcnow() - dt.timedelta(seconds=1),
            )

    summary = send_pending(config, database)

    assert (summary.sent, summary.reclaimed) == (2, 2) and delivered_once(smtp_server.handler, message_ids)
