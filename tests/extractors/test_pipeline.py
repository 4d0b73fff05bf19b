"""The extraction stage over stored documents: pages, evidence, figures, states and verdicts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from extractors_support import FILLER, build_corrupt, build_image_only, build_report, needs_tesseract
from sqlalchemy import select

from extractors import EXTRACTOR_VERSION
from extractors.pipeline import extract_documents
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage.models import Council, Document, DocumentPage, Evidence, Figure

COUNCILS = [
    {
        "slug": "westshire",
        "name": "Westshire County Council",
        "aliases": ["WCC"],
        "platform": "moderngov",
        "url": "https://democracy.westshire.example/",
    },
    {
        "slug": "eastfield",
        "name": "Eastfield Borough Council",
        "platform": "moderngov",
        "url": "https://democracy.eastfield.example/",
    },
]


@pytest.fixture
def setup(write_config, database):  # type: ignore[no-untyped-def]
    _, config = write_config({"councils": COUNCILS, "database": database.url})
    with database.session() as session:
        sync_councils(session, config)
    return config, database


def add_document(database, slug: str, path: Path, kind: str, url: str | None = None, title: str | None = None) -> int:  # type: ignore[no-untyped-def]
    with database.session() as session:
        council = session.scalars(select(Council).where(Council.slug == slug)).one()
        document = Document(
            council_id=council.id,
            url=url or f"https://democracy.example/{path.name}",
            kind=kind,
            fetch_state="ok",
            sha256=hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None,
            file_path=str(path),
            text_state="pending",
            title=title,
        )
        session.add(document)
        session.flush()
        return document.id


def test_a_report_is_read_into_pages_evidence_figures_and_a_verdict(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    pdf = build_report(
        tmp_path / "q3-report.pdf",
        [
            ["Schools Forum: Safety Valve monitoring, quarter 3.", FILLER * 3],
            [
                FILLER,
                "WCC is not on track to meet condition 5 of the safety valve agreement, and the in-year deficit "
                "is forecast at £4.6m for 2025/26.",
            ],
        ],
    )
    document_id = add_document(database, "westshire", pdf, "pdf")

    summary = extract_documents(config, database)

    assert summary.processed == 1 and summary.states == {"ok": 1}
    with database.session() as session:
        document = session.get(Document, document_id)
        assert (document.text_state, document.page_count, document.verdict_status) == ("ok", 2, "sv_off_track")
        assert document.char_count and document.char_count > 500
        assert document.extracted_sha256 == document.sha256 and document.extractor_version == EXTRACTOR_VERSION
        pages = session.scalars(
            select(DocumentPage).where(DocumentPage.document_id == document_id).order_by(DocumentPage.page_number)
        ).all()
        assert [page.page_number for page in pages] == [1, 2]
        evidence = session.scalars(select(Evidence).where(Evidence.document_id == document_id)).all()
        off_track = [item for item in evidence if item.status == "sv_off_track"]
        assert off_track and off_track[0].page == 2 and off_track[0].kind == "signal" and off_track[0].confidence >= 0.6
        assert all(item.council_id == document.council_id for item in evidence)
        (figure,) = session.scalars(select(Figure).where(Figure.document_id == document_id)).all()
        assert (figure.amount_gbp, figure.page, figure.label, figure.financial_year) == (
            4_600_000,
            2,
            "in-year deficit",
            "2025/26",
        )


def test_html_minutes_are_read_as_one_page(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    minutes = tmp_path / "minutes.html"
    minutes.write_text("&lt;p&gt;The DfE has invited Eastfield to join the safety valve programme.&lt;/p&gt;", encoding="utf-8")
    document_id = add_document(database, "eastfield", minutes, "html")
    extract_documents(config, database)
    with database.session() as session:
        document = session.get(Document, document_id)
        assert (document.text_state, document.page_count, document.verdict_status) == ("ok", 1, "sv_negotiating")


def test_bad_documents_are_recorded_with_their_state_and_never_stop_the_others(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    ids = {
        "corrupt": add_document(database, "westshire", build_corrupt(tmp_path / "broken.pdf"), "pdf"),
        "encrypted": add_document(
            database, "westshire", build_report(tmp_path / "exempt.pdf", [["Exempt."]], encrypt_password="x"), "pdf"
        ),
        "needs_ocr": add_document(database, "westshire", build_image_only(tmp_path / "scan.pdf"), "pdf"),
        "ok": add_document(database, "westshire", build_report(tmp_path / "fine.pdf", [["The DSG deficit is £9m."]]), "pdf"),
    }
    summary = extract_documents(config, database)
    assert summary.processed == 4
    assert dict(summary.states) == {"corrupt": 1, "encrypted": 1, "needs_ocr": 1, "ok": 1}
    with database.session() as session:
        for state, document_id in ids.items():
            document = session.get(Document, document_id)
            assert document.text_state == state
            assert (document.text_error is None) == (state == "ok")
        assert session.get(Document, ids["ok"]).verdict_status == "deficit_only"
        assert session.get(Document, ids["corrupt"]).verdict_status is None


def test_unchanged_documents_are_not_read_again_until_their_content_or_the_version_changes(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    pdf = build_report(tmp_path / "report.pdf", [["The DSG deficit is £9m."]])
    document_id = add_document(database, "westshire", pdf, "pdf")
    assert extract_documents(config, database).processed == 1
    assert extract_documents(config, database).processed == 0
    assert extract_documents(config, database, reprocess=True).processed == 1

    build_report(pdf, [["The DfE has placed the council into enhanced monitoring and support."]])
    with database.session() as session:
        document = session.get(Document, document_id)
        document.sha256 = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert extract_documents(config, database).processed == 1
    with database.session() as session:
        assert session.get(Document, document_id).verdict_status == "ems"
        statuses = {item.status for item in session.scalars(select(Evidence).where(Evidence.document_id == document_id))}
        assert statuses == {"ems"}  # the old evidence was replaced, not added to

    with database.session() as session:
        session.get(Document, document_id).extractor_version = "older"
    assert extract_documents(config, database).processed == 1


def test_only_the_chosen_councils_are_read(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    west = add_document(database, "westshire", build_report(tmp_path / "w.pdf", [["The DSG deficit is £9m."]]), "pdf")
    east = add_document(database, "eastfield", build_report(tmp_path / "e.pdf", [["The DSG deficit is £2m."]]), "pdf")
    assert extract_documents(config, database, slugs=["eastfield"]).processed == 1
    with database.session() as session:
        assert session.get(Document, east).text_state == "ok"
        assert session.get(Document, west).text_state == "pending"


def test_evidence_is_about_the_documents_own_council(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    pdf = build_report(
        tmp_path / "news.pdf",
        [
            [
                "Westshire County Council has been placed into enhanced monitoring and support by the DfE.",
                "Eastfield continues to report a DSG deficit of £12m.",
            ]
        ],
    )
    document_id = add_document(database, "eastfield", pdf, "pdf")
    extract_documents(config, database)
    with database.session() as session:
        assert session.get(Document, document_id).verdict_status == "deficit_only"


def test_a_title_naming_the_programme_gives_context_to_text_that_only_says_the_agreement(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    pdf = build_report(tmp_path / "q1.pdf", [["The council has not met condition 1 of the agreement this quarter."]])
    with_title = add_document(database, "westshire", pdf, "pdf", url="https://example.org/a", title="Safety Valve Monitoring: Q1")
    without = add_document(database, "westshire", pdf, "pdf", url="https://example.org/b", title="Item 7")
    extract_documents(config, database)
    with database.session() as session:
        assert session.get(Document, with_title).verdict_status == "sv_off_track"
        assert session.get(Document, without).verdict_status == "none"


def _fill_the_disk(database) -> None:  # type: ignore[no-untyped-def]
    """Make every write that needs room fail as on a full disk (SQLITE_FULL; PostgreSQL's disk_full)."""
    from sqlalchemy import event, text

    if database.is_sqlite:

        def full(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
            cursor.close()

        database.engine.dispose()
        event.listen(database.engine, "connect", full)
        return
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION disk_is_full() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$ LANGUAGE plpgsql"
            )
        )
        connection.execute(
            text("CREATE TRIGGER disk_full_now BEFORE INSERT ON document_pages FOR EACH ROW EXECUTE FUNCTION disk_is_full()")
        )


def test_a_paper_whose_results_cannot_be_stored_stays_pending_and_is_read_next_time(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    pdf = build_report(
        tmp_path / "q3-report.pdf",
        [[FILLER * 40, "WCC is not on track to meet condition 5 of the safety valve agreement.", FILLER * 40]],
    )
    document_id = add_document(database, "westshire", pdf, "pdf")
    _fill_the_disk(database)

    summary = extract_documents(config, database)

    assert summary.states == {"pending": 1} and "left pending" in summary.errors[0]
    with database.session() as session:
        document = session.get(Document, document_id)
        assert (document.text_state, document.extracted_sha256) == ("pending", None), "not marked corrupt"

    fresh = _reopened(database)
    try:
        assert extract_documents(config, fresh).states == {"ok": 1}
        with fresh.session() as session:
            assert session.get(Document, document_id).verdict_status == "sv_off_track"
    finally:
        fresh.dispose()


def _reopened(database):  # type: ignore[no-untyped-def]
    """The disk has room again: a new engine (SQLite) or the trigger dropped (PostgreSQL)."""
    from sqlalchemy import text

    from sendwatch.core.storage import open_database

    if not database.is_sqlite:
        with database.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER disk_full_now ON document_pages"))
    return open_database(database.url)


# --------------------------------------------------------------------------- formats and OCR


def _paper(tmp_path: Path, fmt: str, pages: list[str], name: str) -> Path:
    from sendwatch.demo.site import papers

    path = tmp_path / name
    path.write_bytes(papers.write(fmt, name, pages))
    return path


def test_a_word_paper_served_as_octet_stream_is_read_as_word(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, database = setup
    docx = _paper(
        tmp_path, "docx", ["Cover", "WCC is not on track to meet condition 5 of the safety valve agreement."], "Document.ashx"
    )
    document_id = add_document(database, "westshire", docx, "docx")
    with database.session() as session:
        session.get(Document, document_id).content_type = "application/octet-stream"
    extract_documents(config, database)
    with database.session() as session:
        document = session.get(Document, document_id)
        assert (document.text_state, document.page_count, document.verdict_status) == ("ok", 2, "sv_off_track")
        (evidence,) = [
            item
            for item in session.scalars(select(Evidence).where(Evidence.document_id == document_id))
            if item.status == "sv_off_track"
        ]
        assert evidence.page == 2


def test_an_unsupported_paper_is_recorded_once_and_not_read_again(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sendwatch.demo.site.word97 import compound_file

    config, database = setup
    path = tmp_path / "slides.ppt"
    path.write_bytes(compound_file({"PowerPoint Document": b"\x00" * 4096}))
    document_id = add_document(database, "westshire", path, "ppt")
    assert extract_documents(config, database).states == {"unsupported": 1}
    assert extract_documents(config, database).processed == 0
    with database.session() as session:
        document = session.get(Document, document_id)
        assert document.text_state == "unsupported" and "PowerPoint" in document.text_error


@needs_tesseract
def test_scanned_pages_wait_for_ocr_and_are_read_on_the_first_run_that_has_it(
    setup, tmp_path: Path, write_config, caplog
) -> None:  # type: ignore[no-untyped-def]
    _, database = setup
    scanned = _paper(
        tmp_path, "scanned_pdf", ["WCC has been placed into enhanced monitoring and support by the DfE."], "scan.pdf"
    )
    document_id = add_document(database, "westshire", scanned, "pdf")
    _, without = write_config({"councils": COUNCILS, "database": database.url, "extract": {"ocr_languages": "zzz"}})
    with caplog.at_level("WARNING", logger="sendwatch.extract"):
        first = extract_documents(without, database)
    assert (first.states, first.waiting_for_ocr, first.ocr_pages) == ({"needs_ocr": 1}, 1, 0)
    warnings = [record.getMessage() for record in caplog.records if "ocr_unavailable" in record.getMessage()]
    assert len(warnings) == 1 and "no language data for zzz" in warnings[0]
    assert extract_documents(without, database).processed == 0, "no OCR yet: nothing to read again"
    with database.session() as session:
        (page,) = session.scalars(select(DocumentPage).where(DocumentPage.document_id == document_id)).all()
        assert page.text_source == "needs_ocr"

    _, with_ocr = write_config({"councils": COUNCILS, "database": database.url})
    second = extract_documents(with_ocr, database)
    assert (second.processed, second.ocr_pages, second.waiting_for_ocr) == (1, 1, 0)
    with database.session() as session:
        document = session.get(Document, document_id)
        assert (document.text_state, document.verdict_status) == ("ok", "ems")
        (page,) = session.scalars(select(DocumentPage).where(DocumentPage.document_id == document_id)).all()
        assert page.text_source == "ocr" and "enhanced monitoring" in page.text
    assert extract_documents(with_ocr, database).processed == 0, "read by OCR once, not every run"
