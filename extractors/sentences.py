"""Page text into sentences that keep their page number.

Text arrives from PDFs (lines wrapped mid-sentence, words hyphenated across lines, bullets,
headings without full stops, tables flattened into lines of numbers) and from HTML (one line per
block). This module rebuilds the sentences a reader would see: wrapped lines are joined, each
bullet, heading and table row stands alone, and full stops after abbreviations ("Cllr.",
"para.", "e.g.", "No.") do not end a sentence.

Only paragraphs that could matter are split (see ``split_pages(..., keep=...)``): real packs run
to hundreds of pages of which a few paragraphs concern the high needs block.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from extractors.amounts import parse_amounts, table_unit_of
from extractors.records import rebuilt_by_constructor


@dataclass(frozen=True)
class Sentence:
    """A sentence (or bullet, heading or table row) and the page it is printed on."""

    text: str
    page: int
    index: int  # position in the document, for "which came later" questions
    table_unit: float | None = None  # set on table rows under a "£m"/"£000" heading
    table_years: tuple[str, ...] = ()  # the financial years heading the table's columns, if any

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:  # so that it pickles compiled too
        return rebuilt_by_constructor(self)


_BULLET = re.compile(
    r"^\s*(?:[•·●▪◦‣■□➢►\-–—*]|\(?[a-z]{1,2}\)|\(?[ivx]{1,4}\)|\(?\d{1,2}(?:\.\d{1,2})*[.)]|\d{1,2}(?:\.\d{1,2})+|[QA]\.|[QA]:)\s+(?=\S)",
    re.I,
)
_TABLE_ROW = re.compile(r"\S(?: {3,}|\t| \| )\S")
# A sentence ends at a full stop and a space before a capital, or (text pasted from web pages)
# at "services.The": a full stop between a lower-case word and a capitalised one.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?:\s+|(?<=[a-z][.!?])(?=[A-Z][a-z]))(?=[\"'“‘(\[]?[A-Z0-9£•])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr cllr prof no nos para paras e.g i.e etc approx c ca vs v st fig figs ref inc ltd co dept govt "
    "jan feb mar apr jun jul aug sep sept oct nov dec p pp cf al ed est max min sec cl app apps rev".split()
)
_HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-z])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")
_MAX_SENTENCE = 1500
# What ``_SPACES`` would change: two spaces, or a space that is not a plain one.
_SPACING_TO_MEND = re.compile(r"  |[\t\u00a0\u2000-\u200b\u202f]")


def _one_spaced(line: str) -> str:
    """``_SPACES.sub(" ", line)``; most lines need nothing done, and a search says so at a third
    of the cost of replacing each space by itself."""
    return _SPACES.sub(" ", line) if _SPACING_TO_MEND.search(line) else line


def _table_row(line: str) -> bool:
    """Whether ``_TABLE_ROW`` finds columns in the line; the gaps it looks for are looked for first."""
    return ("   " in line or "\t" in line or " | " in line) and _TABLE_ROW.search(line) is not None


def split_pages(pages: list[str], keep: Callable[[str], bool] | None = None) -> list[Sentence]:
    """Sentences of every page, in order. ``keep`` skips paragraphs that cannot matter."""
    sentences: list[Sentence] = []
    for number, page in enumerate(pages, start=1):
        if keep is not None and not keep(page):
            continue  # most pages of a pack: nothing on the page can matter
        for text, unit, years in _units_of_page(page, keep):
            if unit is not None:  # a table row is one unit, never split at its decimal points
                sentences.append(Sentence(text, number, len(sentences), unit, years))
                continue
            for sentence in _split_segment(text):
                sentences.append(Sentence(sentence, number, len(sentences), None))
    return sentences


Segment = tuple[str, "float | None", "tuple[str, ...]"]


def _units_of_page(page: str, keep: Callable[[str], bool] | None) -> list[Segment]:
    """Segments (joined wrapped lines, bullets, headings, table rows) with any table unit."""
    page = page.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
    if "-\n" in page:  # the pattern is slow on every character; most pages hyphenate no line
        page = _HYPHEN_BREAK.sub(r"\1", page)
    segments: list[Segment] = []
    # A table's heading set apart by a blank line ("Table 3: forecast (£m)", then the rows): its
    # unit reaches the next paragraph, which is read even with no word that matters.
    heading_unit: float | None = None
    for paragraph in _rebuild_cell_tables(re.split(r"\n\s*\n", page)):
        carried, heading_unit = heading_unit, _heading_unit(paragraph)
        if keep is not None and not keep(paragraph) and carried is None:
            continue
        lines = [_one_spaced(line).strip() if not _table_row(line) else line.strip() for line in paragraph.split("\n")]
        current: list[str] = []
        table_unit: float | None = carried
        table_years: tuple[str, ...] = ()
        for position, line in enumerate(lines):
            if not line:
                continue
            years = _column_years(line)
            if years:
                _flush(current, segments)
                table_years = years
                unit = table_unit_of(line)
                table_unit = unit if unit is not None else table_unit
                segments.append((_SPACES.sub(" ", line), None, ()))
                continue
            if (_table_row(line) and not _BULLET.match(line)) or (table_unit is not None and _is_numeric_row(line)):
                _flush(current, segments)
                unit = table_unit_of(line)
                if unit is not None:
                    table_unit = unit
                segments.append((_SPACES.sub(" ", line), table_unit if unit is None else None, table_years))
                continue
            unit = table_unit_of(line)
            if unit is not None and not any(amount > 0 for amount, _, _ in parse_amounts(line)):
                _flush(current, segments)
                table_unit = unit
                segments.append((line, None, ()))
                continue
            if _BULLET.match(line):
                _flush(current, segments)
                current.append(_BULLET.sub("", line, count=1) if not re.match(r"\s*[QA][.:]", line) else line)
                continue
            starts_segment = not current
            current.append(line)
            following = lines[position + 1] if position + 1 < len(lines) else ""
            if _is_heading(line, following, starts_segment):
                _flush(current, segments)
        _flush(current, segments)
    return segments


def _heading_unit(paragraph: str) -> float | None:
    """The unit of a paragraph that is only a table's heading: one short line, a unit, no amount."""
    line = paragraph.strip()
    if "\n" in line or len(line) > 120 or "£" not in line:
        return None
    unit = table_unit_of(line)
    return unit if unit is not None and not any(amount > 0 for amount, _, _ in parse_amounts(line)) else None


_CELL_NUMBER = re.compile(r"\(?-?£?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?m?\)?")
_MAX_CELL = 60
_MIN_CELLS = 4


def _rebuild_cell_tables(paragraphs: list[str]) -> list[str]:
    """Tables whose every cell became a paragraph of its own, rebuilt as one paragraph of rows.

    Text taken from a PDF or a Word table often prints each cell on its own line with blank
    lines between: "Opening balance", "5.05", "5.05", and the "(£m)" heading is cells away from
    the numbers it scales. A run of short one-line paragraphs that holds a money unit and
    numbers becomes one paragraph: the heading cells on lines of their own, and each label
    cell with the numbers after it as one row, so the unit and the label reach the numbers.
    """
    rebuilt: list[str] = []
    run: list[str] = []
    for paragraph in paragraphs:
        cell = paragraph.strip()
        if cell and len(cell) <= _MAX_CELL and "\n" not in cell:
            run.append(cell)
            continue
        _close_cell_run(run, rebuilt)
        rebuilt.append(paragraph)
    _close_cell_run(run, rebuilt)
    return rebuilt


def _close_cell_run(run: list[str], rebuilt: list[str]) -> None:
    numeric = [_CELL_NUMBER.fullmatch(cell) is not None for cell in run]
    if len(run) < _MIN_CELLS or sum(numeric) < 2 or not any(table_unit_of(cell) is not None for cell in run):
        rebuilt.extend(run)
        run.clear()
        return
    lines: list[str] = []
    row: list[str] = []
    for cell, is_number in zip(run, numeric):
        if is_number and row:
            row.append(cell)
            continue
        if row:
            lines.append("   ".join(row))
        row = [cell]
    if row:
        lines.append("   ".join(row))
    rebuilt.append("\n".join(lines))
    run.clear()


def _flush(current: list[str], segments: list[Segment]) -> None:
    if current:
        segments.append((" ".join(current), None, ()))
        current.clear()


_FINANCIAL_YEAR = re.compile(r"\b(20\d\d)\s?[/-]\s?(\d\d)\b")


def _column_years(line: str) -> tuple[str, ...]:
    """The financial years of a table's column heading ("£m 2023/24 2024/25"), else ()."""
    if "20" not in line or len(line) > 200:
        return ()
    years = _FINANCIAL_YEAR.findall(line)
    if len(years) < 2:
        return ()
    rest = _FINANCIAL_YEAR.sub("", line)
    if len(re.findall(r"[A-Za-z]{3,}", rest)) > 3 or re.search(r"\d", rest.replace("000", "")):
        return ()
    return tuple(f"{start}/{end}" for start, end in years)


# Names of the programme and its funds that a wrap can cut in two, the first word ending a line.
_NAME_ACROSS_LINES = re.compile(
    r"^(?:safety valve|delivering (?:a )?better|dedicated schools|high needs|enhanced monitoring|schools forum)\b", re.I
)


_LONGEST_HEADING = 160
_SHOUTED_LINE = re.compile(r"[^a-z]*[A-Z]{2}[^a-z]*")  # letters, where there are any, all capitals


def _is_heading(line: str, following: str, starts_segment: bool) -> bool:
    """A short line without closing punctuation, followed by a line starting a new thought.

    Only a line in title case, or a few words starting a segment, can be a heading: the
    short line of a wrapped sentence ("... not on track to meet" / "Condition 2 ...")
    is not one, even when the next line starts with a capital.
    """
    if not following or not following[:1].isupper():
        return False
    if len(line) < _LONGEST_HEADING and _SHOUTED_LINE.fullmatch(line):
        return True  # "LONDON SCHOOLS FINANCE NETWORK - MEMBERS' BULLETIN, WINTER": a title in capitals, however long
    if len(line) >= 70:
        return False
    if re.search(r"[.,;:£\-–(]$|\b(?:and|or|the|of|to|a|an|in|for|with|by|on|its|their|our)$", line, re.I):
        return False
    if _NAME_ACROSS_LINES.search(line.rsplit(" ", 1)[-1] + " " + following):
        return False  # "... the Department's Delivering" / "Better Value ...": one name wrapped, not a heading
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    title_case = bool(words) and sum(word[0].isupper() for word in words) >= 0.6 * len(words)
    return title_case or (starts_segment and len(words) <= 6)


def _is_numeric_row(line: str) -> bool:
    """A line of a table whose columns lost their spacing: mostly numbers, or a short label
    and the one column's number ("High needs block 12,345")."""
    tokens = line.split()
    numeric = [bool(_CELL.fullmatch(token)) for token in tokens]
    return sum(numeric) >= 1 and (sum(numeric) >= len(tokens) / 3 or (numeric[-1] and len(tokens) <= _SHORT_ROW))


_CELL = re.compile(r"\(?-?[\d,]+(?:\.\d+)?\)?%?")
_SHORT_ROW = 8  # words and the number: a row label, not a sentence


_LAST_WORD = re.compile(r"(?:^|\s)([A-Za-z.]+)\.?$")  # the word ending at a full stop, if it stands alone


def _split_segment(text: str) -> list[str]:
    """Split at sentence ends that are not abbreviations, initials or decimal points.

    Linear in the length of the text, however it is written: only the few characters before
    each full stop are examined, and an over-long sentence is cut by position, never by copying
    what remains (a 1 MB paragraph with no full stop costs what a 1 MB page does).
    """
    pieces: list[str] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        stop = boundary.start() + 1
        word = _LAST_WORD.search(text, max(start, stop - 24), stop)  # a word of its own, not "£3m"
        token = word.group(1).lower().rstrip(".") if word else ""
        if (token in _ABBREVIATIONS and not (token == "no" and not text[boundary.end() : boundary.end() + 1].isdigit())) or (
            len(token) == 1 and token.isalpha()
        ):
            continue  # ("No." is short for a number only before one: "No. 4", not "No. We're in DBV")
        _append_cut(text, start, boundary.end(), pieces)
        start = boundary.end()
    _append_cut(text, start, len(text), pieces)
    return pieces


def _append_cut(text: str, start: int, end: int, pieces: list[str]) -> None:
    """text[start:end] as one sentence, or cut at spaces into pieces of at most ``_MAX_SENTENCE``."""
    while end - start > _MAX_SENTENCE:
        cut = text.rfind(" ", start, start + _MAX_SENTENCE)
        cut = cut if cut > start else start + _MAX_SENTENCE
        piece = text[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
    piece = text[start:end].strip()
    if piece:
        pieces.append(piece)
