"""Two crawls of one council saving at once (``sendwatch crawl`` beside a cycle) both succeed,
and what they found is stored once: one committee, meeting, agenda item and paper."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.items import AgendaItemFound, CommitteeFound, DocumentFound, MeetingFound
from crawler.store import Findings, StoreCounts, save_findings
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import AgendaItem, Committee, Council, Document, Meeting, utcnow
from tests.support.in_step import in_step

FINDINGS = Findings(
    committees=[CommitteeFound(external_id="c-1", title="Schools Forum", url="https://democracy.kirklees.example/c-1")],
    meetings=[
        MeetingFound(
            external_id="m-1",
            committee_id="c-1",
            title="Schools Forum",
            date=dt.date(2026, 11, 20),
            url="https://democracy.kirklees.example/m-1",
            fingerprint="f1",
        )
    ],
    items=[AgendaItemFound(meeting_id="m-1", external_id="i-1", title="High needs block update", number="5")],
    documents=[
        DocumentFound(
            url="https://democracy.kirklees.example/documents/high-needs.pdf",
            title="High needs block update",
            meeting_id="m-1",
            agenda_item_id="i-1",
            sha256="ab" * 32,
            size_bytes=1200,
        )
    ],
)


def test_two_crawls_of_one_council_saving_at_once_both_succeed_and_store_each_finding_once(database_url, write_config):
    _, config = write_config({"database": database_url})
    database = open_database(database_url)
    with database.session() as session:
        sync_councils(session, config)
    counts: list[StoreCounts] = []

    def save(session: Session) -> None:
        council = session.scalars(select(Council).where(Council.slug == "kirklees")).one()
        counts.append(save_findings(session, council, FINDINGS, utcnow()))

    try:
        errors = in_step(database_url, "committees", save)

        assert not errors, errors
        with database.session() as session:
            stored = {
                model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (Committee, Meeting, AgendaItem, Document)
            }
            paper = session.scalars(select(Document)).one()
            assert paper.agenda_item_id is not None and paper.meeting_id is not None
        assert stored == {"Committee": 1, "Meeting": 1, "AgendaItem": 1, "Document": 1}
        assert sorted(c.documents_new for c in counts) == [0, 1], "the paper is new to one crawl, not to both"
    finally:
        database.dispose()
