"""Crawl many councils at once, each at its own polite pace, through a crawl executor.

Every council to crawl is handed to the executor (``crawler.pool.LocalCrawlPool``: a few
long-lived worker processes, each running many councils' crawlers side by side), at most
``crawl.parallel_councils`` sites in flight (default: all). The parent only schedules, waits and
reports; a council whose worker died is recorded here as failing with the reason. A ``stop``
event ends the crawl early: no new council starts, workers are killed (their councils' work, not
yet committed, is rolled back by construction) and those councils are reported as interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select

from crawler.child import record_failure
from crawler.pool import CrawlExecutor, LocalCrawlPool, Progress
from crawler.result import CouncilCrawlResult
from sendwatch.core.config import Config, Council
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import Database
from sendwatch.core.storage.models import Council as CouncilRow
from sendwatch.core.storage.models import utcnow

_POLL_SECONDS = 0.2
INTERRUPTED = "interrupted: the crawl was stopped"


class Stoppable(Protocol):
    """What a crawl asks, every poll, to know whether to stop (a ``threading.Event`` is one)."""

    def is_set(self) -> bool: ...


def crawl_councils(
    config: Config,
    database: Database,
    slugs: list[str] | None = None,
    cycle_id: int | None = None,
    on_result: Callable[[CouncilCrawlResult], None] | None = None,
    stop: Stoppable | None = None,
    log_level: str | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    extra_settings: dict[str, Any] | None = None,
) -> list[CouncilCrawlResult]:
    """Crawl the enabled councils (or those named in ``slugs``); one result per council, in order.

    Each council is cancelled after ``crawl.council_timeout_seconds`` (recorded as failing).
    ``on_result`` is called in this process as each council finishes, ``on_progress`` every
    poll with the papers fetched so far. When ``stop`` is set no new council starts and running
    ones are killed: their results say "interrupted" (outcome failing) and nothing of theirs is
    written, not even a crawl run, since the council itself did nothing wrong. ``log_level``
    (e.g. "INFO") turns on Scrapy's own log in the workers, for debugging; ``extra_settings``
    are added to every council's Scrapy settings (for debugging and fault injection in tests).

    Workers come from a fork server, which imports the calling script's ``__main__`` module:
    scripts that call this must keep their work under ``if __name__ == "__main__":``.
    Raises ValueError for an unknown slug or a council with nothing to crawl.
    """
    councils = councils_to_crawl(config, slugs)
    _ensure_rows(config, database, councils)
    results: dict[str, CouncilCrawlResult] = {}

    def finish(result: CouncilCrawlResult) -> None:
        results[result.slug] = result
        if on_result is not None:
            on_result(result)

    pool: CrawlExecutor = LocalCrawlPool(config, cycle_id, log_level, extra_settings)
    started_at = utcnow()
    waiting = [council.slug for council in councils]
    in_flight_cap = min(config.crawl.parallel_councils or len(councils), pool.capacity)
    try:
        while waiting or pool.in_flight:
            if stop is not None and stop.is_set():
                for slug in pool.close():
                    finish(CouncilCrawlResult(slug=slug, outcome="failing", reason=INTERRUPTED, errors=[INTERRUPTED]))
                break
            while waiting and pool.in_flight < in_flight_cap:
                pool.submit(waiting.pop(0))
            for finished in pool.results(timeout=_POLL_SECONDS):
                result = finished.result
                if not finished.recorded:  # its worker died: nothing of it was written but this
                    record_failure(database, result.slug, cycle_id, started_at, result)
                finish(result)
            if on_progress is not None:
                on_progress(pool.progress)
    finally:  # an exception in the parent (or in on_result) must not leave workers crawling
        pool.close()
    return [results[council.slug] for council in councils if council.slug in results]


def councils_to_crawl(config: Config, slugs: list[str] | None) -> list[Council]:
    """The councils a crawl covers: the ones named, else every enabled council with a site to
    crawl (one rule for the local pool and the distributed executor alike)."""
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
