"""Word 97-2003 papers (.doc), read in pure Python: olefile opens the compound file, and the
text is taken from the document's piece table, as the published [MS-DOC] format describes.

Why not antiword or catdoc: both are Debian packages (missing on many machines, so a paper
would wait on an install), and both run as separate programs outside the reader's bounds. The
piece table is a small, stable structure: the File Information Block at the start of the
``WordDocument`` stream says where the table stream keeps it, and each piece says where its
characters are (8-bit Windows-1252 or UTF-16).

What comes out: the main text then the footnotes; table cells separated by `` | `` with one
row per line; field codes left out (their results kept). Pages: Word 97-2003 files record
explicit page and section breaks only (character 12), not layout, so a paper is split there;
one with none is one page. Word 6/95 files and encrypted ones are recorded as such.
"""

from __future__ import annotations

import struct
from pathlib import Path

from extractors.paper_text import PAGE_BREAK, ReadError, ReadOptions, TextResult, split_pages, table_row

_WORD97_IDENT = 0xA5EC
_WORD95_IDENT = 0xA5DC
_MIN_WORD97_NFIB = 0xC1
_MAX_STREAM_BYTES = 256 * 1024 * 1024
# Characters with a meaning in Word's text stream.
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_REPLACEMENTS = {"\x0b": "\n", "\x0e": "\n", "\x1e": "-", "\x1f": "", "\xa0": " ", "\x0c": PAGE_BREAK}


def read_doc(path: Path | str, options: ReadOptions) -> TextResult:
    """The text of a Word 97-2003 document, split at its page breaks."""
    word, table = _streams(Path(path))
    fib = _Fib(word)
    pieces = _pieces(table, fib.fc_clx, fib.lcb_clx)
    characters = _characters(word, pieces, fib.ccp_text + fib.ccp_footnotes)
    main, footnotes = characters[: fib.ccp_text], characters[fib.ccp_text :]
    text = _visible(main) + ("\n\n" + _visible(footnotes).replace(PAGE_BREAK, "\n") if footnotes.strip() else "")
    pages = split_pages(text)
    if len(pages) > options.max_pages:
        raise ReadError("too_large", f"{len(pages)} pages, more than the limit of {options.max_pages}")
    return TextResult("ok", pages, None, "olefile", format="doc")


def _streams(path: Path) -> tuple[bytes, bytes]:
    """The WordDocument stream and the table stream the FIB names."""
    import olefile

    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as error:  # olefile raises several types on a damaged file
        raise ReadError("corrupt", f"not a readable OLE2 compound file ({error})") from error
    try:
        if not ole.exists("WordDocument"):
            raise ReadError("unsupported", "an OLE2 compound file without a WordDocument stream")
        word = _read_stream(ole, "WordDocument")
        fib = _Fib(word)
        name = "1Table" if fib.which_table else "0Table"
        if not ole.exists(name):
            raise ReadError("corrupt", f"the document's {name} stream is missing")
        return word, _read_stream(ole, name)
    finally:
        ole.close()


def _read_stream(ole, name: str) -> bytes:
    if ole.get_size(name) > _MAX_STREAM_BYTES:
        raise ReadError("too_large", f"the {name} stream is larger than {_MAX_STREAM_BYTES} bytes")
    try:
        return ole.openstream(name).read()
    except Exception as error:
        raise ReadError("corrupt", f"the {name} stream cannot be read ({error})") from error


class _Fib:
    """The parts of the File Information Block the text needs."""

    def __init__(self, word: bytes):
        try:
            ident, n_fib = struct.unpack_from("<HH", word, 0)
            (flags,) = struct.unpack_from("<H", word, 0x0A)
            if ident == _WORD95_IDENT or (ident == _WORD97_IDENT and n_fib < _MIN_WORD97_NFIB):
                raise ReadError("unsupported", "a Word 6.0/95 document (only Word 97 and later .doc files are read)")
            if ident != _WORD97_IDENT:
                raise ReadError("corrupt", f"not a Word document (FIB identifier {ident:#06x})")
            if flags & 0x0100:
                raise ReadError("encrypted", "the document is encrypted and needs a password to open")
            self.which_table = bool(flags & 0x0200)
            position = 32
            (csw,) = struct.unpack_from("<H", word, position)
            position += 2 + csw * 2
            (cslw,) = struct.unpack_from("<H", word, position)
            long_words = position + 2
            self.ccp_text, self.ccp_footnotes = struct.unpack_from("<ii", word, long_words + 3 * 4)
            position = long_words + cslw * 4
            (pairs,) = struct.unpack_from("<H", word, position)
            if pairs <= 33:
                raise ReadError("corrupt", "the File Information Block has no piece table location")
            self.fc_clx, self.lcb_clx = struct.unpack_from("<II", word, position + 2 + 33 * 8)
        except struct.error as error:
            raise ReadError("corrupt", f"the File Information Block is cut short ({error})") from error
        if self.ccp_text < 0 or self.ccp_footnotes < 0:
            raise ReadError("corrupt", "the File Information Block gives negative text lengths")


def _pieces(table: bytes, offset: int, length: int) -> list[tuple[int, int, int, bool]]:
    """(first character, last character, byte offset, 8-bit) of each piece of text."""
    clx = table[offset : offset + length]
    if len(clx) != length or not length:
        raise ReadError("corrupt", "the piece table lies outside the table stream")
    position = 0
    try:
        while clx[position] == 0x01:  # property modifiers before the piece table: skip them
            (size,) = struct.unpack_from("<H", clx, position + 1)
            position += 3 + size
        if clx[position] != 0x02:
            raise ReadError("corrupt", "the piece table is malformed")
        (size,) = struct.unpack_from("<I", clx, position + 1)
        plc = clx[position + 5 : position + 5 + size]
        count = (len(plc) - 4) // 12
        if count <= 0:
            raise ReadError("corrupt", "the piece table is empty")
        limits = struct.unpack_from(f"<{count + 1}I", plc, 0)
        pieces = []
        for index in range(count):
            (raw,) = struct.unpack_from("<I", plc, (count + 1) * 4 + index * 8 + 2)
            compressed = bool(raw & 0x40000000)
            start = (raw & 0x3FFFFFFF) // 2 if compressed else raw & 0x3FFFFFFF
            pieces.append((limits[index], limits[index + 1], start, compressed))
        return pieces
    except (IndexError, struct.error) as error:
        raise ReadError("corrupt", f"the piece table is cut short ({error})") from error


def _characters(word: bytes, pieces: list[tuple[int, int, int, bool]], wanted: int) -> str:
    """The first ``wanted`` characters of the document, piece by piece."""
    parts, have = [], 0
    for first, last, start, compressed in pieces:
        if have >= wanted:
            break
        count = min(last - first, wanted - have)
        if count <= 0:
            continue
        width = 1 if compressed else 2
        data = word[start : start + count * width]
        if len(data) < count * width:
            raise ReadError("corrupt", "a piece of text lies outside the WordDocument stream")
        parts.append(data.decode("cp1252", errors="replace") if compressed else data.decode("utf-16-le", errors="replace"))
        have += count
    return "".join(parts)


def _visible(text: str) -> str:
    """What a reader sees: field results without their codes, tables as rows, breaks as breaks."""
    shown, depth_codes = [], []  # for each open field: are we still in its code part?
    for character in text:
        if character == _FIELD_BEGIN:
            depth_codes.append(True)
        elif character == _FIELD_SEPARATOR and depth_codes:
            depth_codes[-1] = False
        elif character == _FIELD_END and depth_codes:
            depth_codes.pop()
        elif not any(depth_codes):
            shown.append(character)
    lines: list[str] = []
    for paragraph in "".join(shown).split("\r"):
        # Cells end in 7 and a row's end is a second 7; what follows the last row is a paragraph.
        *rows, rest = paragraph.split("\x07\x07")
        if "\x07" in rest:
            rows, rest = [*rows, rest], ""
        lines.extend(table_row(_clean(cell) for cell in row.split("\x07")) for row in rows)
        if rest or not rows:
            lines.append(_clean(rest) + "\n")
    return "\n".join(lines)


def _clean(text: str) -> str:
    for special, replacement in _REPLACEMENTS.items():
        text = text.replace(special, replacement)
    return "".join(character for character in text if character >= " " or character in "\n\t" + PAGE_BREAK)
