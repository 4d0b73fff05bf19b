"""The local crawl executor: a few long-lived crawl workers, each crawling many councils at once.

The cycle hands out units of work (crawl one council) and takes back results; this pool is the
executor that runs them on this machine (``submit`` / ``results``), so another executor (a
distributed one) can stand in its place. Workers (``crawler.worker``) come from a fork server
that has already imported Scrapy; there are about one per core, each holding at most
``crawl.councils_per_worker`` councils in flight, so memory is bounded whatever the number of
councils.

What process isolation used to give, kept:

- a council over its time limit is cancelled by its worker; a worker too busy to do so (a
  parser spinning in a loop blocks its whole reactor) is killed once a council is past its
  limit by as long again (at most ``STUCK_GRACE_SECONDS``), and its councils are handled as
  for a crash (below), the culprit being reported as timed out;
- a worker that dies (a hard crash in native code, ``os._exit``, the OOM killer) loses only its
  uncommitted councils. The one council it held is the culprit; of several, each is retried
  once alone in a fresh worker, so the one that crashes again is the culprit and the others
  complete. Nothing of theirs was written: a council commits in one transaction.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from crawler.result import CouncilCrawlResult
from crawler.worker import worker_main
from sendwatch.core.config import Config

STUCK_GRACE_SECONDS = 30.0
PRELOAD = ["crawler.preload", "crawler.worker"]


@dataclass
class Finished:
    """One council's end, as the executor saw it. ``recorded``: its crawl run is in the database
    (False when its worker died: the caller records the failure)."""

    result: CouncilCrawlResult
    recorded: bool = True


@dataclass
class Progress:
    """Papers fetched so far by council (running or done), for progress displays."""

    fetched: dict[str, int] = field(default_factory=dict)


class CrawlExecutor(Protocol):
    """Runs councils' crawls: the seam between the crawl stage and where crawls run (this
    machine's workers here; a distributed executor would take the same calls)."""

    progress: Progress

    def submit(self, slug: str) -> None: ...

    def results(self, timeout: float) -> list[Finished]: ...

    @property
    def in_flight(self) -> int: ...

    @property
    def capacity(self) -> int: ...

    def close(self) -> list[str]: ...


def worker_count(config: Config) -> int:
    return config.crawl.workers or os.cpu_count() or 1


@dataclass
class _Worker:
    number: int
    process: Any
    connection: Connection
    capacity: int
    councils: dict[str, float | None] = field(default_factory=dict)  # slug -> monotonic start (None: not yet)
    solo: bool = False


class LocalCrawlPool:
    """Crawl workers on this machine. Not thread-safe: one caller drives it."""

    def __init__(
        self,
        config: Config,
        cycle_id: int | None,
        log_level: str | None = None,
        extra_settings: dict[str, Any] | None = None,
    ):
        self.config = config
        self.cycle_id = cycle_id
        self.log_level = log_level
        self.extra_settings = extra_settings
        self.progress = Progress()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._workers: list[_Worker] = []
        self._numbers = itertools.count(1)
        self._retried: set[str] = set()  # councils already given their one retry after a crash
        self._solo_queue: deque[str] = deque()
        self._done: list[Finished] = []

    # ------------------------------------------------------------------ the executor

    @property
    def capacity(self) -> int:
        return worker_count(self.config) * self.config.crawl.councils_per_worker

    @property
    def in_flight(self) -> int:
        return sum(len(worker.councils) for worker in self._workers) + len(self._solo_queue)

    def submit(self, slug: str) -> None:
        shared = [worker for worker in self._workers if not worker.solo]
        if len(shared) < worker_count(self.config):
            worker = self._start_worker(self.config.crawl.councils_per_worker)
        else:
            worker = min(shared, key=lambda w: len(w.councils))
        if len(worker.councils) >= worker.capacity:
            raise RuntimeError("every crawl worker is full: wait for results before submitting")
        self._assign(worker, slug)

    def results(self, timeout: float) -> list[Finished]:
        """Wait up to ``timeout`` seconds for councils to end; every one that ended since."""
        self._start_solos()
        if not self._done and self._workers:
            handles: list[Any] = [w.connection for w in self._workers] + [w.process.sentinel for w in self._workers]
            wait(handles, timeout=timeout)
        for worker in list(self._workers):
            self._drain(worker)
        for worker in list(self._workers):
            if not worker.process.is_alive():
                self._died(worker, _how_it_ended(worker.process.exitcode))
            else:
                self._check_stuck(worker)
        self._start_solos()
        done, self._done = self._done, []
        return done

    def close(self) -> list[str]:
        """Kill every worker; return the councils that were still in flight (nothing of theirs kept).
        Workers are never asked to exit: one with nothing in flight has nothing left to lose."""
        left = [*self._solo_queue]
        self._solo_queue.clear()
        for worker in self._workers:
            left += list(worker.councils)
            _kill(worker)
        self._workers.clear()
        return left

    # ------------------------------------------------------------------ workers

    def _start_worker(self, capacity: int, solo: bool = False) -> _Worker:
        receive, send = self._context.Pipe(duplex=True)
        number = next(self._numbers)
        process = self._context.Process(
            target=worker_main,
            args=(send, self.config, self.cycle_id, self.log_level, self.extra_settings),
            name=f"crawl-worker-{number}",
            daemon=True,
        )
        process.start()  # the first start also boots the fork server
        send.close()
        worker = _Worker(number, process, receive, capacity, solo=solo)
        self._workers.append(worker)
        return worker

    def _assign(self, worker: _Worker, slug: str) -> None:
        worker.councils[slug] = None
        try:
            worker.connection.send(("crawl", slug))
        except (BrokenPipeError, OSError):  # it died: noticed at the next results()
            pass

    def _drain(self, worker: _Worker) -> None:
        try:
            while worker.connection.poll():
                kind, payload = worker.connection.recv()
                if kind == "started":
                    worker.councils[payload] = time.monotonic()
                elif kind == "fetched":
                    self.progress.fetched.update(payload)
                elif kind == "result":
                    result, fetched = payload
                    self.progress.fetched[result.slug] = fetched
                    worker.councils.pop(result.slug, None)
                    self._done.append(Finished(result))
        except (EOFError, OSError):  # it died mid-message: its sentinel says so next
            pass
        if worker.solo and not worker.councils and worker.process.is_alive():
            self._retire(worker)

    def _check_stuck(self, worker: _Worker) -> None:
        """Kill a worker that failed to cancel a council long past its limit (its reactor is
        blocked, so every council in it is overdue: which one blocks it is found as for a crash)."""
        limit = self.config.crawl.council_timeout_seconds
        given_up = limit + min(limit, STUCK_GRACE_SECONDS)
        now = time.monotonic()
        if any(began is not None and now - began > given_up for began in worker.councils.values()):
            _kill(worker)
            self._lose(worker, f"timed out after {limit:g} s; nothing from this crawl was kept")

    def _died(self, worker: _Worker, how: str) -> None:
        self._drain(worker)
        _kill(worker)
        self._lose(worker, f"crawl process died without a result ({how})")

    def _lose(self, worker: _Worker, reason: str) -> None:
        """A worker is gone with councils in flight: the one it held alone is the culprit; of
        several, each is crawled again alone, once, so the culprit is the one that fails again."""
        self._workers.remove(worker)
        lost = list(worker.councils)
        for slug in lost:
            if len(lost) == 1 or worker.solo or slug in self._retried:
                self._retried.add(slug)
                self.progress.fetched[slug] = 0  # fetched, but nothing of it kept
                self._done.append(Finished(CouncilCrawlResult(slug, "failing", errors=[reason], reason=reason), recorded=False))
            else:
                self._retried.add(slug)
                self._solo_queue.append(slug)

    def _start_solos(self) -> None:
        """Councils to retry alone: each in a fresh worker of its own, as many at once as cores."""
        while self._solo_queue and sum(w.solo for w in self._workers) < worker_count(self.config):
            self._assign(self._start_worker(capacity=1, solo=True), self._solo_queue.popleft())

    def _retire(self, worker: _Worker) -> None:
        """End a worker with nothing in flight: its councils' results are committed and received,
        so killing it loses nothing."""
        _kill(worker)
        self._workers.remove(worker)


def _how_it_ended(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"exit code {code}"


def _kill(worker: _Worker) -> None:
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(timeout=30)
    worker.connection.close()
