"""Excel 97-2003 (.xls) papers for the demo site, written from the published BIFF8 format
([MS-XLS]) inside a compound file, so the .xls reader meets a real workbook.

The ``Workbook`` stream holds the globals (BOF, code page, one BOUNDSHEET per sheet, the shared
string table) and then each sheet (BOF, DIMENSIONS, one NUMBER or LABELSST record per cell).
Each page is a sheet: its first line names it, the other lines are rows (`` | `` between cells),
as for the other spreadsheet writers (``office.xlsx``).
"""

from __future__ import annotations

import struct

from sendwatch.demo.site.office import number_or_none, sheet_rows
from sendwatch.demo.site.word97 import compound_file

_BOF, _EOF, _CODEPAGE, _BOUNDSHEET, _SST, _CONTINUE = 0x0809, 0x000A, 0x0042, 0x0085, 0x00FC, 0x003C
_DIMENSIONS, _NUMBER, _LABELSST = 0x0200, 0x0203, 0x00FD
_MAX_RECORD = 8224


def xls(title: str, pages: list[str]) -> bytes:
    """A BIFF8 workbook with one sheet per page (``title`` is not stored)."""
    sheets = [sheet_rows(page, number) for number, page in enumerate(pages or [""])]
    strings: list[str] = []
    index: dict[str, int] = {}
    for _, rows in sheets:
        for row in rows:
            for cell in row:
                if cell and number_or_none(cell) is None and cell not in index:
                    index[cell] = len(strings)
                    strings.append(cell)
    bodies = [_sheet(rows, index) for _, rows in sheets]
    globals_size = len(_globals([name for name, _ in sheets], [0] * len(sheets), strings))
    offsets, position = [], globals_size
    for body in bodies:
        offsets.append(position)
        position += len(body)
    stream = _globals([name for name, _ in sheets], offsets, strings) + b"".join(bodies)
    return compound_file({"Workbook": stream.ljust(4096, b"\x00")})


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _globals(names: list[str], offsets: list[int], strings: list[str]) -> bytes:
    out = [
        _record(_BOF, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)),
        _record(_CODEPAGE, struct.pack("<H", 1200)),
    ]
    for name, offset in zip(names, offsets):
        encoded = name.encode("utf-16-le")
        out.append(_record(_BOUNDSHEET, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + encoded))
    out += _shared_strings(strings)
    out.append(_record(_EOF, b""))
    return b"".join(out)


def _shared_strings(strings: list[str]) -> list[bytes]:
    """The SST record, continued in CONTINUE records between whole strings when it grows large."""
    chunks = [struct.pack("<II", len(strings), len(strings))]
    records = []
    for text in strings:
        encoded = struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")
        if sum(map(len, chunks)) + len(encoded) > _MAX_RECORD:
            records.append(b"".join(chunks))
            chunks = []
        chunks.append(encoded)
    records.append(b"".join(chunks))
    return [_record(_SST if number == 0 else _CONTINUE, data) for number, data in enumerate(records)]


def _sheet(rows: list[list[str]], index: dict[str, int]) -> bytes:
    width = max((len(row) for row in rows), default=0)
    out = [
        _record(_BOF, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06)),
        _record(_DIMENSIONS, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)),
    ]
    for row_number, row in enumerate(rows):
        for column, cell in enumerate(row):
            value = number_or_none(cell)
            if value is not None:
                out.append(_record(_NUMBER, struct.pack("<HHHd", row_number, column, 0, float(value))))
            elif cell:
                out.append(_record(_LABELSST, struct.pack("<HHHI", row_number, column, 0, index[cell])))
    out.append(_record(_EOF, b""))
    return b"".join(out)
