"""PDF papers read page by page, with the right state for files that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest
from extractors_support import FILLER, build_corrupt, build_image_only, build_report, build_table_report

from extractors import analyse_pages
from extractors.text_pdf import pdfium_pages, pdfminer_pages, read_pdf

KEY_SENTENCE = "The council is not on track to meet condition 3 of its safety valve agreement with the DfE."
COUNCIL = ["Westshire County Council"]


@pytest.fixture
def multi_page_report(tmp_path: Path) -> Path:
    return build_report(
        tmp_path / "forum-pack.pdf",
        [
            ["Schools Forum, 14 January 2026. Agenda item 6: High Needs Block monitoring.", FILLER * 4],
            [FILLER * 5],
            [FILLER * 2, KEY_SENTENCE, "The in-year overspend on the high needs block is forecast at £3.8m for 2025/26."],
        ],
    )


@pytest.mark.parametrize("engine", ["pdfium", "pdfminer"])
def test_each_page_keeps_its_own_text(multi_page_report: Path, engine: str) -> None:
    result = read_pdf(multi_page_report, engine=engine)
    assert result.state == "ok"
    assert len(result.pages) == 3
    assert "Agenda item 6" in result.pages[0]
    assert "not on track" in result.pages[2] and "not on track" not in result.pages[1]


def test_the_key_sentence_on_a_later_page_is_cited_with_its_page(multi_page_report: Path) -> None:
    analysis = analyse_pages(read_pdf(multi_page_report).pages, COUNCIL)
    assert analysis.verdict == "sv_off_track"
    assert analysis.deciding is not None and analysis.deciding.page == 3
    assert analysis.deciding.quote == KEY_SENTENCE
    (figure,) = analysis.figures
    assert (figure.amount_gbp, figure.page, figure.label, figure.financial_year) == (3_800_000, 3, "in-year deficit", "2025/26")


def test_both_engines_give_the_same_words(multi_page_report: Path) -> None:
    fast = [" ".join(page.split()) for page in pdfium_pages(multi_page_report)]
    reference = [" ".join(page.split()) for page in pdfminer_pages(multi_page_report)]
    assert fast == reference


def test_a_table_of_figures_is_read_with_its_unit(tmp_path: Path) -> None:
    path = build_table_report(
        tmp_path / "dsg-table.pdf",
        "Table 1: Dedicated Schools Grant position (£m)",
        [["", "2024/25", "2025/26"], ["Cumulative deficit", "21.4", "26.9"], ["In-year deficit", "4.2", "5.5"]],
    )
    result = read_pdf(path)
    assert result.state == "ok"
    figures = analyse_pages(result.pages, COUNCIL).figures
    assert sorted(round(f.amount_gbp) for f in figures) == [4_200_000, 5_500_000, 21_400_000, 26_900_000]
    assert {round(f.amount_gbp): f.label for f in figures}[21_400_000] == "cumulative deficit"


def test_a_pdf_that_needs_a_password_is_encrypted(tmp_path: Path) -> None:
    path = build_report(tmp_path / "exempt.pdf", [["Exempt appendix: " + KEY_SENTENCE]], encrypt_password="s3cret")
    result = read_pdf(path)
    assert result.state == "encrypted"
    assert result.pages == []
    assert "password" in (result.error or "")


def test_a_pdf_encrypted_by_pikepdf_is_encrypted(tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    plain = build_report(tmp_path / "plain.pdf", [[KEY_SENTENCE]])
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="reader", owner="owner", R=6))
    assert read_pdf(locked).state == "encrypted"
    assert read_pdf(locked, engine="pdfminer").state == "encrypted"


def test_a_pdf_with_only_an_owner_password_opens(tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    plain = build_report(tmp_path / "plain.pdf", [[KEY_SENTENCE]])
    restricted = tmp_path / "restricted.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(restricted, encryption=pikepdf.Encryption(user="", owner="owner", R=6))
    result = read_pdf(restricted)
    assert result.state == "ok" and "not on track" in result.pages[0]


@pytest.mark.parametrize("engine", ["pdfium", "pdfminer"])
def test_a_broken_file_is_corrupt(tmp_path: Path, engine: str) -> None:
    result = read_pdf(build_corrupt(tmp_path / "truncated.pdf"), engine=engine)
    assert result.state == "corrupt"
    assert result.error


def test_a_scan_without_a_text_layer_needs_ocr(tmp_path: Path) -> None:
    result = read_pdf(build_image_only(tmp_path / "scan.pdf", pages=3))
    assert result.state == "needs_ocr"
    assert len(result.pages) == 3


def test_more_pages_than_the_bound_is_too_large(multi_page_report: Path) -> None:
    assert read_pdf(multi_page_report, max_pages=2).state == "too_large"
