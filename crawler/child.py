"""One council's crawl, from start to commit, as run by a crawl worker (``crawler.worker``).

A council's crawl is its own Scrapy crawler (its own downloader, so its own politeness slot and
delay), buffering what its spider yields. It reads what the database knows about the council
before it starts (``begin``) and writes everything it found, the ``CrawlRun`` and the council's
health in one transaction when it ends (``commit``; if that fails, only a failed run with the
error). Cancelling it, or killing its process, at any point loses nothing committed and leaves
nothing half-written: bodies are stored by hash with atomic renames, rows only at the commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy import select

from crawler.items import FETCHED, AgendaItemFound, CommitteeFound, CrawlProblem, DocumentFound, MeetingFound
from crawler.known import load_known
from crawler.result import CouncilCrawlResult, decide_outcome
from crawler.spiders import SPIDERS
from crawler.store import Findings, record_run, save_findings
from crawler.window import CrawlWindow
from sendwatch.core.config import Config
from sendwatch.core.storage import Database
from sendwatch.core.storage.models import Council, utcnow

UNSTORED = "could not store the body"


@dataclass
class CouncilCrawl:
    """One council's crawl inside a crawl worker: its spider's Scrapy crawler and what it yields.

    Nothing reaches the database until ``commit``: findings are buffered here, so a crawl that
    is cancelled (over its time limit, or stopped) or dies with its process leaves nothing.
    """

    slug: str
    started: dt.datetime
    window: CrawlWindow
    crawler: Any
    collected: list[Any] = field(default_factory=list)
    papers_fetched: int = 0
    # Scrapy holds signal handlers by weak reference: this keeps them alive as long as the crawl.
    handlers: list[Any] = field(default_factory=list)

    def kwargs(self, config: Config, known: Any) -> dict[str, Any]:
        return {"council": config.council(self.slug), "crawl_config": config.crawl, "known": known, "window": self.window}


def begin(config: Config, database: Database, slug: str) -> tuple[Any, CrawlWindow, dt.datetime]:
    """What the database knows about the council, and the window of this crawl (a blocking read)."""
    started = utcnow()
    with database.session() as session:
        council = session.scalars(select(Council).where(Council.slug == slug)).one()
        known = load_known(session, council)
    return known, CrawlWindow.for_crawl(config.crawl, known, started), started


def build_crawl(config: Config, slug: str, window: CrawlWindow, started: dt.datetime, settings: dict[str, Any]) -> CouncilCrawl:
    """A Scrapy crawler of its own for this council (its own downloader slot and politeness),
    with signal handlers that buffer what its spider yields."""
    crawler = Crawler(SPIDERS[config.council(slug).platform or ""], settings)
    crawl = CouncilCrawl(slug, started, window, crawler)
    collected = crawl.collected

    def on_item(item: Any, **_: Any) -> None:
        collected.append(item)
        if isinstance(item, DocumentFound) and item.fetch_state == FETCHED:
            crawl.papers_fetched += 1

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

    crawl.handlers += [on_item, on_item_error, on_error]
    crawler.signals.connect(on_item, signal=signals.item_scraped)
    crawler.signals.connect(on_item_error, signal=signals.item_error)
    crawler.signals.connect(on_error, signal=signals.spider_error)
    return crawl


def commit(config: Config, database: Database, crawl: CouncilCrawl, cycle_id: int | None) -> CouncilCrawlResult:
    """Decide the council's outcome and write everything it found, its run and its health in one
    transaction (or, if that fails, only a failed run with the error). A blocking call."""
    slug, started, window, collected = crawl.slug, crawl.started, crawl.window, crawl.collected
    council_config = config.council(slug)
    stats = crawl.crawler.stats.get_stats() if crawl.crawler.stats else {}
    findings = Findings(
        committees=[i for i in collected if isinstance(i, CommitteeFound) and i.selected],
        meetings=[i for i in collected if isinstance(i, MeetingFound)],
        items=[i for i in collected if isinstance(i, AgendaItemFound)],
        documents=[i for i in collected if isinstance(i, DocumentFound)],
    )
    problems = [i for i in collected if isinstance(i, CrawlProblem)]
    problems += [
        CrawlProblem("error", d.url, f"document {d.fetch_state}: {d.fetch_error}") for d in findings.documents if d.fetch_error
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
        record_failure(database, slug, cycle_id, started, result)
    return result


def record_failure(
    database: Database, slug: str, cycle_id: int | None, started_at: dt.datetime, result: CouncilCrawlResult
) -> CouncilCrawlResult:
    """Record a council whose crawl gave no findings to keep as failing (nothing else is written)."""
    with database.session() as session:
        council = session.scalars(select(Council).where(Council.slug == slug)).one()
        record_run(session, council, result, started_at=started_at, finished_at=utcnow(), cycle_id=cycle_id)
    return result


def _problem_text(problem: CrawlProblem) -> str:
    return problem.message + (f" ({problem.url})" if problem.url and problem.url not in problem.message else "")
