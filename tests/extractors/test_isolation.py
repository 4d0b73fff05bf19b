"""Text extraction runs in a child process, bounded in time and memory."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from extractors_support import build_corrupt, build_report

from extractors.isolation import IsolatedReader, extract_text_isolated


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes")
def test_a_document_that_never_finishes_is_timed_out(tmp_path: Path) -> None:
    # Opening a named pipe with no writer blocks forever: a reader that hangs, for real.
    stuck = tmp_path / "stuck.pdf"
    os.mkfifo(stuck)
    result = extract_text_isolated(stuck, "pdf", timeout_seconds=1.0)
    assert result.state == "timed_out"
    assert "longer than 1 s" in (result.error or "")


def test_a_document_needing_more_memory_than_the_bound_is_too_large(tmp_path: Path) -> None:
    page = tmp_path / "huge-minutes.html"
    with page.open("wb") as handle:  # 300 MB of page, sparse on disk: reading it needs the memory
        handle.write(b"<html><body><p>The Forum noted the report.</p>")
        handle.truncate(300 * 1024 * 1024)
    result = extract_text_isolated(page, "html", timeout_seconds=60, memory_mb=64)
    assert result.state == "too_large"
    assert "64 MB" in (result.error or "")


def test_a_readable_document_comes_back_page_by_page(tmp_path: Path) -> None:
    path = build_report(tmp_path / "report.pdf", [["Page one text of the report."], ["Page two: the DSG deficit is £5m."]])
    result = extract_text_isolated(path, "pdf", timeout_seconds=30)
    assert result.state == "ok"
    assert len(result.pages) == 2 and "£5m" in result.pages[1]
    assert result.char_count == sum(len(page) for page in result.pages)


def test_bad_files_come_back_as_states_not_exceptions(tmp_path: Path) -> None:
    assert extract_text_isolated(build_corrupt(tmp_path / "broken.pdf"), "pdf", timeout_seconds=30).state == "corrupt"
    assert extract_text_isolated(tmp_path / "missing.pdf", "pdf", timeout_seconds=30).state == "corrupt"
    binary = tmp_path / "spreadsheet.xlsx"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    assert extract_text_isolated(binary, "other", timeout_seconds=30).state == "unsupported"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes")
def test_one_reader_serves_document_after_document_and_recovers_from_every_failure(tmp_path: Path) -> None:
    good = build_report(tmp_path / "good.pdf", [["The DSG deficit is £5m."], ["Second page."]])
    stuck = tmp_path / "stuck.pdf"
    os.mkfifo(stuck)
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.write(b"<p>x</p>")
        handle.truncate(300 * 1024 * 1024)
    # The stuck read costs the whole timeout; the others (each after a fresh child, on a loaded machine) need headroom.
    with IsolatedReader(timeout_seconds=8.0, memory_mb=64) as reader:
        states = [
            reader.read(path, kind).state
            for path, kind in [
                (good, "pdf"),
                (stuck, "pdf"),
                (good, "pdf"),
                (huge, "html"),
                (good, "pdf"),
                (build_corrupt(tmp_path / "broken.pdf"), "pdf"),
                (good, "pdf"),
            ]
        ]
    assert states == ["ok", "timed_out", "ok", "too_large", "ok", "corrupt", "ok"]


def test_the_reader_is_replaced_after_a_number_of_documents(tmp_path: Path) -> None:
    good = build_report(tmp_path / "good.pdf", [["Page one."]])
    with IsolatedReader(timeout_seconds=30, recycle_after=2) as reader:
        children = set()
        for _ in range(5):
            assert reader.read(good, "pdf").state == "ok"
            children.add(reader.pid)
    assert len(children) == 3


def _one_paragraph_megabyte(path: Path) -> Path:
    """A paper of 1 MB in one paragraph: no full stop, no line break, dense with programme words."""
    sentence = (
        "the forecast outturn on the high needs block is an overspend of £2.1m which adds to the cumulative "
        "DSG deficit while the council remains on track against the conditions of its safety valve agreement "
    )
    path.write_text(
        "<html><body><p>" + (sentence * (1_000_000 // len(sentence) + 1))[:1_000_000] + "</p></body></html>", encoding="utf-8"
    )
    return path


def test_a_megabyte_in_one_paragraph_is_read_and_analysed_within_its_limit(tmp_path: Path) -> None:
    from extractors.isolation import Reading

    paper = _one_paragraph_megabyte(tmp_path / "run-on.html")
    with IsolatedReader(timeout_seconds=120) as reader:
        result = reader.read(paper, "html", reading=Reading(("Westshire County Council",)))
    assert result.state == "ok"
    assert result.analysis is not None and result.analysis.verdict != "none"


def test_the_analysis_is_bounded_by_the_readers_time_limit_too(tmp_path: Path) -> None:
    from extractors.isolation import Reading

    paper = _one_paragraph_megabyte(tmp_path / "run-on.html")
    # The limit is set from how long the text alone takes on this machine, as loaded as it is now:
    # reading a megabyte of programme talk for a council takes some twenty-five times as long.
    with IsolatedReader(timeout_seconds=60) as warm:
        started = time.monotonic()
        assert warm.read(paper, "html").state == "ok"
        text_seconds = time.monotonic() - started
    with IsolatedReader(timeout_seconds=max(1.0, 6 * text_seconds)) as reader:
        # Its text alone comes out in time; reading it for a council does not.
        assert reader.read(paper, "html").state == "ok"
        assert reader.read(paper, "html", reading=Reading(("Westshire County Council",))).state == "timed_out"
