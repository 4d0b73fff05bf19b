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

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.status import CouncilStatus, current_statuses, describe_reference
from sendwatch.core.formatting import looks_like_pdf, page_link, safe_url
from sendwatch.core.health import crawl_health, is_flagged
from sendwatch.core.storage.db import fits_row_id
from sendwatch.core.storage.models import (
    ChangeEvent,
    Council,
    CrawlRun,
    Digest,
    Document,
    Figure,
    Meeting,
    ReferenceProgramme,
    StatusRecord,
)
from sendwatch.core.vocabulary import STATUSES, CrawlHealth

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
        return self.status.figures[0] if self.status.figures else None

    @property
    def latest_evidence(self) -> dict | None:
        """The newest quote; among quotes of one date, the first one that links to its paper."""
        if not self.status.evidence:
            return None
        return max(self.status.evidence, key=lambda item: (str(item.get("date") or ""), evidence_link(item) is not None))


SORTS = {"status": "Most serious status first", "recent": "Most recent change first", "name": "Council name"}


@dataclass
class Dashboard:
    rows: list[DashboardRow]  # after filtering
    counts: dict[str, int]  # every council, by status, in vocabulary order
    total: int
    status: str | None
    query: str
    sort: str = "status"


def dashboard(session: Session, flag_after: int, status: str | None = None, query: str = "", sort: str = "status") -> Dashboard:
    """Every council's current status, filtered by status and by a search on the name, sorted.

    ``flag_after``: ``crawl.flag_after_cycles``, for the crawl health each row shows.

    ``sort``: ``status`` (most serious first, as ``current_statuses`` orders them), ``recent``
    (latest ``since`` first, councils with none last) or ``name``.
    """
    statuses = current_statuses(session)
    councils = {council.slug: council for council in session.scalars(select(Council))}
    counted = Counter(row.status for row in statuses)
    counts: dict[str, int] = {name: counted[name] for name in STATUSES if counted[name]}
    wanted = query.strip().lower()
    rows = [
        DashboardRow(row, crawl_health(councils[row.slug]), is_flagged(councils[row.slug], flag_after))
        for row in statuses
        if (status is None or row.status == status) and (not wanted or wanted in row.name.lower() or wanted in row.slug)
    ]
    if sort == "name":
        rows.sort(key=lambda row: row.status.name.lower())
    elif sort == "recent":
        rows.sort(key=lambda row: row.status.since or "", reverse=True)  # stable: ties keep seriousness order
    return Dashboard(
        rows=rows,
        counts=counts,
        total=len(statuses),
        status=status,
        query=query.strip(),
        sort=sort if sort in SORTS else "status",
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
    amount_gbp: float
    text: str
    label: str | None
    financial_year: str | None
    document_title: str | None
    document_link: str | None


@dataclass
class DocumentRow:
    title: str
    link: str | None
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
    )


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
    for figure in session.scalars(select(Figure).where(Figure.council_id == council_id).order_by(Figure.id)):
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
                figure.label,
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


def recent_changes(session: Session, slug: str | None = None, limit: int = 50) -> list[FeedEntry]:
    """The latest non-baseline change events, newest first, for all councils or one."""
    statement = (
        select(ChangeEvent, Council)
        .join(Council, Council.id == ChangeEvent.council_id)
        .where(ChangeEvent.is_baseline.is_(False))
        .order_by(ChangeEvent.detected_at.desc(), ChangeEvent.id.desc())
        .limit(limit)
    )
    if slug is not None:
        statement = statement.where(Council.slug == slug)
    return [FeedEntry(event, council) for event, council in session.execute(statement).all()]


def council_name(session: Session, slug: str) -> str | None:
    """The name of the council with this slug, or None when there is none."""
    return session.scalar(select(Council.name).where(Council.slug == slug))


def digests(session: Session) -> list[Digest]:
    return list(session.scalars(select(Digest).order_by(Digest.period_end.desc())))


def digest(session: Session, digest_id: int) -> Digest | None:
    return session.get(Digest, digest_id) if fits_row_id(digest_id) else None


def council_choices(session: Session) -> list[tuple[str, str]]:
    """(slug, name) of every enabled council, by name, for the sign-up form."""
    return list(session.execute(select(Council.slug, Council.name).where(Council.enabled.is_(True)).order_by(Council.name)).all())
