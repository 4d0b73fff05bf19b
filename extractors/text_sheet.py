"""Spreadsheet papers: Excel workbooks (.xlsx, .xlsm) read with lxml, Excel 97-2003 (.xls)
read with xlrd, and CSV tables.

Each sheet is one page, headed by its name, one line per row with cells separated by `` | ``
(as HTML tables are), so a row keeps its label with its figures. Cells give the value the sheet
shows where the format says so: shared and inline strings, formula results, dates as
YYYY-MM-DD, and amounts in pound formats with their "£" (the money extractor needs it). Sheets
are streamed row by row, so a large one costs time, not memory; past ``MAX_SHEET_ROWS`` rows
the rest of a sheet is left out and the document's error says so.

A CSV file is one page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
from pathlib import Path

from extractors.package import (
    has_part,
    iterparse_part,
    localname,
    open_package,
    parse_part,
    relationship_targets,
)
from extractors.paper_text import ReadError, ReadOptions, TextResult, table_row
from extractors.text_html import decode_bytes

MAX_SHEET_ROWS = 100_000
MAX_COLUMNS = 16_384  # Excel's own limit

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
# Excel's built-in number formats that show dates.
_BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def read_xlsx(path: Path | str, options: ReadOptions) -> TextResult:
    """Every sheet of a workbook, one page each."""
    notes: list[str] = []
    with open_package(path) as archive:
        workbook_part = relationship_targets(archive, "").get("officeDocument") or "xl/workbook.xml"
        relations = relationship_targets(archive, workbook_part)
        workbook = parse_part(archive, workbook_part)
        sheets = _sheets(workbook, relations)
        if len(sheets) > options.max_pages:
            raise ReadError("too_large", f"{len(sheets)} sheets, more than the limit of {options.max_pages}")
        strings = _shared_strings(archive, relations.get("sharedStrings"))
        formats = _cell_formats(archive, relations.get("styles"))
        epoch = dt.datetime(1904, 1, 1) if _uses_1904(workbook) else dt.datetime(1899, 12, 30)
        reader = _CellReader(strings, formats, epoch)
        pages = []
        for name, part in sheets:
            lines = [name]
            if part and has_part(archive, part):
                lines.extend(_sheet_lines(archive, part, reader, name, notes))
            pages.append("\n".join(lines))
    return TextResult("ok", pages or [""], "; ".join(notes) or None, "lxml", format="xlsx")


def read_xls(path: Path | str, options: ReadOptions) -> TextResult:
    """Every sheet of an Excel 97-2003 workbook, one page each, through xlrd."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.XLRDError as error:
        state = "encrypted" if "encrypt" in str(error).lower() else "corrupt"
        raise ReadError(state, f"not a readable Excel 97-2003 workbook ({error})") from error
    except (xlrd.compdoc.CompDocError, struct.error, IndexError, ValueError, AssertionError) as error:
        raise ReadError("corrupt", f"not a readable Excel 97-2003 workbook ({type(error).__name__}: {error})") from error
    try:
        if book.nsheets > options.max_pages:
            raise ReadError("too_large", f"{book.nsheets} sheets, more than the limit of {options.max_pages}")
        epoch = dt.datetime(1904, 1, 1) if book.datemode else dt.datetime(1899, 12, 30)
        pages, notes = [], []
        for number in range(book.nsheets):
            sheet = book.get_sheet(number)
            lines = [sheet.name]
            for row in range(sheet.nrows):
                if len(lines) > MAX_SHEET_ROWS:
                    notes.append(f"sheet {sheet.name!r}: rows after {MAX_SHEET_ROWS} not read")
                    break
                line = table_row(_xls_cell(book, sheet.cell(row, column), epoch) for column in range(sheet.ncols))
                if line:
                    lines.append(line)
            pages.append("\n".join(lines))
            book.unload_sheet(number)
    finally:
        book.release_resources()
    return TextResult("ok", pages or [""], "; ".join(notes) or None, "xlrd", format="xls")


def _xls_cell(book, cell, epoch: dt.datetime) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return str(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    if cell.ctype == xlrd.XL_CELL_DATE:
        return shown_number(float(cell.value), "date", epoch)
    code = ""
    if cell.xf_index is not None and cell.xf_index < len(book.xf_list):
        shown = book.format_map.get(book.xf_list[cell.xf_index].format_key)
        code = shown.format_str if shown is not None else ""
    return shown_number(float(cell.value), code, epoch)


def read_csv(path: Path | str, options: ReadOptions) -> TextResult:
    """A CSV table as one page, one line per row."""
    text = decode_bytes(Path(path).read_bytes())
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines, error = [], None
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > MAX_SHEET_ROWS:
                error = f"rows after {MAX_SHEET_ROWS} not read"
                break
            line = table_row(row)
            if line:
                lines.append(line)
    except csv.Error as problem:
        raise ReadError("corrupt", f"not a readable CSV table ({problem})") from problem
    return TextResult("ok", ["\n".join(lines)], error, "csv", format="csv")


def _sheets(workbook, relations: dict[str, str]) -> list[tuple[str, str | None]]:
    """(name, part) of each sheet in the workbook's own order."""
    sheets: list[tuple[str, str | None]] = []
    for element in workbook.iter(f"{{{_MAIN}}}sheet", f"{{{_STRICT}}}sheet"):
        ident = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
        sheets.append((element.get("name") or f"Sheet {len(sheets) + 1}", relations.get(ident or "")))
    return sheets


def _uses_1904(workbook) -> bool:
    properties = next(workbook.iter(f"{{{_MAIN}}}workbookPr", f"{{{_STRICT}}}workbookPr"), None)
    return properties is not None and (properties.get("date1904") or "").lower() in ("1", "true")


def _shared_strings(archive, part: str | None) -> list[str]:
    if not part or not has_part(archive, part):
        return []
    strings = []
    for item in iterparse_part(archive, part, (f"{{{_MAIN}}}si", f"{{{_STRICT}}}si")):
        strings.append(_rich_text(item))
        item.clear()
    return strings


def _rich_text(element) -> str:
    """The text of a string item: its runs, without phonetic guides."""
    return "".join(node.text or "" for node in element.iter() if localname(node) == "t" and localname(node.getparent()) != "rPh")


def _cell_formats(archive, part: str | None) -> list[str]:
    """Number format code of each cell style (index = the cell's ``s``): 'date', a code, or ''."""
    if not part or not has_part(archive, part):
        return []
    styles = parse_part(archive, part)
    codes = {
        int(fmt.get("numFmtId") or -1): fmt.get("formatCode") or ""
        for fmt in styles.iter(f"{{{_MAIN}}}numFmt", f"{{{_STRICT}}}numFmt")
    }
    formats = []
    cell_xfs = next(styles.iter(f"{{{_MAIN}}}cellXfs", f"{{{_STRICT}}}cellXfs"), None)
    for xf in cell_xfs if cell_xfs is not None else []:
        number = int(xf.get("numFmtId") or 0)
        code = codes.get(number, "")
        formats.append("date" if number in _BUILTIN_DATES or _is_date_code(code) else code)
    return formats


def _is_date_code(code: str) -> bool:
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return bool(re.search(r"[dy]", bare)) or bool(re.search(r"m{3,}", bare))


class _CellReader:
    """Turns ``<c>`` elements into the text the cell shows."""

    def __init__(self, strings: list[str], formats: list[str], epoch: dt.datetime):
        self.strings, self.formats, self.epoch = strings, formats, epoch

    def value(self, cell) -> str:
        kind = cell.get("t") or "n"
        raw = next((node.text or "" for node in cell if localname(node) == "v"), None)
        if kind == "inlineStr":
            return "".join(_rich_text(node) for node in cell if localname(node) == "is")
        if raw is None:
            return ""
        if kind == "s":
            index = int(raw) if raw.strip().isdigit() else -1
            return self.strings[index] if 0 <= index < len(self.strings) else ""
        if kind == "b":
            return "TRUE" if raw.strip() == "1" else "FALSE"
        if kind in ("str", "e", "d"):
            return raw
        return self._number(raw, cell.get("s"))

    def _number(self, raw: str, style: str | None) -> str:
        try:
            number = float(raw)
        except ValueError:
            return raw
        code = self.formats[int(style)] if style and style.isdigit() and int(style) < len(self.formats) else ""
        return shown_number(number, code, self.epoch)


def shown_number(number: float, code: str, epoch: dt.datetime) -> str:
    """A number as a sheet shows it under format ``code`` ('date' for date formats): dates as
    YYYY-MM-DD, percentages, pounds with their sign and separators, else plainly."""
    if code == "date" and 0 <= number < 2_958_466:
        moment = epoch + dt.timedelta(days=number)
        return moment.date().isoformat() if number == int(number) else moment.strftime("%Y-%m-%d %H:%M")
    if "%" in code:
        return f"{number * 100:.{_decimals(code)}f}%"
    if "£" in code:
        sign = "-" if number < 0 else ""
        return f"{sign}£{abs(number):,.{_decimals(code)}f}"
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.10g}"


def _decimals(code: str) -> int:
    match = re.search(r"\.(0+)", code)
    return len(match.group(1)) if match else 0


def _sheet_lines(archive, part: str, reader: _CellReader, name: str, notes: list[str]):
    """The sheet's non-empty rows as lines, streaming its XML."""
    count = 0
    for row in iterparse_part(archive, part, (f"{{{_MAIN}}}row", f"{{{_STRICT}}}row")):
        values: list[str] = []
        for cell in row:
            if localname(cell) != "c":
                continue
            column = _column(cell.get("r"), len(values))
            if column >= MAX_COLUMNS:
                break
            values.extend([""] * (column - len(values)))
            values.append(reader.value(cell))
        row.clear()
        while row.getprevious() is not None:
            del row.getparent()[0]
        line = table_row(values)
        if not line:
            continue
        count += 1
        if count > MAX_SHEET_ROWS:
            notes.append(f"sheet {name!r}: rows after {MAX_SHEET_ROWS} not read")
            return
        yield line


def _column(reference: str | None, default: int) -> int:
    """0-based column of a cell reference such as ``C7`` (the next column when there is none)."""
    match = _CELL_REF.fullmatch(reference or "")
    if not match:
        return default
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - 64
    return index - 1
