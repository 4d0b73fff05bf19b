"""What the spiders find, as plain records, before anything is written to the database.

Spiders only yield these; the child process collects them and ``crawler.store`` writes one
council's findings in a single transaction. Keys are the platform's own ids (``external_id``),
never database ids, so a spider needs no database access.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

import scrapy

from sendwatch.core.vocabulary import DocumentKind, FetchState, ProblemKind

# Document fetch results a spider can report: a stored ``FetchState``, or "skipped" ("seen, not
# requested this time": the meeting is unchanged; it never reaches the database as a state), or,
# only in a probe (``crawler.probe``), "would_fetch": a paper a crawl would fetch, left unfetched.
# "exempt" papers are restricted by the council (not for publication): recorded, never requested.
FetchResult: TypeAlias = Literal[FetchState, "skipped", "would_fetch"]
FETCHED: Final = "ok"
NOT_MODIFIED: Final = "not_modified"
SKIPPED: Final = "skipped"
TOO_LARGE: Final = "too_large"
ERROR: Final = "error"
BLOCKED: Final = "blocked"
GONE: Final = "gone"
EXEMPT: Final = "exempt"
WOULD_FETCH: Final = "would_fetch"


@dataclass
class CommitteeFound:
    external_id: str
    title: str
    url: str | None = None
    # False for committees the config's patterns leave out: seen (a probe lists them), not stored.
    selected: bool = True


@dataclass
class MeetingFound:
    external_id: str
    committee_id: str | None
    title: str | None
    date: dt.date | None
    url: str | None
    status: str | None = None
    # Local (UK) start time where the council gives one; None when it gives none (never guessed).
    start_time: dt.time | None = None
    # Its planned finish (UK local) where the council publishes one (ModernGov's GetMeeting); None otherwise.
    end_time: dt.time | None = None
    # Hash of everything parsed for this meeting; equal fingerprints mean nothing new.
    fingerprint: str | None = None
    in_window: bool = True


@dataclass
class AgendaItemFound:
    meeting_id: str
    external_id: str
    title: str
    number: str | None = None
    url: str | None = None
    agenda_html: str | None = None
    minutes_html: str | None = None
    fingerprint: str | None = None


@dataclass
class DocumentFound:
    """One paper and the result of fetching it (or of deciding not to)."""

    url: str  # the key: one paper, whichever page or service it was found through
    title: str | None
    # Before fetching, what the link promises (``unknown`` when it names no format); after,
    # what the bytes are (``sendwatch.core.vocabulary.DOCUMENT_KINDS``).
    kind: DocumentKind = "pdf"
    meeting_id: str | None = None
    agenda_item_id: str | None = None
    published_date: dt.date | None = None
    fetch_state: FetchResult = FETCHED
    fetch_error: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    file_path: str | None = None
    # A pack holds the meeting's reports; the store points the reports at it.
    is_pack: bool = False
    # Where to ask for it when that differs from the key (the link as the page gives it).
    fetch_url: str | None = None
    # Bytes waiting for the pipeline to store them by SHA-256 (then dropped).
    body: bytes | None = field(default=None, repr=False)


@dataclass
class CrawlProblem:
    """Something that went wrong. ``blocked`` problems at the entry point make the council blocked."""

    kind: ProblemKind
    url: str | None
    message: str
    entry: bool = False


@dataclass
class VariantSeen:
    """A shape of the platform met on this site (``crawler.variants``), for probes and debugging."""

    code: str
    detail: str = ""


# What a spider's callbacks yield: findings, and further requests.
Found: TypeAlias = CommitteeFound | MeetingFound | AgendaItemFound | DocumentFound | CrawlProblem | VariantSeen
Yielded: TypeAlias = Found | scrapy.Request
