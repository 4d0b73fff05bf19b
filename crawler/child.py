"""One council's crawl, from start to commit, run inside its own child process.

Why a process: Scrapy's Twisted reactor cannot be restarted in a process, and a crash or hang in
one council's crawl must not reach the scheduler or the other councils. The child reads what the
database knows about the council, runs the platform's spider, then writes everything it found,
the ``CrawlRun`` and the council's health in one transaction (or, if that fails, only a failed
run with the error). Killing the child at any point loses nothing committed and leaves nothing
half-written: bodies are stored by hash with atomic renames, rows only at the final commit.
"""

from __future__ import annotations

import signal
import traceback
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from sqlalchemy import select

from crawler.items import AgendaItemFound, CommitteeFound, CrawlProblem, DocumentFound, MeetingFound
from crawler.known import load_known
from crawler.result import CouncilCrawlResult, decide_outcome
from crawler.settings import scrapy_settings
from crawler.spiders import SPIDERS
from crawler.store import Findings, record_run, save_findings
from crawler.window import CrawlWindow
from sendwatch.core.config import Config
from sendwatch.core.lifetime import die_with_parent, leave_forkserver
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Council, utcnow

UNSTORED = "could not store the body"


def child_main(connection: Connection, config: Config, slug: str, cycle_id: int | None, log_level: str | None) -> None:
    """Process entry point: crawl, then send the result (or the crash) to the parent.

    Ctrl-C reaches the whole process group; only the parent decides to stop (it kills children),
    so a child never commits a crawl cut short. A child whose parent dies is killed with it
    (``sendwatch.core.lifetime``): nobody would read its result, and it must not commit.
    """
    leave_forkserver()
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        result = crawl_one(config, slug, cycle_id, log_level)
        connection.send(("result", result))
    except BaseException as error:  # the parent records this council as failing, with the reason
        connection.send(("crash", f"{error.__class__.__name__}: {error}\n{traceback.format_exc(limit=5)}"))
    finally:
        connection.close()


def crawl_one(config: Config, slug: str, cycle_id: int | None, log_level: str | None = None) -> CouncilCrawlResult:
    council_config = config.council(slug)
    database = open_database(config.database_url, migrate=False)
    try:
        started = utcnow()
        with database.session() as session:
            council = session.scalars(select(Council).where(Council.slug == slug)).one()
            known = load_known(session, council)
        window = CrawlWindow.for_crawl(config.crawl, known, started)
        collected, stats = _run_spider(config, council_config, known, window, log_level)
        findings = Findings(
            committees=[i for i in collected if isinstance(i, CommitteeFound) and i.selected],
            meetings=[i for i in collected if isinstance(i, MeetingFound)],
            items=[i for i in collected if isinstance(i, AgendaItemFound)],
            documents=[i for i in collected if isinstance(i, DocumentFound)],
        )
        problems = [i for i in collected if isinstance(i, CrawlProblem)]
        problems += [
            CrawlProblem("error", d.url, f"document {d.fetch_state}: {d.fetch_error}")
            for d in findings.documents
            if d.fetch_error
        ]
        meetings = {m.external_id: m for m in findings.meetings}
        in_window = sum(1 for m in meetings.values() if m.in_window)
        documents = {d.url for d in findings.documents}
        unstored = [d.fetch_error for d in findings.documents if d.fetch_error and d.fetch_error.startswith(UNSTORED)]
        outcome, reason = decide_outcome(
            council_config.platform or "",
            problems,
            in_window,
            len(documents),
            f"from {window.start.isoformat()} to {window.end.isoformat()}",
            unstored=unstored,
        )
        errors = [_problem_text(p) for p in problems if p.kind != "note"]
        result = CouncilCrawlResult(
            slug=slug,
            outcome=outcome,
            meetings=len(meetings),
            items=len(findings.items),
            documents=len(documents),
            requests=int(stats.get("downloader/request_count", 0)),
            errors=errors,
            notes=[_problem_text(p) for p in problems if p.kind == "note"],
            reason=reason,
        )
        try:
            with database.session() as session:
                council = session.scalars(select(Council).where(Council.slug == slug)).one()
                counts = save_findings(session, council, findings, started)
                result.documents_new, result.documents_changed = counts.documents_new, counts.documents_changed
                record_run(session, council, result, started_at=started, finished_at=utcnow(), cycle_id=cycle_id)
        except Exception as error:  # rolled back: record the failure on its own
            result = CouncilCrawlResult(
                slug=slug,
                outcome="failing",
                requests=result.requests,
                errors=[*errors, f"could not save the results: {error}"],
                notes=result.notes,
                reason=f"could not save the results: {error.__class__.__name__}: {error}",
            )
            with database.session() as session:
                council = session.scalars(select(Council).where(Council.slug == slug)).one()
                record_run(session, council, result, started_at=started, finished_at=utcnow(), cycle_id=cycle_id)
        return result
    finally:
        database.dispose()


def _problem_text(problem: CrawlProblem) -> str:
    return problem.message + (f" ({problem.url})" if problem.url and problem.url not in problem.message else "")


def _run_spider(
    config: Config, council_config: Any, known: Any, window: CrawlWindow, log_level: str | None
) -> tuple[list[Any], dict[str, Any]]:
    """Run the platform's spider to completion; return what it yielded and Scrapy's stats."""
    collected: list[Any] = []
    settings = scrapy_settings(config.crawl, config.resolve(config.data_dir), log_level)
    process = CrawlerProcess({**settings, "LOG_INSTALL_ROOT_HANDLER": log_level is not None})
    spider_class = SPIDERS[council_config.platform]
    crawler = process.create_crawler(spider_class)

    def on_item(item: Any, **_: Any) -> None:
        collected.append(item)

    def on_error(failure: Any, response: Any = None, **_: Any) -> None:
        url = getattr(response, "url", None)
        collected.append(
            CrawlProblem("error", url, f"could not parse the page: {failure.value.__class__.__name__}: {failure.value}")
        )

    def on_item_error(item: Any, failure: Any, **_: Any) -> None:
        # A paper whose body could not be stored is kept as a failed fetch, so the next crawl retries it.
        if isinstance(item, DocumentFound):
            collected.append(
                replace(
                    item,
                    body=None,
                    fetch_state="error",
                    fetch_error=f"{UNSTORED}: {failure.value.__class__.__name__}: {failure.value}",
                )
            )
        else:
            collected.append(CrawlProblem("error", None, f"could not handle {type(item).__name__}: {failure.value}"))

    crawler.signals.connect(on_item, signal=signals.item_scraped)
    crawler.signals.connect(on_item_error, signal=signals.item_error)
    crawler.signals.connect(on_error, signal=signals.spider_error)
    process.crawl(crawler, council=council_config, crawl_config=config.crawl, known=known, window=window)
    process.start(install_signal_handlers=False)
    return collected, crawler.stats.get_stats() if crawler.stats else {}
