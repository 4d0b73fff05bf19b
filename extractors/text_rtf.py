"""RTF papers, through striprtf (a small pure-Python RTF-to-text converter).

Pages: RTF marks page breaks (``\\page``), new-page section breaks (``\\sect``) and "page break
before" paragraphs (``\\pagebb``) but records no layout, so a paper is split at those marks
only; one with none is one page. striprtf turns those marks into blank lines, so they are
rewritten first as the RTF escape for a form feed, which it passes through. Table cells come
out separated by `` | ``, one row per line, as in the other readers.
"""

from __future__ import annotations

import re
from pathlib import Path

from extractors.paper_text import PAGE_BREAK, ReadError, ReadOptions, TextResult, split_pages, table_row

# A control word is a backslash, letters, an optional number and an optional space delimiter.
_PAGE_MARKS = re.compile(rb"\\(?:page|sect|pagebb)(?![a-zA-Z])(?:-?\d+)? ?")
_FORM_FEED = rb"\\u12?"


def read_rtf(path: Path | str, options: ReadOptions) -> TextResult:
    """The text of an RTF document, split at its page and section breaks."""
    from striprtf.striprtf import rtf_to_text

    raw = Path(path).read_bytes()
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise ReadError("corrupt", "not an RTF document (no {\\rtf header)")
    source = _decode(_PAGE_MARKS.sub(_FORM_FEED, raw))
    try:
        text = rtf_to_text(source, errors="replace")
    except (ValueError, IndexError, LookupError) as error:  # striprtf on malformed control words
        raise ReadError("corrupt", f"not a readable RTF document ({type(error).__name__}: {error})") from error
    lines = [table_row(line.split("|")) if "|" in line else line for line in text.replace("\r", "").split("\n")]
    pages = split_pages("\n".join(lines).replace("\x0c", PAGE_BREAK))
    if len(pages) > options.max_pages:
        raise ReadError("too_large", f"{len(pages)} pages, more than the limit of {options.max_pages}")
    return TextResult("ok", pages, None, "striprtf", format="rtf")


def _decode(raw: bytes) -> str:
    """RTF is 7-bit with escapes; stray 8-bit bytes are UTF-8 from some writers, else Windows-1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
