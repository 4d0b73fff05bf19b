"""Council-style PDFs built with reportlab for the extractor tests.

Every sentence here is written for the tests, in the register of a schools forum report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table


def _ocr_missing() -> str | None:
    from extractors.ocr import unavailable_reason
    from extractors.paper_text import OcrSettings

    return unavailable_reason(OcrSettings())


# Tests that OCR real scans need Tesseract; they skip, saying why, where it is missing.
needs_tesseract = pytest.mark.skipif(
    _ocr_missing() is not None, reason=f"needs Tesseract: {_ocr_missing()} (.ci/run installs it)"
)

FILLER = (
    "The Forum noted the update on admissions for the coming academic year and the work of the "
    "inclusion team with mainstream schools. Members thanked officers for the clear report. "
)


def build_report(path: Path, pages: list[list[str]], *, encrypt_password: str | None = None) -> Path:
    """A multi-page report: each inner list is the paragraphs of one page."""
    styles = getSampleStyleSheet()
    story = []
    for number, paragraphs in enumerate(pages):
        if number:
            story.append(PageBreak())
        for paragraph in paragraphs:
            story.append(Paragraph(paragraph, styles["BodyText"]))
            story.append(Spacer(1, 0.3 * cm))
    kwargs = {}
    if encrypt_password is not None:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt_password, ownerPassword="owner-secret", canPrint=1)
    SimpleDocTemplate(str(path), pagesize=A4, **kwargs).build(story)
    return path


def build_table_report(path: Path, heading: str, rows: list[list[str]]) -> Path:
    """One page: a heading paragraph and a table whose first row holds the column titles."""
    styles = getSampleStyleSheet()
    story = [Paragraph(heading, styles["BodyText"]), Spacer(1, 0.4 * cm), Table(rows)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def build_image_only(path: Path, pages: int = 2) -> Path:
    """A 'scanned' paper: each page is a drawn image and carries no text layer."""
    import io
    import zlib

    from reportlab.lib.utils import ImageReader

    width, height = 60, 80
    raw = b"".join(b"\x00" + bytes([(x * y) % 256 for x in range(width)]) for y in range(height))
    png = _png(width, height, raw, zlib)
    sheet = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        sheet.drawImage(ImageReader(io.BytesIO(png)), 2 * cm, 10 * cm, width=15 * cm, height=18 * cm)
        sheet.showPage()
    sheet.save()
    return path


def _png(width: int, height: int, raw: bytes, zlib) -> bytes:  # type: ignore[no-untyped-def]
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def build_corrupt(path: Path) -> Path:
    """A file that starts like a PDF and then is not one (a truncated download)."""
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\x00\xff garbage " * 50)
    return path
