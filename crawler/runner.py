"""Crawl many councils: each in its own child process, a few at a time, each with a time limit.

Children are started from a fork server that has already imported Scrapy (fast to start, and
never forked from a parent that runs other threads). The parent only schedules, waits and, when a
child dies or overruns ``council_timeout_seconds``, records that council as failing with the
reason. A ``stop`` event ends the crawl early: no new council starts, running children are killed
(their work, not yet committed, is rolled back by construction) and reported as interrupted.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from sqlalchemy import select

from crawler.child import child_main
from crawler.result import CouncilCrawlResult
from crawler.store import record_run
from sendwatch.core.config import Config, Council
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import Database
from sendwatch.core.storage.models import Council as CouncilRow
from sendwatch.core.storage.models import utcnow

_POLL_SECONDS = 0.2


@dataclass
class _Running:
    council: Council
    process: Any
    connection: Connection
    started: float
    started_at: Any


def crawl_councils(
    config: Config,
    database: Database,
    slugs: list[str] | None = None,
    cycle_id: int | None = None,
    on_result: Callable[[CouncilCrawlResult], None] | None = None,
    stop: threading.Event | None = None,
    log_level: str | None = None,
) -> list[CouncilCrawlResult]:
    """Crawl the enabled councils (or those named in ``slugs``); one result per council, in order.

    At most ``crawl.parallel_councils`` children run at once, each killed after
    ``crawl.council_timeout_seconds`` (recorded as failing). ``on_result`` is called in this
    process as each council finishes. When ``stop`` is set no new council starts and running
    ones are killed: their results say "interrupted" (outcome failing) and nothing of theirs is
    written, not even a crawl run, since the council itself did nothing wrong. ``log_level``
    (e.g. "INFO") turns on Scrapy's own log in the children, for debugging.

    Children come from a fork server, which imports the calling script's ``__main__`` module:
    scripts that call this must keep their work under ``if __name__ == "__main__":``.
    Raises ValueError for an unknown slug or a council with nothing to crawl.
    """
    councils = _councils_to_crawl(config, slugs)
    _ensure_rows(config, database, councils)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crawler.preload", "crawler.child"])
    waiting = list(councils)
    running: dict[str, _Running] = {}
    results: dict[str, CouncilCrawlResult] = {}

    def finish(result: CouncilCrawlResult) -> None:
        results[result.slug] = result
        if on_result is not None:
            on_result(result)

    try:
        _schedule(config, database, context, waiting, running, finish, cycle_id, stop, log_level)
    finally:  # an exception in the parent (or in on_result) must not leave children crawling
        for child in running.values():
            _kill(child)
    return [results[council.slug] for council in councils if council.slug in results]


def _schedule(
    config: Config,
    database: Database,
    context: Any,
    waiting: list[Council],
    running: dict[str, _Running],
    finish: Callable[[CouncilCrawlResult], None],
    cycle_id: int | None,
    stop: threading.Event | None,
    log_level: str | None,
) -> None:
    """Start children up to the parallel limit, collect their results, and honour ``stop``."""
    while waiting or running:
        stopping = stop is not None and stop.is_set()
        while waiting and not stopping and len(running) < config.crawl.parallel_councils:
            council = waiting.pop(0)
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=child_main,
                args=(send, config, council.slug, cycle_id, log_level),
                name=f"crawl-{council.slug}",
                daemon=True,
            )
            started_at = utcnow()
            process.start()  # the first start also boots the fork server: not part of the council's time
            send.close()
            running[council.slug] = _Running(council, process, receive, time.monotonic(), started_at)
        if stopping:
            for slug, child in list(running.items()):
                _kill(child)
                finish(
                    CouncilCrawlResult(
                        slug=slug,
                        outcome="failing",
                        reason="interrupted: the crawl was stopped",
                        errors=["interrupted: the crawl was stopped"],
                    )
                )
            running.clear()
            return
        handles = [child.connection for child in running.values()] + [child.process.sentinel for child in running.values()]
        wait(handles, timeout=_POLL_SECONDS)
        for slug, child in list(running.items()):
            result = _collect(child, config, database, cycle_id)
            if result is not None:
                del running[slug]
                finish(result)


def _collect(child: _Running, config: Config, database: Database, cycle_id: int | None) -> CouncilCrawlResult | None:
    """The child's result if it has finished (or been given up on), else None."""
    slug = child.council.slug
    if child.connection.poll():
        try:
            kind, payload = child.connection.recv()
        except (EOFError, OSError):
            kind, payload = "crash", "the crawl process closed its pipe without a result"
        child.process.join(timeout=10)
        if child.process.is_alive():  # sent its result but will not exit: nothing left to lose
            child.process.kill()
        if kind == "result":
            return payload
        return _record_failure(database, slug, cycle_id, child.started_at, f"crawl process failed: {payload.splitlines()[0]}")
    if not child.process.is_alive():
        child.process.join()
        return _record_failure(
            database,
            slug,
            cycle_id,
            child.started_at,
            f"crawl process died without a result (exit code {child.process.exitcode})",
        )
    if time.monotonic() - child.started > config.crawl.council_timeout_seconds:
        _kill(child)
        return _record_failure(
            database,
            slug,
            cycle_id,
            child.started_at,
            f"timed out after {config.crawl.council_timeout_seconds:g} s; nothing from this crawl was kept",
        )
    return None


def _kill(child: _Running) -> None:
    child.process.kill()
    child.process.join(timeout=30)
    child.connection.close()


def _record_failure(database: Database, slug: str, cycle_id: int | None, started_at: Any, message: str) -> CouncilCrawlResult:
    """Record a council whose child gave no result as failing (its own work was never committed)."""
    result = CouncilCrawlResult(slug=slug, outcome="failing", errors=[message], reason=message)
    with database.session() as session:
        council = session.scalars(select(CouncilRow).where(CouncilRow.slug == slug)).one()
        record_run(session, council, result, started_at=started_at, finished_at=utcnow(), cycle_id=cycle_id)
    return result


def _councils_to_crawl(config: Config, slugs: list[str] | None) -> list[Council]:
    if slugs is None:
        return [c for c in config.enabled_councils if c.platform and c.url]
    chosen = []
    for slug in slugs:
        try:
            council = config.council(slug)
        except KeyError:
            raise ValueError(f"no council with slug {slug!r} in the config") from None
        if not council.platform or not council.url:
            raise ValueError(f"council {slug!r} has no platform or url to crawl")
        chosen.append(council)
    return chosen


def _ensure_rows(config: Config, database: Database, councils: list[Council]) -> None:
    """Make sure every council to crawl has its database row (mirrored from the config)."""
    with database.session() as session:
        present = set(session.scalars(select(CouncilRow.slug)))
        if any(council.slug not in present for council in councils):
            sync_councils(session, config)
