"""What sendwatch finds on a council's site, fetched politely and stored nowhere (``sendwatch probe``).

A probe is a first crawl that keeps nothing: the platform's own spider walks the site as a
first crawl would (committees, meetings back to ``crawl.since``, their pages), with the same
politeness (robots.txt, User-Agent, delay), but papers are not downloaded: each is listed with
the format its link or its server declares (a HEAD request when the link names none). No
database is opened and nothing is written to disk. Without a platform the site is asked first
which one it runs (``crawler.detect``). Like a crawl, it runs in a child process of its own.

    from crawler.probe import probe_site
    report = probe_site("https://democracy.example.gov.uk/", config.crawl)
    report.platform, report.variants, report.papers_by_format, report.as_json()
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections import Counter
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from crawler.detect import PlatformDetector, PlatformGuess
from crawler.items import EXEMPT, WOULD_FETCH, CommitteeFound, CrawlProblem, DocumentFound, MeetingFound, VariantSeen
from crawler.known import KnownState
from crawler.pool import PRELOAD
from crawler.result import decide_outcome
from crawler.settings import scrapy_settings
from crawler.spiders import SPIDERS
from crawler.variants import VARIANTS
from crawler.window import CrawlWindow
from sendwatch.core.config import DEFAULT_COMMITTEES, Council, Crawl, Listing
from sendwatch.core.formats import PAPER_EXTENSIONS
from sendwatch.core.storage.models import utcnow

# Links a listing page's probe counts as papers when no council config says which.
PAPER_LINKS = r"\.(?:" + "|".join(PAPER_EXTENSIONS) + r")(?:[?#]|$)"


@dataclass
class ProbeReport:
    """Everything a probe saw; ``as_json`` is the ``probe --json`` object."""

    url: str
    platform: str | None
    detected_by: str
    robots: str  # allowed | disallowed | unknown
    robots_detail: str
    patterns: list[str]
    since: Any
    window: tuple[Any, Any]
    variants: dict[str, str] = field(default_factory=dict)  # code -> detail
    committees: list[CommitteeFound] = field(default_factory=list)
    meetings: list[MeetingFound] = field(default_factory=list)
    papers: list[DocumentFound] = field(default_factory=list)  # to fetch, or exempt
    item_texts: int = 0
    pages: int = 0
    requests: int = 0
    problems: list[str] = field(default_factory=list)
    outcome: str = "failing"
    reason: str | None = None

    @property
    def to_fetch(self) -> list[DocumentFound]:
        return [paper for paper in self.papers if paper.fetch_state != EXEMPT]

    @property
    def exempt(self) -> list[DocumentFound]:
        return [paper for paper in self.papers if paper.fetch_state == EXEMPT]

    @property
    def papers_by_format(self) -> dict[str, int]:
        return dict(Counter(paper.kind for paper in self.to_fetch).most_common())

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "platform": self.platform,
            "detected_by": self.detected_by,
            "robots": {"verdict": self.robots, "detail": self.robots_detail},
            "variants": [
                {"code": code, "description": VARIANTS.get(code, ""), "detail": detail} for code, detail in self.variants.items()
            ],
            "committee_patterns": self.patterns,
            "committees": [{"id": c.external_id, "title": c.title, "selected": c.selected} for c in self.committees],
            "since": self.since.isoformat(),
            "window": {"start": self.window[0].isoformat(), "end": self.window[1].isoformat()},
            "meetings": [
                {
                    "id": m.external_id,
                    "committee_id": m.committee_id,
                    "title": m.title,
                    "date": m.date.isoformat() if m.date else None,
                    "status": m.status,
                    "in_window": m.in_window,
                }
                for m in self.meetings
            ],
            "papers": [
                {
                    "url": p.url,
                    "title": p.title,
                    "format": p.kind,
                    "meeting_id": p.meeting_id,
                    "state": "exempt" if p.fetch_state == EXEMPT else "would_fetch",
                }
                for p in self.papers
            ],
            "papers_by_format": self.papers_by_format,
            "exempt_papers": len(self.exempt),
            "item_texts": self.item_texts,
            "would_fetch": {"pages": self.pages, "papers": len(self.to_fetch)},
            "requests": self.requests,
            "outcome": self.outcome,
            "reason": self.reason,
            "problems": self.problems,
        }


def probe_target(url: str, platform: str | None = None, committees: list[str] | None = None) -> Council:
    """The council a probe of a bare URL crawls: the platform given (or to detect), the patterns given."""
    patterns = list(committees or DEFAULT_COMMITTEES)
    listing = Listing(pages=[url], include_urls=[PAPER_LINKS]) if platform in (None, "listing") else None
    return Council(
        slug="probe", name=url, platform=platform, url=url, committees=patterns, listing=listing, enabled=platform is not None
    )


def probe_site(
    url: str,
    crawl: Crawl,
    platform: str | None = None,
    committees: list[str] | None = None,
    council: Council | None = None,
    log_level: str | None = None,
) -> ProbeReport:
    """Probe a site (or a configured ``council``); waits at most ``crawl.council_timeout_seconds``."""
    target = council or probe_target(url, platform, committees)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_probe_child, args=(send, target, crawl, log_level), name="probe", daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(crawl.council_timeout_seconds):
            raise TimeoutError(f"the probe took longer than {crawl.council_timeout_seconds:g} s")
        kind, payload = receive.recv()
    finally:
        process.kill()
        process.join(timeout=30)
        receive.close()
    if kind != "result":
        raise RuntimeError(f"the probe failed: {payload}")
    guess, collected, stats = payload
    return build_report(target, crawl, guess, collected, stats)


def _probe_child(connection: Connection, council: Council, crawl: Crawl, log_level: str | None) -> None:
    try:
        connection.send(("result", _run_probe(council, crawl, log_level)))
    except BaseException as error:  # the parent says the probe failed, with the reason
        connection.send(("crash", f"{error.__class__.__name__}: {error}\n{traceback.format_exc(limit=5)}"))
    finally:
        connection.close()


def _run_probe(council: Council, crawl: Crawl, log_level: str | None) -> tuple[PlatformGuess, list[Any], dict[str, Counter[str]]]:
    """Detect the platform if needed, then run its spider in probe mode; keep what they yield."""
    settings = {
        **scrapy_settings(crawl, Path("."), log_level),
        "ITEM_PIPELINES": {},
        "LOG_INSTALL_ROOT_HANDLER": log_level is not None,
    }
    settings.pop("SENDWATCH_DATA_DIR", None)
    process = CrawlerProcess(settings)
    collected: list[Any] = []
    crawlers: list[Any] = []
    guess = [PlatformGuess(council.platform, "given")] if council.platform else []

    def on_item(item: Any, **_: Any) -> None:
        collected.append(item)

    def on_error(failure: Any, response: Any = None, **_: Any) -> None:
        collected.append(CrawlProblem("error", getattr(response, "url", None), f"could not parse the page: {failure.value!r}"))

    def started(spider_class: type, **arguments: Any) -> Any:
        crawler = process.create_crawler(spider_class)
        crawler.signals.connect(on_item, signal=signals.item_scraped)
        crawler.signals.connect(on_error, signal=signals.spider_error)
        crawlers.append(crawler)
        return process.crawl(crawler, **arguments)

    def run_platform(_: Any = None) -> Any:
        found = guess or [item for item in collected if isinstance(item, PlatformGuess)]
        if not found or found[0].platform is None:
            return None
        guess[:] = found[:1]
        known = KnownState(0, never_crawled=True)
        return started(
            SPIDERS[found[0].platform],
            council=council.model_copy(update={"platform": found[0].platform}),
            crawl_config=crawl,
            known=known,
            window=CrawlWindow.for_crawl(crawl, known, utcnow()),
            probe=True,
        )

    if council.platform:
        run_platform()
    else:
        started(PlatformDetector, council=council).addCallback(run_platform)
    process.start(install_signal_handlers=False)
    stats: dict[str, Counter[str]] = {"all": Counter(), "crawl": Counter()}
    for crawler in crawlers:
        counts = {
            key: value for key, value in (crawler.stats.get_stats() if crawler.stats else {}).items() if isinstance(value, int)
        }
        stats["all"].update(counts)
        if crawler.spidercls is not PlatformDetector:
            stats["crawl"].update(counts)
    found = guess or [item for item in collected if isinstance(item, PlatformGuess)]
    return (found[0] if found else PlatformGuess(None, "the site could not be asked")), collected, stats


def build_report(
    council: Council, crawl: Crawl, guess: PlatformGuess, collected: list[Any], stats: dict[str, Counter[str]]
) -> ProbeReport:
    """Sum up what the probe's spiders yielded: committees, meetings, papers, variants, robots, outcome.

    ``stats`` holds Scrapy's counts for the whole probe (``all``) and for the platform's spider
    alone (``crawl``): the pages a first crawl would ask for are the latter's.
    """
    known = KnownState(0, never_crawled=True)
    window = CrawlWindow.for_crawl(crawl, known, utcnow())
    report = ProbeReport(
        url=council.url or "",
        platform=guess.platform,
        detected_by=guess.evidence,
        robots="unknown",
        robots_detail="",
        patterns=list(council.committees),
        since=window.since,
        window=(window.start, window.end),
    )
    committees: dict[str, CommitteeFound] = {}
    meetings: dict[str, MeetingFound] = {}
    papers: dict[str, DocumentFound] = {}
    problems: list[CrawlProblem] = []
    for item in collected:
        if isinstance(item, CommitteeFound):
            committees.setdefault(item.external_id, item)
        elif isinstance(item, MeetingFound):
            meetings[item.external_id] = item
        elif isinstance(item, DocumentFound) and item.fetch_state in (WOULD_FETCH, EXEMPT):
            papers.setdefault(item.url, replace(item, body=None))
        elif isinstance(item, DocumentFound) and item.body is not None:
            report.item_texts += 1
        elif isinstance(item, VariantSeen):
            report.variants.setdefault(item.code, item.detail)
        elif isinstance(item, CrawlProblem):
            problems.append(item)
    report.committees = sorted(committees.values(), key=lambda c: (not c.selected, c.title.lower()))
    report.meetings = sorted(meetings.values(), key=lambda m: (m.date is None, m.date), reverse=True)
    report.papers = list(papers.values())
    other_formats = sorted({p.kind for p in report.to_fetch} - {"pdf", "unknown"})
    if other_formats:
        report.variants.setdefault("non_pdf_papers", ", ".join(other_formats))
    problems += [
        CrawlProblem("error", p.url, f"could not ask for the paper: {p.fetch_error}") for p in report.papers if p.fetch_error
    ]
    report.problems = [("note: " if p.kind == "note" else "") + p.message + (f" ({p.url})" if p.url else "") for p in problems]
    report.robots, report.robots_detail = _robots_verdict(problems, stats["all"])
    crawled = stats["crawl"]
    report.requests = int(stats["all"].get("downloader/request_count", 0))
    report.pages = int(crawled.get("downloader/request_method_count/GET", 0)) - int(crawled.get("robotstxt/request_count", 0))
    if report.platform is None and report.robots != "disallowed":
        report.outcome, report.reason = "failing", guess.evidence
    else:
        in_window = sum(1 for m in report.meetings if m.in_window)
        report.outcome, report.reason = decide_outcome(
            report.platform or "",
            problems,
            in_window,
            len(report.to_fetch),
            f"from {window.start.isoformat()} to {window.end.isoformat()}",
        )
    return report


def _robots_verdict(problems: list[CrawlProblem], stats: dict[str, Any]) -> tuple[str, str]:
    """allowed / disallowed / unknown, with what showed it."""
    refused = [p for p in problems if p.kind == "blocked" and "robots.txt" in p.message]
    if refused:
        return "disallowed", f"robots.txt disallows {refused[0].url}"
    statuses = {
        key.rsplit("/", 1)[-1]: value for key, value in stats.items() if key.startswith("robotstxt/response_status_count/")
    }
    if statuses.get("200"):
        return "allowed", "robots.txt read: nothing the probe asked for is disallowed"
    if any(status.startswith("4") for status in statuses):
        return "allowed", "no robots.txt (HTTP " + ", ".join(sorted(statuses)) + ")"
    return "unknown", "robots.txt could not be read"
