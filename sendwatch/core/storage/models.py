"""The database tables, as SQLAlchemy 2 declarative models.

Data flows one way through these tables: crawl writes ``Committee``/``Meeting``/``AgendaItem``/
``Document``; extraction writes ``DocumentPage``/``Evidence``/``Figure`` and the document's
verdict; the diff engine writes ``StatusRecord`` and ``ChangeEvent``; alerting writes
``OutboxMessage``. Each stage reads only what the stages before it wrote.

Only portable SQL types are used (SQLite and PostgreSQL both run the suite). Datetimes are
stored in UTC and come back timezone-aware. Columns holding a closed vocabulary are typed with
its ``Literal`` (``sendwatch.core.vocabulary``) and stored as strings, so the type checker holds
every value the code writes to the vocabulary's spelling.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from sendwatch.core.addresses import same_address_key
from sendwatch.core.money import pounds, to_pence
from sendwatch.core.vocabulary import (
    CrawlOutcome,
    CycleState,
    DocumentKind,
    EvidenceKind,
    FetchState,
    Frequency,
    MessageKind,
    OutboxState,
    PageSource,
    Platform,
    Status,
    SubscriberSource,
    TaskKind,
    TaskState,
    TextState,
)


def utcnow() -> dt.datetime:
    """Now, as an aware UTC datetime (the only kind sendwatch stores)."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A datetime stored as naive UTC and returned aware, the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use sendwatch.core.storage.models.utcnow()")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


# --------------------------------------------------------------------------- councils and crawling


class Council(Base):
    """A configured local authority, mirrored from config.yaml so other rows can refer to it."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    gss_code: Mapped[str | None] = mapped_column(String(12))
    platform: Mapped[Platform | None] = mapped_column(String(20))
    base_url: Mapped[str | None] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Crawl health, updated after every crawl of this council.
    last_outcome: Mapped[CrawlOutcome | None] = mapped_column(String(20))
    last_crawled_at: Mapped[dt.datetime | None]
    last_success_at: Mapped[dt.datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    consecutive_empty: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    committees: Mapped[list[Committee]] = relationship(back_populates="council")


class Committee(Base):
    __tablename__ = "committees"
    __table_args__ = (UniqueConstraint("council_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(1000))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    council: Mapped[Council] = relationship(back_populates="committees")


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("council_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id", ondelete="SET NULL"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(500))
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # The start time the council publishes, as UK local (wall-clock) time; None where it gives
    # none. Calendars show a timed event for these and an all-day one for the rest.
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    # The planned finish the council publishes (UK local time, same day), None where it gives
    # none. Calendars end a timed event here when it is after the start, else allow two hours.
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    status: Mapped[str | None] = mapped_column(String(60))
    url: Mapped[str | None] = mapped_column(String(1000))
    # Hash of what was parsed from the meeting's page or XML: ModernGov sends no validators,
    # so "has this meeting changed?" is answered by comparing this.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_checked_at: Mapped[dt.datetime | None]
    changed_at: Mapped[dt.datetime | None]


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(1000))
    agenda_html: Mapped[str | None] = mapped_column(Text)
    minutes_html: Mapped[str | None] = mapped_column(Text)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Document(Base):
    """One paper: a PDF, or an HTML page / inline minutes, with how and when it was fetched.

    Keyed by (council, url). CMIS links are opaque and can change, so ``sha256`` also
    identifies content: the same bytes under a new URL are not news.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("council_id", "url"),
        Index("ix_documents_council_sha256", "council_id", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    # An agenda pack and the reports inside it are one source: reports point at their pack.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(Text)
    # What the paper is, from its bytes when fetched (``vocabulary.DOCUMENT_KINDS``; older rows: minutes).
    kind: Mapped[DocumentKind] = mapped_column(String(20), default="pdf")
    published_date: Mapped[dt.date | None] = mapped_column(Date)
    # Fetching.
    fetch_state: Mapped[FetchState] = mapped_column(String(20), default="pending")
    fetch_error: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_type: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    file_path: Mapped[str | None] = mapped_column(String(1000))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[dt.datetime | None]
    changed_at: Mapped[dt.datetime | None]
    # Text extraction.
    text_state: Mapped[TextState] = mapped_column(String(20), default="pending")
    text_error: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int | None] = mapped_column(Integer)
    char_count: Mapped[int | None] = mapped_column(Integer)
    extracted_sha256: Mapped[str | None] = mapped_column(String(64))
    extractor_version: Mapped[str | None] = mapped_column(String(40))
    extracted_at: Mapped[dt.datetime | None]
    # The strongest status this document supports for its council, with its confidence.
    verdict_status: Mapped[str | None] = mapped_column(String(30))
    verdict_confidence: Mapped[float | None] = mapped_column(Float)


class DocumentPage(Base):
    """One page's text. ``text_source`` says where it came from (``vocabulary.PAGE_SOURCES``):
    the file's own text, OCR of a scanned page, or a scan still waiting for OCR."""

    __tablename__ = "document_pages"
    __table_args__ = (UniqueConstraint("document_id", "page_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    page_number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    text_source: Mapped[PageSource] = mapped_column(String(20), default="text", server_default="text", index=True)


class Evidence(Base):
    """A sentence in a document that states something about its council's position."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    status: Mapped[Status] = mapped_column(String(30))
    quote: Mapped[str] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    # signal: a statement of the council's position; warning: a risk or hypothetical.
    kind: Mapped[EvidenceKind] = mapped_column(String(20), default="signal")
    rule: Mapped[str | None] = mapped_column(String(100))
    extractor_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Figure(Base):
    """A money amount stated in a document, with a label where the context is clear.

    Stored as whole pence (``sendwatch.core.money``), so no amount carries float noise;
    ``amount_gbp`` reads and writes it as exact pounds."""

    __tablename__ = "figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(60))
    financial_year: Mapped[str | None] = mapped_column(String(20))
    page: Mapped[int | None] = mapped_column(Integer)
    quote: Mapped[str | None] = mapped_column(Text)

    @property
    def amount_gbp(self) -> Decimal:
        """The amount in pounds, exact (set it from pounds in any numeric form)."""
        return pounds(self.amount_pence)

    @amount_gbp.setter
    def amount_gbp(self, amount: int | float | Decimal | str) -> None:
        self.amount_pence = to_pence(amount)


# --------------------------------------------------------------------------- status and changes


class StatusRecord(Base):
    """One period of a council's status history. ``is_current`` marks the latest period."""

    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    status: Mapped[Status] = mapped_column(String(30))
    since: Mapped[dt.date | None] = mapped_column(Date)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    figures: Mapped[list[Any]] = mapped_column(JSON, default=list)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReferenceProgramme(Base):
    """Known programme membership from published sources: shown for context, never alerted on."""

    __tablename__ = "reference_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    programme: Mapped[str] = mapped_column(String(60))
    status: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(1000))
    verified: Mapped[str | None] = mapped_column(String(40))


class ChangeEvent(Base):
    """A detected change of a council's status. ``event_key`` makes re-runs idempotent."""

    __tablename__ = "change_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    old_status: Mapped[Status | None] = mapped_column(String(30))
    new_status: Mapped[Status] = mapped_column(String(30))
    since: Mapped[dt.date | None] = mapped_column(Date)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    figures: Mapped[list[Any]] = mapped_column(JSON, default=list)
    is_baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    detected_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id", ondelete="SET NULL"))


class FigurePosition(Base):
    """The figure of one label and financial year a council's papers last stated, as figure
    alerts last compared it. ``financial_year`` is ``""`` for figures that state no year (a
    series of their own), so the unique key holds for them too."""

    __tablename__ = "figure_positions"
    __table_args__ = (UniqueConstraint("council_id", "label", "financial_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(60))
    financial_year: Mapped[str] = mapped_column(String(20), default="", server_default="")
    figure: Mapped[dict[str, Any]] = mapped_column(JSON)  # amount, text, quote, paper (id, title, url, page, date)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FigureChange(Base):
    """A council's stated figure of one label (and financial year) moved past the threshold
    between two papers. ``event_key`` (council, label, both papers and amounts, the year where
    stated) makes re-runs idempotent. The difference is whole pence, like every amount."""

    __tablename__ = "figure_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    difference_pence: Mapped[int] = mapped_column(BigInteger)
    percent: Mapped[float | None] = mapped_column(Float)
    detected_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id", ondelete="SET NULL"))

    @property
    def difference_gbp(self) -> Decimal:
        """The difference in pounds, exact (negative when the figure fell)."""
        return pounds(self.difference_pence)


# --------------------------------------------------------------------------- people and mail


def _address_key(context: Any) -> str:
    """A new subscriber's ``email_key`` where its writer gave none: the key of its address."""
    return same_address_key(context.get_current_parameters()["email"])


class Subscriber(Base):
    """One person (or channel) and their choices: one row per address, whatever its case.

    ``email`` is the address as it was written; ``email_key`` (``addresses.same_address_key``)
    is unique, so every writer inserts "unless the address is there" on it and two sign-ups for
    "Ann@x.org" and "ann@x.org", even at the same moment, find one row. A row that duplicated
    another before the key existed (migration ``0016_one_subscriber_per_address``) has no key,
    is unsubscribed, and names the row it was merged into, where its old links lead.
    """

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320), unique=True, index=True, default=_address_key)
    merged_into: Mapped[int | None] = mapped_column(
        ForeignKey("subscribers.id", name="fk_subscribers_merged_into", ondelete="SET NULL")
    )
    councils: Mapped[list[Any] | None] = mapped_column(JSON)  # None means every council
    statuses: Mapped[list[Any] | None] = mapped_column(JSON)  # None means every change
    frequency: Mapped[Frequency] = mapped_column(String(20), default="immediate")
    source: Mapped[SubscriberSource] = mapped_column(String(20), default="cli")
    confirmed_at: Mapped[dt.datetime | None]
    unsubscribed_at: Mapped[dt.datetime | None]
    suppressed_at: Mapped[dt.datetime | None]
    suppressed_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Saved searches (keyword alerts): [{"query": ..., "since": ISO time it was saved}]; None: none.
    queries: Mapped[list[Any] | None] = mapped_column(JSON)
    # Figure alerts by label ("forecast", "cumulative deficit", ...); None: none.
    figures_wanted: Mapped[list[Any] | None] = mapped_column(JSON)
    # Apprise URLs that get the same alerts as the email (a channel-only subscriber from the
    # config has an address under ``.invalid`` that is never mailed).
    notify: Mapped[list[Any] | None] = mapped_column(JSON)


class KeywordAlert(Base):
    """A paper one subscriber was alerted to by a saved search: never alerted on again.

    Written in the same transaction as the outbox row that carries it."""

    __tablename__ = "keyword_alerts"
    __table_args__ = (UniqueConstraint("subscriber_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    query: Mapped[str] = mapped_column(Text)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """An email (or, ``channel='apprise'``, a notification to the Apprise URL in ``target``) to
    send, written in the same transaction as the events it reports."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_key: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[MessageKind] = mapped_column(String(20))
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)  # the whole RFC 5322 message, headers and parts
    event_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[OutboxState] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    # The drain that holds this row (state claimed or sending), and until when its claim lasts
    # unless renewed: see alerts.sender.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[dt.datetime | None]
    # How it leaves: "email" (raw is the RFC 5322 message) or "apprise" (raw is the title and
    # body as JSON, target the Apprise URL; recipient shows the URL without its tokens).
    channel: Mapped[str] = mapped_column(String(20), default="email", server_default="email")
    target: Mapped[str | None] = mapped_column(Text)


class MailPause(Base):
    """The relay refused mail for reasons that are not any one recipient's: send nothing until then."""

    __tablename__ = "mail_pauses"

    relay: Mapped[str] = mapped_column(String(300), primary_key=True)
    paused_until: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(Text)
    # Pauses in a row without a message accepted in between: each lasts twice the one before.
    count: Mapped[int] = mapped_column(Integer, default=1)
    since: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --------------------------------------------------------------------------- running


class Cycle(Base):
    """One run of crawl, extract, diff and alert over the enabled councils."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    state: Mapped[CycleState] = mapped_column(String(20), default="running")
    # Who ran it (see sendwatch.core.holders), so a cycle whose process died can be closed as interrupted.
    holder: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CrawlRun(Base):
    """What one crawl of one council found, and how it ended."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    outcome: Mapped[CrawlOutcome | None] = mapped_column(String(20))
    meetings_found: Mapped[int] = mapped_column(Integer, default=0)
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    documents_found: Mapped[int] = mapped_column(Integer, default=0)
    documents_new: Mapped[int] = mapped_column(Integer, default=0)
    documents_changed: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Task(Base):
    """One unit of a cycle's work handed to the distributed executor's workers (``sendwatch worker``).

    The scheduler writes the row ``queued`` before it sends the message, and waits on these rows,
    not on the broker: a task delivered twice (its first worker died) finds its row and its
    council's crawl run or its paper's state, and writes nothing twice.
    """

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # also the broker's message id
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id", ondelete="SET NULL"), index=True)
    kind: Mapped[TaskKind] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))  # a council's slug, a document's id
    state: Mapped[TaskState] = mapped_column(String(20), default="queued", index=True)
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid of the worker running it last
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]


class WorkerBeat(Base):
    """A distributed worker's heartbeat: who it is, since when, and when it was last heard from."""

    __tablename__ = "workers"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    concurrency: Mapped[int] = mapped_column(Integer, default=1)


class Lock(Base):
    """A named lock held in the database, so two processes never run a cycle at once."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class Digest(Base):
    """An archive of weekly digests as built, for the web app and for idempotent sending."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[dt.datetime]
    period_end: Mapped[dt.datetime]
    # The ISO week ('2026-W48'), one national copy each however many digest jobs run at once;
    # NULL for a second copy of a week made before weeks were unique (migration 0015).
    week: Mapped[str | None] = mapped_column(String(10), unique=True, index=True)
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DigestCopy(Base):
    """A week's digest narrowed to one set of councils, as a weekly subscriber of exactly those
    councils was sent it: the page their notification's summary links to. One per week and set,
    shared by every subscriber who watches that set; the national copy stays ``Digest``."""

    __tablename__ = "digest_copies"
    __table_args__ = (UniqueConstraint("digest_id", "councils"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), index=True)
    councils: Mapped[str] = mapped_column(Text)  # the slugs, sorted, comma-separated
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
