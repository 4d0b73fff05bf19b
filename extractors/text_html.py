"""Readable text from HTML papers: agenda pages, decision notices, and ModernGov minutes.

ModernGov's web service returns minutes and agenda text as HTML *escaped inside XML*
(``&lt;p&gt;The Forum ...``); the crawler may store that fragment, the whole XML answer, or an
ordinary HTML page. All three come out as text with one line per block element, table cells
separated by `` | `` (so a table row stays one line for the sentence splitter), and scripts,
styles and navigation dropped.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Comment

_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 table section article header footer blockquote pre dd dt dl hr title".split()
)
# The human-readable fields of ModernGov's web-service XML (the rest is ids, flags and dates).
_MODERNGOV_TEXT_FIELDS = ("agendaitemtitle", "agendatext", "minutesnonemptyhtmlbody", "decisiontext", "minutestext")
_DROP = ("script", "style", "noscript", "nav", "form", "button", "select", "iframe", "svg")
_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*(?:p|div|span|br|table|tr|td|li|ul|ol|h\d|strong|em|b|i)\b", re.I)
_RAW_TAG = re.compile(r"<\s*/?\s*(?:p|div|span|br|table|tr|td|li|ul|ol|h\d|strong|em|b|i)\b[^>]*>", re.I)


def decode_bytes(body: bytes) -> str:
    """Bytes to str: the declared charset if any, else UTF-8, else Windows-1252 (old CMS pages)."""
    head = body[:2048].decode("ascii", errors="ignore")
    declared = re.search(r"""(?:charset|encoding)\s*=\s*["']?([\w-]+)""", head, re.I)
    for encoding in ([declared.group(1)] if declared else []) + ["utf-8", "cp1252"]:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def html_to_text(markup: str | bytes) -> str:
    """Text of an HTML page or fragment, unescaping HTML that arrived escaped inside XML."""
    text = decode_bytes(markup) if isinstance(markup, bytes) else markup
    for _ in range(3):  # escaped HTML inside XML inside ... : at most a few layers
        text = _markup_to_text(text)
        if not _RAW_TAG.search(text):
            break
    return _tidy(text)


def _markup_to_text(markup: str) -> str:
    is_xml = markup.lstrip().startswith("<?xml")
    if not is_xml and _ESCAPED_TAG.search(markup) and not _RAW_TAG.search(markup):
        markup = html.unescape(markup)
    if is_xml:
        readable = _moderngov_fields(markup)
        if readable is not None:
            return readable
    soup = BeautifulSoup(markup, "xml" if is_xml else "lxml")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    parts: list[str] = []
    _walk(soup, parts)
    return "".join(parts)


def _moderngov_fields(markup: str) -> str | None:
    """The titles, agenda text and minutes of a ModernGov XML answer, or None if it is not one."""
    soup = BeautifulSoup(markup, "xml")
    fields = soup.find_all(_MODERNGOV_TEXT_FIELDS)
    if not fields:
        return None
    pieces = []
    for field in fields:
        value = field.get_text()
        if not value.strip():
            continue
        pieces.append(_markup_to_text(value) if _RAW_TAG.search(value) else re.sub(r"\s*\n\s*", " ", value))
    return "\n\n".join(pieces)


def _walk(node, parts: list[str]) -> None:
    """Depth-first text with newlines around blocks and `` | `` between table cells.

    With a stack of its own rather than recursion: pages nested thousands of tags deep (exported
    from word processors, or hostile) must be read, not fail on Python's recursion limit.
    """
    stack: list[tuple[bool, object]] = [(True, node)]  # (expand this node's children?, node or text)
    while stack:
        expand, item = stack.pop()
        if not expand:
            parts.append(item)  # type: ignore[arg-type]
            continue
        pending: list[tuple[bool, object]] = []
        for child in item.children:  # type: ignore[attr-defined]
            name = getattr(child, "name", None)
            if name is None:
                pending.append((False, str(child).replace("\n", " ")))
                continue
            lowered = name.lower()
            if lowered in ("td", "th"):
                pending += [(False, " | "), (True, child)]
            elif lowered == "tr":  # rows of one table stay in one paragraph
                pending += [(True, child), (False, "\n")]
            elif lowered in _BLOCKS:
                pending += [(False, "\n\n"), (True, child), (False, "\n\n")]
            else:
                pending.append((True, child))
        stack.extend(reversed(pending))


def _tidy(text: str) -> str:
    """One space between words, at most one blank line between blocks, no cell bars at line ends."""
    text = text.replace("\u00a0", " ").replace("\r", "")
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        line = re.sub(r"^(?:\|\s*)+|(?:\s*\|)+$", "", line).strip()
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
