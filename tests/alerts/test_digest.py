"""The weekly digest: a week of changes, new evidence, troubled crawls and a national picture;
narrowed to a subscriber's councils in every part about councils, the national picture labelled so."""

from __future__ import annotations

import datetime as dt
import re

from alerts_support import THREE_COUNCILS as COUNCILS
from alerts_support import Papers, a_busy_week
from sqlalchemy import select

from alerts import build_digest, send_digest, sync_subscribers
from alerts.digest import queue_digests
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage.models import Digest, OutboxMessage, utcnow
from tests.support.in_step import in_step

D = dt.date

SUBSCRIBERS = [
    {"email": "editor@schoolsweek.example", "councils": "all", "frequency": "weekly"},
    {"email": "northshire.only@example.org", "councils": ["northshire"], "frequency": "weekly"},
    {"email": "breaking@example.org", "councils": "all", "frequency": "immediate"},
]


def test_the_digest_covers_what_was_detected_this_week_with_a_visual(smtp_config, database):
    _, config = smtp_config(councils=COUNCILS)
    a_busy_week(database, config)

    with database.session() as session:
        html, text = build_digest(session, config, utcnow())

    for part in (html, text):
        assert "Northshire County Council" in part and "Westbury Borough Council" in part
        assert "Safety valve: off track" in part and "Delivering Better Value" in part
        assert "no longer on track" in part and "£4.7m" in part  # new evidence and figures
        assert "Eastmoor District Council" in part and "blocked" in part  # the troubled crawl
        assert "remains on track" not in part  # last month's evidence is not this week's news
    bars = re.findall(r'<td width="(\d+)%" style="background:#[0-9a-f]{6}', html)
    assert sorted(map(int, bars)) == [33, 33, 33]  # off track, DBV, and Eastmoor with no status yet
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert re.search(r"Safety valve: off track\s+1\s+#+", text)


def test_digest_send_goes_to_weekly_subscribers_once_a_week(smtp_config, smtp_server, database):
    _, config = smtp_config(councils=COUNCILS, subscribers=SUBSCRIBERS)
    a_busy_week(database, config)
    with database.session() as session:
        sync_subscribers(session, config)
    handler = smtp_server.handler
    before = len(handler.received)

    now = utcnow()
    summary = send_digest(config, database, now)
    assert summary.sent == 2
    digests = handler.received[before:]
    assert sorted(r.recipients[0] for r in digests) == ["editor@schoolsweek.example", "northshire.only@example.org"]
    north_only = next(r for r in digests if r.recipients == ["northshire.only@example.org"])
    north_text = north_only.message.get_body(("plain",)).get_content()
    assert "Northshire County Council" in north_text and "Westbury has joined" not in north_text
    assert all(r.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for r in digests)

    assert send_digest(config, database, now + dt.timedelta(hours=2)).sent == 0  # same week: nothing twice
    assert len(handler.received) == before + 2
    with database.session() as session:
        assert len(session.scalars(select(Digest)).all()) == 1


def test_the_digest_names_the_papers_of_the_week_it_could_not_read_and_why(smtp_config, database):
    _, config = smtp_config(councils=COUNCILS)
    with database.session() as session:
        sync_councils(session, config)
        papers = Papers(session)
        north, west = papers.council("northshire"), papers.council("westbury")
        papers.document(north, "Letter from the DfE").text_state = "needs_ocr"
        papers.document(north, "Exempt appendix").text_state = "encrypted"
        old = papers.document(west, "Last month's scan", first_seen=utcnow() - dt.timedelta(days=20))
        old.text_state = "needs_ocr"  # found before this week: last digest's news
        for number in range(6):
            papers.document(west, f"Slides {number}").text_state = "unsupported"

    with database.session() as session:
        html, text = build_digest(session, config, utcnow())

    for part in (html, text):
        assert "could not read (news may be in them)" in part
        assert "Letter from the DfE" in part and "scanned, waiting for OCR" in part
        assert "Exempt appendix" in part and "password-protected" in part
        assert "Last month's scan" not in part
        assert "Slides 4" in part and "Slides 5" not in part and "and 1 more" in part  # five named, the rest counted
        assert "read without trouble" not in part  # not while papers went unread
    assert html.index("Northshire County Council") < html.index("Westbury Borough Council")


def test_a_week_when_everything_was_read_says_so(smtp_config, database):
    _, config = smtp_config(councils=COUNCILS)
    with database.session() as session:
        sync_councils(session, config)
        papers = Papers(session)
        papers.document(papers.council("northshire"), "DSG monitoring report")  # read as usual

    with database.session() as session:
        html, text = build_digest(session, config, utcnow())

    for part in (html, text):
        assert "Every council's papers were read without trouble." in part
        assert "could not read (news may be in them)" not in part


def a_week_of_trouble_at_two_councils(database, config) -> None:  # type: ignore[no-untyped-def]
    """(THREE_COUNCILS) Northshire's and Westbury's sites failing, and a paper of each that could not be read."""
    with database.session() as session:
        sync_councils(session, config)
        papers = Papers(session)
        north, west = papers.council("northshire"), papers.council("westbury")
        north.last_outcome, north.consecutive_failures, north.last_error = "failing", 3, "502 Bad Gateway from the council"
        west.last_outcome, west.consecutive_failures, west.last_error = "failing", 5, "Connection timed out after 30s"
        papers.document(north, "Letter from the DfE").text_state = "needs_ocr"
        papers.document(west, "Exempt appendix").text_state = "encrypted"


def test_a_subscriber_of_one_council_reads_only_that_councils_trouble(smtp_config, database):
    _, config = smtp_config(councils=COUNCILS)
    a_week_of_trouble_at_two_councils(database, config)

    with database.session() as session:
        html, text = build_digest(session, config, utcnow(), ["northshire"])

    for part in (html, text):
        assert "Northshire County Council" in part and "502 Bad Gateway from the council" in part  # their failing site
        assert "Letter from the DfE" in part and "scanned, waiting for OCR" in part  # their unread paper
        assert "Westbury" not in part and "Connection timed out" not in part  # a council they never chose
        assert "Exempt appendix" not in part
        assert "Your councils sendwatch could not read" in part or "YOUR COUNCILS SENDWATCH COULD NOT READ" in part


def test_the_national_digest_still_names_every_councils_trouble(smtp_config, database):
    _, config = smtp_config(councils=COUNCILS)
    a_week_of_trouble_at_two_councils(database, config)

    with database.session() as session:
        html, text = build_digest(session, config, utcnow())

    for part in (html, text):
        assert "502 Bad Gateway from the council" in part and "Connection timed out after 30s" in part
        assert "Letter from the DfE" in part and "Exempt appendix" in part
        assert "Councils sendwatch could not read" in part or "COUNCILS SENDWATCH COULD NOT READ" in part
        assert "Your councils" not in part and "YOUR COUNCILS" not in part and "nationally" not in part
    assert "Councils by status</h2>" in html and "3 councils watched.</p>" in html


def test_a_narrowed_digest_says_its_status_summary_is_national(smtp_config, database):
    _, config = smtp_config(councils=COUNCILS)
    a_busy_week(database, config)

    with database.session() as session:
        html, text = build_digest(session, config, utcnow(), ["northshire"])

    assert "All councils by status</h2>" in html
    assert "3 councils watched nationally, not only yours. The rest of this digest is about your councils only." in html
    assert "ALL COUNCILS BY STATUS (3 watched nationally, not only yours;" in text
    assert re.search(r"Delivering Better Value\s+1\s+#+", text)  # Westbury's status, counted in the national bars
    assert "Your councils: Northshire County Council.</p>" in html and "Your councils: Northshire County Council.\n" in text
    for part in (html, text):
        assert "Westbury has joined" not in part and "Eastmoor District Council" not in part  # not their councils
        assert "None of your councils" not in part  # Northshire did change


def test_two_digest_jobs_at_once_keep_one_national_copy_and_queue_each_digest_once(smtp_config, database, database_url):
    _, config = smtp_config(councils=COUNCILS, subscribers=SUBSCRIBERS)
    a_busy_week(database, config)
    with database.session() as session:
        sync_subscribers(session, config)
    now = utcnow()

    errors = in_step(database_url, "digests", lambda session: queue_digests(session, config, now))

    assert not errors, errors
    with database.session() as session:
        [archived] = session.scalars(select(Digest)).all()
        queued = sorted(row.recipient for row in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")))
    assert archived.week is not None and "Northshire County Council" in archived.html
    assert queued == ["editor@schoolsweek.example", "northshire.only@example.org"]


def test_two_digest_jobs_at_once_after_the_week_is_archived_queue_a_new_subscribers_digest_once(
    smtp_config, database, database_url
):
    _, config = smtp_config(councils=COUNCILS, subscribers=SUBSCRIBERS[:1])
    a_busy_week(database, config)
    with database.session() as session:
        sync_subscribers(session, config)
    now = utcnow()
    assert send_digest(config, database, now).sent == 1  # the week is archived and the editor has theirs
    _, config = smtp_config(councils=COUNCILS, subscribers=SUBSCRIBERS)  # then someone signs up
    with database.session() as session:
        sync_subscribers(session, config)

    queued: list[int] = []
    errors = in_step(database_url, "outbox", lambda session: queued.append(queue_digests(session, config, now)))

    assert not errors, errors
    assert sorted(queued) == [0, 1]  # each job counts only what it queued itself
    with database.session() as session:
        recipients = [row.recipient for row in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest"))]
    assert sorted(recipients) == ["editor@schoolsweek.example", "northshire.only@example.org"]
