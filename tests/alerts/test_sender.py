"""Delivering the outbox over SMTP: retries, refusals, one connection, and a sender killed mid-batch."""

from __future__ import annotations

import collections
import datetime as dt
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from alerts_support import queue_change_alerts
from sqlalchemy import select

from alerts import queue_alerts, send_pending
from sendwatch.core.storage.models import ChangeEvent, OutboxMessage, Subscriber, utcnow
from tests.support.postgres import terminate_connections

SENDER_PROCESS = Path(__file__).with_name("sender_process.py")
PROJECT_ROOT = Path(__file__).resolve().parents[2]

READERS = [f"reader{n}@newsroom.example" for n in range(1, 9)]


def states(database) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return dict(session.execute(select(OutboxMessage.recipient, OutboxMessage.state)).all())


def test_every_message_goes_over_one_reused_connection(smtp_config, smtp_server, database):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS)

    summary = send_pending(config, database)

    assert summary.sent == len(READERS)
    assert smtp_server.handler.message_ids() == message_ids
    assert smtp_server.handler.connections == 1


def test_greylisting_451_delays_every_message_then_delivers_each_once(smtp_config, smtp_server, database):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS[:3])
    smtp_server.handler.behaviour.greylist_first = 3

    first = send_pending(config, database)
    assert (first.sent, first.deferred) == (0, 3)
    with database.session() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {row.state for row in rows} == {"pending"}
        assert all(row.next_attempt_at > utcnow() and "451" in row.last_error for row in rows)

    assert send_pending(config, database).sent == 0  # not due yet: nothing is retried early

    later = send_pending(config, database, now=utcnow() + dt.timedelta(minutes=5))
    assert later.sent == 3
    assert sorted(smtp_server.handler.message_ids()) == sorted(message_ids)
    assert set(states(database).values()) == {"sent"}


def test_a_550_suppresses_that_address_and_the_others_are_delivered(smtp_config, smtp_server, database):
    _, config = smtp_config()
    queue_change_alerts(database, config, READERS[:3])
    smtp_server.handler.behaviour.refuse = {"reader2@newsroom.example"}

    summary = send_pending(config, database)

    assert (summary.sent, summary.failed) == (2, 1)
    assert states(database) == {
        "reader1@newsroom.example": "sent",
        "reader2@newsroom.example": "failed",
        "reader3@newsroom.example": "sent",
    }
    with database.session() as session:
        refused = session.scalars(select(Subscriber).where(Subscriber.email == "reader2@newsroom.example")).one()
        assert refused.suppressed_at is not None and "550" in refused.suppressed_reason

    # Never retried, and no new alert is queued for the suppressed address.
    queue_change_alerts(database, config, [])
    again = send_pending(config, database, now=utcnow() + dt.timedelta(days=1))
    assert again.sent == 2
    assert smtp_server.handler.to("reader2@newsroom.example") == []


def _start_sender(config_path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(SENDER_PROCESS), str(config_path)], cwd=PROJECT_ROOT)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def test_killed_while_the_server_holds_a_message_before_data_it_is_sent_once_after_restart(smtp_config, smtp_server, database):
    config_path, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS)
    smtp_server.handler.behaviour.hang_at_rcpt = 4  # the 4th message: envelope only, no content yet

    sender = _start_sender(config_path)
    try:
        assert smtp_server.handler.hung.wait(timeout=60), "the sender never reached the 4th message"
    finally:
        _kill(sender)
    assert len(smtp_server.handler.message_ids()) == 3

    summary = send_pending(config, database, now=utcnow() + dt.timedelta(minutes=10))

    delivered = collections.Counter(smtp_server.handler.message_ids())
    assert set(delivered) == set(message_ids) and set(delivered.values()) == {1}  # none lost, none twice
    assert set(states(database).values()) == {"sent"}
    assert summary.ambiguous == 0


def test_killed_after_handing_over_a_message_it_is_marked_ambiguous_never_resent(smtp_config, smtp_server, database):
    config_path, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS)
    # The server takes the 4th message in full (and, at worst, delivers it) but never answers.
    smtp_server.handler.behaviour.hang_at_data = 4

    sender = _start_sender(config_path)
    try:
        assert smtp_server.handler.hung.wait(timeout=60), "the sender never reached the 4th message"
    finally:
        _kill(sender)
    assert smtp_server.handler.message_ids() == message_ids[:4]
    assert states(database)["reader4@newsroom.example"] == "sending"

    summary = send_pending(config, database, now=utcnow() + dt.timedelta(minutes=10))

    delivered = collections.Counter(smtp_server.handler.message_ids())
    assert set(delivered) == set(message_ids) and set(delivered.values()) == {1}  # none lost, none twice
    assert summary.ambiguous == 1 and summary.recovered == 1
    final = states(database)
    assert final.pop("reader4@newsroom.example") == "ambiguous"
    assert set(final.values()) == {"sent"}
    with database.session() as session:
        ambiguous = session.scalars(select(OutboxMessage).where(OutboxMessage.state == "ambiguous")).one()
        assert "may have been delivered" in ambiguous.last_error


def test_a_sender_still_running_elsewhere_is_not_mistaken_for_a_dead_one(smtp_config, smtp_server, database):
    _, config = smtp_config()
    queue_change_alerts(database, config, READERS[:2])
    with database.session() as session:
        in_flight = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        in_flight.state, in_flight.next_attempt_at = "sending", utcnow()

    summary = send_pending(config, database)

    assert summary.recovered == 0 and summary.sent == 1
    assert states(database)["reader1@newsroom.example"] == "sending"


def test_unreachable_server_leaves_every_message_pending(smtp_config, database, unused_port):
    _, config = smtp_config(mail={"transport": "smtp", "host": "127.0.0.1", "port": unused_port, "timeout_seconds": 5})
    queue_change_alerts(database, config, READERS[:3])

    summary = send_pending(config, database)

    assert summary.sent == 0 and summary.errors and "cannot connect" in summary.errors[0]
    with database.session() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {(row.state, row.attempts) for row in rows} == {("pending", 0)}


def test_queueing_the_same_events_twice_adds_nothing(smtp_config, database):
    _, config = smtp_config()
    queue_change_alerts(database, config, READERS[:2])
    with database.session() as session:
        events = session.scalars(select(ChangeEvent)).all()
        assert queue_alerts(session, config, events) == []


def test_the_file_transport_writes_one_eml_per_message_and_settles_a_crash_by_the_file(
    write_config, database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("SENDWATCH_SECRET", "test-secret")
    _, config = write_config(
        {
            "database": database_url,
            "councils": [
                {
                    "slug": "northshire",
                    "name": "Northshire County Council",
                    "platform": "moderngov",
                    "url": "https://democracy.northshire.example.gov.uk/",
                }
            ],
        }
    )
    from sendwatch.core.storage import open_database

    database = open_database(config.database_url)
    try:
        queue_change_alerts(database, config, READERS[:3])
        assert send_pending(config, database).sent == 3
        outbox = tmp_path / "outbox"
        files = sorted(outbox.glob("*.eml"))
        assert len(files) == 3 and all(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in f.read_bytes() for f in files)

        # Two messages were in flight when a sender died: one file made it, one did not.
        queue_change_alerts(database, config, [])  # a new change: one more alert to each of the three
        with database.session() as session:
            first, second, _third = session.scalars(
                select(OutboxMessage).where(OutboxMessage.state == "pending").order_by(OutboxMessage.id)
            ).all()
            for row in (first, second):
                row.state, row.next_attempt_at = "sending", utcnow() - dt.timedelta(hours=1)
            (outbox / f"{first.id:08d}-{first.message_key[:16]}.eml").write_text(first.raw, encoding="ascii")

        summary = send_pending(config, database)

        assert (summary.recovered, summary.sent, summary.ambiguous) == (2, 2, 0)  # the missing one and the third
        assert len(list(outbox.glob("*.eml"))) == 6 and set(states_by_id(database).values()) == {"sent"}
    finally:
        database.dispose()


def states_by_id(database) -> dict[int, str]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return dict(session.execute(select(OutboxMessage.id, OutboxMessage.state)).all())


def test_a_dropped_connection_defers_that_message_and_the_next_one_reconnects(smtp_config, smtp_server, database):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS[:4])
    smtp_server.handler.behaviour.drop_at_rcpt = 2

    first = send_pending(config, database)

    assert (first.sent, first.deferred) == (3, 1)
    assert smtp_server.handler.connections == 2
    assert send_pending(config, database, now=utcnow() + dt.timedelta(minutes=5)).sent == 1
    delivered = collections.Counter(smtp_server.handler.message_ids())
    assert set(delivered) == set(message_ids) and set(delivered.values()) == {1}


def test_smtp_credentials_come_from_the_environment(smtp_config, smtp_server, database, monkeypatch):
    mail = {
        "transport": "smtp",
        "host": smtp_server.host,
        "port": smtp_server.port,
        "username": "sendwatch",
        "password_env": "NEWSROOM_SMTP_PASSWORD",
        "timeout_seconds": 10,
    }
    _, config = smtp_config(mail=mail)
    queue_change_alerts(database, config, READERS[:2])

    monkeypatch.delenv("NEWSROOM_SMTP_PASSWORD", raising=False)
    missing = send_pending(config, database)
    assert missing.sent == 0 and "NEWSROOM_SMTP_PASSWORD" in missing.errors[0]

    monkeypatch.setenv("NEWSROOM_SMTP_PASSWORD", "wrong")
    refused = send_pending(config, database)
    assert refused.sent == 0 and "535" in refused.errors[0]
    with database.session() as session:  # a refused login blames no recipient
        assert session.scalars(select(Subscriber).where(Subscriber.suppressed_at.is_not(None))).all() == []

    monkeypatch.setenv("NEWSROOM_SMTP_PASSWORD", "correct horse battery staple")
    assert send_pending(config, database).sent == 2


def test_starttls_when_configured_and_a_clear_error_when_not(smtp_config, starttls_server, tls_files, database):
    mail = {"transport": "smtp", "host": starttls_server.host, "port": starttls_server.port, "timeout_seconds": 10}
    _, clear = smtp_config(mail=mail)
    queue_change_alerts(database, clear, READERS[:2])

    refused = send_pending(clear, database)
    assert refused.sent == 0 and "STARTTLS" in refused.errors[0]
    assert set(states(database).values()) == {"pending"}  # a configuration problem blames no message

    _, secure = smtp_config(mail={**mail, "starttls": True, "ca_file": str(tls_files[0])})
    assert send_pending(secure, database).sent == 2
    assert [r.encrypted for r in starttls_server.handler.received] == [True, True]


def test_two_senders_draining_at_once_never_send_a_message_twice(smtp_config, smtp_server, database):
    import threading

    _, config = smtp_config()
    readers = [f"desk{n}@newsroom.example" for n in range(30)]
    message_ids = queue_change_alerts(database, config, readers)
    summaries = []
    start = threading.Barrier(2)

    def drain() -> None:
        start.wait()
        summaries.append(send_pending(config, database))

    senders = [threading.Thread(target=drain) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=120)

    delivered = collections.Counter(smtp_server.handler.message_ids())
    assert set(delivered) == set(message_ids) and set(delivered.values()) == {1}
    assert sum(summary.sent for summary in summaries) == 30


def test_a_relay_that_drops_at_the_data_command_never_had_the_message_so_it_is_retried_not_ambiguous(
    smtp_config, smtp_server, database
):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS[:3])
    smtp_server.handler.behaviour.drop_at_data_command = True

    first = send_pending(config, database)

    assert (first.sent, first.deferred, first.ambiguous) == (0, 3, 0)
    with database.session() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {row.state for row in rows} == {"pending"}
        assert all("before the message was sent" in row.last_error for row in rows)

    smtp_server.handler.behaviour.drop_at_data_command = False
    later = send_pending(config, database, now=utcnow() + dt.timedelta(minutes=5))
    assert later.sent == 3
    delivered = collections.Counter(smtp_server.handler.message_ids())
    assert set(delivered) == set(message_ids) and set(delivered.values()) == {1}


def test_a_relay_that_drops_after_each_message_is_paused_after_two_and_the_rest_wait_pending(smtp_config, smtp_server, database):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS[:5])
    smtp_server.handler.behaviour.drop_after_data = True

    first = send_pending(config, database)

    # Two handed over and unanswered: they may have arrived, so they are left for a person, never resent.
    assert (first.sent, first.ambiguous) == (0, 2) and smtp_server.handler.dropped_after_data == 2
    assert first.paused and "closed the connection" in first.paused
    assert sorted(states(database).values()) == ["ambiguous", "ambiguous", "pending", "pending", "pending"]

    smtp_server.handler.behaviour.drop_after_data = False
    later = send_pending(config, database, now=utcnow() + dt.timedelta(hours=2))
    assert later.sent == 3
    delivered = collections.Counter(smtp_server.handler.message_ids())
    assert set(delivered) == set(message_ids[2:]) and set(delivered.values()) == {1}


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_the_database_connections_killed_while_the_relay_takes_a_message_lose_no_outcome(
    smtp_config, smtp_server, database, database_url
):
    _, config = smtp_config()
    message_ids = queue_change_alerts(database, config, READERS[:4])
    handler, take = smtp_server.handler, smtp_server.handler.handle_DATA
    killed: list[int] = []

    async def kill_the_database_first(server, session, envelope):  # type: ignore[no-untyped-def]
        if handler.data_count == 1:  # the second message: accepted by the relay as its writer's connection dies
            killed.append(terminate_connections(database_url))
        return await take(server, session, envelope)

    handler.handle_DATA = kill_the_database_first

    summary = send_pending(config, database)

    assert killed and killed[0] >= 1
    assert (summary.sent, summary.ambiguous) == (4, 0), summary
    assert set(states(database).values()) == {"sent"}
    delivered = collections.Counter(handler.message_ids())
    assert set(delivered) == set(message_ids) and set(delivered.values()) == {1}


def test_a_relay_answering_421_costs_no_message_an_attempt_however_long_it_lasts(smtp_config, smtp_server, database):
    _, config = smtp_config(
        mail={"transport": "smtp", "host": smtp_server.host, "port": smtp_server.port, "timeout_seconds": 10, "max_attempts": 2}
    )
    message_ids = queue_change_alerts(database, config, READERS[:3])
    smtp_server.handler.behaviour.refuse_all_rcpt_after = 0
    smtp_server.handler.behaviour.rcpt_refusal = "421 4.3.2 Service not available, closing transmission channel"

    for hours in range(1, 5):  # more drains than max_attempts
        summary = send_pending(config, database, now=utcnow() + dt.timedelta(hours=hours))
        assert summary.sent == 0 and "not taking mail" in summary.errors[0]
    with database.session() as session:
        assert {(row.state, row.attempts) for row in session.scalars(select(OutboxMessage))} == {("pending", 0)}

    smtp_server.handler.behaviour.refuse_all_rcpt_after = None
    assert send_pending(config, database, now=utcnow() + dt.timedelta(hours=5)).sent == 3
    delivered = collections.Counter(smtp_server.handler.message_ids())
    assert set(delivered) == set(message_ids) and set(delivered.values()) == {1}


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_full_disk_under_the_file_outbox_costs_no_message_an_attempt_and_leaves_no_partial_file(
    write_config, database, database_url, tmp_path, monkeypatch
):
    # PostgreSQL: its server writes the database, so only the sender's own files meet the full disk.
    monkeypatch.setenv("SENDWATCH_SECRET", "test-secret")
    config_path, config = write_config(
        {
            "database": database_url,
            "mail": {"max_attempts": 2},
            "councils": [
                {
                    "slug": "northshire",
                    "name": "Northshire",
                    "platform": "moderngov",
                    "url": "https://democracy.northshire.example.gov.uk/",
                }
            ],
        }
    )
    queue_change_alerts(database, config, READERS[:3])
    full_disk = [sys.executable, str(Path(__file__).with_name("full_disk_sender.py")), str(config_path), "512"]

    for _ in range(3):  # more runs than max_attempts
        run = subprocess.run(full_disk, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert "File too large" in run.stdout and '"sent": 0' in run.stdout
    with database.session() as session:
        assert {(row.state, row.attempts) for row in session.scalars(select(OutboxMessage))} == {("pending", 0)}
    outbox = config.resolve(config.mail.outbox_dir)
    assert list(outbox.glob("*")) == []

    assert send_pending(config, database).sent == 3  # room again: every alert goes, once
    assert len(list(outbox.glob("*.eml"))) == 3
