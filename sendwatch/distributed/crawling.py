"""Crawl one council on a worker: the local crawl itself (``crawler.crawl_councils`` for that one
council), in a child process of its own, holding the council's site lock from before its first
request until after its commit.

Why the child holds the lock (not the worker): the lock must outlive nothing that could still
commit. A worker killed mid-council takes its child with it (``sendwatch.core.lifetime``), and
the server frees the child's lock with its connection; only then can the task's second delivery
take the lock, and it first looks for this cycle's crawl run of the council: found, the council
was committed already and is not crawled again.

A crawl belongs to its cycle: once the cycle is no longer running (its scheduler was stopped, or
a later cycle closed it as abandoned), the child cuts the council at the local crawl's next poll
and writes nothing, as a stopped local cycle does, so no council commits under an interrupted cycle.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from multiprocessing.connection import Connection, wait
from typing import Any

from sqlalchemy import select

from crawler import crawl_councils
from crawler.result import CouncilCrawlResult
from crawler.runner import INTERRUPTED
from crawler.store import record_run, result_of_run
from sendwatch.core.config import Config
from sendwatch.core.lifetime import die_with_parent
from sendwatch.core.site_locks import council_site_lock
from sendwatch.core.storage import Database, open_database
from sendwatch.core.storage.models import Council, CrawlRun, Cycle, utcnow

_POLL_SECONDS = 0.2


def crawl_council(config: Config, database: Database, slug: str, cycle_id: int | None) -> CouncilCrawlResult:
    """Crawl ``slug`` once for this cycle (or return its crawl committed earlier in the cycle).

    The council's time limit (``crawl.council_timeout_seconds``) runs from when its site lock is
    taken: waiting for another worker's crawl of the same site is politeness, not slowness.
    """
    # A fresh interpreter (not a fork of this threaded worker), which starts the local crawl's own
    # processes; not a daemon, since daemons may not have children. It dies with this worker.
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(send, config, slug, cycle_id), name=f"crawl-{slug}", daemon=False)
    started_at = utcnow()
    process.start()
    send.close()
    limit = config.crawl.council_timeout_seconds
    deadline: float | None = None
    try:
        while True:
            timeout = _POLL_SECONDS if deadline is None else max(0.0, min(_POLL_SECONDS, deadline - time.monotonic()))
            wait([receive, process.sentinel], timeout=timeout)
            if receive.poll():
                try:
                    kind, payload = receive.recv()
                except (EOFError, OSError):
                    kind, payload = "crash", "the crawl process closed its pipe without a result"
                if kind == "locked":
                    deadline = time.monotonic() + limit
                    continue
                if kind == "result":
                    return payload
                return _record_failure(database, slug, cycle_id, started_at, f"crawl process failed: {payload.splitlines()[0]}")
            if not process.is_alive():
                return _record_failure(
                    database, slug, cycle_id, started_at, f"crawl process died without a result (exit code {process.exitcode})"
                )
            if deadline is not None and time.monotonic() > deadline:
                process.kill()  # first: a child still holding the site lock could yet commit
                process.join(timeout=30)
                return _record_failure(
                    database, slug, cycle_id, started_at, f"timed out after {limit:g} s; nothing from this crawl was kept"
                )
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=30)
        receive.close()


def committed_crawl(database: Database, slug: str, cycle_id: int | None) -> CouncilCrawlResult | None:
    """This cycle's committed crawl of the council, as a result, if there is one."""
    if cycle_id is None:
        return None
    with database.session() as session:
        run = session.scalars(
            select(CrawlRun)
            .join(Council, CrawlRun.council_id == Council.id)
            .where(Council.slug == slug, CrawlRun.cycle_id == cycle_id)
            .order_by(CrawlRun.id.desc())
        ).first()
        if run is None or run.outcome is None:
            return None
        return result_of_run(slug, run)


def _child_main(connection: Connection, config: Config, slug: str, cycle_id: int | None) -> None:
    """Take the site lock, then crawl unless this cycle already committed the council."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        database = open_database(config.database_url, migrate=False)
        try:
            with database.session() as session:
                council_id = session.scalars(select(Council.id).where(Council.slug == slug)).one()
            ended = CycleEnded(database, cycle_id, every=config.executor.heartbeat_seconds)
            with council_site_lock(database, council_id):
                connection.send(("locked", None))
                result = committed_crawl(database, slug, cycle_id) or _crawl_now(config, database, slug, cycle_id, ended)
                connection.send(("result", result))
        finally:
            database.dispose()
    except BaseException as error:  # the worker records this council as failing, with the reason
        connection.send(("crash", f"{error.__class__.__name__}: {error}\n{traceback.format_exc(limit=5)}"))
    finally:
        connection.close()


def _crawl_now(config: Config, database: Database, slug: str, cycle_id: int | None, ended: CycleEnded) -> CouncilCrawlResult:
    """The local crawl of this one council (its time limit, its failure records, its commit),
    unless its cycle ended before it could start."""
    results = [] if ended.is_set() else crawl_councils(config, database, slugs=[slug], cycle_id=cycle_id, stop=ended)
    return results[0] if results else CouncilCrawlResult(slug=slug, outcome="failing", reason=INTERRUPTED, errors=[INTERRUPTED])


class CycleEnded:
    """Set once the crawl's cycle is no longer ``running``; asked every poll of the local crawl,
    it reads the cycle's row at most every ``every`` seconds."""

    def __init__(self, database: Database, cycle_id: int | None, every: float):
        self.database = database
        self.cycle_id = cycle_id
        self.every = every
        self._ended = False
        self._next_look = 0.0

    def is_set(self) -> bool:
        if self.cycle_id is None or self._ended or time.monotonic() < self._next_look:
            return self._ended
        self._next_look = time.monotonic() + self.every
        with self.database.session() as session:
            state = session.scalars(select(Cycle.state).where(Cycle.id == self.cycle_id)).first()
        self._ended = state is not None and state != "running"
        return self._ended


def _record_failure(database: Database, slug: str, cycle_id: int | None, started_at: Any, message: str) -> CouncilCrawlResult:
    """Record a council whose child gave no result as failing, unless it committed before it died."""
    committed = committed_crawl(database, slug, cycle_id)
    if committed is not None:
        return committed
    result = CouncilCrawlResult(slug=slug, outcome="failing", errors=[message], reason=message)
    with database.session() as session:
        council = session.scalars(select(Council).where(Council.slug == slug)).one()
        record_run(session, council, result, started_at=started_at, finished_at=utcnow(), cycle_id=cycle_id)
    return result
