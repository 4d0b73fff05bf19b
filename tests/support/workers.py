"""Real ``sendwatch worker`` processes against the real broker and PostgreSQL, for distributed tests.

Each test gets a queue of its own on the local RabbitMQ (deleted afterwards), so tests running at
once never take each other's tasks; tests skip, saying why, where RabbitMQ is not reachable.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Task, WorkerBeat
from tests.support.waiting import wait_until

RABBITMQ_URL = os.environ.get("SENDWATCH_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
REDIS_URL = os.environ.get("SENDWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def broker_or_skip(url: str) -> str:
    """The broker URL if a server answers there, else a skip with the reason."""
    try:
        if url.startswith("amqp"):
            import pika

            pika.BlockingConnection(pika.URLParameters(url + "?socket_timeout=3&connection_attempts=1")).close()
        else:
            import redis

            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except ImportError as error:
        pytest.skip(f"distributed tests skipped: the broker client is not installed ({error}; pip install -e '.[test]')")
    except Exception as error:
        pytest.skip(
            f"distributed tests skipped: no broker reachable at {url.split('@')[-1]} ({error.__class__.__name__}: {error})"
        )
    return url


def fresh_queue() -> str:
    return f"sendwatch-test-{uuid.uuid4().hex[:10]}"


@contextmanager
def own_queue(url: str) -> Iterator[tuple[str, str]]:
    """The broker at ``url`` (or a skip saying why) and a queue of the test's own, deleted afterwards."""
    broker = broker_or_skip(url)
    queue = fresh_queue()
    try:
        yield broker, queue
    finally:
        delete_queue(broker, queue)


def delete_queue(url: str, queue: str) -> None:
    """Remove a test's queues (Dramatiq's queue, its delay queue and its dead letters)."""
    if url.startswith("amqp"):
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(url))
        try:
            channel = connection.channel()
            for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
                channel.queue_delete(name)
        finally:
            connection.close()
    else:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"dramatiq:{queue}*"):
            client.delete(key)


class Workers:
    """``count`` worker processes for one config, each in its own session so that a kill is exact."""

    def __init__(self, config: Path, count: int, concurrency: int = 2):
        self.config = config
        self.concurrency = concurrency
        self.processes: list[subprocess.Popen[str]] = []
        self.logs: dict[int, Path] = {}  # a file each, never a pipe nobody reads while the test runs
        for _ in range(count):
            self.start_one()

    def start_one(self) -> subprocess.Popen[str]:
        log = self.config.parent / f"worker-{len(self.processes)}.log"
        with open(log, "w", encoding="utf-8") as stderr:
            process = self._popen(stderr)
        self.processes.append(process)
        self.logs[process.pid] = log
        return process

    def _popen(self, stderr: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sendwatch.cli",
                "--config",
                str(self.config),
                "worker",
                "--concurrency",
                str(self.concurrency),
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
            start_new_session=True,
            env={**os.environ, "SENDWATCH_SECRET": "test-secret"},
        )

    def wait_alive(self, database_url: str, timeout: float = 60) -> None:
        """Until every started worker has written its heartbeat."""
        database = open_database(database_url)
        try:

            def beating() -> bool:
                with database.session() as session:
                    names = set(session.scalars(select(WorkerBeat.name)))
                for process in self.processes:
                    if process.poll() is not None:
                        raise AssertionError(f"a worker exited ({process.returncode}): {self.logs[process.pid].read_text()}")
                return sum(1 for process in self.processes if any(name.endswith(f":{process.pid}") for name in names)) == len(
                    self.processes
                )

            wait_until(beating, timeout=timeout, message="every worker's first heartbeat")
        finally:
            database.dispose()

    def kill(self, pid: int) -> None:
        """SIGKILL one worker, as a lost machine would end it."""
        process = next(process for process in self.processes if process.pid == pid)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def running_task(database_url: str, kind: str, key: str | None = None) -> Task | None:
    """A task of this kind (and key) that a worker is running now, if any."""
    database = open_database(database_url)
    try:
        with database.session() as session:
            query = select(Task).where(Task.kind == kind, Task.state == "running")
            if key is not None:
                query = query.where(Task.key == key)
            task = session.scalars(query.order_by(Task.started_at)).first()
            if task is not None:
                session.expunge(task)
            return task
    finally:
        database.dispose()
