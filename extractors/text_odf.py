"""OpenDocument papers: text (.odt) and spreadsheets (.ods), read from content.xml with lxml.

Text documents come out like Word ones (``text_docx``): paragraphs and headings one block each,
lists item by item, tables one row per line with `` | `` between cells, text frames after their
anchor, footnotes at the end of their page. Tables of contents and tracked deletions are left
out. Pages: LibreOffice records its layout's page starts (``text:soft-page-break``), and
paragraph styles may force a break (``fo:break-before``/``after="page"``, a new master page);
a file with neither is one page.

Spreadsheets: one page per sheet, headed by the sheet's name, one line per row; cells give the
text the sheet displays (``text:p``), so figures keep their formatting ("£21.4m").
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from extractors.package import has_part, localname, open_package, parse_part
from extractors.paper_text import PAGE_BREAK, PageWriter, ReadError, ReadOptions, TextResult, split_pages, table_row

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"

# Repeated cells and rows are how ODF says "the rest of the sheet is empty"; real content repeats rarely.
MAX_REPEAT = 100
MAX_SHEET_ROWS = 100_000

_SKIP_BLOCKS = frozenset(
    {
        "tracked-changes",
        "table-of-content",
        "alphabetical-index",
        "illustration-index",
        "object-index",
        "user-index",
        "bibliography",
        "table-index",
        "sequence-decls",
        "variable-decls",
        "user-field-decls",
        "forms",
    }
)
_SKIP_INLINE = frozenset({"note-citation", "annotation", "annotation-end", "tracked-changes", "bookmark", "change"})


def read_odt(path: Path | str, options: ReadOptions) -> TextResult:
    """The text of an OpenDocument text document, page by page."""
    content, styles = _load(path)
    body = _office_body(content, "text")
    writer = _Writer(_page_break_styles(content, styles))
    writer.blocks(body)
    pages = split_pages(writer.text(with_endnotes=True))
    if len(pages) > options.max_pages:
        raise ReadError("too_large", f"{len(pages)} pages, more than the limit of {options.max_pages}")
    return TextResult("ok", pages, None, "lxml", format="odt")


def read_ods(path: Path | str, options: ReadOptions) -> TextResult:
    """The cells of an OpenDocument spreadsheet, one page per sheet."""
    content, _ = _load(path, with_styles=False)
    body = _office_body(content, "spreadsheet")
    pages: list[str] = []
    for sheet in body.iterchildren(f"{{{TABLE}}}table"):
        lines = [sheet.get(f"{{{TABLE}}}name") or f"Sheet {len(pages) + 1}"]
        lines.extend(row for row in _rows(sheet) if row)
        pages.append("\n".join(lines[: MAX_SHEET_ROWS + 1]))
    if len(pages) > options.max_pages:
        raise ReadError("too_large", f"{len(pages)} sheets, more than the limit of {options.max_pages}")
    return TextResult("ok", pages or [""], None, "lxml", format="ods")


def _load(path: Path | str, with_styles: bool = True) -> tuple[etree._Element, etree._Element | None]:
    with open_package(path) as archive:
        content = parse_part(archive, "content.xml")
        styles = parse_part(archive, "styles.xml") if with_styles and has_part(archive, "styles.xml") else None
    return content, styles


def _office_body(content: etree._Element, kind: str) -> etree._Element:
    body = content.find(f"{{{OFFICE}}}body/{{{OFFICE}}}{kind}")
    if body is None:
        raise ReadError("corrupt", f"content.xml has no office:{kind} body")
    return body


def _page_break_styles(*roots: etree._Element | None) -> dict[str, tuple[bool, bool]]:
    """Paragraph style name → (break before, break after), following parent styles."""
    declared: dict[str, tuple[str | None, bool, bool]] = {}
    for root in roots:
        if root is None:
            continue
        for style in root.iter(f"{{{STYLE}}}style"):
            if style.get(f"{{{STYLE}}}family") != "paragraph":
                continue
            properties = style.find(f"{{{STYLE}}}paragraph-properties")
            before = bool(style.get(f"{{{STYLE}}}master-page-name"))
            after = False
            if properties is not None:
                before = before or properties.get(f"{{{FO}}}break-before") == "page"
                after = properties.get(f"{{{FO}}}break-after") == "page"
            declared[style.get(f"{{{STYLE}}}name") or ""] = (style.get(f"{{{STYLE}}}parent-style-name"), before, after)
    resolved = {}
    for name in declared:
        before = after = False
        current, seen = name, set()
        while current in declared and current not in seen:
            seen.add(current)
            parent, own_before, own_after = declared[current]
            before, after = before or own_before, after or own_after
            current = parent or ""
        resolved[name] = (before, after)
    return resolved


class _Writer(PageWriter):
    """Walks a text body's blocks; mixed content (text and element tails) is read in order."""

    def __init__(self, breaks: dict[str, tuple[bool, bool]]):
        super().__init__()
        self.breaks = breaks

    def blocks(self, container: etree._Element) -> None:
        for child in container:
            name = localname(child)
            if name in _SKIP_BLOCKS:
                continue
            if name in ("p", "h"):
                self.paragraph(child)
            elif name == "soft-page-break":
                self.page_break()
            elif name == "table":
                self.table(child)
            elif name in ("list", "list-item", "list-header", "section", "text-box", "frame", "numbered-paragraph", "index-body"):
                self.blocks(child)

    def paragraph(self, paragraph: etree._Element) -> None:
        before, after = self.breaks.get(paragraph.get(f"{{{TEXT}}}style-name") or "", (False, False))
        if before:
            self.page_break()
        tokens: list[str] = []
        floating: list[etree._Element] = []
        self._inline(paragraph, tokens, floating)
        for index, piece in enumerate("".join(tokens).split(PAGE_BREAK)):
            if index:
                self.page_break()
            self.block(piece)
        for frame in floating:
            self.blocks(frame)
        if after:
            self.page_break()

    def table(self, table: etree._Element) -> None:
        for row in _table_rows(table):
            cells = []
            for cell in _cells(row):
                inner = _Writer(self.breaks)
                inner.blocks(cell)
                text, broke = self.cell_text(inner)
                if broke:
                    self.page_break()
                cells.append(text)
            if not table_row(cells) and row.find(f"{{{TEXT}}}soft-page-break") is not None:
                self.page_break()
            self.row(cells)
        self.end_table()

    def _inline(self, element: etree._Element, tokens: list[str], floating: list[etree._Element]) -> None:
        if element.text:
            tokens.append(element.text)
        for child in element:
            name = localname(child)
            if name == "s":
                tokens.append(" " * min(int(child.get(f"{{{TEXT}}}c") or 1), 100))
            elif name == "tab":
                tokens.append("\t")
            elif name == "line-break":
                tokens.append("\n")
            elif name == "soft-page-break":
                tokens.append(PAGE_BREAK)
            elif name == "note":
                self._note(child)
            elif name in ("frame", "text-box"):
                floating.append(child)
            elif name not in _SKIP_INLINE and isinstance(child.tag, str):
                self._inline(child, tokens, floating)
            if child.tail:
                tokens.append(child.tail)

    def _note(self, note: etree._Element) -> None:
        body = note.find(f"{{{TEXT}}}note-body")
        if body is None:
            return
        inner = _Writer(self.breaks)
        inner.blocks(body)
        text = " ".join(inner.text().replace(PAGE_BREAK, " ").split())
        if text:
            (self.endnotes if note.get(f"{{{TEXT}}}note-class") == "endnote" else self.page_notes).append(text)


def _table_rows(table: etree._Element):
    """A table's rows, through header-row, row and row-group wrappers."""
    for child in table:
        name = localname(child)
        if name == "table-row":
            yield child
        elif name in ("table-header-rows", "table-rows", "table-row-group"):
            yield from _table_rows(child)


def _cells(row: etree._Element) -> list[etree._Element]:
    return [child for child in row if localname(child) in ("table-cell", "covered-table-cell")]


def _rows(sheet: etree._Element):
    """A sheet's rows as lines, expanding repeated cells and rows within reason."""
    for row in _table_rows(sheet):
        values: list[str] = []
        for cell in _cells(row):
            text = _cell_text(cell)
            repeat = int(cell.get(f"{{{TABLE}}}number-columns-repeated") or 1)
            values.extend([text] * min(repeat, MAX_REPEAT))
        line = table_row(values)
        if not line:
            continue
        for _ in range(min(int(row.get(f"{{{TABLE}}}number-rows-repeated") or 1), MAX_REPEAT)):
            yield line


def _cell_text(cell: etree._Element) -> str:
    """What the cell displays: its paragraphs, else its stored value."""
    paragraphs = []
    for paragraph in cell.iter(f"{{{TEXT}}}p"):
        tokens: list[str] = []
        _Writer({})._inline(paragraph, tokens, [])
        paragraphs.append("".join(tokens).replace(PAGE_BREAK, " "))
    text = " ".join(part for part in paragraphs if part.strip())
    if text:
        return text
    for name in ("value", "date-value", "time-value", "boolean-value", "string-value"):
        value = cell.get(f"{{{OFFICE}}}{name}")
        if value:
            return value
    return ""
