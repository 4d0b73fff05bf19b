"""Render a demo document's page texts as a real, small PDF (reportlab)."""

from __future__ import annotations

import io
import textwrap

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

_LINE_WIDTH = 90
_LINES_PER_PAGE = 60


def render_pdf(title: str, pages: list[str]) -> bytes:
    """A PDF with one page per text; the same input always gives the same bytes."""
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    document.setTitle(title)
    for page_text in pages or [""]:
        text = document.beginText(50, 800)
        text.setFont("Helvetica", 10)
        lines: list[str] = []
        for paragraph in page_text.split("\n"):
            lines.extend(textwrap.wrap(paragraph, _LINE_WIDTH) or [""])
        for line in lines[:_LINES_PER_PAGE]:
            text.textLine(line)
        document.drawText(text)
        document.showPage()
    document.save()
    return buffer.getvalue()
