"""The scheduler's side of the distributed executor: hand a stage's units of work to the workers, wait for them.

``DistributedStages`` has the three stage calls of the local cycle, with the same arguments and
results (``crawl_councils``, ``extract_documents``, ``send_pending``), so the cycle runs the same
way with either executor (``sendwatch.cycle``). Each call writes one ``tasks`` row per unit,
commits, sends one message per row, and then waits on the rows, not on the broker: the database
says what was done whichever worker did it, and however many times a task was delivered.

A stage stops waiting when every task is finished, when ``stop`` is set, or when nothing has
started or finished for ``executor.stall_seconds`` (no worker running, or every one stuck). Its
unfinished tasks are then cancelled (a worker skips them) and reported: councils as failing,
papers left pending for the next cycle, mail left in the outbox.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sqlalchemy import select, update

from alerts import SendSummary
from crawler import CouncilCrawlResult
from crawler.runner import councils_to_crawl
from extractors.pipeline import ExtractSummary, pending_document_ids
from sendwatch.core.config import Config
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import Database
from sendwatch.core.storage.models import Council as CouncilRow
from sendwatch.core.storage.models import Task
from sendwatch.core.vocabulary import TaskKind
from sendwatch.distributed.broker import DistributedUnavailable, make_broker, send_task

_POLL_SECONDS = 0.2


class Stoppable(Protocol):
    def is_set(self) -> bool: ...


class DistributedStages:
    """The cycle's stages, run by ``sendwatch worker`` processes through the broker."""

    def __init__(self, config: Config, database: Database):
        if not config.executor.broker:
            raise DistributedUnavailable("executor.broker is not set")
        self.config = config
        self.database = database
        self.broker = make_broker(config.executor.broker, config.executor.redis_redelivery_seconds)
        self.queue = config.executor.queue

    def crawl_councils(
        self,
        config: Config,
        database: Database,
        slugs: list[str] | None = None,
        cycle_id: int | None = None,
        on_result: Callable[[CouncilCrawlResult], None] | None = None,
        stop: Stoppable | None = None,
        log_level: str | None = None,
        *,
        on_progress: Callable[..., None] | None = None,
        extra_settings: dict[str, Any] | None = None,
    ) -> list[CouncilCrawlResult]:
        """One crawl task per council; results in the councils' order, as the local crawl gives them.

        ``on_progress`` and ``extra_settings`` are the local crawl's (papers fetched live, test
        settings): a worker's councils report when they finish, through ``on_result``."""
        councils = [council.slug for council in councils_to_crawl(config, slugs)]
        with database.session() as session:
            present = set(session.scalars(select(CouncilRow.slug)))
            if any(slug not in present for slug in councils):
                sync_councils(session, config)
        results: dict[str, CouncilCrawlResult] = {}

        def finish(result: CouncilCrawlResult) -> None:
            results[result.slug] = result
            if on_result is not None:
                on_result(result)

        def finished(task: Task) -> None:
            if task.state == "done" and task.result:
                finish(CouncilCrawlResult(**task.result))
            else:
                finish(_failing(task.key, f"the worker could not crawl it: {task.error or 'no result'}"))

        for slug in self._run("crawl", councils, cycle_id, stop, finished):
            finish(
                _failing(slug, "interrupted: the crawl was stopped" if stop is not None and stop.is_set() else self._stalled())
            )
        return [results[slug] for slug in councils if slug in results]

    def extract_documents(
        self,
        config: Config,
        database: Database,
        slugs: list[str] | None = None,
        on_read: Callable[[int], None] | None = None,
    ) -> ExtractSummary:
        """One read task per pending paper; the summary adds up what the workers reported
        (``on_read`` gets the papers read so far as each finishes)."""
        summary = ExtractSummary()
        documents = [str(document_id) for document_id in pending_document_ids(config, database, slugs)]

        def finished(task: Task) -> None:
            result = task.result or {}
            summary.processed += int(result.get("processed", 0))
            summary.states.update(Counter(result.get("states", {})))
            summary.evidence += int(result.get("evidence", 0))
            summary.figures += int(result.get("figures", 0))
            summary.errors += list(result.get("errors", []))
            if task.state != "done":
                summary.errors.append(f"document {task.key}: {task.error or 'not read'}")
            if on_read is not None:
                on_read(summary.processed)

        unfinished = self._run("read", documents, None, None, finished)
        for document_id in unfinished:
            summary.errors.append(f"document {document_id}: {self._stalled()}; left pending for the next cycle")
        return summary

    def send_pending(self, config: Config, database: Database, linger_seconds: float = 0.0) -> SendSummary:
        """One task drains the outbox (any number may: claims keep each message to one sender)."""
        summary = SendSummary()

        def finished(task: Task) -> None:
            if task.state == "done" and task.result:
                for key, value in task.result.items():
                    setattr(summary, key, value)
            else:
                summary.errors.append(f"the worker could not send mail: {task.error or 'no result'}")

        if self._run("send", [f"{linger_seconds:g}"], None, None, finished):
            summary.errors.append(f"mail: {self._stalled()}; the outbox keeps every message for the next send")
        return summary

    def run_noops(self, count: int) -> None:
        """Send ``count`` tasks that do nothing and wait for them: the executor's own cost per task
        (a row, a message, a worker's claim and its result), as ``bench/distributed.py`` measures it."""
        left = self._run("noop", [str(number) for number in range(count)], None, None, lambda task: None)
        if left:
            raise DistributedUnavailable(f"{len(left)} of {count} no-op tasks were not run: {self._stalled()}")

    def _run(
        self, kind: TaskKind, keys: list[str], cycle_id: int | None, stop: Stoppable | None, finished: Callable[[Task], None]
    ) -> list[str]:
        """Queue one task per key and wait for them; return the keys left unfinished."""
        if not keys:
            return []
        database = self.database
        ids = {uuid.uuid4().hex: key for key in keys}
        with database.session() as session:
            session.add_all(
                Task(id=task_id, cycle_id=cycle_id, kind=kind, key=key, state="queued") for task_id, key in ids.items()
            )
        try:
            for task_id in ids:
                send_task(self.broker, self.queue, kind, task_id)
        except Exception as error:
            _cancel(database, ids)
            raise DistributedUnavailable(
                f"cannot queue the cycle's {kind} tasks on the broker: {error.__class__.__name__}: {error}"
            ) from error
        left = wait_for_tasks(database, list(ids), finished, stop, self.config.executor.stall_seconds)
        _cancel(database, left)
        return [ids[task_id] for task_id in left]

    def _stalled(self) -> str:
        return f"no worker finished it (nothing started or finished for {self.config.executor.stall_seconds:g} s: is `sendwatch worker` running?)"

    def close(self) -> None:
        self.broker.close()


def wait_for_tasks(
    database: Database,
    task_ids: Iterable[str],
    finished: Callable[[Task], None],
    stop: Stoppable | None,
    stall_seconds: float,
) -> list[str]:
    """Call ``finished`` for each task as its row is finished; return those still unfinished when
    all are done, ``stop`` is set, or nothing moved for ``stall_seconds``."""
    waiting = set(task_ids)
    tick = threading.Event()
    seen_started: set[tuple[str, int]] = set()  # (task, attempt): a second delivery starting is progress too
    moved = time.monotonic()
    while waiting and not (stop is not None and stop.is_set()):
        with database.session() as session:
            rows = session.scalars(select(Task).where(Task.id.in_(list(waiting)))).all()
            for row in rows:
                session.expunge(row)
        for row in rows:
            if row.state in ("done", "failed", "cancelled"):
                waiting.discard(row.id)
                finished(row)
                moved = time.monotonic()
            elif row.state == "running" and (row.id, row.attempts) not in seen_started:
                seen_started.add((row.id, row.attempts))
                moved = time.monotonic()
        if not waiting or time.monotonic() - moved > stall_seconds:
            break
        tick.wait(_POLL_SECONDS)
    return sorted(waiting)


def _cancel(database: Database, task_ids: Iterable[str]) -> None:
    """Tasks no one waits for any more: a worker that meets one later skips it."""
    ids = list(task_ids)
    if ids:
        with database.session() as session:
            session.execute(update(Task).where(Task.id.in_(ids), Task.state == "queued").values(state="cancelled"))


def _failing(slug: str, reason: str) -> CouncilCrawlResult:
    return CouncilCrawlResult(slug=slug, outcome="failing", errors=[reason], reason=reason)
