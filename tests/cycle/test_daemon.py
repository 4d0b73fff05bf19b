"""``sendwatch run``, the daemon: catches up a missed cycle exactly once; stops cleanly on SIGTERM."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import ChangeEvent, Cycle, Document, Evidence, Lock
from sendwatch.demo.site import DemoSite
from sendwatch.scheduler import CYCLE_JOB, JOB_TABLE
from tests.cycle.conftest import sendwatch_command
from tests.support.waiting import wait_until


class DaemonProcess:
    """``sendwatch run`` in a real process, with its log lines collected as they arrive."""

    def __init__(self, config: Path):
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            sendwatch_command(config, "run", "--log-json"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "SENDWATCH_SECRET": "test-secret"},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for_log(self, event: str, timeout: float = 120) -> None:
        """Block until a log line with this event arrives (or the process ends)."""
        marker = f'"event": "{event}"'
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(marker in line for line in self.lines) or self.process.poll() is not None, timeout
            )
        assert found and any(marker in line for line in self.lines), f"no {event!r} in the log:\n{''.join(self.lines)}"

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM, then the exit code; a daemon that does not stop in time fails with its log."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"the daemon did not stop within {timeout}s of SIGTERM; its log:\n{''.join(self.lines)}"
            ) from None
        self._reader.join(timeout=5)
        return code


@contextmanager
def daemon(config: Path) -> Iterator[DaemonProcess]:
    running = DaemonProcess(config)
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def database_url(config: Path) -> str:
    return yaml.safe_load(config.read_text())["database"]


def pretend_the_machine_was_off(config: Path, hours: int = 3) -> None:
    """Move the stored cycle job's next run into the past, as if we had been off since then."""
    store = SQLAlchemyJobStore(url=database_url(config), tablename=JOB_TABLE)
    store.start(BackgroundScheduler(), "default")  # the store alone: no scheduler runs here
    job = store.lookup_job(CYCLE_JOB)
    job._modify(next_run_time=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours))
    store.update_job(job)
    store.shutdown()


def count(config: Path, *query) -> int:  # type: ignore[no-untyped-def]
    database = open_database(database_url(config))
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(*query)) or 0
    finally:
        database.dispose()


def test_a_cycle_missed_while_off_runs_exactly_once_on_start(cycle_config: Path) -> None:
    with daemon(cycle_config) as first:
        first.wait_for_log("scheduled")
        assert first.terminate() == 0
    assert count(cycle_config, Cycle) == 0, "the schedule is hourly: nothing is due on a first start"

    pretend_the_machine_was_off(cycle_config, hours=3)  # three hourly runs missed
    with daemon(cycle_config) as second:
        second.wait_for_log("cycle_done")
        second.wait_for_log("scheduled")
        assert second.terminate() == 0
    assert count(cycle_config, Cycle) == 1, "missed runs are coalesced into one"


def test_sigterm_during_a_cycle_stops_cleanly_and_the_next_start_finishes_the_work(
    site: DemoSite, cycle_config: Path, sendwatch
) -> None:
    site.fail("eastmoor", "hang")
    with daemon(cycle_config) as first:
        first.wait_for_log("scheduled")
        assert first.terminate() == 0
    pretend_the_machine_was_off(cycle_config, hours=1)
    with daemon(cycle_config) as running:
        wait_until(
            lambda: sum(site.requests("eastmoor").values()) > 0, timeout=120, message="the cycle to reach the hanging site"
        )
        assert running.terminate() == 0
        running.wait_for_log("stopped")
    assert count(cycle_config, Lock) == 0, "the cycle lock is released on a clean stop"
    database = open_database(database_url(cycle_config))
    with database.session() as session:
        assert session.scalars(select(Cycle.state)).all() == ["interrupted"]
    database.dispose()

    site.clear_failures("eastmoor")
    finished = sendwatch("run", "--once")
    assert finished.returncode == 0, finished.stderr
    assert "councils: 3 ok" in finished.stdout, "the interrupted work is completed by the next start"
    totals = [count(cycle_config, table) for table in (Document, Evidence, ChangeEvent)]
    assert totals[0] > 0 and totals[1] > 0
    again = sendwatch("run", "--once")
    assert "status changes: 0" in again.stdout
    assert [count(cycle_config, table) for table in (Document, Evidence, ChangeEvent)] == totals, "nothing duplicated"
