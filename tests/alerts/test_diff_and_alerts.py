"""The diff engine and immediate alerts, end to end over a real SMTP server.

A baseline cycle sends nothing; a change sends exactly one email to each matching immediate
subscriber and none to anyone else; running the cycle again sends nothing more.
"""

from __future__ import annotations

import datetime as dt

from alerts_support import Papers
from sqlalchemy import delete, func, select

from alerts import queue_alerts, send_pending, sync_subscribers, update_statuses
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage.models import ChangeEvent, Evidence, OutboxMessage, StatusRecord

D = dt.date

SUBSCRIBERS = [
    {"email": "education.desk@northshire-gazette.example", "councils": ["northshire"], "frequency": "immediate"},
    {"email": "national.editor@schoolsweek.example", "councils": "all", "frequency": "immediate"},
    {
        "email": "only.the.worst@example.org",
        "councils": ["northshire"],
        "frequency": "immediate",
        "statuses": ["ems", "payment_withheld"],
    },
    {"email": "weekly.reader@example.org", "councils": "all", "frequency": "weekly"},
    {"email": "westbury.parent@example.org", "councils": ["westbury"], "frequency": "immediate"},
]


def run_cycle(config, database):  # type: ignore[no-untyped-def]
    """What the cycle does after extraction: diff, queue in the same transaction, then send."""
    with database.session() as session:
        events = update_statuses(session)
        sync_subscribers(session, config)
        queue_alerts(session, config, events)
    return events, send_pending(config, database)


def baseline_papers(session, config) -> None:  # type: ignore[no-untyped-def]
    sync_councils(session, config)
    papers = Papers(session)
    north = papers.council("northshire", "Northshire County Council")
    report = papers.document(north, "Safety Valve quarter 2 monitoring", meeting=D(2024, 10, 10))
    papers.evidence(
        report,
        "sv_on_track",
        "The authority remains on track against the deficit reduction trajectory in its Safety Valve agreement.",
        page=4,
    )
    west = papers.council("westbury", "Westbury Borough Council")
    budget = papers.document(west, "DSG budget monitoring 2024/25", meeting=D(2024, 9, 26))
    papers.evidence(
        budget,
        "deficit_only",
        "The High Needs Block is forecast to overspend by £3.1m, taking the cumulative DSG deficit to £11.8m.",
        page=2,
    )


def later_papers(session) -> None:  # type: ignore[no-untyped-def]
    papers = Papers(session)
    north = papers.council("northshire")
    return_q3 = papers.document(north, "Safety Valve quarter 3 monitoring return", meeting=D(2025, 1, 16))
    papers.evidence(
        return_q3,
        "sv_off_track",
        "The latest return shows the council is behind its agreed trajectory and is no longer on track.",
        page=6,
    )
    papers.figure(return_q3, 4_700_000, "£4.7m", "off track by", page=6, year="2024/25")
    west = papers.council("westbury")
    letter = papers.document(west, "Delivering Better Value: programme update", meeting=D(2025, 1, 9))
    papers.evidence(letter, "dbv", "Westbury has joined tranche 3 of the Delivering Better Value programme.", page=1)


def test_baseline_sends_nothing_a_change_one_email_each_and_a_rerun_nothing_more(smtp_config, smtp_server, database):
    _, config = smtp_config(subscribers=SUBSCRIBERS)
    with database.session() as session:
        baseline_papers(session, config)

    events, summary = run_cycle(config, database)
    assert events == [] and summary.sent == 0 and smtp_server.handler.received == []
    with database.session() as session:
        baselines = session.scalars(select(ChangeEvent)).all()
        assert {(e.new_status, e.is_baseline) for e in baselines} == {("sv_on_track", True), ("deficit_only", True)}

    with database.session() as session:
        later_papers(session)
    events, summary = run_cycle(config, database)

    assert sorted((e.old_status, e.new_status) for e in events) == [("deficit_only", "dbv"), ("sv_on_track", "sv_off_track")]
    handler = smtp_server.handler
    assert summary.sent == 3
    local = handler.to("education.desk@northshire-gazette.example")
    national = handler.to("national.editor@schoolsweek.example")
    parent = handler.to("westbury.parent@example.org")
    assert len(local) == len(national) == len(parent) == 1
    assert handler.to("only.the.worst@example.org") == [] and handler.to("weekly.reader@example.org") == []
    assert "Northshire County Council" in local[0].message["Subject"] and "Safety valve: off track" in local[0].message["Subject"]
    assert "Westbury" not in local[0].message["Subject"]
    national_text = national[0].message.get_body(("plain",)).get_content()
    assert "Northshire County Council" in national_text and "Westbury Borough Council" in national_text  # one email, both changes

    events, summary = run_cycle(config, database)
    assert events == [] and summary.sent == 0 and len(handler.received) == 3
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_a_crash_before_commit_and_a_re_extraction_never_make_the_same_event_twice(smtp_config, database):
    _, config = smtp_config()
    with database.session() as session:
        baseline_papers(session, config)
        update_statuses(session)
        later_papers(session)

    session = database.sessions()
    try:
        assert len(update_statuses(session)) == 2
        session.rollback()  # the process died before the cycle committed
    finally:
        session.close()
    with database.session() as session:
        assert len(update_statuses(session)) == 2

    # The extractor runs again over the same papers: new evidence rows, the same sentences.
    with database.session() as session:
        rows = session.scalars(select(Evidence)).all()
        copies = [(r.document_id, r.council_id, r.status, r.quote, r.page, r.confidence) for r in rows]
        session.execute(delete(Evidence))
        for document_id, council_id, status, quote, page, confidence in copies:
            session.add(
                Evidence(
                    document_id=document_id,
                    council_id=council_id,
                    status=status,
                    quote=quote,
                    page=page,
                    confidence=confidence,
                    kind="signal",
                    extractor_version="v2",
                )
            )
    with database.session() as session:
        assert update_statuses(session) == []
        assert session.scalar(select(func.count()).where(ChangeEvent.is_baseline.is_(False))) == 2


def test_failed_crawls_unreadable_papers_and_missing_evidence_never_change_a_status(smtp_config, database):
    _, config = smtp_config()
    with database.session() as session:
        baseline_papers(session, config)
        later_papers(session)
        update_statuses(session)

    with database.session() as session:
        papers = Papers(session)
        north = papers.council("northshire")
        north.last_outcome, north.consecutive_failures = "blocked", 3
        broken = papers.document(north, "Schools Forum minutes (scanned)", meeting=D(2025, 2, 6))
        broken.text_state = "needs_ocr"
        # The paper that made Northshire off track has lost its evidence (re-extraction failed).
        off_track_document = session.scalars(select(Evidence.document_id).where(Evidence.status == "sv_off_track")).one()
        session.execute(delete(Evidence).where(Evidence.document_id == off_track_document))

    with database.session() as session:
        assert update_statuses(session) == []
        current = session.scalars(select(StatusRecord).where(StatusRecord.is_current.is_(True))).all()
        assert sorted(r.status for r in current) == ["dbv", "sv_off_track"]


def test_status_history_records_each_period_once_with_evidence_and_figures(smtp_config, database):
    _, config = smtp_config()
    with database.session() as session:
        baseline_papers(session, config)
        update_statuses(session)
        later_papers(session)
        update_statuses(session)
        update_statuses(session)

    with database.session() as session:
        history = session.scalars(select(StatusRecord).order_by(StatusRecord.id)).all()
        northshire = [(r.status, r.since, r.is_current) for r in history if r.status.startswith("sv")]
        assert northshire == [("sv_on_track", D(2024, 10, 10), False), ("sv_off_track", D(2025, 1, 16), True)]
        current = next(r for r in history if r.status == "sv_off_track")
        assert current.evidence[0]["quote"].startswith("The latest return shows")
        assert current.evidence[0]["url"].startswith("https://democracy.northshire")
        assert current.figures == [
            {"amount_gbp": 4700000, "text": "£4.7m", "label": "off track by", "financial_year": "2024/25", "page": 6}
        ]
