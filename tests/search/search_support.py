"""The demo's papers stored as the crawler and the extract stage store them, page by page."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy.orm import Session

from sendwatch.core.storage.models import Committee, Council, Document, DocumentPage, Meeting
from sendwatch.demo.councils import demo_councils, eastmoor_off_track_meeting
from sendwatch.demo.site.spec import DemoCouncil, DemoDocument, DemoMeeting

TODAY = dt.date(2026, 11, 30)


def demo_papers(today: dt.date = TODAY) -> list[DemoCouncil]:
    """Every demo council, Eastmoor with its round-two meeting too."""
    councils = demo_councils(today)
    councils[0].committees[0].meetings.append(eastmoor_off_track_meeting(today))
    return councils


def store_paper(
    session: Session,
    council: Council,
    committee: Committee,
    meeting: DemoMeeting,
    paper: DemoDocument,
    *,
    verdict: str | None = None,
    kind: str | None = None,
) -> Document:
    """One paper with its pages (the extract stage's rows), under its meeting."""
    meeting_row = Meeting(
        council_id=council.id, committee_id=committee.id, external_id=f"{committee.id}-{meeting.date}", date=meeting.date
    )
    session.add(meeting_row)
    session.flush()
    kind = kind or ("docx" if paper.format == "docx" else "pdf")
    slug_title = paper.title.lower().replace(" ", "-")
    document = Document(
        council_id=council.id,
        meeting_id=meeting_row.id,
        url=f"https://{council.slug}.example.gov.uk/documents/{slug_title}.{kind}",
        title=paper.title,
        kind=kind,
        published_date=paper.published,
        fetch_state="ok",
        text_state="ok",
        sha256=hashlib.sha256(f"{council.slug}{paper.title}".encode()).hexdigest(),
        verdict_status=verdict,
    )
    session.add(document)
    session.flush()
    for number, text in enumerate(paper.pages, start=1):
        session.add(DocumentPage(document_id=document.id, page_number=number, text=text))
    session.flush()
    return document


def store_demo_papers(session: Session, today: dt.date = TODAY) -> dict[str, Document]:
    """Every demo paper a crawl stores, keyed by title (a cancelled meeting's are never fetched)."""
    stored = {}
    for demo in demo_papers(today):
        council = Council(slug=demo.slug, name=demo.name, platform=demo.platform, enabled=True)
        session.add(council)
        session.flush()
        for number, demo_committee in enumerate(demo.committees):
            committee = Committee(council_id=council.id, external_id=str(number), title=demo_committee.title)
            session.add(committee)
            session.flush()
            for meeting in demo_committee.meetings:
                if meeting.status == "Cancelled":
                    continue
                papers = [*meeting.documents, *(paper for item in meeting.items for paper in item.documents)]
                for paper in papers:
                    verdict = "ems" if "Quarter 2" in paper.title else None
                    stored[paper.title] = store_paper(session, council, committee, meeting, paper, verdict=verdict)
    return stored
