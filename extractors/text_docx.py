"""Word papers (.docx, and macro-enabled .docm), read from their XML with lxml.

What comes out: the body's paragraphs in order, one block each; tables one row per line with
cells separated by `` | `` (as the HTML reader does); text boxes after the paragraph that
anchors them; footnotes at the end of the page that refers to them, endnotes at the end.
Deleted tracked changes, field codes, comments, headers and footers are left out.

Pages: Word records where each page began when it last laid the document out
(``w:lastRenderedPageBreak``), so a file saved by Word is split into the pages its author saw.
Explicit page breaks, "page break before" paragraphs and section breaks that start a new page
split it too; a file with none of these (one written by a program) is one page.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from extractors.package import attribute, has_part, localname, open_package, parse_part, relationship_targets
from extractors.paper_text import PAGE_BREAK, PageWriter, ReadError, ReadOptions, TextResult, split_pages

_SKIP_INLINE = frozenset(
    {
        "rPr",
        "pPr",
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "fldData",
        "Fallback",
        "commentReference",
        "annotationRef",
        "footnoteRef",
        "endnoteRef",
        "separator",
        "continuationSeparator",
        "sym",
        "softHyphen",
    }
)
_WRAPPERS = frozenset({"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo"})
_FALSE = ("0", "false", "off")


def read_docx(path: Path | str, options: ReadOptions) -> TextResult:
    """The text of a Word document, page by page (see the module docstring for pages)."""
    with open_package(path) as archive:
        main = relationship_targets(archive, "").get("officeDocument") or "word/document.xml"
        parts = relationship_targets(archive, main)
        notes = {
            kind: _notes(parse_part(archive, parts[kind]))
            for kind in ("footnotes", "endnotes")
            if kind in parts and has_part(archive, parts[kind])
        }
        root = parse_part(archive, main)
    body = next((child for child in root if localname(child) == "body"), None)
    if localname(root) != "document" or body is None:
        raise ReadError("corrupt", f"{main} is not a Word document body")
    writer = _Writer(notes.get("footnotes", {}), notes.get("endnotes", {}))
    writer.blocks(body)
    pages = split_pages(writer.text(with_endnotes=True))
    if len(pages) > options.max_pages:
        raise ReadError("too_large", f"{len(pages)} pages, more than the limit of {options.max_pages}")
    return TextResult("ok", pages, None, "lxml", format="docx")


class _Note(str):
    """A footnote's text, met where its reference stands in a paragraph."""


class _Writer(PageWriter):
    """Walks the body's blocks and writes text, page breaks and the current page's footnotes."""

    def __init__(self, footnotes: dict[str, str], endnotes: dict[str, str]):
        super().__init__()
        self.footnote_texts, self.endnote_texts = footnotes, endnotes

    def blocks(self, container: etree._Element) -> None:
        for child in container:
            name = localname(child)
            if name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name in _WRAPPERS:
                self.blocks(child)
            elif name == "AlternateContent":
                self.blocks(_choice(child))

    def paragraph(self, paragraph: etree._Element) -> None:
        properties = next((child for child in paragraph if localname(child) == "pPr"), None)
        if properties is not None and _flag(properties, "pageBreakBefore"):
            self.page_break()
        tokens: list[str] = []
        floating: list[etree._Element] = []
        self._inline(paragraph, tokens, floating)
        piece: list[str] = []
        for token in tokens:
            if isinstance(token, _Note):
                self.page_notes.append(token)
            elif token == PAGE_BREAK:
                self.block("".join(piece))
                piece = []
                self.page_break()
            else:
                piece.append(token)
        self.block("".join(piece))
        for box in floating:
            self.blocks(box)
        if properties is not None and _starts_new_page(properties):
            self.page_break()

    def table(self, table: etree._Element) -> None:
        for row in _children(table, "tr"):
            cells, breaks = [], False
            for cell in _children(row, "tc"):
                inner = _Writer(self.footnote_texts, self.endnote_texts)
                inner.blocks(cell)
                text, broke = self.cell_text(inner)
                cells.append(text)
                breaks = breaks or broke
            if breaks:  # a row Word laid out across a page boundary starts the new page
                self.page_break()
            self.row(cells)
        self.end_table()

    def _inline(self, element: etree._Element, tokens: list[str], floating: list[etree._Element]) -> None:
        for child in element:
            name = localname(child)
            if name in _SKIP_INLINE:
                continue
            if name == "t":
                tokens.append(child.text or "")
            elif name in ("tab", "ptab"):
                tokens.append("\t")
            elif name in ("br", "cr"):
                tokens.append(PAGE_BREAK if attribute(child, "type") == "page" else "\n")
            elif name == "lastRenderedPageBreak":
                tokens.append(PAGE_BREAK)
            elif name == "noBreakHyphen":
                tokens.append("-")
            elif name == "footnoteReference":
                note = self.footnote_texts.get(attribute(child, "id") or "")
                if note:
                    tokens.append(_Note(note))
            elif name == "endnoteReference":
                note = self.endnote_texts.get(attribute(child, "id") or "")
                if note:
                    self.endnotes.append(note)
            elif name in ("txbxContent", "p", "tbl"):
                floating.append(child)
            elif name == "AlternateContent":
                self._inline(_choice(child), tokens, floating)
            else:
                self._inline(child, tokens, floating)


def _notes(root: etree._Element) -> dict[str, str]:
    """Footnote or endnote id → its text (separators left out)."""
    notes = {}
    for note in root:
        if localname(note) not in ("footnote", "endnote") or attribute(note, "type") in (
            "separator",
            "continuationSeparator",
            "continuationNotice",
        ):
            continue
        writer = _Writer({}, {})
        writer.blocks(note)
        text = " ".join(writer.text().replace(PAGE_BREAK, " ").split())
        if text:
            notes[attribute(note, "id") or ""] = text
    return notes


def _children(element: etree._Element, name: str):
    """Children called ``name``, looking through content controls and custom XML wrappers."""
    for child in element:
        local = localname(child)
        if local == name:
            yield child
        elif local in _WRAPPERS:
            yield from _children(child, name)


def _choice(alternate: etree._Element) -> etree._Element:
    """The first choice of markup-compatibility content (its fallback repeats the same text)."""
    return next((child for child in alternate if localname(child) == "Choice"), etree.Element("empty"))


def _flag(properties: etree._Element, name: str) -> bool:
    element = next((child for child in properties if localname(child) == name), None)
    return element is not None and (attribute(element, "val") or "true").lower() not in _FALSE


def _starts_new_page(properties: etree._Element) -> bool:
    """A paragraph carrying section properties ends a section; the next starts a page unless continuous."""
    section = next((child for child in properties if localname(child) == "sectPr"), None)
    if section is None:
        return False
    kind = next((attribute(child, "val") for child in section if localname(child) == "type"), None)
    return kind not in ("continuous", "nextColumn")
