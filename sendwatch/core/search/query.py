"""The search query language, parsed once into a small tree that every backend renders.

Why a tree of our own: SQLite's FTS5 ``MATCH`` and PostgreSQL's ``to_tsquery`` each have a
syntax in which a stray quote or operator is an SQL error, and they disagree on details. Users
write one language; it is parsed here (with a one-line error for anything malformed) and each
backend renders the same tree, so both answer the same question.

The language::

    deficit                      a word (any case)
    "home to school transport"   a phrase: these words, next to each other, in order
                                 (“typographic” quotes too, as phones and word processors type them)
    transp*                      a prefix: any word starting "transp"
    a b        a AND b           both (AND is implied between neighbours)
    a OR b                       either (binds tighter than AND: ``a b OR c`` is ``a (b OR c)``)
    NOT a      -a                without (only beside something to look for: ``deficit NOT dbv``)
    ( ... )                      grouping

Words are letters and digits; other characters split them (``home-to-school`` is the phrase
"home to school"), so the tree's words are the same tokens both indexes hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 500
MAX_TERMS = 30

# Double quotes as phones, word processors and pasted papers write them: each is read as '"'.
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\uff02", '"'))
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r'\s*(?:(?P<quote>"[^"]*"?)|(?P<open>\()|(?P<close>\))|(?P<minus>-(?=[\w"(]))|(?P<bare>[^\s()"]+))')


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, in one line."""


@dataclass(frozen=True)
class Term:
    """One word, or every word starting with it (``prefix``)."""

    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words next to each other, in order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class And:
    """Every part of ``include``, and none of ``exclude`` (never empty ``include``)."""

    include: tuple[Node, ...]
    exclude: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Or:
    either: tuple[Node, ...]


Node = Term | Phrase | And | Or


def words_of(text: str) -> list[str]:
    """The lower-cased word tokens of ``text``, as both indexes split it."""
    return [word.lower() for word in _WORD.findall(text)]


def parse_query(text: str) -> Node:
    """The tree of ``text``; ``QueryError`` saying what is wrong when it is malformed."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    tokens = _tokens(text.translate(_QUOTES))
    if not tokens:
        raise QueryError('empty query: give a word, a "phrase" or a prefix*')
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.position < len(tokens):
        raise QueryError(f"unexpected {tokens[parser.position][1]!r}: a ')' without its '('")
    if sum(1 for _ in leaves(node)) > MAX_TERMS:
        raise QueryError(f"too many terms (at most {MAX_TERMS})")
    return node


def leaves(node: Node, *, negated: bool = False, include_negated: bool = False) -> list[Term | Phrase]:
    """The words and phrases a hit must show (those under NOT only with ``include_negated``)."""
    if isinstance(node, Term | Phrase):
        return [node] if include_negated or not negated else []
    if isinstance(node, Or):
        return [leaf for part in node.either for leaf in leaves(part, negated=negated, include_negated=include_negated)]
    found = [leaf for part in node.include for leaf in leaves(part, negated=negated, include_negated=include_negated)]
    for part in node.exclude:
        found += leaves(part, negated=True, include_negated=include_negated)
    return found


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: quote, open, close, minus, and, or, not, word."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position:].strip():
                raise QueryError(f"cannot read the query from {text[position:].strip()[:20]!r}")
            break
        position = match.end()
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "quote":
            if len(value) < 2 or not value.endswith('"'):
                raise QueryError('a phrase is missing its closing quote (")')
        elif kind == "bare" and value in ("AND", "OR", "NOT"):
            kind = value.lower()
        tokens.append((kind, value))
    return tokens


class _Parser:
    """Recursive descent: expression := unit+ (implicit AND); unit := [NOT|-] alternatives;
    alternatives := primary (OR primary)*."""

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expression(self) -> Node:
        include: list[Node] = []
        exclude: list[Node] = []
        while self.peek() not in (None, "close"):
            if self.peek() == "and":
                self.take()
                if self.peek() in (None, "close", "and", "or"):
                    raise QueryError("AND needs something on both sides")
                continue
            if self.peek() in ("not", "minus"):
                self.take()
                if self.peek() in (None, "close", "and", "or", "not", "minus"):
                    raise QueryError("NOT needs a word, phrase or group after it")
                exclude.append(self.alternatives())
            else:
                include.append(self.alternatives())
        if not include:
            raise QueryError("a query needs something to look for, not only words to leave out (NOT ...)")
        if len(include) == 1 and not exclude:
            return include[0]
        return And(tuple(include), tuple(exclude))

    def alternatives(self) -> Node:
        parts = [self.primary()]
        while self.peek() == "or":
            self.take()
            if self.peek() in (None, "close", "and", "or", "not", "minus"):
                raise QueryError("OR needs a word, phrase or group on both sides")
            parts.append(self.primary())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def primary(self) -> Node:
        kind, value = self.take() if self.peek() is not None else ("end", "")
        if kind == "open":
            if self.peek() == "close":
                raise QueryError("empty brackets ()")
            node = self.expression()
            if self.peek() != "close":
                raise QueryError("a '(' is missing its ')'")
            self.take()
            return node
        if kind == "quote":
            words = words_of(value[1:-1])
            if not words:
                raise QueryError('an empty phrase ""')
            return Term(words[0]) if len(words) == 1 else Phrase(tuple(words))
        if kind == "or":
            raise QueryError("OR needs a word, phrase or group on both sides")
        if kind in ("bare",):
            prefix = value.endswith("*")
            words = words_of(value.rstrip("*"))
            if not words:
                raise QueryError(f"{value!r} has no letters or digits to search for")
            if "*" in value.rstrip("*"):
                raise QueryError(f"{value!r}: '*' only goes at the end of a word (prefix*)")
            if prefix:
                if len(words) > 1:
                    raise QueryError(f"{value!r}: a prefix* is one word")
                return Term(words[0], prefix=True)
            return Term(words[0]) if len(words) == 1 else Phrase(tuple(words))
        raise QueryError(f"unexpected {value!r}" if value else "the query ends too soon")
