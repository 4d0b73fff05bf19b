"""A demo paper's bytes in the format it is published in: PDF, HTML, Word, OpenDocument, RTF, CSV, Excel.

Councils publish most papers as PDF, but Word reports, HTML pages, spreadsheets and the odd
RTF turn up among them (and CMIS ``Document.ashx`` serves whichever was uploaded). The office
formats are written here by hand, as small but valid files (the parts those formats require,
nothing more), so the demo needs no office library; the same input always gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from html import escape
from xml.sax.saxutils import escape as xml_escape

from sendwatch.demo_site.pdf import render_pdf

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def render_document(title: str, pages: list[str], format: str) -> bytes:  # noqa: A002 - the format's name
    """The paper's bytes in ``format`` (one of ``FORMATS``)."""
    renderers = {"pdf": render_pdf, "html": _html, "docx": _docx, "odt": _odt, "rtf": _rtf, "csv": _csv, "xlsx": _xlsx}
    if format not in renderers:
        raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
    return renderers[format](title, pages)


def _lines(pages: list[str]) -> list[list[str]]:
    return [[line for line in page.split("\n")] for page in pages or [""]]


def _html(title: str, pages: list[str]) -> bytes:
    sections = "\n".join(
        "<section>\n" + "\n".join(f"<p>{escape(line)}</p>" for line in lines if line.strip()) + "\n</section>"
        for lines in _lines(pages)
    )
    return (f'<!DOCTYPE html>\n<html lang="en-GB">\n<head><meta charset="utf-8"><title>{escape(title)}</title></head>\n'
            f"<body>\n<h1>{escape(title)}</h1>\n{sections}\n</body>\n</html>\n").encode("utf-8")


def _zip(parts: list[tuple[str, str]], stored_first: bool = False) -> bytes:
    """A zip of text parts in order, with fixed timestamps (the first stored uncompressed if asked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, (name, text) in enumerate(parts):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _office_package(main: str, main_type: str, parts: list[tuple[str, str, str]]) -> bytes:
    """An Office Open XML package: content types, the package's relationship to ``main``, and the parts.

    ``parts`` are ``(name, content type or "", xml)``; the first is the main part.
    """
    overrides = "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind, _ in parts if kind)
    types = (f'{_XML}<Types xmlns="{_PACKAGE}/content-types">'
             f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')
    relationships = (f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
                     f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/{main_type}" Target="{main}"/></Relationships>')
    return _zip([("[Content_Types].xml", types), ("_rels/.rels", relationships), *((name, xml) for name, _, xml in parts)])


def _docx(title: str, pages: list[str]) -> bytes:
    body = []
    for number, lines in enumerate(_lines(pages)):
        if number:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        body += [f'<w:p><w:r><w:t xml:space="preserve">{xml_escape(line)}</w:t></w:r></w:p>' for line in lines]
    document = (f'{_XML}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                + "".join(body) + "</w:body></w:document>")
    return _office_package("word/document.xml", "officeDocument", [
        ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", document)])


def _odt(title: str, pages: list[str]) -> bytes:
    paragraphs = "".join(f"<text:p>{xml_escape(line)}</text:p>" for lines in _lines(pages) for line in lines)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{paragraphs}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    return _zip([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", content),
                 ("META-INF/manifest.xml", manifest)], stored_first=True)


def _rtf_text(line: str) -> str:
    out = []
    for char in line:
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) > 127:
            out.append(f"\\u{ord(char) if ord(char) < 32768 else ord(char) - 65536}?")
        else:
            out.append(char)
    return "".join(out)


def _rtf(title: str, pages: list[str]) -> bytes:
    pages_rtf = "\\page\n".join("".join(f"{_rtf_text(line)}\\par\n" for line in lines) for lines in _lines(pages))
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\n{\\info{\\title " + _rtf_text(title) + "}}\n\\f0\\fs22\n"
            + pages_rtf + "}\n").encode("ascii")


def _csv(title: str, pages: list[str]) -> bytes:
    """A two-column table: the line's number and its text (the title as the header)."""
    rows = [line for lines in _lines(pages) for line in lines if line.strip()]
    quoted = [f'{number},"' + row.replace('"', '""') + '"' for number, row in enumerate(rows, start=1)]
    return ("\r\n".join(['Line,"' + title.replace('"', '""') + '"', *quoted]) + "\r\n").encode("utf-8")


def _xlsx(title: str, pages: list[str]) -> bytes:
    rows = [line for lines in _lines(pages) for line in lines if line.strip()]
    cells = "".join(
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{xml_escape(text)}</t></is></c></row>'
        for number, text in enumerate([title, *rows], start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    workbook = (f'{_XML}<workbook xmlns="{main}" xmlns:r="{_RELATIONSHIP}">'
                '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    workbook_rels = (f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
                     f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    sheet = f'{_XML}<worksheet xmlns="{main}"><sheetData>{cells}</sheetData></worksheet>'
    return _office_package("xl/workbook.xml", "officeDocument", [
        ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", workbook),
        ("xl/_rels/workbook.xml.rels", "", workbook_rels),
        ("xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml", sheet),
    ])
