"""Word 97-2003 (.doc) papers for the demo site, written from the published formats ([MS-CFB]
compound files, [MS-DOC] Word binary), so the .doc reader meets a real file.

The file is a version 3 compound file holding a ``WordDocument`` stream (the File Information
Block, then the text) and a ``1Table`` stream (the piece table). The text is split into two
pieces, one stored as 8-bit Windows-1252 and one as UTF-16, as Word does after editing, so
both encodings are exercised. Paragraphs end in CR; tables (lines with `` | ``) are cells
ending in 7 with a second 7 closing each row; pages are separated by character 12.
"""

from __future__ import annotations

import struct

_SECTOR = 512
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_MINI_CUTOFF = 4096
_FIB_SIZE = 1472  # FibBase, FibRgW97, FibRgLw97, FibRgFcLcb97 and cswNew, rounded up
_CELL = " | "


def doc(title: str, pages: list[str]) -> bytes:
    """A Word 97-2003 document holding ``pages`` (``title`` is not stored: Word keeps it elsewhere)."""
    text = _word_text(pages)
    split = min(len(text) // 2, _first_beyond_cp1252(text))
    cp1252_part, unicode_part = text[:split], text[split:]
    first = cp1252_part.encode("cp1252")
    second = unicode_part.encode("utf-16-le")
    text_start = _FIB_SIZE
    second_start = text_start + len(first) + (len(first) % 2)
    word = bytearray(_fib(text_start, second_start + len(second), len(text)))
    word += first + b"\x00" * (len(first) % 2) + second
    pieces = [(0, len(cp1252_part), text_start, True), (len(cp1252_part), len(text), second_start, False)]
    table = _clx(pieces)
    word[0x01A2:0x01AA] = struct.pack("<II", 0, len(table))  # fcClx, lcbClx (the Clx opens the table stream)
    streams = {"WordDocument": bytes(word), "1Table": table}
    return compound_file({name: data.ljust(_MINI_CUTOFF, b"\x00") for name, data in streams.items()})


def _first_beyond_cp1252(text: str) -> int:
    """Where the first character Windows-1252 cannot hold is (the 8-bit piece ends there)."""
    for position, character in enumerate(text):
        try:
            character.encode("cp1252")
        except UnicodeEncodeError:
            return position
    return len(text)


def _word_text(pages: list[str]) -> str:
    """Word's text stream: CR after paragraphs, 7 after cells and rows, 12 between pages."""
    out = []
    for number, page in enumerate(pages or [""]):
        if number:
            out.append("\x0c")
        for line in page.split("\n"):
            if _CELL in line:
                out.append("".join(cell.strip() + "\x07" for cell in line.split(_CELL)) + "\x07")
            else:
                out.append(line + "\r")
    return "".join(out) + "\r"


def _fib(text_start: int, text_end: int, characters: int) -> bytes:
    fib = bytearray(_FIB_SIZE)
    # FibBase: identifier, nFib (Word 97), language, flags (fWhichTblStm: the table is 1Table),
    # nFibBack, then fcMin / fcMac (where the text lies), which older readers still use.
    struct.pack_into("<HHHHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0809, 0, 0x0200)
    struct.pack_into("<H", fib, 0x0C, 0x00BF)
    struct.pack_into("<II", fib, 0x18, text_start, text_end)
    struct.pack_into("<H", fib, 32, 14)  # csw: 14 words of FibRgW97 follow (all zero)
    long_words = 32 + 2 + 14 * 2
    struct.pack_into("<H", fib, long_words, 22)  # cslw: 22 longs of FibRgLw97
    struct.pack_into("<i", fib, long_words + 2, text_end)  # cbMac
    struct.pack_into("<i", fib, long_words + 2 + 3 * 4, characters)  # ccpText
    pairs = long_words + 2 + 22 * 4
    struct.pack_into("<H", fib, pairs, 93)  # cbRgFcLcb: the 93 pairs of FibRgFcLcb97
    return bytes(fib)


def _clx(pieces: list[tuple[int, int, int, bool]]) -> bytes:
    """A Clx holding only the piece table: character positions, then one descriptor per piece."""
    limits = [pieces[0][0], *(last for _, last, _, _ in pieces)]
    descriptors = b"".join(
        struct.pack("<HIH", 0, (start * 2) | 0x40000000 if compressed else start, 0) for _, _, start, compressed in pieces
    )
    plc = struct.pack(f"<{len(limits)}I", *limits) + descriptors
    return b"\x02" + struct.pack("<I", len(plc)) + plc


# --------------------------------------------------------------------------- compound file


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file with ``streams`` (each at least 4096 bytes: no mini stream)."""
    sectors: list[bytes] = []
    starts: dict[str, int] = {}
    chains: list[tuple[int, int]] = []  # (first sector, count)
    for name, data in streams.items():
        if len(data) < _MINI_CUTOFF:
            raise ValueError(f"stream {name} is shorter than the mini stream cutoff")
        starts[name] = len(sectors)
        count = -(-len(data) // _SECTOR)
        sectors += [data[i * _SECTOR : (i + 1) * _SECTOR].ljust(_SECTOR, b"\x00") for i in range(count)]
        chains.append((starts[name], count))
    directory = _directory(streams, starts)
    directory_start = len(sectors)
    directory_sectors = -(-len(directory) // _SECTOR)
    sectors += [directory[i * _SECTOR : (i + 1) * _SECTOR].ljust(_SECTOR, b"\x00") for i in range(directory_sectors)]
    chains.append((directory_start, directory_sectors))
    fat_count = 1
    while fat_count * (_SECTOR // 4) < len(sectors) + fat_count:
        fat_count += 1
    fat_start = len(sectors)
    table = [_FREE] * (fat_count * (_SECTOR // 4))
    for first, count in chains:
        for sector in range(first, first + count):
            table[sector] = sector + 1 if sector < first + count - 1 else _END_OF_CHAIN
    for sector in range(fat_start, fat_start + fat_count):
        table[sector] = _FAT_SECTOR
    fat = struct.pack(f"<{len(table)}I", *table)
    sectors += [fat[i * _SECTOR : (i + 1) * _SECTOR] for i in range(fat_count)]
    header = bytearray(_SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, fat_count, directory_start, 0, _MINI_CUTOFF, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
    difat = [fat_start + index for index in range(fat_count)] + [_FREE] * (109 - fat_count)
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header) + b"".join(sectors)


def _directory(streams: dict[str, bytes], starts: dict[str, int]) -> bytes:
    """Root entry, then the streams as a chain of right siblings in the format's name order."""
    names = sorted(streams, key=lambda name: (len(name), name.upper()))
    entries = [_entry("Root Entry", 5, _END_OF_CHAIN, 0, child=1)]
    for position, name in enumerate(names, start=1):
        right = position + 1 if position < len(names) else _NO_STREAM
        entries.append(_entry(name, 2, starts[name], len(streams[name]), right=right))
    while len(entries) % 4:
        entries.append(bytes(64) + struct.pack("<HBBIII", 0, 0, 0, _NO_STREAM, _NO_STREAM, _NO_STREAM) + bytes(52))
    return b"".join(entries)


def _entry(name: str, kind: int, start: int, size: int, *, child: int = _NO_STREAM, right: int = _NO_STREAM) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    entry = bytearray(128)
    entry[0 : len(encoded)] = encoded
    struct.pack_into("<HBBIII", entry, 64, len(encoded), kind, 1, _NO_STREAM, right, child)
    struct.pack_into("<IQ", entry, 116, start, size)
    return bytes(entry)
