"""A long-lived crawl worker process: many councils crawled at once in one Twisted reactor.

Why one process for many councils: a polite crawl spends nearly all its time waiting between
requests to one site, so a process crawling one council at a time sits idle; and starting a
process per council costs more CPU than an unchanged council's whole crawl. A worker instead
runs one Scrapy crawler per council side by side (each its own downloader slot, delay and
AutoThrottle), buffers each council's findings and commits them in one transaction when that
council ends (``crawler.child``). A council over its time limit is cancelled here and recorded
as failing; its buffered findings are dropped.

The parent (``crawler.pool``) talks to the worker over a pipe:

    parent -> worker   ("crawl", slug)         start this council
    worker -> parent   ("started", slug)       its crawl began (the time limit runs from here)
                       ("fetched", {slug: n})  papers fetched so far, by council (those that moved)
                       ("result", (result, n)) a council ended (committed, or recorded failing),
                                               having fetched n papers

Commits and the reads before a crawl run in the reactor's thread pool, so one council's
database work never stalls the others' downloads. A worker whose parent dies dies with it
(parent-death signal, and end-of-file on the pipe), so nothing commits for nobody.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any

from scrapy.utils.defer import deferred_from_coro
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler.child import CouncilCrawl, begin, build_crawl, commit, record_failure
from crawler.result import CouncilCrawlResult
from crawler.settings import scrapy_settings
from sendwatch.core.config import Config
from sendwatch.core.lifetime import die_with_parent, leave_forkserver
from sendwatch.core.storage.models import utcnow

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FETCHED_REPORT_SECONDS = 0.5


def worker_main(
    connection: Connection,
    config: Config,
    cycle_id: int | None,
    log_level: str | None,
    extra_settings: dict[str, Any] | None = None,
) -> None:
    """Process entry point. Ctrl-C reaches the whole process group; only the parent decides to
    stop (it kills workers), so a worker never commits a council cut short by a signal."""
    leave_forkserver()
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from scrapy.utils.reactor import install_reactor

    install_reactor(ASYNCIO_REACTOR)
    from twisted.internet import reactor

    _Worker(reactor, connection, config, cycle_id, log_level, extra_settings or {}).run()


class _Worker:
    def __init__(
        self,
        reactor: Any,
        connection: Connection,
        config: Config,
        cycle_id: int | None,
        log_level: str | None,
        extra_settings: dict[str, Any],
    ):
        from sendwatch.core.storage import open_database

        self.reactor = reactor
        self.connection = connection
        self.config = config
        self.cycle_id = cycle_id
        self.settings = {
            **scrapy_settings(config.crawl, config.documents_root, log_level, data_options=config.data_options),
            "TWISTED_REACTOR": ASYNCIO_REACTOR,
            **extra_settings,
        }
        self.log_level = log_level
        self.database = open_database(config.database_url, migrate=False)
        self.running: dict[str, CouncilCrawl] = {}
        self.fetched_reported: dict[str, int] = {}

    def run(self) -> None:
        from scrapy.utils.log import configure_logging
        from twisted.internet import task

        configure_logging(
            {
                "LOG_ENABLED": self.log_level is not None,
                "LOG_LEVEL": self.log_level or "WARNING",
                "LOG_INSTALL_ROOT_HANDLER": self.log_level is not None,
            }
        )
        if self.log_level is None:
            logging.getLogger("scrapy").setLevel(logging.CRITICAL)
        self.reactor.suggestThreadPoolSize(8)
        task.LoopingCall(self._report_fetched).start(FETCHED_REPORT_SECONDS, now=False)
        threading.Thread(target=self._listen, name="crawl-worker-pipe", daemon=True).start()
        self.reactor.run(installSignalHandlers=False)  # until the parent kills us

    # ------------------------------------------------------------------ the pipe

    def _listen(self) -> None:
        """Read the parent's messages (a thread: the pipe is not a reactor descriptor)."""
        while True:
            try:
                kind, payload = self.connection.recv()
            except (EOFError, OSError):  # the parent is gone: nobody would read our results
                os._exit(1)
            self.reactor.callFromThread(self._on_message, kind, payload)

    def _on_message(self, kind: str, payload: Any) -> None:
        if kind == "crawl":
            self._start(payload)

    def _send(self, message: tuple[str, Any]) -> None:
        try:
            self.connection.send(message)
        except (BrokenPipeError, OSError):
            os._exit(1)

    def _report_fetched(self) -> None:
        changed = {
            slug: crawl.papers_fetched
            for slug, crawl in self.running.items()
            if crawl.papers_fetched != self.fetched_reported.get(slug, 0)
        }
        self.fetched_reported.update(changed)
        if changed:
            self._send(("fetched", changed))

    # ------------------------------------------------------------------ one council

    def _start(self, slug: str) -> None:
        self._send(("started", slug))
        reading = deferToThread(begin, self.config, self.database, slug)
        reading.addCallbacks(lambda begun: self._crawl(slug, *begun), lambda failure: self._crashed(slug, failure))

    def _crawl(self, slug: str, known: Any, window: Any, started: Any) -> None:
        try:
            crawl = build_crawl(self.config, slug, window, started, self.settings)
            self.running[slug] = crawl
            finished = crawl.crawler.crawl(**crawl.kwargs(self.config, known))
        except Exception as error:  # a crawler that cannot even start fails this council only
            self.running.pop(slug, None)
            self._crashed(slug, Failure(error))
            return
        limit = self.reactor.callLater(self.config.crawl.council_timeout_seconds, self._over_time, slug, crawl)
        finished.addBoth(lambda outcome: self._ended(slug, crawl, limit, outcome))

    def _ended(self, slug: str, crawl: CouncilCrawl, limit: Any, outcome: Any) -> None:
        if self.running.get(slug) is not crawl:  # cancelled already (over its time limit)
            return
        if limit.active():
            limit.cancel()
        if isinstance(outcome, Failure):
            self._crashed(slug, outcome)
            return
        saving = deferToThread(commit, self.config, self.database, crawl, self.cycle_id)
        saving.addCallbacks(
            lambda result: self._finish(result, crawl.papers_fetched), lambda failure: self._crashed(slug, failure)
        )

    def _over_time(self, slug: str, crawl: CouncilCrawl) -> None:
        """Cancel a council over ``council_timeout_seconds``: drop what it found, record it failing."""
        if self.running.get(slug) is not crawl:
            return
        self.running.pop(slug, None)
        message = f"timed out after {self.config.crawl.council_timeout_seconds:g} s; nothing from this crawl was kept"
        crawl.collected.clear()
        # It closes when its last request ends (at worst after crawl.timeout_seconds); nobody waits.
        deferred_from_coro(crawl.crawler.stop_async()).addErrback(lambda failure: None)
        result = CouncilCrawlResult(slug, "failing", requests=_requests(crawl), errors=[message], reason=message)
        self._record_failed(slug, crawl.started, result)

    def _crashed(self, slug: str, failure: Failure) -> None:
        """An exception in this council's crawl or commit: it fails, the others go on."""
        crawl = self.running.pop(slug, None)
        text = "".join(traceback.format_exception_only(failure.type, failure.value)).strip()
        message = f"crawl failed: {text}"
        result = CouncilCrawlResult(slug, "failing", requests=_requests(crawl) if crawl else 0, errors=[message], reason=message)
        self._record_failed(slug, crawl.started if crawl else utcnow(), result)

    def _record_failed(self, slug: str, started: Any, result: CouncilCrawlResult) -> None:
        recording = deferToThread(record_failure, self.database, slug, self.cycle_id, started, result)
        recording.addBoth(lambda _: self._finish(result, 0))

    def _finish(self, result: CouncilCrawlResult, fetched: int) -> None:
        self.running.pop(result.slug, None)
        self.fetched_reported.pop(result.slug, None)
        self._send(("result", (result, fetched)))


def _requests(crawl: CouncilCrawl) -> int:
    stats = crawl.crawler.stats.get_stats() if crawl.crawler.stats else {}
    return int(stats.get("downloader/request_count", 0))
