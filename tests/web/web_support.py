"""Rows for the web tests: councils with histories, changes, papers and figures, as the crawler,
extractor and diff engine would have written them. Some scraped text is deliberately hostile."""

from __future__ import annotations

import datetime as dt
import email.message
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.digest import week_id
from sendwatch.core.config import Config
from sendwatch.core.storage.models import (
    ChangeEvent,
    Council,
    CrawlRun,
    Digest,
    Document,
    Figure,
    Meeting,
    StatusRecord,
    utcnow,
)
from tests.support.smtp import SmtpServer

# Screenshots the browser tests leave for people to look at (not committed: see .gitignore).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

COUNCILS = [
    {
        "slug": "northshire",
        "name": "Northshire County Council",
        "gss_code": "E10000099",
        "platform": "moderngov",
        "url": "https://democracy.northshire.example.gov.uk/",
    },
    {"slug": "eastshire", "name": "Eastshire Council", "platform": "cmis", "url": "https://cmis.eastshire.example.gov.uk/"},
    {
        "slug": "westvale",
        "name": "Westvale Borough Council",
        "platform": "moderngov",
        "url": "https://westvale.moderngov.example.co.uk/",
    },
    {
        "slug": "southbrook",
        "name": "Southbrook City Council",
        "platform": "moderngov",
        "url": "https://committees.southbrook.example.gov.uk/",
    },
]

HOSTILE_TITLE = 'DSG Management Plan <script>document.title="owned"</script>'
HOSTILE_QUOTE = (
    "The authority remains behind its safety valve trajectory by £6.2m <img src=x onerror=\"document.title='owned'\"> "
    "and officers will report again in January."
)
HOSTILE_URL = "javascript:document.title='owned'"
FORMULA_QUOTE = '=HYPERLINK("https://evil.example/","click")'


def evidence(url: str, title: str, date: str, page: int | None, quote: str) -> dict:
    return {"url": url, "title": title, "date": date, "page": page, "quote": quote}


def council(session: Session, slug: str) -> Council:
    return session.scalars(select(Council).where(Council.slug == slug)).one()


def paper(
    session: Session, council_row: Council, title: str, meeting: dt.date, url: str, kind: str = "pdf", verdict: str | None = None
) -> Document:
    meeting_row = Meeting(
        council_id=council_row.id,
        external_id=f"{council_row.slug}-{meeting.isoformat()}-{title[:10]}",
        title="Schools Forum",
        date=meeting,
    )
    session.add(meeting_row)
    session.flush()
    document = Document(
        council_id=council_row.id,
        meeting_id=meeting_row.id,
        url=url,
        title=title,
        kind=kind,
        fetch_state="ok",
        text_state="ok",
        fetched_at=utcnow(),
        verdict_status=verdict,
    )
    session.add(document)
    session.flush()
    return document


def seed_councils(session: Session) -> None:
    """Histories for three councils; Southbrook stays unchecked."""
    now = utcnow()
    north = council(session, "northshire")
    agreed_pack = paper(
        session,
        north,
        "Schools Forum agenda pack",
        dt.date(2023, 3, 16),
        "https://democracy.northshire.example.gov.uk/documents/g101/Public%20reports%20pack.pdf",
        verdict="sv_agreed",
    )
    plan = paper(
        session,
        north,
        HOSTILE_TITLE,
        dt.date(2024, 9, 12),
        "https://democracy.northshire.example.gov.uk/documents/s2202/DSG%20Management%20Plan.pdf",
        verdict="sv_off_track",
    )
    agreed = [
        evidence(
            agreed_pack.url,
            "Schools Forum agenda pack",
            "2023-03-16",
            14,
            "Northshire signed a safety valve agreement with the Department for Education on 10 March 2023.",
        )
    ]
    off_track = [
        evidence(plan.url, HOSTILE_TITLE, "2024-09-12", 7, HOSTILE_QUOTE),
        evidence(HOSTILE_URL, "Minutes", "2024-09-12", None, "Members noted the position reported to the Department."),
    ]
    session.add_all(
        [
            StatusRecord(
                council_id=north.id,
                status="sv_agreed",
                since=dt.date(2023, 3, 16),
                evidence=agreed,
                figures=[{"amount_gbp": 38_400_000, "text": "£38.4m", "label": "cumulative deficit"}],
                is_current=False,
            ),
            StatusRecord(
                council_id=north.id,
                status="sv_off_track",
                since=dt.date(2024, 9, 12),
                evidence=off_track,
                figures=[{"amount_gbp": 6_200_000, "text": "£6.2m", "label": "off track by"}],
                is_current=True,
            ),
            ChangeEvent(
                event_key="north-baseline",
                council_id=north.id,
                old_status=None,
                new_status="sv_agreed",
                since=dt.date(2023, 3, 16),
                evidence=agreed,
                figures=[],
                is_baseline=True,
                detected_at=now - dt.timedelta(days=30),
            ),
            ChangeEvent(
                event_key="north-off-track",
                council_id=north.id,
                old_status="sv_agreed",
                new_status="sv_off_track",
                since=dt.date(2024, 9, 12),
                evidence=off_track,
                figures=[{"amount_gbp": 6_200_000, "text": "£6.2m", "label": "off track by"}],
                detected_at=now - dt.timedelta(days=2),
            ),
        ]
    )
    for document, amount, text, label in (
        (agreed_pack, 38_400_000, "£38.4m", "cumulative deficit"),
        (plan, 44_900_000, "£44.9m", "cumulative deficit"),
        (plan, 6_200_000, "£6.2m", "off track by"),
    ):
        session.add(
            Figure(
                document_id=document.id,
                council_id=north.id,
                amount_gbp=amount,
                text=text,
                label=label,
                financial_year="2024-25",
                page=7,
            )
        )
    north.last_outcome, north.last_crawled_at, north.last_success_at = "ok", now, now
    session.add(
        CrawlRun(
            council_id=north.id,
            started_at=now - dt.timedelta(hours=1),
            finished_at=now,
            outcome="ok",
            meetings_found=6,
            documents_found=31,
            documents_new=2,
        )
    )

    east = council(session, "eastshire")
    letter = paper(
        session,
        east,
        "High Needs Block update",
        dt.date(2025, 1, 20),
        "https://cmis.eastshire.example.gov.uk/Document.ashx?czJKcaeAi5tUFL1DTL2UE4zNRBcoShgo=abc",
        kind="html",
        verdict="ems",
    )
    ems = [
        evidence(
            letter.url,
            "High Needs Block update",
            "2025-01-20",
            None,
            "The Department has placed the council under enhanced monitoring and support from January 2025.",
        )
    ]
    session.add(
        StatusRecord(
            council_id=east.id,
            status="ems",
            since=dt.date(2025, 1, 20),
            evidence=ems,
            figures=[{"amount_gbp": 21_750_000, "text": "£21.75 million", "label": "cumulative deficit"}],
            is_current=True,
        )
    )
    session.add(
        ChangeEvent(
            event_key="east-baseline",
            council_id=east.id,
            old_status=None,
            new_status="ems",
            since=dt.date(2025, 1, 20),
            evidence=ems,
            figures=[],
            is_baseline=True,
            detected_at=now - dt.timedelta(days=5),
        )
    )
    east.last_outcome, east.last_crawled_at, east.consecutive_failures = "failing", now, 3
    east.last_error = "HTTP 503 from Document.ashx"

    west = council(session, "westvale")
    dbv = [
        evidence(
            FORMULA_QUOTE,
            "Schools Forum minutes",
            "2024-06-05",
            3,
            "Westvale is one of the councils taking part in the Delivering Better Value programme.",
        )
    ]
    session.add(
        StatusRecord(council_id=west.id, status="dbv", since=dt.date(2024, 6, 5), evidence=dbv, figures=[], is_current=True)
    )
    west.last_outcome, west.last_crawled_at, west.last_success_at = "ok", now, now
    session.add(
        Digest(
            period_start=now - dt.timedelta(days=7),
            period_end=now,
            week=week_id(now),
            html="<html><body><h1>Weekly digest</h1></body></html>",
            text="sendwatch weekly digest\n\nNorthshire County Council: now Safety valve: off track",
        )
    )
    session.flush()


def change_status(session: Session, slug: str, old: str, new: str, since: dt.date, quote: str, key: str) -> ChangeEvent:
    """A new change, as the diff engine records it: the history moves on and an event is written."""
    row = council(session, slug)
    for record in session.scalars(
        select(StatusRecord).where(StatusRecord.council_id == row.id, StatusRecord.is_current.is_(True))
    ):
        record.is_current = False
    items = [
        evidence(
            f"https://democracy.{slug}.example.gov.uk/documents/s9{since:%m%d}/Report.pdf",
            "DSG recovery update",
            since.isoformat(),
            4,
            quote,
        )
    ]
    session.add(StatusRecord(council_id=row.id, status=new, since=since, evidence=items, figures=[], is_current=True))
    event = ChangeEvent(event_key=key, council_id=row.id, old_status=old, new_status=new, since=since, evidence=items, figures=[])
    session.add(event)
    session.flush()
    return event


# --------------------------------------------------------------------------- messages, forms, config

SECRET = "web-test-secret-not-for-production"


def text_part(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: email.message.EmailMessage, path: str) -> str:
    """The first link to ``path`` (e.g. '/confirm') in a message's plain-text part."""
    found = re.search(r"https?://\S+" + re.escape(path) + r"\?token=[A-Za-z0-9_.=-]+", text_part(message))
    assert found, f"no {path} link in:\n{text_part(message)}"
    return found.group(0)


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def site_config(  # type: ignore[no-untyped-def]
    write_config, database_url: str, port: int, smtp: SmtpServer | None, web: dict | None = None, settings: dict | None = None
) -> Config:
    """The site's config; ``settings`` are further top-level keys (``data_dir``, ``data_options``)."""
    mail = {"transport": "smtp", "host": smtp.host, "port": smtp.port, "timeout_seconds": 10} if smtp else {"transport": "file"}
    mail["from"] = "sendwatch <alerts@sendwatch.example.org>"
    _, config = write_config(
        {
            "database": database_url,
            "mail": mail,
            "web": {"base_url": f"http://127.0.0.1:{port}", "send_confirmations": False, **(web or {})},
            "councils": COUNCILS,
            **(settings or {}),
        }
    )
    return config


def start_serve(config_path: Path) -> tuple[subprocess.Popen[str], str]:
    """Run ``sendwatch serve --port 0`` on ``config_path``; the process and the address it reports."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sendwatch.cli", "--config", str(config_path), "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SENDWATCH_SECRET": SECRET},
    )
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if not line.startswith("sendwatch: serving on http://127.0.0.1:"):
        process.kill()
        raise AssertionError(line + process.stderr.read())
    return process, line.split()[3].rstrip("/")
