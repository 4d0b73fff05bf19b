"""The bytes of a demo paper in its format: PDF by default, or any format councils publish.

``DemoDocument.format`` picks the writer; ``DemoDocument.served_as`` overrides the
Content-Type the site declares (CMIS serves Word papers as ``application/octet-stream``).
Writers live beside this module (``pdf``, ``scan``, ``office``, ``word97``, ``excel97``); RTF, CSV and HTML
are small enough to write here.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from sendwatch.demo.site import excel97, office, scan, word97
from sendwatch.demo.site.pdf import render_pdf

if TYPE_CHECKING:
    from sendwatch.demo.site.spec import DemoDocument

Writer = Callable[[str, list[str]], bytes]


def rtf(title: str, pages: list[str]) -> bytes:
    """An RTF document: ``\\page`` between pages, table rows as ``\\cell``/``\\row``."""
    out = [
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}",
        "{\\info{\\title ",
        _rtf_text(title),
        "}}\\f0\\fs22\n",
    ]
    for number, page in enumerate(pages or [""]):
        if number:
            out.append("\\page\n")
        for block in office.blocks(page):
            if isinstance(block, list):
                for row in block:
                    edges = "".join(f"\\cellx{2400 * (column + 1)}" for column in range(len(row)))
                    out.append("\\trowd" + edges + " " + "".join(f"\\intbl {_rtf_text(cell)}\\cell " for cell in row) + "\\row\n")
            else:
                out.append(_rtf_text(block) + "\\par\n")
    out.append("}")
    return "".join(out).encode("ascii")


def _rtf_text(text: str) -> str:
    """RTF escapes: backslash and braces, and \\uN? for everything beyond ASCII."""
    escaped = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
    return "".join(
        char if ord(char) < 128 else f"\\u{ord(char) if ord(char) < 32768 else ord(char) - 65536}?" for char in escaped
    )


def unknown_binary(title: str, pages: list[str]) -> bytes:
    """A file of a format no reader knows (a desktop-publishing file, say): binary, no signature."""
    return b"\xe8\xac\x00\x2c" + "\n".join(pages).encode("utf-16-le") + bytes(range(256))


def csv_table(title: str, pages: list[str]) -> bytes:
    """A CSV table of the rows of every page (a heading line is a one-cell row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for page in pages:
        for line in page.split("\n"):
            if line.strip():
                writer.writerow([cell.strip() for cell in line.split(" | ")])
    return buffer.getvalue().encode("utf-8")


def html_page(title: str, pages: list[str]) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for page in pages for line in page.split("\n") if line.strip())
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>\n'
        f"<body>\n<h1>{html.escape(title)}</h1>\n{paragraphs}</body></html>\n"
    ).encode()


# format → (writer, the Content-Type a server declares for it)
FORMATS: dict[str, tuple[Writer, str]] = {
    "pdf": (render_pdf, "application/pdf"),
    "scanned_pdf": (scan.scanned_pdf, "application/pdf"),
    "png": (scan.scanned_png, "image/png"),
    "docx": (office.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": (office.odt, "application/vnd.oasis.opendocument.text"),
    "ods": (office.ods, "application/vnd.oasis.opendocument.spreadsheet"),
    "xlsx": (office.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "doc": (word97.doc, "application/msword"),
    "xls": (excel97.xls, "application/vnd.ms-excel"),
    "pptx": (office.pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "rtf": (rtf, "application/rtf"),
    "csv": (csv_table, "text/csv; charset=utf-8"),
    "html": (html_page, "text/html; charset=utf-8"),
    "bin": (unknown_binary, "application/octet-stream"),
}


def render_paper(document: DemoDocument) -> bytes:
    """The document's bytes in its format (the same document always gives the same bytes)."""
    return write(document.format, document.title, document.pages)


def write(fmt: str, title: str, pages: list[str]) -> bytes:
    """A paper in format ``fmt`` (see ``FORMATS``) holding ``pages``."""
    return FORMATS[fmt][0](title, pages)


def content_type(document: DemoDocument) -> str:
    """The Content-Type the site declares for the document."""
    return document.served_as or FORMATS[document.format][1]
