"""Whole cycles over the demo site: a status read from a Word paper served as octet-stream, and
one from scanned letters read by OCR, which the alert email and the web page say."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from extractors.ocr import unavailable_reason
from extractors.paper_text import OcrSettings
from sendwatch.demo.site import FORUM, DemoCommittee, DemoCouncil, DemoDocument, DemoItem, DemoMeeting, DemoSite
from tests.cycle.conftest import REPORTER, sendwatch_command, write_cycle_config
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.skipif(
    unavailable_reason(OcrSettings()) is not None,
    reason=f"needs Tesseract: {unavailable_reason(OcrSettings())} (.ci/run installs it)",
)


def letter(council: str, sentence: str, day: dt.date) -> DemoDocument:
    """A signed letter from the DfE, scanned by the council: image pages, no text layer."""
    return DemoDocument(
        "Letter from the Department for Education",
        [
            f"Department for Education\nTo the Director of Children's Services, {council}",
            f"Dear Director,\n{sentence}\nYours sincerely,\nDeputy Director, Funding Policy Unit",
        ],
        published=day,
        format="scanned_pdf",
    )


def councils(today: dt.date) -> list[DemoCouncil]:
    marsh_day = today - dt.timedelta(days=20)
    word_paper = DemoDocument(
        "High Needs Block recovery update",
        [
            "Fenmarsh District Council\nSchools Forum\nHigh Needs Block recovery update",
            "2. Safety valve\nFenmarsh District Council has signed a safety valve agreement with the Department for "
            "Education, under which the Department will fund the historic deficit in instalments.\n"
            "Table 2: DSG position (£m) | 2025/26\nCumulative deficit | 19.8",
        ],
        published=marsh_day,
        format="docx",
        served_as="application/octet-stream",
    )
    slides = DemoDocument(
        "Presentation to the Forum",
        ["High needs: the year ahead"],
        published=marsh_day,
        format="pptx",
        served_as="application/octet-stream",
    )
    fenmarsh = DemoCouncil(
        "fenmarsh",
        "Fenmarsh District Council",
        "cmis",
        mount="/fenmarsh/",
        committees=[DemoCommittee(FORUM, [DemoMeeting(date=marsh_day, documents=[word_paper, slides])])],
    )
    kestrel_day = today - dt.timedelta(days=40)
    on_track = letter(
        "Kestrel County Council",
        "The quarterly return shows that the authority remains on track against the conditions of its safety valve agreement.",
        kestrel_day,
    )
    kestrel = DemoCouncil(
        "kestrel",
        "Kestrel County Council",
        "moderngov",
        committees=[
            DemoCommittee(
                FORUM,
                [
                    DemoMeeting(
                        date=kestrel_day,
                        items=[DemoItem("Safety valve correspondence", "<p>To note the letter.</p>", documents=[on_track])],
                    )
                ],
            )
        ],
    )
    return [fenmarsh, kestrel]


def ems_meeting(today: dt.date) -> DemoMeeting:
    sentence = "Following the Quarter 2 return, the Department for Education has placed the Council under enhanced monitoring and support."
    return DemoMeeting(
        date=today - dt.timedelta(days=2),
        items=[
            DemoItem(
                "Safety valve: letter from the DfE",
                "<p>To note the letter.</p>",
                documents=[letter("Kestrel County Council", sentence, today)],
            )
        ],
    )


@pytest.fixture
def site(today: dt.date) -> Iterator[DemoSite]:
    """A CMIS council whose status is in a Word paper, a ModernGov one whose status is in scans."""
    with DemoSite(councils(today), today=today) as running:
        yield running


@pytest.fixture
def cycle_config(tmp_path: Path, site: DemoSite, smtp_server: SmtpServer) -> Path:
    return write_cycle_config(
        tmp_path, site, smtp_server, ["fenmarsh", "kestrel"], [{"email": REPORTER, "councils": "all", "frequency": "immediate"}]
    )


def unsupported_papers(config_path: Path) -> list:  # type: ignore[type-arg]
    from sendwatch.core.config import load_config
    from sendwatch.core.storage import open_database
    from sendwatch.core.storage.models import Document

    database = open_database(load_config(config_path).database_url)
    try:
        with database.session() as session:
            return list(session.scalars(select(Document).where(Document.text_state == "unsupported")))
    finally:
        database.dispose()


def test_statuses_are_read_from_a_word_paper_and_from_scans_and_ocr_evidence_says_so(
    site: DemoSite, cycle_config: Path, sendwatch, smtp_server: SmtpServer, today: dt.date
) -> None:  # type: ignore[no-untyped-def]
    first = sendwatch("run", "--once")
    assert first.returncode == 0, first.stderr
    assert "councils: 2 ok, 0 empty, 0 blocked, 0 failing" in first.stdout, first.stdout
    assert "(2 scanned page(s) read by OCR)" in first.stdout  # the letter's two pages, said in the summary
    assert "waiting for OCR" not in first.stdout
    statuses = {row["council"]: row for row in json.loads(sendwatch("status", "--json").stdout)}
    assert statuses["fenmarsh"]["status"] == "sv_agreed"
    assert "Document.ashx?" in statuses["fenmarsh"]["evidence"][0]["url"]
    assert statuses["fenmarsh"]["evidence"][0]["page"] == 2
    assert statuses["kestrel"]["status"] == "sv_on_track"
    assert statuses["kestrel"]["evidence"][0]["page"] == 2

    slides = unsupported_papers(cycle_config)
    assert [(d.kind, d.fetch_state, d.text_state) for d in slides] == [("pptx", "ok", "unsupported")]
    assert "PowerPoint presentation" in (slides[0].text_error or "")

    site.publish_meeting("kestrel", FORUM, ems_meeting(today))
    second = sendwatch("run", "--once")
    assert second.returncode == 0, second.stderr
    assert "kestrel: sv_on_track -> ems" in second.stdout
    assert "councils: 2 ok, 0 empty, 0 blocked, 0 failing" in second.stdout
    assert [path for path, count in site.bodies("fenmarsh").items() if count != 1] == [], "every paper fetched once"
    assert [d.extracted_at for d in unsupported_papers(cycle_config)] == [slides[0].extracted_at], "recorded once, not read again"
    (received,) = smtp_server.handler.received
    text = received.message.get_body(preferencelist=("plain",)).get_content()
    html = received.message.get_body(preferencelist=("html",)).get_content()
    assert "enhanced monitoring and support" in " ".join(text.split())
    assert "Letter from the Department for Education, page 2, " in text and "(read by OCR from a scan" in text
    assert "read by OCR" in html

    server = subprocess.Popen(
        sendwatch_command(cycle_config, "serve", "--host", "127.0.0.1", "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SENDWATCH_SECRET": "test-secret"},
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert line.startswith("sendwatch: serving on "), line
        page = httpx.get(f"{line.split()[3].rstrip('/')}/councils/kestrel", timeout=20)
        assert page.status_code == 200
        assert "enhanced monitoring and support" in " ".join(page.text.split())
        assert "(read by OCR)" in page.text
        marsh = httpx.get(f"{line.split()[3].rstrip('/')}/councils/fenmarsh", timeout=20)
        assert "signed a safety valve agreement" in marsh.text and "read by OCR" not in marsh.text
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_cycle_without_ocr_says_how_many_scanned_pages_wait_and_why_and_the_next_one_with_it_reads_them(
    site: DemoSite, cycle_config: Path, sendwatch
) -> None:  # type: ignore[no-untyped-def]
    import yaml

    settings = yaml.safe_load(cycle_config.read_text(encoding="utf-8"))
    cycle_config.write_text(yaml.safe_dump({**settings, "extract": {"ocr": False}}, sort_keys=False), encoding="utf-8")
    without = sendwatch("run", "--once")
    assert without.returncode == 0, without.stderr
    assert "waiting for OCR: 2 scanned page(s): OCR is switched off (extract.ocr: false)" in without.stdout, without.stdout
    assert "read by OCR" not in without.stdout

    cycle_config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    again = sendwatch("run", "--once")
    assert again.returncode == 0, again.stderr
    assert "(2 scanned page(s) read by OCR)" in again.stdout, again.stdout
    assert "waiting for OCR" not in again.stdout
    statuses = {row["council"]: row["status"] for row in json.loads(sendwatch("status", "--json").stdout)}
    assert statuses["kestrel"] == "sv_on_track"
