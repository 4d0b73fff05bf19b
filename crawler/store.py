"""Write one council's findings, its crawl run and its health, in one transaction.

Called with a session from ``Database.session()``: if anything fails, the whole council's
findings roll back together and the caller records the error instead, so a council is never
half-written. Documents are matched by URL, and (for links that change, as CMIS's do) by
content hash: the same bytes under a new URL move the existing row instead of counting as news.
A content hash that changes sets ``changed_at`` and ``text_state='pending'`` so the extractor
reads the document again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.items import (
    FETCHED,
    NOT_MODIFIED,
    SKIPPED,
    TOO_LARGE,
    AgendaItemFound,
    CommitteeFound,
    DocumentFound,
    MeetingFound,
)
from crawler.result import CouncilCrawlResult
from crawler.spiders.base import meeting_status
from sendwatch.core.storage.models import AgendaItem, Committee, Council, CrawlRun, Document, Meeting
from sendwatch.core.storage.upsert import insert_missing

_MINUTES_TITLE = re.compile(r"\bminutes\b", re.I)


@dataclass
class Findings:
    """Everything one crawl reported, in the order it arrived."""

    committees: list[CommitteeFound]
    meetings: list[MeetingFound]
    items: list[AgendaItemFound]
    documents: list[DocumentFound]


@dataclass
class StoreCounts:
    documents_new: int = 0
    documents_changed: int = 0


def save_findings(session: Session, council: Council, findings: Findings, now: dt.datetime) -> StoreCounts:
    """Upsert committees, meetings, agenda items and documents for one council."""
    committees = _save_committees(session, council, findings.committees)
    meetings = _save_meetings(session, council, findings.meetings, committees, now)
    items = _save_items(session, findings.items, meetings)
    session.flush()
    counts = StoreCounts()
    documents = _save_documents(session, council, findings.documents, meetings, items, now, counts)
    session.flush()
    _link_packs(findings.documents, documents)
    _forget_fingerprints_of_failed_meetings(findings.documents, meetings)
    return counts


def _forget_fingerprints_of_failed_meetings(found: list[DocumentFound], meetings: dict[str, Meeting]) -> None:
    """A meeting with a paper that failed is treated as changed (and due) next time, so it is retried."""
    for document in found:
        meeting = meetings.get(document.meeting_id or "")
        if meeting is not None and document.fetch_state == "error":
            meeting.fingerprint = None


def _save_committees(session: Session, council: Council, found: Iterable[CommitteeFound]) -> dict[str, Committee]:
    found = list(found)
    rows = _committees(session, council)
    missing = [
        {"council_id": council.id, "external_id": c.external_id, "title": c.title} for c in found if c.external_id not in rows
    ]
    if missing:
        insert_missing(session, Committee, missing, key=["council_id", "external_id"])
        rows = _committees(session, council)
    for committee in found:
        row = rows[committee.external_id]
        row.title = committee.title
        row.url = committee.url or row.url
    return rows


def _committees(session: Session, council: Council) -> dict[str, Committee]:
    return {row.external_id: row for row in session.scalars(select(Committee).where(Committee.council_id == council.id))}


def _save_meetings(
    session: Session, council: Council, found: Iterable[MeetingFound], committees: dict[str, Committee], now: dt.datetime
) -> dict[str, Meeting]:
    found = list(found)
    session.flush()  # committees need ids before meetings point at them
    rows = _meetings(session, council)
    missing = [
        {"council_id": council.id, "external_id": m.external_id, "changed_at": now} for m in found if m.external_id not in rows
    ]
    if missing:
        insert_missing(session, Meeting, missing, key=["council_id", "external_id"])
        rows = _meetings(session, council)
    for meeting in found:
        row = rows[meeting.external_id]
        if row.fingerprint != meeting.fingerprint:  # a new row was inserted changed now already
            row.changed_at = now
        committee = committees.get(meeting.committee_id or "")
        if committee is not None:
            row.committee_id = committee.id
        row.title = meeting.title or row.title
        row.date = meeting.date or row.date
        # As the date: a route that shows no time (a page without one) keeps the time last read.
        row.start_time = meeting.start_time if meeting.start_time is not None else row.start_time
        row.end_time = meeting.end_time if meeting.end_time is not None else row.end_time
        row.status = _status(meeting.status, row.status)
        row.url = meeting.url or row.url
        row.fingerprint = meeting.fingerprint
        row.last_checked_at = now
    return rows


def _status(found: str | None, stored: str | None) -> str | None:
    """A meeting's status: the one read; where none was (a page that shows none), the one stored,
    unless that said the meeting would not take place as planned. A meeting read in full with no
    such mark on its list or page has had its cancellation (or postponement) taken back."""
    if found:
        return found
    return None if meeting_status(stored) else stored


def _meetings(session: Session, council: Council) -> dict[str, Meeting]:
    return {row.external_id: row for row in session.scalars(select(Meeting).where(Meeting.council_id == council.id))}


def _save_items(
    session: Session, found: Iterable[AgendaItemFound], meetings: dict[str, Meeting]
) -> dict[tuple[str, str], AgendaItem]:
    session.flush()
    found = [item for item in found if item.meeting_id in meetings]
    meeting_ids = [m.id for m in meetings.values()]
    by_key = _agenda_items(session, meeting_ids)
    missing = [
        {"meeting_id": meetings[item.meeting_id].id, "external_id": item.external_id, "title": item.title}
        for item in found
        if (meetings[item.meeting_id].id, item.external_id) not in by_key
    ]
    if missing:
        insert_missing(session, AgendaItem, missing, key=["meeting_id", "external_id"])
        by_key = _agenda_items(session, meeting_ids)
    rows: dict[tuple[str, str], AgendaItem] = {}
    for item in found:
        row = by_key[(meetings[item.meeting_id].id, item.external_id)]
        row.title, row.number, row.url = item.title, item.number, item.url
        row.agenda_html, row.minutes_html, row.fingerprint = item.agenda_html, item.minutes_html, item.fingerprint
        rows[(item.meeting_id, item.external_id)] = row
    return rows


def _agenda_items(session: Session, meeting_ids: list[int]) -> dict[tuple[int, str], AgendaItem]:
    if not meeting_ids:
        return {}
    return {
        (row.meeting_id, row.external_id): row
        for row in session.scalars(select(AgendaItem).where(AgendaItem.meeting_id.in_(meeting_ids)))
    }


def _save_documents(
    session: Session,
    council: Council,
    found: list[DocumentFound],
    meetings: dict[str, Meeting],
    items: dict[tuple[str, str], AgendaItem],
    now: dt.datetime,
    counts: StoreCounts,
) -> dict[str, Document]:
    session.flush()
    by_url = {row.url: row for row in session.scalars(select(Document).where(Document.council_id == council.id))}
    seen_urls = {document.url for document in found}
    # Rows whose URL was not seen this time, by hash: candidates for "same paper, new link".
    moved: dict[str, list[Document]] = {}
    for existing in by_url.values():
        if existing.url not in seen_urls and existing.sha256:
            moved.setdefault(existing.sha256, []).append(existing)
    latest: dict[str, DocumentFound] = {}
    for document in found:  # one record per URL; a real fetch wins over "skipped"
        if document.url not in latest or latest[document.url].fetch_state == SKIPPED:
            latest[document.url] = document
    kept: list[DocumentFound] = []
    for document in latest.values():
        row = by_url.get(document.url)
        if row is None and document.fetch_state == FETCHED and moved.get(document.sha256 or ""):
            row = _closest(moved[document.sha256 or ""], document, meetings)
            del by_url[row.url]
            row.url = by_url_key = document.url
            by_url[by_url_key] = row
        if row is None and document.fetch_state in (SKIPPED, NOT_MODIFIED):
            continue
        kept.append(document)
    missing = [{"council_id": council.id, "url": d.url, "first_seen_at": now} for d in kept if d.url not in by_url]
    if missing:
        insert_missing(session, Document, missing, key=["council_id", "url"])
        by_url.update(
            (row.url, row)
            for row in session.scalars(select(Document).where(Document.council_id == council.id))
            if row.url not in by_url
        )
    for document in kept:
        row = by_url[document.url]
        _link(row, document, meetings, items)
        if document.fetch_state == FETCHED:
            if row.sha256 is None:  # first body of this paper (new, or failed before)
                counts.documents_new += 1
            elif row.sha256 != document.sha256:
                counts.documents_changed += 1
            _record_body(row, document, now)
        elif document.fetch_state not in (SKIPPED, NOT_MODIFIED):
            _record_failure(row, document)
    return by_url


def _closest(candidates: list[Document], document: DocumentFound, meetings: dict[str, Meeting]) -> Document:
    """Take the candidate row for a moved paper: the one of the same meeting if there is one."""
    meeting = meetings.get(document.meeting_id or "")
    chosen = next((row for row in candidates if meeting is not None and row.meeting_id == meeting.id), candidates[0])
    candidates.remove(chosen)
    return chosen


def _link(row: Document, document: DocumentFound, meetings: dict[str, Meeting], items: dict[tuple[str, str], AgendaItem]) -> None:
    meeting = meetings.get(document.meeting_id or "")
    if meeting is not None:
        row.meeting_id = meeting.id
        item = items.get((document.meeting_id or "", document.agenda_item_id or ""))
        if item is not None:
            row.agenda_item_id = item.id
    row.title = document.title or row.title
    row.published_date = document.published_date or row.published_date


def _record_body(row: Document, document: DocumentFound, now: dt.datetime) -> None:
    if row.sha256 != document.sha256:
        row.changed_at = now
        row.text_state = "pending"
        row.text_error = None
    row.kind = document.kind
    row.fetch_state, row.fetch_error, row.http_status = "ok", None, document.http_status
    row.etag, row.last_modified = document.etag, document.last_modified
    row.content_type, row.size_bytes = document.content_type, document.size_bytes
    row.sha256, row.file_path, row.fetched_at = document.sha256, document.file_path, now


def _record_failure(row: Document, document: DocumentFound) -> None:
    """A failed fetch: keep a body we already have; otherwise say why there is none."""
    row.fetch_error = document.fetch_error
    row.http_status = document.http_status or row.http_status
    state = document.fetch_state
    if (row.sha256 is None or state != "error") and state != "skipped" and state != "would_fetch":  # those two are never stored
        row.fetch_state = state
        row.kind = document.kind if row.sha256 is None else row.kind
    if document.fetch_state == TOO_LARGE and row.sha256 is None:
        row.text_state = "too_large"


def _link_packs(found: list[DocumentFound], rows: dict[str, Document]) -> None:
    """Point a meeting's reports at its agenda pack, where the meeting has one."""
    packs: dict[str, Document] = {}
    for document in found:
        if document.is_pack and document.meeting_id and document.url in rows:
            packs.setdefault(document.meeting_id, rows[document.url])
    for document in found:
        pack = packs.get(document.meeting_id or "")
        row = rows.get(document.url)
        if pack is None or row is None or row is pack or document.is_pack or document.kind == "html":
            continue
        if _MINUTES_TITLE.search(document.title or "") and not document.agenda_item_id:
            continue  # a meeting's own minutes are published after, and outside, its agenda pack
        row.parent_id = pack.id


# --------------------------------------------------------------------------- runs and health


def result_of_run(slug: str, run: CrawlRun) -> CouncilCrawlResult:
    """The result a recorded ``CrawlRun`` stands for: ``record_run`` read back (a crawl delivered
    twice answers with the one already committed)."""
    if run.outcome is None:
        raise ValueError(f"the crawl run of {slug!r} has no outcome yet")
    errors = list(run.errors or [])
    return CouncilCrawlResult(
        slug=slug,
        outcome=run.outcome,
        meetings=run.meetings_found,
        items=run.items_found,
        documents=run.documents_found,
        documents_new=run.documents_new,
        documents_changed=run.documents_changed,
        requests=run.requests,
        errors=errors,
        reason=errors[0] if errors and run.outcome != "ok" else None,
    )


def record_run(
    session: Session,
    council: Council,
    result: CouncilCrawlResult,
    *,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    cycle_id: int | None,
) -> None:
    """Add the council's ``CrawlRun`` for ``result`` and update its health columns (never its status)."""
    session.add(
        CrawlRun(
            council_id=council.id,
            cycle_id=cycle_id,
            started_at=started_at,
            finished_at=finished_at,
            outcome=result.outcome,
            meetings_found=result.meetings,
            items_found=result.items,
            documents_found=result.documents,
            documents_new=result.documents_new,
            documents_changed=result.documents_changed,
            requests=result.requests,
            errors=list(result.errors),
        )
    )
    council.last_outcome = result.outcome
    council.last_crawled_at = finished_at
    if result.outcome in ("ok", "empty"):
        council.last_success_at = finished_at
        council.consecutive_failures = 0
        council.consecutive_empty = (council.consecutive_empty or 0) + 1 if result.outcome == "empty" else 0
    else:
        council.consecutive_failures = (council.consecutive_failures or 0) + 1
    council.last_error = result.errors[0][:2000] if result.errors else None
