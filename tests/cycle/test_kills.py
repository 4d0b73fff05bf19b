"""SIGKILL at each stage of ``run --once``, then an immediate re-run that completes: no stale lock, no
cycle left running, no alert lost or sent twice, and no process of the killed run left alive."""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Cycle, Document, Lock, OutboxMessage
from sendwatch.demo.councils import FORUM, eastmoor_off_track_meeting
from sendwatch.demo.site import DemoSite
from tests.cycle.conftest import REPORTER, SLUGS, SUBSCRIBERS, cycle_site, run_sendwatch, sendwatch_command, write_cycle_config
from tests.support.smtp import SmtpServer, running_smtp_server
from tests.support.snapshots import copy_cycle_state
from tests.support.waiting import wait_until


class Run:
    """``sendwatch run --once`` in a real process, its progress lines (stderr) read as they come."""

    def __init__(self, config: Path):
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            sendwatch_command(config, "run", "--once"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            env={**os.environ, "SENDWATCH_SECRET": "test-secret"},
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 120) -> None:
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(text in line for line in self.lines) or self.process.poll() is not None, timeout
            )
        assert found and any(text in line for line in self.lines), f"never saw {text!r}:\n{''.join(self.lines)}"

    def descendants(self) -> set[int]:
        """Every process started by this run (its session), itself excluded."""
        return {pid for pid in _all_pids() if pid != self.process.pid and _session_of(pid) == self.process.pid}

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _session_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return int(fields[3]) if fields[0] != "Z" else None  # a zombie has finished


def database_of(config: Path):  # type: ignore[no-untyped-def]
    return open_database(yaml.safe_load(config.read_text())["database"])


@pytest.fixture(scope="module")
def after_first_cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoSite, Path]]:
    """A first cycle, run once for the module's stage tests on a site of their own (its folder:
    database and papers), then papers that change Eastmoor's status, so the next run has work at
    every stage."""
    today = dt.date.today()
    folder = tmp_path_factory.mktemp("first-cycle")
    with cycle_site(today) as site, running_smtp_server() as smtp:
        first = run_sendwatch(write_cycle_config(folder, site, smtp, SLUGS, SUBSCRIBERS), "run", "--once")
        assert first.returncode == 0, first.stderr
        assert smtp.handler.received == [], "a first cycle alerts no one"
        site.publish_meeting("eastmoor", FORUM, eastmoor_off_track_meeting(today))
        yield site, folder


@dataclass
class Baselined:
    """A test's own copy of the first cycle's state, its config mailing through the test's own relay."""

    site: DemoSite
    config: Path

    def sendwatch(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_sendwatch(self.config, *args)


@pytest.fixture
def baselined(after_first_cycle: tuple[DemoSite, Path], tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Baselined]:
    site, folder = after_first_cycle
    copy_cycle_state(folder, tmp_path)
    site.reset_counts()
    try:
        yield Baselined(site, write_cycle_config(tmp_path, site, smtp_server, SLUGS, SUBSCRIBERS))
    finally:  # the shared site as the next test expects it, whatever this one left
        site.clear_failures("eastmoor")


def test_no_process_of_the_run_is_alive_5_s_after_its_sigkill_in_the_crawl(site: DemoSite, cycle_config: Path) -> None:
    site.fail("eastmoor", "hang")  # keeps a crawl child busy
    run = Run(cycle_config)
    wait_until(lambda: sum(site.requests("eastmoor").values()) > 0, timeout=120, message="the crawl to reach the hanging site")
    children = run.descendants()
    assert children, "the crawl runs in child processes"

    run.kill()

    try:
        wait_until(lambda: not run.descendants(), timeout=5, message="the killed run's processes to end")
    except AssertionError:
        left = {pid: open(f"/proc/{pid}/cmdline").read().replace("\0", " ")[:200] for pid in run.descendants()}
        raise AssertionError(f"still alive 5 s after the parent's SIGKILL: {left}") from None


@pytest.mark.parametrize("stage", ["crawl", "extract", "send"])
def test_sigkill_in_each_stage_then_an_immediate_rerun_completes(baselined: Baselined, smtp_server, stage: str) -> None:
    site, cycle_config = baselined.site, baselined.config
    if stage == "crawl":
        site.fail("eastmoor", "hang")
    if stage == "send":
        smtp_server.handler.behaviour.hang_at_rcpt = 1  # the alert's envelope is open, no content yet
    run = Run(cycle_config)
    if stage == "crawl":
        wait_until(
            lambda: sum(site.requests("eastmoor").values()) > 0, timeout=120, message="the crawl to reach the hanging site"
        )
    elif stage == "extract":
        run.wait_for("» extract")
    else:
        assert smtp_server.handler.hung.wait(timeout=120), f"the run never reached the relay:\n{''.join(run.lines)}"
    run.kill()
    wait_until(lambda: not run.descendants(), timeout=5, message="the killed run's processes to end")
    site.clear_failures("eastmoor")
    smtp_server.handler.behaviour.hang_at_rcpt = None

    again = baselined.sendwatch("run", "--once")

    assert again.returncode == 0, again.stderr
    assert "a cycle is already running" not in again.stderr
    database = database_of(cycle_config)
    try:
        with database.session() as session:
            states = session.scalars(select(Cycle.state).order_by(Cycle.id)).all()
            assert states[-2:] == ["interrupted", "done"], "the killed cycle is closed, the re-run finished"
            assert "running" not in states
            assert session.scalars(select(Document).where(Document.text_state == "pending")).all() == []
            outbox = session.scalars(select(OutboxMessage.state)).all()
            assert outbox == ["sent"], "the one alert, sent"
    finally:
        database.dispose()
    alerts = collections.Counter(received.message_id for received in smtp_server.handler.to(REPORTER))
    assert list(alerts.values()) == [1], "the alert reached the reporter exactly once"


def test_sigterm_as_from_timeout_or_systemd_stops_run_once_cleanly_and_frees_the_lock(
    site: DemoSite, cycle_config: Path, sendwatch
) -> None:
    site.fail("eastmoor", "hang")
    run = Run(cycle_config)
    wait_until(lambda: sum(site.requests("eastmoor").values()) > 0, timeout=120, message="the crawl to reach the hanging site")

    run.process.send_signal(signal.SIGTERM)

    assert run.process.wait(timeout=60) == 130
    wait_until(lambda: not run.descendants(), timeout=5, message="the run's processes to end")
    database = database_of(cycle_config)
    try:
        with database.session() as session:
            assert session.scalars(select(Cycle.state)).all() == ["interrupted"]
            assert session.scalars(select(Lock)).all() == [], "the lock was released, not left to expire"
    finally:
        database.dispose()
    site.clear_failures("eastmoor")
    assert sendwatch("run", "--once").returncode == 0
