"""200 alerts through a slow relay while the daemon's mail job and a second sender drain the same
outbox: every alert delivered, none twice, though the drain lasts longer than a claim's lease."""

from __future__ import annotations

import collections
import subprocess
import sys
import threading
from pathlib import Path

from alerts_support import queue_change_alerts
from sqlalchemy import func, select

from alerts import send_pending
from sendwatch.core.storage.models import OutboxMessage
from tests.cycle.test_daemon import daemon
from tests.support.waiting import wait_until

SENDER_PROCESS = Path(__file__).with_name("sender_process.py")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NO_ANSWER = "no answer after the message was sent"


def test_a_slow_relay_with_the_daemon_and_a_second_sender_delivers_each_alert_exactly_once(smtp_config, smtp_server, database):
    config_path, config = smtp_config(
        # A claim lasts max(2 s, 4 x timeout): the drain below takes longer than that, so claims must be renewed.
        mail={"transport": "smtp", "host": smtp_server.host, "port": smtp_server.port, "timeout_seconds": 0.5},
        schedule={"cycle": "0 0 1 1 *", "digest": "0 0 1 1 *", "retry_mail_minutes": 0.01},
    )
    smtp_server.handler.behaviour.delay_seconds = 0.02  # 200 messages: about 4 s of relay time
    readers = [f"desk{n}@newsroom{n % 7}.example" for n in range(200)]

    with daemon(config_path) as running:
        running.wait_for_log("scheduled")
        message_ids = queue_change_alerts(database, config, readers)
        second = subprocess.Popen([sys.executable, str(SENDER_PROCESS), str(config_path)], cwd=PROJECT_ROOT)
        # And a sender that keeps coming back, as the web app's send after each sign-up does.
        stop = threading.Event()
        again = threading.Thread(target=_keep_sending, args=(config, database, stop), daemon=True)
        again.start()
        try:
            wait_until(
                lambda: len(set(smtp_server.handler.message_ids())) >= 200,
                timeout=120,
                message="all 200 alerts to reach the relay",
            )
            assert second.wait(timeout=60) == 0
            wait_until(lambda: not _unsettled(database), timeout=30, message="every row to be settled")
        finally:
            stop.set()
            again.join(timeout=60)
            if second.poll() is None:
                second.kill()
        assert running.terminate() == 0

    delivered = collections.Counter(smtp_server.handler.message_ids())
    assert len(message_ids) == 200 and set(delivered) == set(message_ids), "none lost"
    assert [message for message, times in delivered.items() if times > 1] == [], "none twice"
    # Under load the relay's reply to a message can come after the 0.5 s timeout. That message
    # reached the relay, and its row is left "ambiguous" for a person to settle, never resent.
    # Every other row must be recorded as sent.
    assert _not_sent(database) <= {("ambiguous", NO_ANSWER)}, "each row recorded as sent, or as unanswered"


def _keep_sending(config, database, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    while not stop.is_set():
        send_pending(config, database)
        stop.wait(0.05)


def _unsettled(database) -> int:  # type: ignore[no-untyped-def]
    """Rows still waiting to be sent or being sent."""
    with database.session() as session:
        in_flight = OutboxMessage.state.in_(("pending", "claimed", "sending"))
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(in_flight)) or 0


def _not_sent(database) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(state, why) of every row not recorded as sent; why is the start of its last error."""
    with database.session() as session:
        rows = session.execute(select(OutboxMessage.state, OutboxMessage.last_error).where(OutboxMessage.state != "sent"))
        return {(state, (error or "")[: len(NO_ANSWER)]) for state, error in rows}
