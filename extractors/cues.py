"""Sentences into words, and words into the roles they play (``cues.yaml``).

A sentence is tokenised once and scanned once: every phrase of every role is looked up by its
first word in a dictionary, so the cost is a few dictionary look-ups per word whatever the size
of the vocabulary. The frames then ask questions of positions ("is there a negation in the three
words before this?", "is an agreement in this clause?") instead of running one regular
expression per phrasing, which is both what makes the reader fast and what lets one phrasing
serve every sentence shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
import yaml

# Words (with an inner apostrophe: "don't", "isn't"), the possessive "'s", money, clause punctuation.
_TOKEN = re.compile(r"£\s?\d[\d,.]*|[a-z0-9]+(?:'(?!s\b)[a-z]+)*|'s\b|[;:,?!()]|(?<=\s)-(?=\s)")
# Where one clause ends and the next begins: what one clause asserts does not carry over.
CLAUSE_BREAKS = frozenset({";", "but", "however", "whereas", "while", "whilst", "although", "though", ":", "-"})


class CuesError(ValueError):
    """``cues.yaml`` is malformed (names the role and the problem)."""


class Hit(NamedTuple):
    """A phrase of ``role`` spanning tokens ``start`` to ``end`` (exclusive); a tuple, as
    sentences are full of them and a tuple is the cheapest record Python makes."""

    role: str
    start: int
    end: int
    phrase: str


@dataclass
class Parsed:
    """A rewritten sentence as tokens, with every role's hits and each token's clause."""

    text: str
    tokens: list[str]
    hits: list[Hit]
    clause: list[int]
    by_role: dict[str, list[Hit]] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # what later stages compute once per sentence
    words: frozenset[str] = frozenset()  # the distinct tokens, for "does the sentence say X at all?"

    def of(self, role: str) -> list[Hit]:
        return self.by_role.get(role, [])

    def has(self, role: str) -> bool:
        return role in self.by_role

    def in_clause(self, role: str, position: int) -> list[Hit]:
        """Hits of ``role`` in the clause holding token ``position``."""
        clause = self.clause[min(position, len(self.clause) - 1)] if self.clause else 0
        return [hit for hit in self.of(role) if self.clause[hit.start] == clause]

    def near(self, role: str, position: int, before: int = 4, after: int = 0, same_clause: bool = True) -> list[Hit]:
        """Hits of ``role`` starting from ``before`` words before ``position`` to ``after`` words after it."""
        clause = self.clause[position] if self.clause else 0
        return [
            hit
            for hit in self.of(role)
            if position - before <= hit.start <= position + after and (not same_clause or self.clause[hit.start] == clause)
        ]


Entry = tuple[tuple[str, ...], str]  # (the phrase's words, its role)


class Cues:
    """The compiled vocabulary: phrase tables by first word, and the trigger substrings."""

    def __init__(
        self,
        exact: dict[str, tuple[Entry, ...]],
        stems: tuple[tuple[str, tuple[str, ...], str], ...],
        triggers: tuple[str, ...],
        roles: frozenset[str],
        programme_triggers: tuple[str, ...] = (),
        whole_programme_triggers: frozenset[str] = frozenset(),
    ):
        self.exact = exact
        self.stems = stems
        self.triggers = triggers
        self.programme_triggers = programme_triggers
        self.roles = roles
        self._base = Triggers(triggers)
        # A trigger may be a programme phrase too: as a trigger, its last word stays a prefix.
        as_triggers = {_words_of(trigger) for trigger in triggers}
        whole = frozenset(phrase for phrase in whole_programme_triggers if _words_of(phrase) not in as_triggers)
        self._with_programme = Triggers(triggers + programme_triggers, whole)
        self._by_token: dict[str, _Starts] = {}

    def worth_reading(self, text: str, programme: bool = False) -> bool:
        """Whether text may hold evidence or money: a £ sign or a trigger; in a paper about the
        safety valve programme (``programme``), a progress phrase too."""
        return "£" in text or self.may_claim(text, programme)

    def may_claim(self, text: str, programme: bool) -> bool:
        """Whether a sentence can hold a claim (a trigger, or a progress phrase in a programme paper)."""
        joined = joined_words(text.lower().replace("-", " "))
        return (self._with_programme if programme else self._base).found_in(joined)

    def tokens(self, text: str) -> list[str]:
        """The words of a rewritten sentence, as ``parse`` sees them."""
        return _TOKEN.findall(text)

    def parse(self, text: str) -> Parsed:
        """Tokens of a rewritten (lower-case) sentence and every role's hits in it.

        Most tokens start no phrase: the phrases each token can start are looked up for all
        tokens at once, and only the few tokens that start one are visited. A longer phrase is
        looked up by its second word too, so "the", which starts many, costs one more look-up."""
        tokens = _TOKEN.findall(text)
        words_at = tuple(tokens)
        count = len(tokens)
        clause = list(accumulate(map(CLAUSE_BREAKS.__contains__, tokens), initial=0))[1:]
        known = self._by_token.get
        starting = [known(token) for token in tokens]
        hits: list[Hit] = []
        by_role: dict[str, list[Hit]] = {}
        for position, starts in enumerate(starting):
            if starts is None:
                starts = self._starts(tokens[position])
            if starts is _NO_PHRASE:
                continue
            token = tokens[position]
            longer = starts.by_next.get(tokens[position + 1]) if position + 1 < count and starts.by_next else None
            if longer is None:  # one-word phrases only
                for _, role in starts.alone:
                    hit = Hit(role, position, position + 1, token)
                    hits.append(hit)
                    by_role.setdefault(role, []).append(hit)
                continue
            found = [(order, Hit(role, position, position + 1, token)) for order, role in starts.alone]
            for order, rest, role, phrase in longer:
                end = position + 1 + len(rest)
                if end <= count and (len(rest) == 1 or words_at[position + 1 : end] == rest):
                    found.append((order, Hit(role, position, end, phrase)))
            found.sort(key=_first)  # the vocabulary's order: longer phrases first
            for _, hit in found:
                hits.append(hit)
                by_role.setdefault(hit.role, []).append(hit)
        return Parsed(text, tokens, hits, clause, by_role, words=frozenset(tokens))

    def _starts(self, token: str) -> _Starts:
        """The phrases that can start at ``token`` (exact first words, then stems), in order,
        computed once per distinct word. A sum of money ("£3m") is a phrase of its own."""
        if token[0] == "£":
            return _MONEY
        phrases = [(words, role) for words, role in self.exact.get(token, ())]
        phrases.extend(((token,) + words[1:], role) for stem, words, role in self.stems if token.startswith(stem))
        alone: list[tuple[int, str]] = []
        by_next: dict[str, list[tuple[int, tuple[str, ...], str, str]]] = {}
        for order, (words, role) in enumerate(phrases):
            if len(words) == 1:
                alone.append((order, role))
            else:
                by_next.setdefault(words[1], []).append((order, words[1:], role, " ".join(words)))
        starts = _Starts(tuple(alone), {word: tuple(entries) for word, entries in by_next.items()}) if phrases else _NO_PHRASE
        if len(self._by_token) < 200_000:  # a bounded cache: hostile text cannot grow it forever
            self._by_token[token] = starts
        return starts


class _Starts(NamedTuple):
    """The phrases starting at one word: those of that word alone, and the longer ones by their
    second word, each with its place in the vocabulary's order."""

    alone: tuple[tuple[int, str], ...]  # (order, role)
    by_next: dict[str, tuple[tuple[int, tuple[str, ...], str, str], ...]]  # second word: (order, other words, role, phrase)


_NO_PHRASE = _Starts((), {})
_MONEY = _Starts(((0, "money"),), {})


def _first(item: tuple[int, Hit]) -> int:
    return item[0]


class Triggers:
    """Trigger phrases found in a text's words: every word but the last must be equal, the last
    may be the start of a word ("safety val" finds "safety valve"); a single word of three
    letters or fewer must be whole ("sv", "ems", "dsg"), and so must a ``whole`` phrase.

    Punctuation splits words ("dsg/sv" is two words, "(dsg)," is "dsg"). Every phrase is looked
    for at once, as text, by an Aho-Corasick automaton: one pass in C over a text's words, so a
    paragraph of routine business costs about what lower-casing it does."""

    def __init__(self, phrases: tuple[str, ...], whole: frozenset[str] = frozenset()):
        """``whole``: phrases whose last word must be whole too (a role's own phrases: "plan"
        should not wake the reader for "planning")."""
        whole_words = {_words_of(phrase) for phrase in whole}
        self._automaton = ahocorasick.Automaton()
        for phrase in phrases:
            words = _words_of(phrase)
            if words.strip():
                short = " " not in words.strip() and len(words.strip()) <= 3
                self._automaton.add_word(words if short or words in whole_words else words.rstrip(), True)
        if len(self._automaton):
            self._automaton.make_automaton()

    def found_in(self, joined: str) -> bool:
        """Whether a phrase is in a text given as ``joined_words``."""
        return len(self._automaton) > 0 and next(self._automaton.iter(joined), None) is not None


_PUNCTUATION = "\"'“”‘’()[]{}.,;:!?*•·–—/\\"
_PUNCTUATION_TO_SPACE = str.maketrans(dict.fromkeys(_PUNCTUATION, " "))
# Runs of punctuation and white space (``\s`` is what ``str.split`` splits on), for text that is
# not ASCII: ``str.translate`` is fast only on ASCII, and splitting on this costs half as much.
_BETWEEN_WORDS = re.compile("[" + re.escape(_PUNCTUATION) + r"\s]+")


def joined_words(lowered: str) -> str:
    """Lower-case text as its words, punctuation dropped, with one space between and around
    them (" dsg safety valve "), so a phrase at a word's start is a needle after a space."""
    if lowered.isascii():
        return " " + " ".join(lowered.translate(_PUNCTUATION_TO_SPACE).split()) + " "
    return " " + " ".join(filter(None, _BETWEEN_WORDS.split(lowered))) + " "


def _words_of(phrase: str) -> str:
    """A phrase of ``cues.yaml`` as ``joined_words`` gives its words."""
    return joined_words(" ".join(_TOKEN.findall(phrase.lower().replace("-", " "))))


def load_cues(path: Path | None = None) -> Cues:
    """Read and check a cues file (the bundled one by default)."""
    if path is None:
        raw = resources.files("extractors").joinpath("cues.yaml").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    exact: dict[str, list[Entry]] = {}
    stems: list[tuple[str, tuple[str, ...], str]] = []
    roles: set[str] = set()
    for section in ("topics", "states", "modality"):
        for role, phrases in (data.get(section) or {}).items():
            if not isinstance(phrases, list) or not phrases:
                raise CuesError(f"{section}.{role}: expected a non-empty list of phrases")
            if role in roles:
                raise CuesError(f"{section}.{role}: role defined twice")
            roles.add(role)
            for phrase in phrases:
                if not isinstance(phrase, str):  # YAML reads a bare no, yes, on or off as a boolean
                    raise CuesError(f'{section}.{role}: {phrase!r} is not text (quote it: "no")')
                words = tuple(
                    word.replace("zzstar", "*")
                    for word in _TOKEN.findall(str(phrase).lower().replace("*", "zzstar").replace("-", " "))
                )
                if not words:
                    raise CuesError(f"{section}.{role}: empty phrase {phrase!r}")
                if str(phrase).rstrip().endswith("'"):  # "schools'" would read as "schools"
                    raise CuesError(f"{section}.{role}: {phrase!r}: a trailing apostrophe is dropped; write the word without it")
                if any(word.endswith("*") for word in words[1:]):
                    raise CuesError(f"{section}.{role}: {phrase!r}: only a phrase's first word may end in *")
                first = words[0]
                if first.endswith("*"):
                    stems.append((first[:-1], words, role))
                else:
                    exact.setdefault(first, []).append((words, role))
    triggers = tuple(str(word).lower() for word in data.get("triggers") or ())
    if not triggers:
        raise CuesError("triggers: expected a non-empty list")
    phrases_of: dict[str, list[str]] = {}
    for section in ("topics", "states", "modality"):
        for role, phrases in (data.get(section) or {}).items():
            phrases_of[role] = [str(phrase).lower().replace("-", " ").replace("*", "") for phrase in phrases]
    covering = Triggers(triggers)
    for role in data.get("trigger_roles") or ():
        for phrase in phrases_of.get(role, ()):
            if not covering.found_in(joined_words(phrase)):
                raise CuesError(f"triggers: no trigger covers {role} phrase {phrase!r}; add one")
    role_phrases: set[str] = set()
    for section in ("topics", "states", "modality"):
        for role, phrases in (data.get(section) or {}).items():
            if role in (data.get("programme_roles") or ()):
                role_phrases |= {str(p).lower().replace("-", " ") for p in phrases if "*" not in str(p)}
                role_phrases |= {str(p).lower().replace("-", " ").replace("*", "") for p in phrases if "*" in str(p)}
    stem_phrases = {
        str(p).lower().replace("*", "")
        for section in ("topics", "states", "modality")
        for role, phrases in (data.get(section) or {}).items()
        if role in (data.get("programme_roles") or ())
        for p in phrases
        if "*" in str(p)
    }
    programme_words = {str(word).lower() for word in data.get("programme_words") or ()}
    programme_triggers = tuple(sorted(role_phrases | programme_words))
    whole = frozenset(role_phrases - stem_phrases - programme_words)
    # Longer phrases first; among equals, a fixed order (a set's order changes from one process to the next).
    ordered = {first: tuple(sorted(set(entries), key=lambda entry: (-len(entry[0]), entry))) for first, entries in exact.items()}
    return Cues(ordered, tuple(stems), triggers, frozenset(roles), programme_triggers, whole)


@lru_cache(maxsize=1)
def default_cues() -> Cues:
    """The bundled vocabulary, loaded once per process."""
    return load_cues()
