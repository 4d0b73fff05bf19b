"""What the database already knows about one council, read once before its crawl.

Spiders decide what to fetch from this snapshot (meeting fingerprints, document validators)
without touching the database during the crawl; the snapshot is read-only and picklable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sendwatch.core.storage.models import Council, Document, Meeting
from sendwatch.core.vocabulary import DocumentKind, FetchState


@dataclass(frozen=True)
class KnownMeeting:
    external_id: str
    date: dt.date | None
    url: str | None
    fingerprint: str | None
    last_checked_at: dt.datetime | None
    committee_external_id: str | None = None


@dataclass(frozen=True)
class KnownDocument:
    url: str
    fetch_state: FetchState
    etag: str | None
    last_modified: str | None
    sha256: str | None
    fetched_at: dt.datetime | None
    kind: DocumentKind = "pdf"
    title: str | None = None


@dataclass
class KnownState:
    council_id: int
    # True until the council has had one crawl that worked: the first crawl back-fills to ``since``.
    never_crawled: bool
    meetings: dict[str, KnownMeeting] = field(default_factory=dict)
    documents: dict[str, KnownDocument] = field(default_factory=dict)


def load_known(session: Session, council: Council) -> KnownState:
    committees = {c.id: c.external_id for c in council.committees}
    known = KnownState(council_id=council.id, never_crawled=council.last_success_at is None)
    for meeting in session.scalars(select(Meeting).where(Meeting.council_id == council.id)):
        known.meetings[meeting.external_id] = KnownMeeting(
            meeting.external_id,
            meeting.date,
            meeting.url,
            meeting.fingerprint,
            meeting.last_checked_at,
            committees.get(meeting.committee_id) if meeting.committee_id else None,
        )
    for document in session.scalars(select(Document).where(Document.council_id == council.id)):
        known.documents[document.url] = KnownDocument(
            document.url,
            document.fetch_state,
            document.etag,
            document.last_modified,
            document.sha256,
            document.fetched_at,
            document.kind,
            document.title,
        )
    return known
