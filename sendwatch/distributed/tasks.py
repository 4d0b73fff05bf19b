"""What a worker does with each task it is handed: find the task's row, do its unit of work, record the outcome.

The units are the local cycle's own: crawl one council (``crawling``, the local crawl's
``crawl_one`` under the council's site lock), read one paper (``extractors.pipeline.PaperReading``,
only while the paper is still pending), drain the outbox (``alerts.send_pending``, exactly once
per message by its claims), and a no-op (for measuring the executor's own cost per task).

A second delivery of a task (its first worker died before acknowledging it) finds the row
``running`` under a dead worker's name and simply runs again: every unit is a no-op when its
work was already committed. A row already ``done``, ``failed`` or ``cancelled`` is not run again.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import Any

from alerts import send_pending
from extractors.pipeline import PaperReading
from sendwatch.core.config import Config
from sendwatch.core.storage import Database
from sendwatch.core.storage.db import TRANSIENT_ERRORS
from sendwatch.core.storage.models import Task, utcnow
from sendwatch.core.vocabulary import TaskKind
from sendwatch.distributed.crawling import crawl_council

log = logging.getLogger("sendwatch.worker")

FINISHED_STATES = ("done", "failed", "cancelled")


class TaskRunner:
    """The handlers of one worker process; safe to call from its threads (one paper reader each)."""

    def __init__(self, config: Config, database: Database, worker_name: str):
        self.config = config
        self.database = database
        self.worker_name = worker_name
        self._local = threading.local()
        self._readings: list[PaperReading] = []
        self._lock = threading.Lock()

    def handlers(self) -> dict[TaskKind, Callable[[str], None]]:
        return {
            "crawl": lambda task_id: self.run(task_id, self._crawl),
            "read": lambda task_id: self.run(task_id, self._read),
            "send": lambda task_id: self.run(task_id, self._send),
            "noop": lambda task_id: self.run(task_id, lambda task: {}),
        }

    def run(self, task_id: str, work: Callable[[Task], dict[str, Any]]) -> None:
        """Claim the task's row, do the work, record its result; errors of the database itself
        are raised, so the broker delivers the task again later."""
        task = self._start(task_id)
        if task is None:
            return
        try:
            result = work(task)
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:  # the unit's own failure: recorded, and the scheduler moves on
            log.exception("task_failed", extra={"event": "task_failed", "task": task_id, "kind": task.kind, "key": task.key})
            self._finish(task_id, "failed", None, f"{error.__class__.__name__}: {error}")
            return
        self._finish(task_id, "done", result, None)

    def close(self) -> None:
        with self._lock:
            for reading in self._readings:
                reading.close()
            self._readings.clear()

    def _start(self, task_id: str) -> Task | None:
        with self.database.session() as session:
            task = session.get(Task, task_id, with_for_update=True)
            if task is None:  # another deployment's message on a shared queue, or a database since emptied
                log.warning("task_unknown", extra={"event": "task_unknown", "task": task_id})
                return None
            if task.state in FINISHED_STATES:
                return None
            task.state = "running"
            task.worker = self.worker_name
            task.attempts += 1
            task.started_at = utcnow()
            session.flush()
            session.expunge(task)
            return task

    def _finish(self, task_id: str, state: str, result: dict[str, Any] | None, error: str | None) -> None:
        with self.database.session() as session:
            task = session.get(Task, task_id, with_for_update=True)
            if task is None:
                return
            task.state = state  # type: ignore[assignment]
            task.result = result
            task.error = error
            task.finished_at = utcnow()

    def _crawl(self, task: Task) -> dict[str, Any]:
        return dataclasses.asdict(crawl_council(self.config, self.database, task.key, task.cycle_id))

    def _read(self, task: Task) -> dict[str, Any]:
        reading = getattr(self._local, "reading", None)
        if reading is None:
            reading = self._local.reading = PaperReading(self.config, self.database)
            with self._lock:
                self._readings.append(reading)
        summary = reading.read(int(task.key))
        return {
            "processed": summary.processed,
            "states": dict(summary.states),
            "evidence": summary.evidence,
            "figures": summary.figures,
            "errors": list(summary.errors),
        }

    def _send(self, task: Task) -> dict[str, Any]:
        sent = send_pending(self.config, self.database, linger_seconds=float(task.key))
        return dataclasses.asdict(sent)
