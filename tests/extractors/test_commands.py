"""``sendwatch evaluate`` and ``sendwatch extract`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from extractors_support import build_report

from sendwatch.cli import cli

DOCUMENTS = {
    "001.txt": (
        "Westshire County Council",
        "Safety valve update",
        "The council remains on track against its safety valve agreement, with the DfE contributing £21.5m over five years.",
    ),
    "002.txt": (
        "Westshire County Council",
        "DSG monitoring",
        "The cumulative DSG deficit at 31 March 2025 was £14.2m and is forecast to rise to £6.5-7m more next year.",
    ),
    "003.txt": ("Eastfield Borough Council", "Admissions", "The Forum noted the admissions timetable for September."),
    "004.txt": (
        "Eastfield Borough Council",
        "High needs",
        "Kent County Council has been placed into enhanced monitoring, members heard; Eastfield is not in the programme.",
    ),
}
LABELS = [
    ("001.txt", "Westshire County Council", "sv_on_track", "21500000"),
    ("002.txt", "Westshire County Council", "deficit_only", "14200000;6500000;7000000"),
    ("003.txt", "Eastfield Borough Council", "none", ""),
    ("004.txt", "Eastfield Borough Council", "ems", ""),  # a deliberately wrong label: Kent's status, not Eastfield's
]


def write_corpus(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    for name, (council, title, text) in DOCUMENTS.items():
        (root / "docs" / name).write_text(
            f"URL: https://example.org/{name}\nCOUNCIL: {council}\nTITLE: {title}\nDATE: \n---\n{text}\n", encoding="utf-8"
        )
    rows = ["file,council,status,amounts_gbp"] + [f'{f},"{c}",{s},{a}' for f, c, s, a in LABELS]
    (root / "labels.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_evaluate_json_prints_the_scores_object(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "absent.yaml"), "evaluate", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert set(scores) == {"documents", "accuracy", "macro_f1", "figure_recall", "per_status"}
    assert scores["documents"] == 4
    assert scores["accuracy"] == 0.75
    assert scores["figure_recall"] == 1.0
    assert scores["per_status"]["ems"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["per_status"]["sv_on_track"]["f1"] == 1.0
    # none: precision 1/2, recall 1 (F1 2/3); mean over the 4 statuses with support: (1 + 1 + 2/3 + 0) / 4
    assert scores["macro_f1"] == 0.6667


def test_evaluate_shows_a_table_and_each_miss_with_its_deciding_sentence(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "absent.yaml"), "evaluate", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "accuracy 0.750" in result.output
    assert "sv_on_track" in result.output and "support" in result.output
    assert "004.txt  Eastfield Borough Council: expected ems, got none" in result.output


def test_evaluate_names_the_problem_in_a_bad_corpus(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "labels.csv").write_text("file,council,status,amounts_gbp\n001.txt,Westshire County Council,bailed_out,\n")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "absent.yaml"), "evaluate", str(corpus)])
    assert result.exit_code != 0
    assert "line 2" in result.output and "bailed_out" in result.output


def add_stored_paper(config, path: Path) -> None:  # type: ignore[no-untyped-def]
    """A fetched paper of the config's one council, as the crawler stores it."""
    import hashlib

    from sqlalchemy import select

    from sendwatch.core.registry import sync_councils
    from sendwatch.core.storage import open_database
    from sendwatch.core.storage.models import Council, Document

    database = open_database(config.database_url)
    with database.session() as session:
        sync_councils(session, config)
        council = session.scalars(select(Council)).one()
        session.add(
            Document(
                council_id=council.id,
                url=f"https://example.org/{path.name}",
                kind="pdf",
                fetch_state="ok",
                sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                file_path=str(path),
            )
        )
    database.dispose()


def test_extract_runs_the_stage_and_reports_states(tmp_path: Path, write_config) -> None:  # type: ignore[no-untyped-def]
    path, config = write_config()
    add_stored_paper(
        config, build_report(tmp_path / "report.pdf", [["Kirklees has signed a safety valve agreement with the DfE."]])
    )

    result = CliRunner().invoke(cli, ["--config", str(path), "extract", "--council", "kirklees"])
    assert result.exit_code == 0, result.output
    assert "extracted 1 document(s): ok 1" in result.output

    again = CliRunner().invoke(cli, ["--config", str(path), "extract"])
    assert "extracted 0 document(s)" in again.output

    unknown = CliRunner().invoke(cli, ["--config", str(path), "extract", "--council", "atlantis"])
    assert unknown.exit_code != 0 and "atlantis" in unknown.output


def test_evaluate_can_score_the_naive_keyword_baseline_for_comparison(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "absent.yaml"), "evaluate", str(corpus), "--json", "--baseline"])
    assert result.exit_code == 0, result.output
    baseline = json.loads(result.output)
    # The keyword reader takes Kent's enhanced monitoring for Eastfield's: right by luck on the wrong label.
    assert baseline["per_status"]["ems"]["recall"] == 1.0
    assert baseline["documents"] == 4


def test_extract_reprocess_says_how_many_verdicts_a_new_reading_changed(tmp_path: Path, write_config) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from sqlalchemy import select

    from sendwatch.core.registry import sync_councils
    from sendwatch.core.storage import open_database
    from sendwatch.core.storage.models import Council, Document

    path, config = write_config()
    database = open_database(config.database_url)
    agreed = build_report(tmp_path / "agreed.pdf", [["Kirklees has signed a safety valve agreement with the DfE."]])
    quiet = build_report(tmp_path / "quiet.pdf", [["The Forum noted the admissions timetable."]])
    with database.session() as session:
        sync_councils(session, config)
        council = session.scalars(select(Council)).one()
        for name, pdf in (("agreed", agreed), ("quiet", quiet)):
            session.add(
                Document(
                    council_id=council.id,
                    url=f"https://example.org/{name}.pdf",
                    kind="pdf",
                    fetch_state="ok",
                    sha256=hashlib.sha256(pdf.read_bytes()).hexdigest(),
                    file_path=str(pdf),
                )
            )
    first = CliRunner().invoke(cli, ["--config", str(path), "extract"])
    assert "verdicts changed" not in first.output  # nothing had been read before

    with database.session() as session:  # as an older reader would have left it
        for document in session.scalars(select(Document)):
            document.verdict_status = "sv_negotiating" if document.url.endswith("agreed.pdf") else "none"
    database.dispose()

    again = CliRunner().invoke(cli, ["--config", str(path), "extract", "--reprocess"])
    assert again.exit_code == 0, again.output
    assert "verdicts changed: 1 of 2 re-read document(s) (sv_negotiating -> sv_agreed 1)" in again.output


def test_extract_says_when_scanned_pages_wait_for_ocr_and_why(tmp_path: Path, write_config) -> None:  # type: ignore[no-untyped-def]
    from sendwatch.demo.site import papers

    path, config = write_config({"extract": {"ocr": False}})
    scan = tmp_path / "letter.pdf"
    scan.write_bytes(papers.write("scanned_pdf", "Letter", ["Kirklees has signed a safety valve agreement with the DfE."]))
    add_stored_paper(config, scan)

    result = CliRunner().invoke(cli, ["--config", str(path), "extract"])
    assert result.exit_code == 0, result.output
    assert "extracted 1 document(s): needs_ocr 1" in result.output
    assert "waiting for OCR: 1 scanned page(s); OCR is switched off (extract.ocr: false)" in result.output
