"""Read the database into what each page shows; pages never query tables themselves.

Read-only. The dashboard reuses ``alerts.status.current_statuses`` (the same answer the CLI and
``status --json`` give); the council page adds the history, changes, figures, papers and crawl
health of one council.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.status import CouncilStatus, current_statuses, describe_reference
from sendwatch.core.comparable import comparable_text, text_contains
from sendwatch.core.formatting import looks_like_pdf, page_link, safe_url, status_label
from sendwatch.core.health import crawl_health, is_flagged
from sendwatch.core.storage.db import fits_row_id
from sendwatch.core.storage.models import (
    ChangeEvent,
    Committee,
    Council,
    CrawlRun,
    Digest,
    DigestCopy,
    Document,
    Figure,
    Meeting,
    ReferenceProgramme,
    StatusRecord,
    utcnow,
)
from sendwatch.core.vocabulary import CRAWL_HEALTHS, STATUSES, CrawlHealth
from sendwatch.web.meetings import MeetingAhead

RECENT_DOCUMENTS = 25
RECENT_RUNS = 5
CHART_SERIES = 3


# --------------------------------------------------------------------------- evidence links


def evidence_link(item: dict) -> str | None:
    """Where a piece of evidence points: the document, at the quoted page for PDFs; http(s) only."""
    link = safe_url(item.get("link"))
    if link:
        return link  # the diff engine already pointed it at the page
    url = safe_url(item.get("url"))
    return page_link(url, item.get("page"), is_pdf=looks_like_pdf(url)) if url else None


# --------------------------------------------------------------------------- dashboard


@dataclass
class DashboardRow:
    """One council on the national dashboard."""

    status: CouncilStatus
    health: CrawlHealth  # the last crawl's outcome, or never_checked (``sendwatch.core.health``)
    flagged: bool  # failing or empty crawl after crawl: flagged for the operator

    @property
    def slug(self) -> str:
        return self.status.slug

    @property
    def latest_figure(self) -> dict | None:
        """The latest labelled figure (an unlabelled amount is not "the latest figure")."""
        return self.status.latest_figure

    @property
    def latest_evidence(self) -> dict | None:
        """The newest quote; among quotes of one date, the first one that links to its paper."""
        if not self.status.evidence:
            return None
        return max(self.status.evidence, key=lambda item: (str(item.get("date") or ""), evidence_link(item) is not None))


SORTS = {"status": "Most serious status first", "recent": "Most recent change first", "name": "Council name"}
# How far back "what changed" looks, in days, as the dashboard offers it; a week by default.
CHANGE_RANGES = {1: "the last day", 7: "the last 7 days", 30: "the last 30 days", 90: "the last 90 days", 365: "the last year"}
DEFAULT_RANGE = 7


@dataclass
class RecentChange:
    """One change sendwatch detected, as the top of the dashboard shows it."""

    slug: str
    name: str
    previous: str | None
    status: str
    since: dt.date | None
    detected_at: dt.datetime
    first_seen: bool
    quote: dict | None  # the deciding sentence, preferring one that links to its paper


@dataclass
class Dashboard:
    rows: list[DashboardRow]  # after filtering
    counts: dict[str, int]  # every council, by status, in vocabulary order (councils with no news: in ``quiet``)
    total: int
    status: str | None
    query: str
    sort: str = "status"
    quiet: dict[str, int] = field(default_factory=dict)  # councils with no news, by crawl health
    changes: list[RecentChange] = field(default_factory=list)  # detected within ``days``, newest first
    days: int = DEFAULT_RANGE


def changes_since(session: Session, since: dt.datetime, limit: int = 100) -> list[RecentChange]:
    """Every status change detected at or after ``since`` (first sightings excluded), newest first."""
    events = session.execute(
        select(ChangeEvent, Council)
        .join(Council, Council.id == ChangeEvent.council_id)
        .where(ChangeEvent.is_baseline.is_(False), ChangeEvent.detected_at >= since)
        .order_by(ChangeEvent.detected_at.desc(), ChangeEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        RecentChange(
            slug=council.slug,
            name=council.name,
            previous=event.old_status,
            status=event.new_status,
            since=event.since,
            detected_at=event.detected_at,
            first_seen=event.old_status is None,
            quote=deciding_quote(event.evidence or []),
        )
        for event, council in events
    ]


def deciding_quote(evidence: list[dict]) -> dict | None:
    """The sentence to show for a change: the first that links to its paper, else the first."""
    return next((item for item in evidence if evidence_link(item)), evidence[0] if evidence else None)


def dashboard(
    session: Session,
    flag_after: int,
    status: str | None = None,
    query: str = "",
    sort: str = "status",
    days: int = DEFAULT_RANGE,
    now: dt.datetime | None = None,
) -> Dashboard:
    """Every council's current status, filtered by status and by a search on the name, sorted.

    ``flag_after``: ``crawl.flag_after_cycles``, for the crawl health each row shows.

    ``sort``: ``status`` (most serious first, as ``current_statuses`` orders them), ``recent``
    (latest ``since`` first, councils with none last) or ``name``. ``days``: how far back the
    changes at the top look (``CHANGE_RANGES``).
    """
    days = days if days in CHANGE_RANGES else DEFAULT_RANGE
    now = now or utcnow()
    statuses = current_statuses(session)
    councils = {council.slug: council for council in session.scalars(select(Council))}
    counted = Counter(row.status for row in statuses)
    counts: dict[str, int] = {name: counted[name] for name in STATUSES if counted[name] and name != "none"}
    quiet_counted = Counter(row.health for row in statuses if row.status == "none")
    quiet: dict[str, int] = {health: quiet_counted[health] for health in CRAWL_HEALTHS if quiet_counted[health]}
    rows = [
        DashboardRow(row, crawl_health(councils[row.slug]), is_flagged(councils[row.slug], flag_after))
        for row in statuses
        if (status is None or row.status == status) and matches_council(query, row.slug, row.name)
    ]
    if sort == "name":
        rows.sort(key=lambda row: row.status.name.lower())
    elif sort == "recent":
        rows.sort(key=lambda row: row.status.since or "", reverse=True)  # stable: ties keep seriousness order
    return Dashboard(
        rows=rows,
        counts=counts,
        quiet=quiet,
        total=len(statuses),
        status=status,
        query=query.strip(),
        sort=sort if sort in SORTS else "status",
        changes=changes_since(session, now - dt.timedelta(days=days)),
        days=days,
    )


# --------------------------------------------------------------------------- council page


@dataclass
class Period:
    status: str
    since: dt.date | None
    until: dt.date | None  # None: still current
    evidence: list[dict]


@dataclass
class FigurePoint:
    date: dt.date
    amount_gbp: Decimal
    text: str
    label: str
    financial_year: str | None
    document_title: str | None
    document_link: str | None


@dataclass
class DocumentRow:
    title: str
    link: str | None
    stored: str | None  # the copy sendwatch keeps (``/papers/ID``), readable after the council's site moves on
    kind: str
    date: dt.date | None
    verdict: str | None
    fetch_state: str
    text_state: str


@dataclass
class CouncilPage:
    council: Council
    current: StatusRecord | None
    periods: list[Period]
    changes: list[ChangeEvent]
    figures: list[FigurePoint]
    series: dict[str, list[FigurePoint]]
    documents: list[DocumentRow]
    runs: list[CrawlRun]
    flagged: bool
    references: list[tuple[str, str | None]] = field(default_factory=list)  # (words, source link)
    health: CrawlHealth = "never_checked"
    stored: dict[str, tuple[str, bool]] = field(default_factory=dict)  # paper URL -> (stored copy, is a PDF)

    def stored_link(self, item: dict) -> str | None:
        """Where sendwatch's own copy of a quote's paper is, at the quoted page for a PDF."""
        found = self.stored.get(str(item.get("url") or ""))
        if found is None:
            return None
        path, is_pdf = found
        page = item.get("page")
        return f"{path}#page={page}" if is_pdf and isinstance(page, int) and page > 0 else path

    @property
    def latest_change(self) -> ChangeEvent | None:
        """The change sendwatch detected last (a first sighting included)."""
        return max(self.changes, key=lambda change: (change.detected_at, change.id), default=None)


def council_page(session: Session, slug: str, flag_after: int) -> CouncilPage | None:
    """Everything the council page shows, or None for an unknown slug (``flag_after``:
    ``crawl.flag_after_cycles``, for its crawl health)."""
    council = session.scalars(select(Council).where(Council.slug == slug)).first()
    if council is None:
        return None
    records = session.scalars(
        select(StatusRecord).where(StatusRecord.council_id == council.id).order_by(StatusRecord.since, StatusRecord.id)
    ).all()
    current = next((record for record in reversed(records) if record.is_current), None)
    changes = session.scalars(
        select(ChangeEvent).where(ChangeEvent.council_id == council.id).order_by(ChangeEvent.since.desc(), ChangeEvent.id.desc())
    ).all()
    figures = _figures(session, council.id)
    references = [
        (describe_reference(reference), safe_url(reference.source_url))
        for reference in session.scalars(select(ReferenceProgramme).where(ReferenceProgramme.council_id == council.id))
    ]
    return CouncilPage(
        council=council,
        current=current,
        periods=_periods(records),
        changes=list(changes),
        figures=figures,
        series=chart_series(figures),
        documents=_documents(session, council.id),
        runs=list(
            session.scalars(
                select(CrawlRun).where(CrawlRun.council_id == council.id).order_by(CrawlRun.started_at.desc()).limit(RECENT_RUNS)
            )
        ),
        flagged=is_flagged(council, flag_after),
        references=references,
        health=crawl_health(council),
        stored=stored_copies(session, council.id),
    )


def stored_copies(session: Session, council_id: int) -> dict[str, tuple[str, bool]]:
    """Each fetched paper's URL -> (the address of sendwatch's stored copy, whether it is a PDF)."""
    rows = session.execute(
        select(Document.url, Document.id, Document.kind).where(Document.council_id == council_id, Document.file_path.is_not(None))
    ).all()
    return {url: (f"/papers/{document_id}", kind == "pdf") for url, document_id, kind in rows}


def stored_paper(session: Session, document_id: int) -> Document | None:
    """The document whose stored file ``/papers/ID`` serves, or None."""
    document = session.get(Document, document_id) if fits_row_id(document_id) else None
    return document if document is not None and document.file_path else None


def _periods(records: Sequence[StatusRecord]) -> list[Period]:
    """Status records as consecutive periods, oldest first, each ending where the next begins."""
    ordered = sorted(records, key=lambda record: (record.since or dt.date.min, record.id))
    periods = []
    for index, record in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        periods.append(Period(record.status, record.since, following.since if following else None, list(record.evidence or [])))
    return periods


def _document_dates(session: Session, council_id: int) -> dict[int, dt.date | None]:
    rows = session.execute(
        select(Document.id, Document.published_date, Meeting.date, Document.fetched_at)
        .outerjoin(Meeting, Meeting.id == Document.meeting_id)
        .where(Document.council_id == council_id)
    ).all()
    return {row[0]: row[1] or row[2] or (row[3].date() if row[3] else None) for row in rows}


def _figures(session: Session, council_id: int) -> list[FigurePoint]:
    dates = _document_dates(session, council_id)
    documents = {
        row.id: row
        for row in session.execute(
            select(Document.id, Document.title, Document.url, Document.kind).where(Document.council_id == council_id)
        )
    }
    points = []
    # Only figures that say what they are: an unlabelled amount is a number, not a figure to show.
    labelled_figures = select(Figure).where(Figure.council_id == council_id, Figure.label.is_not(None), Figure.label != "")
    for figure in session.scalars(labelled_figures.order_by(Figure.id)):
        date = dates.get(figure.document_id)
        if date is None:
            continue
        document = documents.get(figure.document_id)
        link = safe_url(document.url) if document else None
        if link and document:
            link = page_link(link, figure.page, is_pdf=document.kind == "pdf")
        points.append(
            FigurePoint(
                date,
                figure.amount_gbp,
                figure.text,
                figure.label or "",
                figure.financial_year,
                document.title if document else None,
                link,
            )
        )
    points.sort(key=lambda point: (point.date, point.label or "", point.amount_gbp))
    return points


def chart_series(points: list[FigurePoint]) -> dict[str, list[FigurePoint]]:
    """The most often stated labelled figures, one series per label, one point per date."""
    counts = Counter(point.label for point in points if point.label)
    series: dict[str, list[FigurePoint]] = {}
    for label, _ in counts.most_common(CHART_SERIES):
        by_date: dict[dt.date, FigurePoint] = {}
        for point in points:
            if point.label == label:
                # Several amounts with one label on one date: keep the largest (totals beat parts).
                if point.date not in by_date or point.amount_gbp > by_date[point.date].amount_gbp:
                    by_date[point.date] = point
        series[label] = [by_date[date] for date in sorted(by_date)]
    return series


def _documents(session: Session, council_id: int) -> list[DocumentRow]:
    dates = _document_dates(session, council_id)
    rows = session.scalars(select(Document).where(Document.council_id == council_id, Document.parent_id.is_(None))).all()
    ordered = sorted(rows, key=lambda doc: (dates.get(doc.id) or dt.date.min, doc.id), reverse=True)[:RECENT_DOCUMENTS]
    return [
        DocumentRow(
            title=(doc.title or "").strip() or doc.url,
            link=safe_url(doc.url),
            stored=f"/papers/{doc.id}" if doc.file_path else None,
            kind=doc.kind,
            date=dates.get(doc.id),
            verdict=doc.verdict_status if doc.verdict_status in STATUSES else None,
            fetch_state=doc.fetch_state,
            text_state=doc.text_state,
        )
        for doc in ordered
    ]


# --------------------------------------------------------------------------- feeds and archive


@dataclass
class FeedEntry:
    event: ChangeEvent
    council: Council

    @property
    def first_seen(self) -> bool:
        """The first status sendwatch found for the council (a baseline), not a change."""
        return self.event.is_baseline or self.event.old_status is None


def recent_changes(session: Session, slug: str | None = None, limit: int = 50) -> list[FeedEntry]:
    """The latest change events, newest first, for all councils or one; first sightings
    (baselines) are included, and marked so by ``FeedEntry.first_seen``."""
    statement = (
        select(ChangeEvent, Council)
        .join(Council, Council.id == ChangeEvent.council_id)
        .order_by(ChangeEvent.detected_at.desc(), ChangeEvent.id.desc())
        .limit(limit)
    )
    if slug is not None:
        statement = statement.where(Council.slug == slug)
    return [FeedEntry(event, council) for event, council in session.execute(statement).all()]


def data_time(session: Session, slug: str | None = None) -> dt.datetime | None:
    """When what sendwatch shows last changed: the latest status recorded, change detected or
    crawl of a council (all councils, or one); None for an empty database. Feeds and exports
    send it as Last-Modified, and an empty feed as its <updated>, never the request's time."""
    council_filter = [] if slug is None else [Council.slug == slug]
    times = [
        session.scalar(
            select(func.max(StatusRecord.recorded_at)).join(Council, Council.id == StatusRecord.council_id).where(*council_filter)
        ),
        session.scalar(
            select(func.max(ChangeEvent.detected_at)).join(Council, Council.id == ChangeEvent.council_id).where(*council_filter)
        ),
        session.scalar(select(func.max(Council.last_crawled_at)).where(*council_filter)),
        session.scalar(select(func.min(Council.created_at)).where(*council_filter)),
    ]
    known = [time for time in times if time is not None]
    return _aware(max(known)) if known else None


def _aware(moment: dt.datetime) -> dt.datetime:
    """Aggregates bypass the column type on SQLite: their naive UTC comes back naive."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


@dataclass
class HistoryRow:
    """One period of one council's status history, for the history export."""

    council: str
    name: str
    gss_code: str | None
    status: str
    status_label: str
    since: dt.date | None
    until: dt.date | None  # None: current
    current: bool
    recorded_at: dt.datetime
    evidence_title: str | None
    evidence_url: str | None
    evidence_page: int | None
    evidence_quote: str | None


def status_history(session: Session) -> list[HistoryRow]:
    """Every council's status history, period by period, councils by slug, oldest period first."""
    councils = {council.id: council for council in session.scalars(select(Council))}
    by_council: dict[int, list[StatusRecord]] = {}
    for record in session.scalars(select(StatusRecord).order_by(StatusRecord.id)):
        by_council.setdefault(record.council_id, []).append(record)
    rows = []
    for council_id, records in sorted(by_council.items(), key=lambda pair: councils[pair[0]].slug):
        council = councils[council_id]
        ordered = sorted(records, key=lambda record: (record.since or dt.date.min, record.id))
        for index, record in enumerate(ordered):
            following = ordered[index + 1] if index + 1 < len(ordered) else None
            item = deciding_quote(list(record.evidence or [])) or {}
            rows.append(
                HistoryRow(
                    council=council.slug,
                    name=council.name,
                    gss_code=council.gss_code,
                    status=record.status,
                    status_label=status_label(record.status),
                    since=record.since,
                    until=following.since if following else None,
                    current=record.is_current,
                    recorded_at=record.recorded_at,
                    evidence_title=item.get("title"),
                    evidence_url=evidence_link(item) if item else None,
                    evidence_page=item.get("page"),
                    evidence_quote=item.get("quote"),
                )
            )
    return rows


def council_name(session: Session, slug: str) -> str | None:
    """The name of the council with this slug, or None when there is none."""
    return session.scalar(select(Council.name).where(Council.slug == slug))


def digests(session: Session) -> list[Digest]:
    return list(session.scalars(select(Digest).order_by(Digest.period_end.desc())))


def digest(session: Session, digest_id: int) -> Digest | None:
    return session.get(Digest, digest_id) if fits_row_id(digest_id) else None


def digest_copy(session: Session, digest_id: int, councils: str) -> DigestCopy | None:
    """The week's digest narrowed to these councils (``alerts.digest.councils_key``), if it was kept."""
    return session.scalars(select(DigestCopy).where(DigestCopy.digest_id == digest_id, DigestCopy.councils == councils)).first()


def council_names(session: Session, slugs: Sequence[str]) -> list[str]:
    """The names of the councils with these slugs, by name (a slug no longer watched is left out)."""
    return sorted(session.scalars(select(Council.name).where(Council.slug.in_(list(slugs)))), key=str.lower)


def matches_council(query: str, slug: str, name: str, aliases: Sequence[str] = ()) -> bool:
    """Whether a council is what someone typed: words of its name, slug or aliases, compared as
    ``comparable.text_contains`` (so "brighton and hove" finds "Brighton & Hove"); nothing typed
    is every council."""
    return not comparable_text(query) or any(text_contains(words, query) for words in (name, slug, *aliases))


def council_choices(session: Session) -> list[tuple[str, str]]:
    """(slug, name) of every enabled council, by name, for the sign-up form."""
    return list(session.execute(select(Council.slug, Council.name).where(Council.enabled.is_(True)).order_by(Council.name)).all())


# --------------------------------------------------------------------------- upcoming meetings

UPCOMING_DAYS = 120
# Words of a meeting's status that say it will not take place on its date (the crawler records
# "Cancelled" and "Postponed"; councils' own statuses are kept as written).
NOT_TAKING_PLACE = ("cancel", "postpon")


def upcoming_meetings(session: Session, today: dt.date, slug: str | None = None, limit: int = 200) -> list[MeetingAhead]:
    """Meetings of the watched committees from ``today`` on (up to ``UPCOMING_DAYS`` ahead), soonest
    first, for every watched council or one; cancelled and postponed meetings are left out."""
    statement = (
        select(Meeting, Council, Committee.title)
        .join(Council, Council.id == Meeting.council_id)
        .outerjoin(Committee, Committee.id == Meeting.committee_id)
        .where(
            Meeting.date >= today,
            Meeting.date <= today + dt.timedelta(days=UPCOMING_DAYS),
            Council.enabled.is_(True),
        )
        .order_by(Meeting.date, Meeting.start_time.is_not(None), Meeting.start_time, Council.name, Meeting.id)
        .limit(limit)
    )
    if slug is not None:
        statement = statement.where(Council.slug == slug)
    meetings = []
    for meeting, council, committee in session.execute(statement).all():
        if meeting.date is None or any(word in (meeting.status or "").lower() for word in NOT_TAKING_PLACE):
            continue
        meetings.append(
            MeetingAhead(
                meeting_id=meeting.id,
                council_slug=council.slug,
                council_name=council.name,
                committee=(committee or meeting.title or "Meeting").strip(),
                date=meeting.date,
                url=safe_url(meeting.url),
                first_seen_at=meeting.first_seen_at,
                start_time=meeting.start_time,
                end_time=meeting.end_time,
            )
        )
    return meetings
