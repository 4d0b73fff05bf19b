"""One cycle: crawl every enabled council, extract, update statuses, diff, queue and send alerts.

This is the one job users run (``sendwatch run --once``, and the scheduler's periodic job). It
holds the database cycle lock for its whole length, so two cycles never overlap even across
processes, and it records itself in the ``cycles`` table. Each stage is a library call owned by
its package; this module only sequences them and gathers a summary. Reading overlaps the
crawl: a council's papers are read as soon as it commits (``sendwatch.reading_behind``), and
the extract stage then reads whatever is left.

A stop request (SIGINT/SIGTERM in the scheduler) is honoured between stages and inside the
crawl (no new council starts; a running council is cut and its partial work rolled back). The
next cycle picks up whatever was left: crawling is incremental, extraction processes whatever
is pending, and the diff and outbox are idempotent.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import detect_figure_changes, queue_alerts, send_pending, sync_subscribers, update_statuses
from alerts.mailq import mail_counts
from crawler import CouncilCrawlResult, crawl_councils
from extractors.pipeline import extract_documents, ocr_tally
from sendwatch.core import locks
from sendwatch.core.config import Config
from sendwatch.core.health import flagged_councils
from sendwatch.core.storage import Database
from sendwatch.core.storage.models import ChangeEvent, Council, Cycle, utcnow
from sendwatch.core.vocabulary import CRAWL_OUTCOMES
from sendwatch.distributed.dispatch import DistributedStages
from sendwatch.reading_behind import ReadingBehind

# How long the cycle lock lasts without a refresh: how long another machine waits for a cycle
# whose process died (one on this machine is taken over at once). Refreshed 20 times a lease.
LOCK_LEASE = dt.timedelta(minutes=10)


@dataclass
class CycleSummary:
    """What a cycle did, for the terminal summary, the logs and the ``cycles`` table."""

    cycle_id: int | None = None
    councils: dict[str, list[str]] = field(default_factory=lambda: {outcome: [] for outcome in CRAWL_OUTCOMES})
    reasons: dict[str, str] = field(default_factory=dict)
    documents_new: int = 0
    documents_changed: int = 0
    documents_extracted: int = 0
    ocr_pages: int = 0  # scanned pages of the papers read, read by OCR
    waiting_for_ocr: int = 0  # scanned pages kept for OCR, to be read once it works
    ocr_unavailable: str | None = None  # why OCR does not work here, when pages wait for it
    changes: list[dict[str, Any]] = field(default_factory=list)
    emails_sent: int = 0
    emails_pending: int = 0
    # The whole outbox by state after this cycle's send (``alerts.mailq.MAIL_STATES``), and what
    # the send itself reported (a pause, an unreachable server).
    mail: dict[str, int] = field(default_factory=dict)
    mail_problems: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "cycle_id": self.cycle_id,
            "councils": self.councils,
            "reasons": self.reasons,
            "documents_new": self.documents_new,
            "documents_changed": self.documents_changed,
            "documents_extracted": self.documents_extracted,
            "ocr_pages": self.ocr_pages,
            "waiting_for_ocr": self.waiting_for_ocr,
            "ocr_unavailable": self.ocr_unavailable,
            "changes": self.changes,
            "emails_sent": self.emails_sent,
            "emails_pending": self.emails_pending,
            "mail": self.mail,
            "mail_problems": self.mail_problems,
            "flagged": self.flagged,
            "interrupted": self.interrupted,
            "seconds": round(self.seconds, 1),
        }


ProgressCallback = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class Stages:
    """The seam between the cycle and whoever runs its units of work (``executor.kind``).

    Each field takes the arguments and returns the result of the local stage call it defaults
    to; the distributed executor (``sendwatch.distributed``) hands the same units (a council, a
    paper, a drain of the outbox) to ``sendwatch worker`` processes and waits for them, and
    reads no paper here while the crawl runs (``read_behind``: the workers read them all in the
    extract stage). Status, diff and queuing alerts always run here, under the cycle lock.
    """

    crawl_councils: Callable[..., list[CouncilCrawlResult]] = crawl_councils
    extract_documents: Callable[..., Any] = extract_documents
    send_pending: Callable[..., Any] = send_pending
    read_behind: bool = True
    close: Callable[[], None] = lambda: None


def stages_for(config: Config, database: Database) -> Stages:
    """The configured executor's stages: this machine's processes, or the distributed workers."""
    if config.executor.kind == "distributed":
        remote = DistributedStages(config, database)
        return Stages(remote.crawl_councils, remote.extract_documents, remote.send_pending, False, remote.close)
    return Stages()


def run_cycle(
    config: Config,
    database: Database,
    slugs: list[str] | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    linger_seconds: float = 0.0,
) -> CycleSummary:
    """Run one full cycle under the cycle lock; raise ``locks.LockBusy`` if one is running.

    ``linger_seconds``: how long the send stage keeps retrying temporary failures (``run --once``
    passes ``mail.linger_seconds``; the daemon retries deferred mail on its own schedule).
    """
    stop = stop or threading.Event()
    report = progress or (lambda event, data: None)
    held = locks.acquire(database, ttl=LOCK_LEASE)
    lost = threading.Event()  # our lock was taken over: stop at the next safe point, as if asked to
    keep_fresh = _Refresher(held, interval=LOCK_LEASE.total_seconds() / 20, lost=lost)
    keep_fresh.start()
    asked = stop
    stop = _AnyOf(asked, lost)  # type: ignore[assignment]
    summary = CycleSummary()
    started = utcnow()
    completed = False
    stages = Stages()
    try:
        stages = stages_for(config, database)
        with database.session() as session:
            close_abandoned_cycles(session, started)
            cycle = Cycle(started_at=started, state="running", holder=held.holder)
            session.add(cycle)
            session.flush()
            summary.cycle_id = cycle.id
        report("cycle_started", {"cycle_id": summary.cycle_id})
        tally = _Tally(report)
        read_behind = _crawl(config, database, slugs, summary, tally, stop, stages)
        with database.session() as session:
            summary.flagged = [council.slug for council in flagged_councils(session, config.crawl.flag_after_cycles)]
        if not stop.is_set():
            report("stage", {"stage": "extract"})
            extracted = stages.extract_documents(config, database, slugs=slugs, on_read=lambda n: tally.read(read_behind + n))
            summary.documents_extracted = read_behind + extracted.processed
            ocr = ocr_tally(config, database, started, slugs)
            summary.ocr_pages, summary.waiting_for_ocr, summary.ocr_unavailable = ocr.read, ocr.waiting, ocr.unavailable
        if not stop.is_set():
            report("stage", {"stage": "diff"})
            with database.session() as session:
                sync_subscribers(session, config)
                events = update_statuses(session, cycle_id=summary.cycle_id)
                summary.changes = [_describe_event(session, event) for event in events]
                moves = detect_figure_changes(session, config.figure_alerts, cycle_id=summary.cycle_id)
                # Messages are queued in the same transaction as the events they report.
                queue_alerts(session, config, events, figure_changes=moves)
        if not stop.is_set():
            report("stage", {"stage": "send"})
            sent = stages.send_pending(config, database, linger_seconds=linger_seconds)
            summary.emails_sent = sent.sent
            summary.emails_pending = sent.deferred
            summary.mail_problems = list(sent.errors)
            with database.session() as session:
                summary.mail = mail_counts(session)
        summary.interrupted = stop.is_set()
        completed = True
    finally:
        stages.close()
        keep_fresh.stop()
        summary.seconds = (utcnow() - started).total_seconds()
        if not completed:  # an exception or a signal ended it early
            summary.interrupted = True
        try:
            with database.session() as session:
                finished = session.get(Cycle, summary.cycle_id) if summary.cycle_id else None
                if finished is not None:
                    finished.finished_at = utcnow()
                    finished.state = "interrupted" if summary.interrupted or stop.is_set() else "done"
                    finished.summary = summary.as_dict()
        finally:
            held.release()
    report("cycle_finished", summary.as_dict())
    return summary


def close_abandoned_cycles(session: Session, now: dt.datetime) -> int:
    """Close as ``interrupted`` every cycle row still ``running``: called by whoever holds the cycle
    lock, so no other cycle can be alive (its process was killed, or lost power)."""
    rows = session.scalars(select(Cycle).where(Cycle.state == "running")).all()
    for row in rows:
        row.state = "interrupted"
        row.finished_at = now
        row.summary = {
            **(row.summary or {}),
            "interrupted": True,
            "reason": "the process running this cycle stopped before it finished",
        }
    return len(rows)


def _crawl(
    config: Config,
    database: Database,
    slugs: list[str] | None,
    summary: CycleSummary,
    tally: _Tally,
    stop: threading.Event,
    stages: Stages | None = None,
) -> int:
    """Crawl every council at once while a reader reads each council's papers as it commits;
    return how many papers were read during the crawl (the extract stage reads the rest)."""
    report = tally.report
    report("stage", {"stage": "crawl"})
    tally.start(len(slugs) if slugs is not None else sum(1 for c in config.enabled_councils if c.platform and c.url))
    stages = stages or Stages()
    reader = ReadingBehind(config, database, on_read=tally.read) if stages.read_behind else None
    if reader is not None:
        reader.start()

    def on_result(result: CouncilCrawlResult) -> None:
        summary.councils.setdefault(result.outcome, []).append(result.slug)
        if result.reason and result.outcome != "ok":
            summary.reasons[result.slug] = result.reason
        summary.documents_new += result.documents_new
        summary.documents_changed += result.documents_changed
        if reader is not None and (result.documents_new or result.documents_changed):
            reader.council_committed(result.slug)
        report(
            "council",
            {
                "slug": result.slug,
                "outcome": result.outcome,
                "documents_new": result.documents_new,
                "documents_changed": result.documents_changed,
                "reason": result.reason,
            },
        )
        tally.council_done()

    try:
        stages.crawl_councils(
            config,
            database,
            slugs=slugs,
            cycle_id=summary.cycle_id,
            on_result=on_result,
            stop=stop,
            on_progress=lambda progress: tally.fetched(sum(progress.fetched.values())),
        )
    finally:
        read = reader.finish(abandon=stop.is_set()) if reader is not None else 0
    tally.crawl_finished()
    return read


class _Tally:
    """The cycle's live counts (councils done of total, papers fetched and read), reported as
    ``progress`` events with the elapsed time and an estimate of the crawl's time left."""

    def __init__(self, report: ProgressCallback):
        self.report = report
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._total = self._done = self._fetched = self._read = 0
        self._crawling = False

    def start(self, total: int) -> None:
        self._started, self._total, self._crawling = time.monotonic(), total, True
        self._emit()

    def council_done(self) -> None:
        self._done += 1
        self._emit()

    def fetched(self, papers: int) -> None:
        if papers != self._fetched:
            self._fetched = papers
            self._emit()

    def read(self, papers: int) -> None:  # called from the reading thread too
        self._read = papers
        self._emit()

    def crawl_finished(self) -> None:
        self._crawling = False
        self._emit()

    def _emit(self) -> None:
        with self._lock:
            elapsed = time.monotonic() - self._started
            left = None
            if self._crawling and self._done and self._total > self._done:
                left = elapsed / self._done * (self._total - self._done)
            self.report(
                "progress",
                {
                    "councils_done": self._done,
                    "councils_total": self._total,
                    "papers_fetched": self._fetched,
                    "papers_read": self._read,
                    "elapsed_seconds": round(elapsed, 1),
                    "crawl_seconds_left": None if left is None else round(left, 1),
                    "crawling": self._crawling,
                },
            )


def _describe_event(session: Session, event: ChangeEvent) -> dict[str, Any]:
    council = session.get(Council, event.council_id)
    return {
        "council": council.slug if council else event.council_id,
        "old": event.old_status,
        "new": event.new_status,
        "since": event.since.isoformat() if event.since else None,
    }


class _AnyOf:
    """Set when any of its events is: a stop request, or the loss of the cycle lock."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


class _Refresher(threading.Thread):
    """Keeps the cycle lock fresh while a long cycle runs; sets ``lost`` if another process took it
    (we failed to refresh for a whole lease), so the cycle stops at its next safe point."""

    def __init__(self, held: locks.HeldLock, interval: float, lost: threading.Event):
        super().__init__(daemon=True, name="cycle-lock-refresher")
        self.held = held
        self.interval = interval
        self.lost = lost
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                if not self.held.refresh():
                    self.lost.set()
                    return
            except Exception:  # a transient database error: the next refresh tries again
                pass

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)
