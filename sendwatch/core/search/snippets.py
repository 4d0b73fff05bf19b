"""The sentence of a page that best answers a query, with the query's words marked.

Done in Python over the stored page text, not by either index's own snippet function, so the
CLI, the web page and alert emails show the same sentence whichever database holds the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sendwatch.core.formatting import markdown_escape
from sendwatch.core.search.query import Node, Phrase, Term, leaves

MAX_SNIPPET_CHARS = 400
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*\n|\n(?=\s*[-*\u2022\d(])")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Snippet:
    """A sentence as runs of text, each marked (a query's word) or not."""

    parts: tuple[tuple[str, bool], ...]

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.parts)

    def marked(self, before: str = "**", after: str = "**") -> str:
        """The sentence with each marked run between ``before`` and ``after``."""
        return "".join(f"{before}{text}{after}" if mark else text for text, mark in self.parts)

    def markdown(self) -> str:
        """The sentence as Markdown (alerts through Apprise): the paper's words escaped
        (``formatting.markdown_escape``), so only the marked runs are bold."""
        runs = [(markdown_escape(text, line_start=index == 0), mark) for index, (text, mark) in enumerate(self.parts)]
        return "".join(f"**{text}**" if mark else text for text, mark in runs)


def sentences(text: str) -> list[str]:
    """The page's sentences (and list items, and paragraphs without a full stop)."""
    return [" ".join(piece.split()) for piece in _SENTENCE_END.split(text) if piece and piece.strip()]


def best_snippet(text: str, query: Node) -> Snippet | None:
    """The sentence of ``text`` showing most of the query's words, marked; None if none shows any."""
    wanted = leaves(query)
    best: tuple[int, int, str, list[tuple[int, int]]] | None = None
    for index, sentence in enumerate(sentences(text)):
        spans, found = _matches(sentence, wanted)
        if found and (best is None or found > best[0]):
            best = (found, -index, sentence, spans)
    if best is None:
        return None
    return _cut(best[2], best[3])


def sentences_matching(text: str, query: Node, limit: int = 3) -> list[Snippet]:
    """Up to ``limit`` sentences of ``text`` showing any of the query's words (for alert emails)."""
    wanted = leaves(query)
    found = []
    for sentence in sentences(text):
        spans, count = _matches(sentence, wanted)
        if count:
            found.append(_cut(sentence, spans))
            if len(found) >= limit:
                break
    return found


def _matches(sentence: str, wanted: list[Term | Phrase]) -> tuple[list[tuple[int, int]], int]:
    """Character spans of the sentence's words that the query's terms match, and how many terms matched."""
    tokens = [(match.group().lower(), match.start(), match.end()) for match in _WORD.finditer(sentence)]
    spans: set[tuple[int, int]] = set()
    found = 0
    for leaf in wanted:
        hit = False
        if isinstance(leaf, Term):
            for word, start, end in tokens:
                if word == leaf.word or (leaf.prefix and word.startswith(leaf.word)):
                    spans.add((start, end))
                    hit = True
        else:
            size = len(leaf.words)
            for position in range(len(tokens) - size + 1):
                if tuple(word for word, _, _ in tokens[position : position + size]) == leaf.words:
                    spans.add((tokens[position][1], tokens[position + size - 1][2]))
                    hit = True
        found += hit
    return sorted(spans), found


def _cut(sentence: str, spans: list[tuple[int, int]]) -> Snippet:
    """The sentence as marked runs, shortened around its first mark when it is very long."""
    start, end = 0, len(sentence)
    if len(sentence) > MAX_SNIPPET_CHARS and spans:
        start = max(0, spans[0][0] - MAX_SNIPPET_CHARS // 3)
        end = min(len(sentence), start + MAX_SNIPPET_CHARS)
    parts: list[tuple[str, bool]] = [("\u2026", False)] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        if span_start > position:
            parts.append((sentence[position:span_start], False))
        parts.append((sentence[span_start:span_end], True))
        position = span_end
    if position < end:
        parts.append((sentence[position:end], False))
    if end < len(sentence):
        parts.append(("\u2026", False))
    return Snippet(tuple(parts))
