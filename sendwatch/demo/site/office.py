"""Word (.docx), OpenDocument (.odt, .ods) and Excel (.xlsx) papers for the demo site, written
as the office programs write them (the same parts, namespaces and page-break records), so the
readers meet the real shapes.

Input is a paper's page texts: one paragraph per line, and lines holding `` | `` are the rows
of a table (consecutive rows make one table). Spreadsheets take each page as a sheet: its first
line names the sheet, the other lines are rows. The same input always gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

_EPOCH = (2026, 1, 1, 0, 0, 0)  # fixed member dates: the same input gives the same bytes
_CELL = " | "

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def blocks(page: str) -> list[str | list[list[str]]]:
    """A page's paragraphs and tables: a string per paragraph, a list of rows per table."""
    out: list[str | list[list[str]]] = []
    for line in page.split("\n"):
        if _CELL in line:
            row = [cell.strip() for cell in line.split(_CELL)]
            if out and isinstance(out[-1], list):
                out[-1].append(row)
            else:
                out.append([row])
        else:
            out.append(line)
    return out


# --------------------------------------------------------------------------- Word .docx


def docx(title: str, pages: list[str]) -> bytes:
    """A Word document: explicit page breaks between pages, and Word's own record of where each
    page began (``w:lastRenderedPageBreak``) on the first run of the next."""
    body = []
    for number, page in enumerate(pages or [""]):
        first_run = "<w:lastRenderedPageBreak/>" if number else ""
        if number:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        for block in blocks(page):
            if isinstance(block, list):
                body.append(_docx_table(block))
            else:
                body.append(f'<w:p><w:r>{first_run}<w:t xml:space="preserve">{escape(block)}</w:t></w:r></w:p>')
            first_run = ""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{"".join(body)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="word/document.xml"/>'
        f'<Relationship Id="rId2" Type="{CORE_PROPERTIES}" Target="docProps/core.xml"/>'
        "</Relationships>"
    )
    return _zip(
        [
            ("[Content_Types].xml", types),
            ("_rels/.rels", rels),
            ("docProps/core.xml", _core(title)),
            ("word/document.xml", document),
        ]
    )


def _docx_table(rows: list[list[str]]) -> str:
    cells = "".join(
        "<w:tr>"
        + "".join(f'<w:tc><w:p><w:r><w:t xml:space="preserve">{escape(cell)}</w:t></w:r></w:p></w:tc>' for cell in row)
        + "</w:tr>"
        for row in rows
    )
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>{cells}</w:tbl>'


def _core(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title></cp:coreProperties>"
    )


# --------------------------------------------------------------------------- OpenDocument

_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def odt(title: str, pages: list[str]) -> bytes:
    """An OpenDocument text: each later page starts with a paragraph whose style breaks the page."""
    body = []
    for number, page in enumerate(pages or [""]):
        style = ' text:style-name="P1"' if number else ""
        for block in blocks(page):
            if isinstance(block, list):
                if style:
                    body.append(f"<text:p{style}/>")
                body.append(_odf_table(block, "Table", columns=max(len(row) for row in block)))
            else:
                body.append(f"<text:p{style}>{_odf_text(block)}</text:p>")
            style = ""
    styles = (
        '<office:automatic-styles><style:style style:name="P1" style:family="paragraph">'
        '<style:paragraph-properties fo:break-before="page"/></style:style></office:automatic-styles>'
    )
    content = _odf_content(styles, f"<office:text>{''.join(body)}</office:text>")
    return _odf_package("application/vnd.oasis.opendocument.text", title, content)


def ods(title: str, pages: list[str]) -> bytes:
    """An OpenDocument spreadsheet: one sheet per page, named by its first line."""
    sheets = []
    for number, page in enumerate(pages or [""]):
        name, rows = sheet_rows(page, number)
        sheets.append(_odf_table(rows, name, columns=max((len(row) for row in rows), default=1)))
    content = _odf_content("", f"<office:spreadsheet>{''.join(sheets)}</office:spreadsheet>")
    return _odf_package("application/vnd.oasis.opendocument.spreadsheet", title, content)


def _odf_table(rows: list[list[str]], name: str, columns: int) -> str:
    out = [
        f'<table:table table:name="{escape(name, {chr(34): "&quot;"})}">'
        f'<table:table-column table:number-columns-repeated="{columns}"/>'
    ]
    for row in rows:
        cells = []
        for cell in row:
            number = number_or_none(cell)
            value = f' office:value-type="float" office:value="{number}"' if number is not None else ' office:value-type="string"'
            cells.append(f"<table:table-cell{value}><text:p>{_odf_text(cell)}</text:p></table:table-cell>")
        out.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    # Sheets end with a run of empty rows and cells, written as repeats, as office programs do.
    out.append(
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>'
    )
    return "".join(out)


def _odf_text(text: str) -> str:
    """Text with runs of spaces as ``text:s`` (ODF collapses plain spaces like HTML)."""
    return re.sub(r"  +", lambda match: f' <text:s text:c="{len(match.group()) - 1}"/>', escape(text))


def _odf_content(automatic_styles: str, body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODF_NS} office:version="1.3">'
        f"{automatic_styles}<office:body>{body}</office:body></office:document-content>"
    )


def _odf_package(mimetype: str, title: str, content: str) -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_ODF_NS} office:version="1.3">'
        f"<office:meta><dc:title>{escape(title)}</dc:title></office:meta></office:document-meta>"
    )
    # The mimetype entry comes first and uncompressed: that is how readers recognise the format.
    return _zip(
        [("mimetype", mimetype), ("META-INF/manifest.xml", manifest), ("content.xml", content), ("meta.xml", meta)],
        stored_first=True,
    )


# --------------------------------------------------------------------------- Excel .xlsx

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(title: str, pages: list[str]) -> bytes:
    """An Excel workbook: one sheet per page, text in the shared strings, numbers as numbers."""
    strings: list[str] = []
    index: dict[str, int] = {}
    sheets = []
    names = []
    for number, page in enumerate(pages or [""]):
        name, rows = sheet_rows(page, number)
        names.append(name)
        xml_rows = []
        for row_number, row in enumerate(rows, start=1):
            cells = []
            for column, cell in enumerate(row):
                reference = f"{_column_letters(column)}{row_number}"
                value = number_or_none(cell)
                if value is not None:
                    cells.append(f'<c r="{reference}"><v>{value}</v></c>')
                elif cell:
                    position = index.setdefault(cell, len(strings))
                    if position == len(strings):
                        strings.append(cell)
                    cells.append(f'<c r="{reference}" t="s"><v>{position}</v></c>')
            xml_rows.append(f'<row r="{row_number}">{"".join(cells)}</row>')
        sheets.append(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{S}">'
            f"<sheetData>{''.join(xml_rows)}</sheetData></worksheet>"
        )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{S}" xmlns:r="{R}"><sheets>'
        + "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(names, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELS}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{R}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="{R}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    shared = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{S}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
        + "</sst>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        + '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    )
    rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{CORE_PROPERTIES}" Target="docProps/core.xml"/></Relationships>'
    )
    parts = [
        ("[Content_Types].xml", types),
        ("_rels/.rels", rels),
        ("docProps/core.xml", _core(title)),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/sharedStrings.xml", shared),
    ]
    parts += [(f"xl/worksheets/sheet{n}.xml", sheet) for n, sheet in enumerate(sheets, start=1)]
    return _zip(parts)


# --------------------------------------------------------------------------- PowerPoint .pptx


def pptx(title: str, pages: list[str]) -> bytes:
    """A presentation (sendwatch does not read these): enough of a package to be recognised."""
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/ppt/presentation.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
    )
    presentation = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'
    )
    return _zip([("[Content_Types].xml", types), ("docProps/core.xml", _core(title)), ("ppt/presentation.xml", presentation)])


def sheet_rows(page: str, number: int) -> tuple[str, list[list[str]]]:
    """A page as a sheet: its name (the first line) and its rows."""
    lines = [line for line in page.split("\n") if line.strip()]
    name = re.sub(r"[\[\]:*?/\\]", "", lines[0])[:31].strip() if lines else ""
    return name or f"Sheet{number + 1}", [[cell.strip() for cell in line.split(_CELL)] for line in lines[1:]]


def number_or_none(text: str) -> str | None:
    """The cell as a number if it is one ("21.4", "-3"), else None (text stays text)."""
    return text if re.fullmatch(r"-?\d+(?:\.\d+)?", text.strip()) else None


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _zip(parts: list[tuple[str, str]], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for position, (name, text) in enumerate(parts):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_STORED if stored_first and position == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
