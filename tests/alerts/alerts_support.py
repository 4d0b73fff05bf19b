"""Helpers for the alerts tests: papers and evidence written row by row, as the crawler and the
extractor would have written them, with realistic sentences."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from sendwatch.core.storage.models import Council, Document, Evidence, Figure, Meeting, utcnow

_numbers = itertools.count(1)

# The two councils most alerts tests configure, as config.yaml lists them.
TWO_COUNCILS = [
    {
        "slug": "northshire",
        "name": "Northshire County Council",
        "platform": "moderngov",
        "url": "https://democracy.northshire.example.gov.uk/",
    },
    {
        "slug": "westbury",
        "name": "Westbury Borough Council",
        "platform": "moderngov",
        "url": "https://democracy.westbury.example.gov.uk/",
    },
]


# With a third, whose crawls the weekly digest's tests make fail.
THREE_COUNCILS = [
    *TWO_COUNCILS,
    {"slug": "eastmoor", "name": "Eastmoor District Council", "platform": "cmis", "url": "https://cmis.eastmoor.example.gov.uk/"},
]


class Papers:
    """Insert crawled papers and extracted evidence for one session."""

    def __init__(self, session):  # type: ignore[no-untyped-def]
        self.session = session
        self._count = 0

    def council(self, slug: str, name: str | None = None, url: str | None = None) -> Council:
        council = self.session.query(Council).filter_by(slug=slug).one_or_none()
        if council is None:
            council = Council(slug=slug, name=name or slug.title() + " Council", platform="moderngov", enabled=True)
            self.session.add(council)
        council.base_url = url or f"https://democracy.{slug}.example.gov.uk/"
        self.session.flush()
        return council

    def document(
        self,
        council: Council,
        title: str,
        *,
        meeting: dt.date | None = None,
        published: dt.date | None = None,
        first_seen: dt.datetime | None = None,
        kind: str = "pdf",
        parent: Document | None = None,
        url: str | None = None,
        sha256: str | None = None,
    ) -> Document:
        self._count = next(_numbers)
        meeting_row = None
        if meeting is not None:
            meeting_row = Meeting(council_id=council.id, external_id=f"m{self._count}", title="Schools Forum", date=meeting)
            self.session.add(meeting_row)
            self.session.flush()
        document = Document(
            council_id=council.id,
            meeting_id=meeting_row.id if meeting_row else None,
            parent_id=parent.id if parent else None,
            url=url or f"{council.base_url}documents/s{self._count}/report.pdf",
            title=title,
            kind=kind,
            published_date=published,
            first_seen_at=first_seen or utcnow(),
            fetch_state="ok",
            text_state="ok",
            sha256=sha256 or hashlib.sha256(f"{council.slug}-{self._count}".encode()).hexdigest(),
        )
        self.session.add(document)
        self.session.flush()
        return document

    def evidence(
        self, document: Document, status: str, quote: str, *, page: int = 1, confidence: float = 0.9, kind: str = "signal"
    ) -> Evidence:
        row = Evidence(
            document_id=document.id,
            council_id=document.council_id,
            status=status,
            quote=quote,
            page=page,
            confidence=confidence,
            kind=kind,
            rule="test",
            extractor_version="test",
        )
        self.session.add(row)
        self.session.flush()
        return row

    def figure(
        self, document: Document, amount: float, text: str, label: str | None = None, page: int = 1, year: str | None = None
    ) -> Figure:
        row = Figure(
            document_id=document.id,
            council_id=document.council_id,
            amount_gbp=amount,
            text=text,
            label=label,
            financial_year=year,
            page=page,
        )
        self.session.add(row)
        self.session.flush()
        return row


def queue_change_alerts(database, config, emails: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Subscribe ``emails`` to Northshire and queue one alert each for a fresh change; return Message-IDs in order."""
    from sqlalchemy import select

    from alerts import queue_alerts, subscribe
    from sendwatch.core.registry import sync_councils
    from sendwatch.core.storage.models import ChangeEvent, Council, OutboxMessage

    with database.session() as session:
        sync_councils(session, config)
        for address in emails:
            subscribe(session, address, councils=["northshire"])
        council = session.scalars(select(Council).where(Council.slug == "northshire")).one()
        event = ChangeEvent(
            event_key=hashlib.sha256(f"test-{next(_numbers)}".encode()).hexdigest(),
            council_id=council.id,
            old_status="sv_on_track",
            new_status="ems",
            since=dt.date(2025, 2, 13),
            is_baseline=False,
            evidence=[
                {
                    "url": "https://democracy.northshire.example.gov.uk/documents/s4410/ems-letter.pdf",
                    "title": "Letter from the DfE: enhanced monitoring and support",
                    "date": "2025-02-13",
                    "page": 1,
                    "quote": "The Department has decided to place Northshire under enhanced monitoring and support.",
                    "link": "https://democracy.northshire.example.gov.uk/documents/s4410/ems-letter.pdf#page=1",
                }
            ],
            figures=[{"amount_gbp": 9_400_000, "text": "£9.4m", "label": "forecast deficit", "financial_year": "2024/25"}],
        )
        session.add(event)
        session.flush()
        queue_alerts(session, config, [event])
        return list(session.scalars(select(OutboxMessage.message_id).order_by(OutboxMessage.id)))


def a_busy_week(database, config) -> None:  # type: ignore[no-untyped-def]
    """(THREE_COUNCILS) Baselines long ago, then this week: Northshire off track, Westbury into DBV; Eastmoor blocked."""
    from sqlalchemy import select, update

    from alerts import update_statuses
    from sendwatch.core.registry import sync_councils
    from sendwatch.core.storage.models import ChangeEvent

    with database.session() as session:
        sync_councils(session, config)
        papers = Papers(session)
        north, west = papers.council("northshire"), papers.council("westbury")
        q2 = papers.document(north, "Safety Valve quarter 2 monitoring", meeting=dt.date(2024, 10, 10))
        papers.evidence(q2, "sv_on_track", "The authority remains on track against the trajectory in its agreement.", page=4)
        budget = papers.document(west, "DSG budget monitoring", meeting=dt.date(2024, 9, 26))
        papers.evidence(budget, "deficit_only", "The cumulative DSG deficit is forecast to reach £11.8m.", page=2)
        update_statuses(session)
        session.execute(update(ChangeEvent).values(detected_at=utcnow() - dt.timedelta(days=30)))
        session.execute(update(Evidence).values(created_at=utcnow() - dt.timedelta(days=30)))
    with database.session() as session:
        papers = Papers(session)
        north, west = papers.council("northshire"), papers.council("westbury")
        q3 = papers.document(north, "Safety Valve quarter 3 return", meeting=dt.date(2024, 11, 14))  # minutes weeks late
        papers.evidence(q3, "sv_off_track", "The council is behind its agreed trajectory and is no longer on track.", page=6)
        papers.figure(q3, 4_700_000, "£4.7m", "off track by", page=6, year="2024/25")
        dbv = papers.document(west, "Delivering Better Value update", meeting=dt.date(2025, 1, 9))
        papers.evidence(dbv, "dbv", "Westbury has joined tranche 3 of the Delivering Better Value programme.", page=1)
        update_statuses(session)
        east = session.scalars(select(Council).where(Council.slug == "eastmoor")).one()
        east.last_outcome, east.consecutive_failures, east.last_error = "blocked", 4, "403 Forbidden from robots-protected site"
