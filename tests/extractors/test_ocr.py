"""Scanned pages are read by OCR (Tesseract) where it is installed, and kept for it where not."""

from __future__ import annotations

from pathlib import Path

import pytest
from extractors_support import build_report, needs_tesseract

from extractors import analyse_pages
from extractors.isolation import extract_text_isolated
from extractors.ocr import unavailable_reason
from extractors.paper_text import OcrSettings
from sendwatch.demo.site import scan

KEY = "The Department for Education has placed the council under enhanced monitoring and support."
SCANNED = ["Westshire County Council\nLetter from the Department for Education", f"Dear Director,\n{KEY}"]
OCR = OcrSettings()


def scanned_pdf(tmp_path: Path, pages: list[str] = SCANNED) -> Path:
    path = tmp_path / "scanned-letter.pdf"
    path.write_bytes(scan.scanned_pdf("Letter", pages))
    return path


def test_a_scan_has_no_text_layer_of_its_own(tmp_path: Path) -> None:
    result = extract_text_isolated(scanned_pdf(tmp_path), "pdf", timeout_seconds=60)
    assert result.state == "needs_ocr"
    assert result.sources == ["needs_ocr", "needs_ocr"] and result.pages == ["", ""]


@needs_tesseract
def test_a_scanned_pdf_is_read_by_ocr_page_by_page(tmp_path: Path) -> None:
    result = extract_text_isolated(scanned_pdf(tmp_path), "pdf", timeout_seconds=60, ocr=OCR)
    assert (result.state, result.sources, result.error) == ("ok", ["ocr", "ocr"], None)
    assert "Letter from the Department for Education" in result.pages[0]
    assert "enhanced monitoring and support" in " ".join(result.pages[1].split())
    analysis = analyse_pages(result.pages, ["Westshire County Council"])
    assert analysis.verdict == "ems" and analysis.deciding is not None and analysis.deciding.page == 2


@needs_tesseract
def test_only_the_scanned_pages_of_a_mixed_paper_are_read_by_ocr(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    report = build_report(tmp_path / "report.pdf", [["Report of the Director: the DSG deficit is forecast at £4.1m."]])
    mixed = pdfium.PdfDocument(str(report))
    mixed.import_pages(pdfium.PdfDocument(str(scanned_pdf(tmp_path, SCANNED[1:]))))
    path = tmp_path / "pack.pdf"
    mixed.save(str(path))
    result = extract_text_isolated(path, "pdf", timeout_seconds=60, ocr=OCR)
    assert (result.state, result.sources) == ("ok", ["text", "ocr"])
    assert "£4.1m" in result.pages[0] and "enhanced monitoring" in result.pages[1]


@needs_tesseract
def test_an_image_paper_is_read_by_ocr(tmp_path: Path) -> None:
    path = tmp_path / "letter.png"
    path.write_bytes(scan.scanned_png("Letter", SCANNED[1:]))
    result = extract_text_isolated(path, None, content_type="image/png", timeout_seconds=60, ocr=OCR)
    assert (result.state, result.format, result.sources) == ("ok", "image", ["ocr"])
    assert "enhanced monitoring" in result.pages[0]


def test_an_image_paper_waits_for_ocr_where_there_is_none(tmp_path: Path) -> None:
    path = tmp_path / "letter.png"
    path.write_bytes(scan.scanned_png("Letter", SCANNED[1:]))
    result = extract_text_isolated(path, None, timeout_seconds=60)
    assert (result.state, result.sources) == ("needs_ocr", ["needs_ocr"])


@needs_tesseract
def test_ocr_time_runs_out_page_by_page_and_the_rest_is_recorded(tmp_path: Path) -> None:
    result = extract_text_isolated(scanned_pdf(tmp_path), "pdf", timeout_seconds=60, ocr=OcrSettings(document_seconds=0.5))
    assert result.sources == ["ocr_failed", "ocr_failed"]
    assert result.state == "needs_ocr" and "OCR time of 0.5 s ran out" in (result.error or "")


def test_missing_tesseract_or_language_data_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    assert "switched off" in (unavailable_reason(None) or "")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "tesseract-not-installed-here")
    assert "Tesseract is not installed" in (unavailable_reason(OCR) or "")


@needs_tesseract
def test_a_language_without_data_is_named() -> None:
    assert "no language data for zzz" in (unavailable_reason(OcrSettings(languages="eng+zzz")) or "")


@needs_tesseract
def test_a_scan_stamped_with_a_text_header_and_page_number_is_still_read_by_ocr(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    (image,) = scan.page_images("Letter", SCANNED[1:])
    path = tmp_path / "appendix.pdf"
    sheet = canvas.Canvas(str(path), pagesize=A4)
    sheet.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    sheet.drawString(40, A4[1] - 20, "Schools Forum 14 January 2026 - Agenda Item 5 - Appendix B")
    sheet.drawString(A4[0] / 2, 20, "Page 23")
    sheet.showPage()
    sheet.save()
    result = extract_text_isolated(path, "pdf", timeout_seconds=60, ocr=OCR)
    assert (result.state, result.sources) == ("ok", ["ocr"])
    assert "enhanced monitoring and support" in " ".join(result.pages[0].split())


def test_a_text_page_with_a_logo_is_not_taken_for_a_scan(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    (logo,) = scan.page_images("Logo", ["WCC"], dpi=20)
    path = tmp_path / "cover.pdf"
    sheet = canvas.Canvas(str(path), pagesize=A4)
    sheet.drawImage(ImageReader(logo), 40, A4[1] - 120, width=80, height=100)
    sheet.drawString(40, A4[1] - 160, "Schools Forum: report of the Director of Children's Services")
    sheet.showPage()
    sheet.save()
    result = extract_text_isolated(path, "pdf", timeout_seconds=60, ocr=OCR)
    assert (result.state, result.sources) == ("ok", [])


@needs_tesseract
def test_each_frame_of_a_tiff_is_a_page_read_by_ocr(tmp_path: Path) -> None:
    import io

    first, second = scan.page_images("Letter", SCANNED)
    buffer = io.BytesIO()
    first.save(buffer, format="TIFF", save_all=True, append_images=[second], compression="tiff_deflate")
    path = tmp_path / "Document.ashx"
    path.write_bytes(buffer.getvalue())
    result = extract_text_isolated(path, "pdf", content_type="application/octet-stream", timeout_seconds=60, ocr=OCR)
    assert (result.state, result.format, result.sources) == ("ok", "image", ["ocr", "ocr"])
    assert "Department for Education" in result.pages[0] and "enhanced monitoring" in result.pages[1]


LONG_LETTER = (
    "Dear Director,\nThe Department for Education has placed the council under enhanced monitoring and support. "
    "The council is asked to submit a revised plan by the end of the month. Until the plan is agreed, the "
    "payments due under the agreement are paused, and officers of the Department will meet the council each week."
)


@needs_tesseract
@pytest.mark.parametrize("turned", [90, 180])
def test_a_page_scanned_sideways_or_upside_down_is_read_upright(tmp_path: Path, turned: int) -> None:
    page = scan.page_images("Letter", [LONG_LETTER])[0].convert("L").rotate(turned, expand=True)
    path = tmp_path / "turned.png"
    page.save(path)
    result = extract_text_isolated(path, None, content_type="image/png", timeout_seconds=120, ocr=OCR)
    assert (result.state, result.sources) == ("ok", ["ocr"])
    assert "enhanced monitoring and support" in " ".join(result.pages[0].split())
