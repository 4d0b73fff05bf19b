"""The extraction stage: stored documents in, pages, evidence, figures and verdicts out.

A document is (re)read when its content hash or the extractor version differs from what was
last extracted (or always, with ``reprocess=True``). Text is read in a bounded child process
(``isolation``); the reading itself (``analyse_pages``) needs the council's names, from the
config (name and aliases) or the council row. Each document's results replace its previous
pages, evidence and figures in one transaction, so a reader never sees half of a document.
One bad document is recorded with its state and error and never stops the others.

Scanned pages are read by OCR where Tesseract is installed; where it is not, the stage says so
once per run and keeps them ``needs_ocr``, and the first run that finds Tesseract reads every
document still holding such pages. Each stored page records where its text came from.

Config read: ``extract.timeout_seconds``, ``extract.memory_mb``, ``extract.max_pages``,
``extract.pdf_engine``, ``extract.ocr*``; ``councils[].name`` / ``aliases``.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, or_, select

from extractors import EXTRACTOR_VERSION
from extractors.analyse import Analysis, analyse_pages
from extractors.isolation import IsolatedReader, TextResult
from extractors.ocr import unavailable_reason
from extractors.paper_text import OcrSettings, Reading
from extractors.reading import names_safety_valve
from extractors.verdict import corroborated
from sendwatch.core.documents import DocumentStore
from sendwatch.core.storage.db import TRANSIENT_ERRORS
from sendwatch.core.storage.models import Council, Document, DocumentPage, Evidence, Figure, utcnow

log = logging.getLogger("sendwatch.extract")

MAX_QUOTE_CHARS = 2000
MAX_FIGURE_TEXT = 200


@dataclass
class ExtractSummary:
    """What one run of the stage did."""

    processed: int = 0
    states: Counter = field(default_factory=Counter)
    evidence: int = 0
    figures: int = 0
    errors: list[str] = field(default_factory=list)
    reread: int = 0  # documents that had been read before (by an older version, or with --reprocess)
    changed: Counter = field(default_factory=Counter)  # (old verdict, new verdict) for re-read documents whose verdict moved
    ocr_pages: int = 0  # pages read by OCR this run
    waiting_for_ocr: int = 0  # scanned pages kept ``needs_ocr`` because OCR is unavailable
    ocr_unavailable: str | None = None  # why, when it is

    def as_dict(self) -> dict[str, Any]:
        return {
            "processed": self.processed,
            "states": dict(self.states),
            "evidence": self.evidence,
            "figures": self.figures,
            "errors": list(self.errors),
            "reread": self.reread,
            "verdicts_changed": sum(self.changed.values()),
            "changes": {f"{old} -> {new}": count for (old, new), count in sorted(self.changed.items())},
            "ocr_pages": self.ocr_pages,
            "waiting_for_ocr": self.waiting_for_ocr,
        }


@dataclass(frozen=True)
class _Job:
    document_id: int
    council_id: int
    path: str | None
    kind: str | None
    sha256: str | None
    names: tuple[str, ...]
    title: str | None = None
    content_type: str | None = None


def extract_documents(
    config: Any,
    database: Any,
    slugs: list[str] | tuple[str, ...] | None = None,
    reprocess: bool = False,
    *,
    workers: int = 2,
    on_read: Callable[[int], None] | None = None,
) -> ExtractSummary:
    """Extract every document that is new, changed, or read by an older extractor version,
    and, where OCR is available, every document with scanned pages still waiting for it.
    ``on_read`` is called after each document with how many this call has processed."""
    settings = config.extract
    ocr = ocr_settings(settings)
    summary = ExtractSummary(ocr_unavailable=unavailable_reason(ocr))
    if summary.ocr_unavailable:
        ocr = None
    jobs = _pending_jobs(config, database, slugs, reprocess, include_waiting_for_ocr=ocr is not None)
    store = DocumentStore(config.documents_root, config.data_options)

    local = threading.local()
    readers: list[IsolatedReader] = []

    def read(job: _Job) -> tuple[_Job, TextResult]:
        reader = getattr(local, "reader", None)
        if reader is None and job.path:
            reader = local.reader = _new_reader(settings, ocr)
            readers.append(reader)
        return job, _read(reader, job, store)

    workers = max(1, workers)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for job, text in _bounded_map(pool, read, jobs, ahead=workers * 2):
                _record(database, job, text, summary)
                if on_read is not None:
                    on_read(summary.processed)
    finally:
        for reader in readers:
            reader.close()
    if summary.waiting_for_ocr:
        log.warning(
            "ocr_unavailable: %d scanned page(s) kept as needs_ocr, to be read once OCR works: %s",
            summary.waiting_for_ocr,
            summary.ocr_unavailable,
            extra={"event": "ocr_unavailable", "pages": summary.waiting_for_ocr, "reason": summary.ocr_unavailable},
        )
    log.info("extract_done", extra={"event": "extract_done", **summary.as_dict()})
    return summary


def pending_document_ids(config: Any, database: Any, slugs: list[str] | tuple[str, ...] | None = None) -> list[int]:
    """The documents ``extract_documents`` would read now, by id: for an executor that hands
    out one paper at a time (``PaperReading``)."""
    ocr = ocr_settings(config.extract)
    usable = ocr is not None and unavailable_reason(ocr) is None
    return [job.document_id for job in _pending_jobs(config, database, slugs, False, include_waiting_for_ocr=usable)]


class PaperReading:
    """Reads papers one at a time by id, each only while it is still pending, with one bounded
    reader child kept between papers. Not thread-safe: one per thread.

    Why "only while pending": a task delivered twice (its first worker died mid-paper) must not
    read a paper that another worker has since stored; a paper read twice would still be stored
    whole, once, since its results replace the old ones in one transaction.
    """

    def __init__(self, config: Any, database: Any):
        self.config = config
        self.database = database
        ocr = ocr_settings(config.extract)
        self.ocr = ocr if ocr is not None and unavailable_reason(ocr) is None else None
        self._reader: IsolatedReader | None = None
        self._store = DocumentStore(config.documents_root, config.data_options)

    def read(self, document_id: int) -> ExtractSummary:
        """Read and store one pending paper; a paper no longer pending is left alone (``processed`` 0)."""
        summary = ExtractSummary()
        jobs = _pending_jobs(
            self.config, self.database, None, False, include_waiting_for_ocr=self.ocr is not None, document_ids=[document_id]
        )
        for job in jobs:
            if self._reader is None and job.path:
                self._reader = _new_reader(self.config.extract, self.ocr)
            _record(self.database, job, _read(self._reader, job, self._store), summary)
        return summary

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _new_reader(settings: Any, ocr: OcrSettings | None) -> IsolatedReader:
    return IsolatedReader(
        timeout_seconds=settings.timeout_seconds,
        memory_mb=settings.memory_mb,
        engine=settings.pdf_engine,
        max_pages=settings.max_pages,
        ocr=ocr,
    )


def _read(reader: IsolatedReader | None, job: _Job, store: DocumentStore) -> TextResult:
    """One document's text (and analysis) from the bounded reader, read from a local copy when
    the paper is kept in an object store."""
    if not job.path or reader is None:
        return TextResult("corrupt", error="no stored file for this document")
    try:
        with store.local_file(job.path) as path:
            return reader.read(path, job.kind, job.content_type, Reading(tuple(job.names), frozenset(_title_context(job.title))))
    except FileNotFoundError:
        return TextResult("corrupt", error=f"the stored file is missing: {job.path}")


def ocr_settings(settings: Any) -> OcrSettings | None:
    """The OCR settings of the ``extract`` config section (None when OCR is switched off)."""
    if not settings.ocr:
        return None
    return OcrSettings(
        languages=settings.ocr_languages,
        dpi=settings.ocr_dpi,
        page_seconds=settings.ocr_page_seconds,
        document_seconds=settings.ocr_document_seconds,
    )


def _record(database: Any, job: _Job, text: TextResult, summary: ExtractSummary) -> None:
    """Analyse one document's text and store everything; a failure is recorded, never raised."""
    try:
        analysis = text.analysis if isinstance(text.analysis, Analysis) else None  # analysed in the bounded reader
        if analysis is None and text.state == "ok":
            analysis = analyse_pages(text.pages, list(job.names), context=_title_context(job.title))
        evidence, figures, before = _store(database, job, text, analysis)
    except TRANSIENT_ERRORS as error:  # the database failed (disk full...), not the paper: read it again next run
        log.warning("extract_not_stored", extra={"event": "extract_not_stored", "document_id": job.document_id})
        summary.errors.append(
            f"document {job.document_id}: results not stored, left pending for the next run: "
            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        )
        summary.states["pending"] += 1
        summary.processed += 1
        return
    except Exception as error:  # one document's failure is recorded, never fatal
        log.exception("extract_failed", extra={"event": "extract_failed", "document_id": job.document_id})
        summary.errors.append(f"document {job.document_id}: {type(error).__name__}: {error}")
        _record_failure(database, job, f"{type(error).__name__}: {error}")
        summary.states["corrupt"] += 1
        summary.processed += 1
        return
    summary.processed += 1
    summary.states[text.state] += 1
    summary.evidence += evidence
    summary.figures += figures
    summary.ocr_pages += text.pages_from("ocr")
    summary.waiting_for_ocr += text.pages_from("needs_ocr")
    if before is not None:
        summary.reread += 1
        after = analysis.verdict if analysis is not None else None
        if before.verdict != after:
            summary.changed[(before.verdict or "unread", after or "unread")] += 1


def _bounded_map(pool: ThreadPoolExecutor, function: Any, items: list[Any], ahead: int) -> Iterator[Any]:
    """``pool.map`` that keeps at most ``ahead`` results waiting: a backlog of thousands of
    documents never holds thousands of texts in memory at once."""
    pending: deque[Future[Any]] = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _pending_jobs(
    config: Any,
    database: Any,
    slugs: Any,
    reprocess: bool,
    include_waiting_for_ocr: bool = False,
    document_ids: list[int] | None = None,
) -> list[_Job]:
    """Documents to read now (of these ``document_ids``, when given), with the names of their council."""
    configured = {council.slug: council for council in getattr(config, "councils", [])}
    with database.session() as session:
        query = select(Document, Council).join(Council, Document.council_id == Council.id).where(Document.file_path.is_not(None))
        if document_ids is not None:
            query = query.where(Document.id.in_(document_ids))
        if slugs:
            query = query.where(Council.slug.in_(list(slugs)))
        if not reprocess:
            query = query.where(
                or_(
                    Document.extracted_sha256.is_(None),
                    Document.extracted_sha256 != Document.sha256,
                    Document.extractor_version.is_(None),
                    Document.extractor_version != EXTRACTOR_VERSION,
                    Document.text_state == "pending",
                    *([Document.id.in_(_waiting_for_ocr())] if include_waiting_for_ocr else []),
                )
            )
        jobs = []
        for document, council in session.execute(query.order_by(Document.id)).all():
            names = configured[council.slug].names if council.slug in configured else [council.name]
            jobs.append(
                _Job(
                    document.id,
                    council.id,
                    document.file_path,
                    document.kind,
                    document.sha256,
                    tuple(names),
                    document.title,
                    document.content_type,
                )
            )
    return jobs


@dataclass(frozen=True)
class OcrTally:
    """Scanned pages in the papers read since a moment, by what became of them: what a cycle's
    summary tells the operator, however its papers were read (here, behind the crawl, or by
    workers), so it is counted from what was stored."""

    read: int  # pages read by OCR
    waiting: int  # scanned pages still kept for OCR (any paper, not only those just read)
    unavailable: str | None  # why OCR cannot run here, when pages wait for it


def ocr_tally(config: Any, database: Any, since: Any, slugs: list[str] | tuple[str, ...] | None = None) -> OcrTally:
    """What became of scanned pages in the papers read since ``since`` (of these councils)."""

    def pages(session: Any, source: str, *where: Any) -> int:
        query = (
            select(func.count(DocumentPage.id))
            .join(Document, Document.id == DocumentPage.document_id)
            .where(DocumentPage.text_source == source, *where)
        )
        if slugs:
            query = query.join(Council, Council.id == Document.council_id).where(Council.slug.in_(list(slugs)))
        return int(session.scalar(query) or 0)

    with database.session() as session:
        read = pages(session, "ocr", Document.extracted_at >= since)
        waiting = pages(session, "needs_ocr")
    return OcrTally(read, waiting, unavailable_reason(ocr_settings(config.extract)) if waiting else None)


def _waiting_for_ocr() -> Any:
    """Ids of documents holding scanned pages that were kept for OCR."""
    return select(DocumentPage.document_id).where(DocumentPage.text_source == "needs_ocr").distinct()


def _title_context(title: str | None) -> set[str]:
    """Context a document's title gives ("Safety Valve monitoring report") to text that only
    says "the agreement"."""
    return {"sv"} if title and names_safety_valve(title) else set()


@dataclass(frozen=True)
class _Before:
    """What a document's previous reading concluded (it had been read before)."""

    verdict: str | None


def _store(database: Any, job: _Job, text: TextResult, analysis: Analysis | None) -> tuple[int, int, _Before | None]:
    """Replace the document's pages, evidence and figures and record its state, in one transaction.

    The full-text search index follows the pages in this same transaction: the database indexes
    each page row as it is written or deleted (``sendwatch.core.search``: an FTS5 trigger on
    SQLite, a generated tsvector column on PostgreSQL)."""
    with database.session() as session:
        document = session.get(Document, job.document_id)
        if document is None:
            return 0, 0, None
        before = _Before(document.verdict_status) if document.extracted_at is not None else None
        for table in (DocumentPage, Evidence, Figure):
            session.execute(delete(table).where(table.document_id == job.document_id))
        for number, page in enumerate(text.pages, start=1):
            session.add(
                DocumentPage(document_id=job.document_id, page_number=number, text=page, text_source=text.source(number - 1))
            )
        evidence_count = figure_count = 0
        if analysis is not None:
            support = corroborated(analysis.evidence)
            for item in analysis.evidence:
                confidence = max(item.confidence, support.get(item.status, 0.0)) if item.kind == "signal" else item.confidence
                session.add(
                    Evidence(
                        document_id=job.document_id,
                        council_id=job.council_id,
                        status=item.status,
                        quote=item.quote[:MAX_QUOTE_CHARS],
                        page=item.page,
                        confidence=round(confidence, 3),
                        kind=item.kind,
                        rule=item.rule[:100],
                        extractor_version=EXTRACTOR_VERSION,
                    )
                )
                evidence_count += 1
            for money in analysis.figures:
                session.add(
                    Figure(
                        document_id=job.document_id,
                        council_id=job.council_id,
                        amount_gbp=money.amount_gbp,
                        text=money.text[:MAX_FIGURE_TEXT],
                        label=money.label,
                        financial_year=money.financial_year,
                        page=money.page,
                        quote=money.quote[:MAX_QUOTE_CHARS],
                    )
                )
                figure_count += 1
        document.text_state = text.state
        document.text_error = text.error
        document.page_count = len(text.pages) if text.pages else (0 if text.state != "ok" else None)
        document.char_count = text.char_count
        document.extracted_sha256 = job.sha256
        document.extractor_version = EXTRACTOR_VERSION
        document.extracted_at = utcnow()
        document.verdict_status = analysis.verdict if analysis is not None else None
        document.verdict_confidence = analysis.confidence if analysis is not None else None
    return evidence_count, figure_count, before


def _record_failure(database: Any, job: _Job, error: str) -> None:
    """Mark a document whose results could not be stored, so the next run does not loop on it."""
    try:
        with database.session() as session:
            document = session.get(Document, job.document_id)
            if document is not None:
                document.text_state = "corrupt"
                document.text_error = error[:2000]
                document.extracted_sha256 = job.sha256
                document.extractor_version = EXTRACTOR_VERSION
                document.extracted_at = utcnow()
                document.verdict_status = None
                document.verdict_confidence = None
    except Exception:  # the database itself is failing: the next run will retry this document
        log.exception("extract_record_failed", extra={"event": "extract_record_failed", "document_id": job.document_id})
