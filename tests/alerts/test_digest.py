"""The weekly digest: a week of changes, new evidence, troubled crawls and a national picture."""

from __future__ import annotations

import datetime as dt
import re

from alerts_support import THREE_COUNCILS as COUNCILS
from alerts_support import Papers, a_busy_week
from sqlalchemy import select

from alerts import build_digest, send_digest, sync_subscribers
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage.models import Digest, utcnow

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
