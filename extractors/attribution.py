"""Whose position does a sentence describe: this council's, or someone else's?

A council's own papers speak about it by name ("Rotherham", "BCP", "the Bracknell Forest
safety valve agreement"), by role ("the authority", "the Council", "the LA", "we"), or with no
subject at all ("Overall, the deficit is forecast to rise"). They also describe other councils
("five local authorities have had payments suspended", "most LAs on the programme", "Kent
County Council") and the programme in general ("the programme supports LAs with ..."). Only
the first kind is evidence about this council.

``Subject`` rewrites a sentence for matching: this council's names become ``selfcouncil`` and
other councils' names ``othercouncil``, so the lexicon can say ``{self} safety valve
agreement`` once for every council.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

SELF_TOKEN = "selfcouncil"
OTHER_TOKEN = "othercouncil"

_SUFFIXES = re.compile(
    r"\s+(?:Metropolitan Borough|Metropolitan District|Royal Borough|County Borough|Borough|County|City|District)?\s*Council$",
    re.I,
)
_PREFIXES = re.compile(r"^(?:The\s+)?(?:London Borough of|Royal Borough of|Borough of|City of|County of|Council of the)\s+", re.I)
_ACRONYM_SKIP = {"and", "of", "the", "upon", "on", "with", "in"}

# Any "<Capitalised words> Council" not ours is another council ("Kent County Council").
_NAMED_COUNCIL = re.compile(
    r"\b(?:(?:London|Royal) Borough of [A-Z][\w'-]+(?: (?:and|upon) [A-Z][\w'-]+)*"
    r"|(?:[A-Z][\w'-]+,? (?:(?:and|upon|on|with|in) )?){1,4}(?:Metropolitan Borough |County |City |Borough |District )?Council)\b"
    r"(?!\s+(?:Tax|tax|House|Offices|Chamber|Plan|Strategy|[Mm]eeting|[Mm]embers|Leader|Constitution|Procedure))"
)
_GENERIC_COUNCIL_WORDS = {
    "the", "this", "that", "our", "each", "every", "full", "county", "city", "borough", "district", "town",
    "parish", "schools", "cabinet", "executive", "local", "a", "an", "any", "which", "whole", "metropolitan",
    "said", "and", "whilst", "while", "however", "further", "all", "other", "both", "if", "where", "when",
    "although", "as", "by", "for", "to", "of", "in", "on", "at", "with", "from", "that", "forum",
}

# Plural or numbered local authorities: the sentence is about others, or about the programme.
_OTHERS = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|several|many|most|some|"
    r"no(?: further| more| new| other)?|any(?: further| more| other)?|further|more|new|"
    r"other|a (?:small |large |significant |growing )?number of|all|those|these|few|neighbouring|comparator|"
    r"statistical neighbour|similar|participating|selected|individual)\s+(?:other\s+|additional\s+|english\s+|of the\s+)?"
    r"(?:local authorities|local councils|authorities|councils|las|la's)\b"
    r"|\b(?:local authorities|councils|las)\s+(?:which|that|who|with|in|on|across|nationally|like|under|placed|subject|are|have|were|had)\b"
    r"|\b(?:supports?|assists?|helps?|for|to|of|across|among|between|other)\s+(?:local authorities|las|councils)\b"
    r"|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|many|most|some|several|all|half|none)\s+of\s+(?:its|their|the|our)\s+"
    r"(?:members|member councils|member authorities|authorities|councils|las)\b"
    r"|\bothercouncil\b"
    r"|\b(?:nationally|across the country|other areas)\b",
    re.I,
)

# This council by role: a council paper's "the authority" is its own council.
_SELF_ROLE = re.compile(
    r"\b(?:selfcouncil|the council|the authority|the local authority|the la|this la|the county council|"
    r"the borough council|the city council|the borough|we|our|us)\b",
    re.I,
)

_CLAUSE_BREAK = re.compile(r";|,?\s+(?:while|whilst|whereas|but|however|although)\s+|\s+-\s+", re.I)


@dataclass(frozen=True)
class Attribution:
    """Who a clause is about: ``self`` (named or by role), ``implicit`` (no subject), ``other``."""

    subject: str
    explicit: bool


class Subject:
    """Recognises one council's names (and others') in sentences; build once per council."""

    def __init__(self, council_names: list[str]):
        forms = _self_forms(council_names)
        words = sorted({form for form in forms if not form.isupper()}, key=len, reverse=True)
        acronyms = sorted({form for form in forms if form.isupper()}, key=len, reverse=True)
        # Names are proper nouns: matched as written or in capitals, so "Reading" the council is
        # never "reading" the verb.
        spellings = sorted({spelling for word in words for spelling in (word, word.upper())}, key=len, reverse=True)
        alternatives = [re.escape(word).replace(r"\ ", r"\s+") for word in spellings]
        self._self_words = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b") if alternatives else None
        self._self_acronyms = re.compile(r"\b(?:" + "|".join(map(re.escape, acronyms)) + r")(?:'?s)?\b") if acronyms else None
        self._others = _other_places_pattern(frozenset(form.lower() for form in forms))

    def rewrite(self, text: str) -> str:
        """Lower-cased text with this council as ``selfcouncil`` and others as ``othercouncil``."""
        if self._self_words is not None:
            text = self._self_words.sub(SELF_TOKEN.upper(), text)
        if self._self_acronyms is not None:
            text = self._self_acronyms.sub(SELF_TOKEN.upper(), text)
        if "Council" in text or "Borough of" in text:
            text = _NAMED_COUNCIL.sub(_named_council_token, text)
        text = self._others.sub(_other_token_at_word_start, text)
        return _normalise(text.lower())


def attribute(clause: str) -> Attribution:
    """Who a rewritten clause (see ``Subject.rewrite``) is about."""
    if SELF_TOKEN in clause:
        return Attribution("self", True)
    other = _OTHERS.search(clause)
    own = _SELF_ROLE.search(clause)
    if other and (own is None or other.start() < own.end()):
        return Attribution("other", True)
    if own is not None:
        return Attribution("self", False)
    return Attribution("implicit", False)


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause holding ``start:end`` begins and ends (cut at ';', 'while', 'but' ...)."""
    left = 0
    for brk in _CLAUSE_BREAK.finditer(text, 0, start):
        left = brk.end()
    right_break = _CLAUSE_BREAK.search(text, end)
    right = right_break.start() if right_break else len(text)
    return left, right


def _normalise(text: str) -> str:
    """Straight quotes, no quotation marks around words (keep apostrophes), single spaces."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", "", text)
    text = text.replace('"', "")
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text)


def _other_token_at_word_start(match: re.Match[str]) -> str:
    start = match.start()
    if start and (match.string[start - 1].isalnum() or match.string[start - 1] in "-'"):
        return match.group(0)
    return OTHER_TOKEN.upper()


def _named_council_token(match: re.Match[str]) -> str:
    """``othercouncil`` for "Kent County Council"; unchanged for "The County Council", "Full Council"."""
    text = match.group(0)
    words = [word.lower() for word in text.replace(",", " ").split()[:-1]]  # the words before "Council"
    generic = all(word in _GENERIC_COUNCIL_WORDS for word in words) or (len(words) == 1 and words[0] in _GENERIC_COUNCIL_WORDS)
    if generic or SELF_TOKEN.upper() in text:
        return text
    return OTHER_TOKEN.upper()


def _self_forms(names: list[str]) -> set[str]:
    """Every way papers name this council: full names, place names, and initials."""
    forms: set[str] = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        forms.add(name)
        place = _PREFIXES.sub("", _SUFFIXES.sub("", name)).strip(" ,")
        if place and place.lower() not in {"the", "council"}:
            forms.add(place)
            if "," in place:
                forms.add(place.split(",")[0].strip())
        for source in {name, place}:
            initials = "".join(word[0] for word in re.split(r"[\s,-]+", source) if word and word.lower() not in _ACRONYM_SKIP)
            if 3 <= len(initials) <= 6 and len(source.split()) > 1:  # two letters ("KC") clash with other uses
                forms.add(initials.upper())
    return forms


@lru_cache(maxsize=1)
def _places() -> tuple[list[str], set[str]]:
    data = yaml.safe_load(resources.files("extractors").joinpath("places.yaml").read_text(encoding="utf-8"))
    return list(data["places"]), set(data.get("ambiguous", []))


@lru_cache(maxsize=512)
def _other_places_pattern(own_lower: frozenset[str]) -> re.Pattern[str]:
    """Every other authority's place name, excluding anything that names this council."""
    places, ambiguous = _places()
    plain: list[str] = []
    guarded: list[str] = []
    for place in places:
        lowered = place.lower()
        if any(lowered == own or lowered in own or own in lowered for own in own_lower if len(own) > 3):
            continue
        escaped = re.escape(place).replace(r"\ ", r"\s+")
        (guarded if place in ambiguous else plain).append(escaped)
    parts = []
    if plain:
        # No leading \b: it would cost the regex engine its fast first-character scan (about 15x);
        # the left word boundary is checked in _other_token_at_word_start instead.
        parts.append(r"(?:" + "|".join(sorted(plain, key=len, reverse=True)) + r")\b(?!-)")
    if guarded:
        parts.append(r"(?:" + "|".join(guarded) + r")(?=\s+(?:Borough\s+|City\s+|County\s+)?Council\b)")
    return re.compile("|".join(parts) if parts else r"(?!x)x")
