"""What every format reader gives back, and the small pieces of text layout they share.

A reader turns one stored paper into a ``TextResult``: a state (``sendwatch.core.vocabulary.
TEXT_STATES``), the text page by page, and per page where its text came from
(``sendwatch.core.vocabulary.PAGE_SOURCES``: the file's own text, OCR, or an image still waiting
for OCR). Readers that meet a file they cannot read raise ``ReadError`` with the state to
record; nothing else escapes them.

Pages: readers that find page boundaries in a format with no fixed layout (Word, OpenDocument,
RTF) write ``PAGE_BREAK`` between pages and call ``split_pages``, which drops the empty pages
that two adjacent breaks (an explicit break next to the one the word processor recorded)
would otherwise make.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PAGE_BREAK = "\x0c"
# A table row is one line, its cells separated like the HTML reader's (``a | b | c``), so the
# sentence splitter keeps a row together and figures keep their labels.
CELL_SEPARATOR = " | "


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read: Tesseract's languages, the resolution, and time bounds."""

    languages: str = "eng"
    dpi: int = 300
    page_seconds: float = 60.0
    document_seconds: float = 600.0


@dataclass(frozen=True)
class ReadOptions:
    """Bounds and engines for reading one document; ``ocr`` is None where OCR is unavailable.

    ``before_ocr`` is told how many pages are about to be read by OCR: the bounded reader uses
    it to give the document its OCR time on top of the time any document gets.
    """

    engine: str = "pdfium"
    max_pages: int = 2000
    ocr: OcrSettings | None = None
    before_ocr: Callable[[int], None] | None = field(default=None, compare=False)

    def starting_ocr(self, pages: int) -> None:
        if self.before_ocr is not None:
            self.before_ocr(pages)


@dataclass(frozen=True)
class Reading:
    """Whose paper it is, so the bounded reader can also say what it states about that council:
    the council's names and context known from elsewhere (``{"sv"}`` from a title)."""

    names: tuple[str, ...]
    context: frozenset[str] = frozenset()


@dataclass
class TextResult:
    """A document's text, page by page, and the state of the extraction.

    ``sources`` has one entry per page (empty means every page is the file's own text);
    ``format`` is the kind the reader took the file to be (``sendwatch.core.formats``).
    """

    state: str
    pages: list[str] = field(default_factory=list)
    error: str | None = None
    engine: str | None = None
    sources: list[str] = field(default_factory=list)
    format: str | None = None
    # What the paper says about its council (``extractors.analyse.Analysis``), when the bounded
    # reader was asked to read it for a council (``Reading``): analysis runs under the same limits.
    analysis: object | None = None

    @property
    def char_count(self) -> int:
        return sum(len(page) for page in self.pages)

    def source(self, index: int) -> str:
        """Where page ``index`` (0-based) got its text."""
        return self.sources[index] if index < len(self.sources) else "text"

    def pages_from(self, source: str) -> int:
        """How many pages got their text from ``source`` (``ocr``, ``needs_ocr``, ...)."""
        return sum(1 for index in range(len(self.pages)) if self.source(index) == source)


class ReadError(Exception):
    """A document could not be read; ``state`` says why (corrupt, encrypted, too_large, unsupported)."""

    def __init__(self, state: str, message: str):
        super().__init__(message)
        self.state = state


class PageWriter:
    """Text written block by block, with page breaks, and the notes that belong at each page's foot.

    The word-processor readers (``text_docx``, ``text_odf``) walk their XML and write through
    this: footnotes are printed at the end of the page that refers to them, endnotes at the end.
    """

    def __init__(self) -> None:
        self.out: list[str] = []
        self.page_notes: list[str] = []
        self.endnotes: list[str] = []

    def text(self, with_endnotes: bool = False) -> str:
        """Everything written so far (with ``PAGE_BREAK`` between pages)."""
        self._flush_notes()
        if with_endnotes and self.endnotes:
            self.block("\n\n".join(self.endnotes))
        return "".join(self.out)

    def page_break(self) -> None:
        self._flush_notes()
        self.out.append(PAGE_BREAK)

    def block(self, text: str) -> None:
        """A paragraph of its own (nothing if it holds no words)."""
        if text.strip():
            self.out.append("\n\n" + text + "\n\n")

    def row(self, cells: Iterable[str]) -> None:
        line = table_row(cells)
        if line:
            self.out.append(line + "\n")

    def end_table(self) -> None:
        self.out.append("\n")

    def cell_text(self, cell: PageWriter) -> tuple[str, bool]:
        """A table cell written by its own writer: its text on one line, and whether a page broke in it.

        Its notes join this writer's: they print at the foot of the page the row is on.
        """
        text = cell.text()
        self.page_notes.extend(cell.page_notes)
        self.endnotes.extend(cell.endnotes)
        return text.replace(PAGE_BREAK, " "), PAGE_BREAK in text

    def _flush_notes(self) -> None:
        if self.page_notes:
            notes, self.page_notes = self.page_notes, []
            self.block("\n\n".join(notes))


def split_pages(text: str) -> list[str]:
    """Pages of a text with ``PAGE_BREAK`` between them; never an empty page between two breaks."""
    pages = [tidy(page) for page in text.split(PAGE_BREAK)]
    kept = [page for page in pages if page]
    return kept or [""]


def table_row(cells: Iterable[str]) -> str:
    """One line for one table row; empty cells at the end are dropped, inner ones kept."""
    values = [" ".join(cell.split()) for cell in cells]
    while values and not values[-1]:
        values.pop()
    return CELL_SEPARATOR.join(values)


def tidy(text: str) -> str:
    """One space between words, at most one blank line between blocks, no stray control bytes."""
    text = re.sub(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]", "", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
