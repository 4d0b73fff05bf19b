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
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from extractors.records import rebuilt_by_constructor

SELF_TOKEN = "selfcouncil"
OTHER_TOKEN = "othercouncil"

_SUFFIXES = re.compile(
    r"\s+(?:Metropolitan Borough|Metropolitan District|Royal Borough|County Borough|Borough|County|City|District)?\s*Council$",
    re.I,
)
_PREFIXES = re.compile(r"^(?:The\s+)?(?:London Borough of|Royal Borough of|Borough of|City of|County of|Council of the)\s+", re.I)
_ACRONYM_SKIP = {"and", "of", "the", "upon", "on", "with", "in"}

# Any "<Capitalised words> Council" not ours is another council ("Kent County Council").
# The press's initials for a kind of council after its name: "Bury MBC", "Merton and Sutton LBCs".
_KIND_INITIALS = r"(?:MBC|LBC|RBC|CC|DC|BC|UA)s?"
_NAMED_COUNCIL = re.compile(
    r"\b(?:(?:London|Royal) Borough of [A-Z][\w'-]+(?: (?:and|upon) [A-Z][\w'-]+)*"
    r"|(?:(?!(?:" + _KIND_INITIALS + r"|SELFCOUNCIL|OTHERCOUNCIL|Council)\b)[A-Z][\w'-]+,? (?:(?:and|&|upon|on|with|in) )?){1,4}"
    r"(?:Metropolitan Borough |County |City |Borough |District )?Council)\b"
    r"(?!\s+(?:Tax|tax|House|Offices|Chamber|Plan|Strategy|[Mm]eeting|[Mm]embers|Leader|Constitution|Procedure))"
)
_GENERIC_COUNCIL_WORDS = {
    "the",
    "this",
    "that",
    "our",
    "each",
    "every",
    "full",
    "county",
    "city",
    "borough",
    "district",
    "town",
    "parish",
    "schools",
    "cabinet",
    "executive",
    "local",
    "a",
    "an",
    "any",
    "which",
    "whole",
    "metropolitan",
    "said",
    "and",
    "whilst",
    "while",
    "however",
    "further",
    "all",
    "other",
    "both",
    "if",
    "where",
    "when",
    "although",
    "as",
    "by",
    "for",
    "to",
    "of",
    "in",
    "on",
    "at",
    "with",
    "from",
    "forum",
}

# Plural or numbered local authorities: the sentence is about others, or about the programme.
_OTHERS = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|several|many|most|some|"
    r"no(?: further| more| new| other)?|any(?: further| more| other)?|further|more|new|"
    r"other|a (?:small |large |significant |growing )?number of|all|those|these|few|neighbouring|comparator|"
    r"statistical neighbour|similar|participating|selected|individual)\s+(?:other\s+|additional\s+|english\s+|of the\s+)?"
    r"(?:[a-z'-]+\s+){0,2}?(?:local authorities|local councils|authorities|councils|las|la's|council areas|areas|boroughs|counties)\b"
    r"|\b(?:local authorities|councils|las)\s+(?:which|that|who|with|in|on|across|nationally|like|under|placed|being|subject|are|have|were|had|"
    r"involved|concerned|taking part|participating|receiving|given|handed|selected|invited|facing|affected|"
    r"warn|warned|say|said|compare|face|faced|report|reported|nationwide)\b"
    r"|\b(?:supports?|assists?|helps?|for|to|of|across|among|between|other|from|with|by)\s+(?:local authorities|local councils|las|councils)\b"
    r"|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|many|most|some|several|all|half|none)\s+of\s+(?:its|their|the|our)\s+"
    r"(?:members|member councils|member authorities|authorities|councils|las)\b"
    r"|\b(?:an?|any|every|each)\s+(?:area|local area|council|local authority|authority|la)\s+(?:has|have|is|which|that|with|in|on|falls?|goes|'s)(?!\w)"
    r"|\b(?:allows?|allowed|allowing|enables?|enabled|lets|forces?|forced|requires?|required|leaves?|left|help|helping|urges?|urged|told|asked)\s+(?:local authorities|local councils|councils|las)\b"
    r"|\bthe\s+(?:highest|largest|biggest|most|worst|hardest)(?:[\s-]+[a-z]+){0,2}\s+(?:local authorities|councils|las|authorities)\b"
    r"|\bthe following\s+(?:local\s+)?(?:authority|authorities|councils?|las?)\b"
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

_HEADING_WORDS = 16  # a first line longer than this is a sentence of the text, not its heading
# Bodies named after a place that are not its council ("Warrington and Halton Hospitals"): a
# heading naming one may open another council's own paper.
_PLACE_NAMED_BODIES = frozenset(
    {
        "hospital",
        "hospitals",
        "nhs",
        "icb",
        "trust",
        "police",
        "fire",
        "university",
        "college",
        "partnership",
        "combined",
        "region",
    }
)

_CLAUSE_BREAK = re.compile(r";|,?\s+(?:while|whilst|whereas|but|however|although)\s+|\s+-\s+", re.I)


@dataclass(frozen=True)
class Attribution:
    """Who a clause is about: ``self`` (named or by role), ``implicit`` (no subject), ``other``."""

    subject: str
    explicit: bool
    unnamed_group: bool = False  # "other": councils in general ("fourteen more councils"), not named ones

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:  # so that it pickles compiled too
        return rebuilt_by_constructor(self)


class Subject:
    """Recognises one council's names (and others') in sentences; build once per council."""

    def __init__(self, council_names: list[str]):
        forms = _self_forms(council_names)
        words = sorted({form for form in forms if not form.isupper()}, key=len, reverse=True)
        acronyms = sorted({form for form in forms if form.isupper()}, key=len, reverse=True)
        # Names are proper nouns: matched as written or in capitals, so "Reading" the council is
        # never "reading" the verb.
        spellings = sorted({spelling for word in words for spelling in (word, word.upper())}, key=len, reverse=True)
        alternatives = _at_word_start(spellings, lambda rest: re.escape(rest).replace(r"\ ", r"\s+"))
        self._self_words = re.compile(alternatives + r"\b") if spellings else None
        self._self_acronyms = re.compile(_at_word_start(acronyms, re.escape) + r"(?:'?s)?\b") if acronyms else None
        self._others = _other_places_pattern(frozenset(form.lower() for form in forms))

    def names_a_council(self, text: str) -> bool:
        """Whether the text may name this council or another (cheap: no rewriting)."""
        if self._self_words is not None and self._self_words.search(text):
            return True
        if self._self_acronyms is not None and self._self_acronyms.search(text):
            return True
        return "Council" in text or self._others.may_name(text)

    def heads_another(self, line: str) -> bool:
        """Whether a paper's first line opens on another council's name and never names this one
        ("Walsall Schools Forum - 26 November", "Gateshead Council: Cabinet", a headline on
        Walsall): that council's paper, whose "the Council", "we" and unnamed sentences are its own."""
        words = self.rewrite(line).split()
        if len(words) > _HEADING_WORDS or any(word.startswith(SELF_TOKEN) or word in _PLACE_NAMED_BODIES for word in words):
            return False
        while words and words[0] in ("the", "minutes", "of", "agenda", "item", "-", "–", ":"):
            words = words[1:]
        return bool(words) and words[0].startswith(OTHER_TOKEN)

    def rewrite(self, text: str) -> str:
        """Lower-cased text with this council as ``selfcouncil`` and others as ``othercouncil``."""
        if self._self_words is not None:
            text = self._self_words.sub(SELF_TOKEN.upper(), text)
        if self._self_acronyms is not None:
            text = self._self_acronyms.sub(SELF_TOKEN.upper(), text)
        if "Council" in text or "Borough of" in text:
            text = _NAMED_COUNCIL.sub(_named_council_token, text)
        if _SHOUTED.search(text):
            text = self._others.in_capitals(text)
        text = self._others.sub(text)
        if "May" in text:
            text = _MONTH_OF_MAY.sub(MAY_TOKEN, text)
        return _normalise(text.lower())


def _at_word_start(words: list[str], escaped: Callable[[str], str]) -> str:
    """``\\b(?:w1|w2|...)``, the words as regex text by ``escaped``, written so that a search can
    skip straight to their first letters (twenty times faster on a sentence without them): the
    word boundary before a word's first character, when it is a word character, is the same as
    no word character before it, checked once that character has matched (``(?<!\\w\\w)``)."""
    if not all(re.match(r"\w", word) for word in words):
        return r"\b(?:" + "|".join(escaped(word) for word in words) + ")"
    return "(?:" + "|".join(escaped(word[0]) + r"(?<!\w\w)" + escaped(word[1:]) for word in words) + ")"


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


# "May" capitalised inside a sentence, or before a number, is the month, never the hedge "may":
# "the offer made in May was accepted" is not hypothetical.
_MONTH_OF_MAY = re.compile(r"(?<=[^\s.!?] )May\b|^May(?= \d)")
MAY_TOKEN = "monthofmay"


# A quotation mark: a "'" with no letter before it or none after it. Written to start with the
# "'", so the scan looks only at those (a pattern opening with a look-behind tries every character).
_QUOTE_MARK = re.compile(r"'(?:(?<![a-z]')|(?![a-z]))")


def _normalise(text: str) -> str:
    """Straight quotes, no quotation marks around words (keep apostrophes), single spaces."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = _QUOTE_MARK.sub("", text)
    text = text.replace('"', "")
    text = text.replace("–", "-").replace("—", "-")
    return _single_spaces(text)


def _single_spaces(text: str) -> str:
    r"""Each run of white space as one space (what ``re.sub(r"\s+", " ", text)`` gives, at a
    tenth of its cost: ``str.split`` splits on the same characters)."""
    words = text.split()
    if not words:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + " ".join(words) + (" " if text[-1].isspace() else "")


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


_ON_A_RIVER = re.compile(r"(?:-on-|-upon-|\s+upon\s+|\s+on\s+)(?=[A-Z])")


def _self_forms(names: list[str]) -> set[str]:
    """Every way papers name this council: full names, place names, and initials."""
    forms: set[str] = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        forms.add(name)
        forms.add(_shortened(name))
        place = _PREFIXES.sub("", _SUFFIXES.sub("", name)).strip(" ,")
        if place and place.lower() not in {"the", "council"}:
            forms.add(place)
            forms.add(_shortened(place))
            if "," in place:
                forms.add(place.split(",")[0].strip())
            town = _ON_A_RIVER.split(place)[0]
            if town != place and len(town) > 3 and _shortened(place) == place:  # a known short form ("Hull") wins
                forms.add(town)  # "Southend-on-Sea", "Richmond upon Thames": papers say "Southend", "Richmond"
        for source in {name, place}:
            initials = "".join(word[0] for word in re.split(r"[\s,-]+", source) if word and word.lower() not in _ACRONYM_SKIP)
            if 3 <= len(initials) <= 6 and len(source.split()) > 1:  # two letters ("KC") clash with other uses
                forms.add(initials.upper())
    # "Brighton & Hove", "Telford & Wrekin": the ampersand as papers print it
    forms |= {form.replace(" and ", " & ") for form in forms if " and " in form}
    return forms


@lru_cache(maxsize=1)
def _places() -> tuple[list[str], set[str]]:
    """Every authority's place names, each also in its short form ("West Northants"), and the ambiguous ones."""
    data = yaml.safe_load(resources.files("extractors").joinpath("places.yaml").read_text(encoding="utf-8"))
    places = list(data["places"])
    places += [_shortened(place) for place in places if _shortened(place) != place]
    places += [place.replace(" and ", " & ") for place in places if " and " in place]
    return places, set(data.get("ambiguous", []))


@lru_cache(maxsize=1)
def _short_forms() -> dict[str, str]:
    data = yaml.safe_load(resources.files("extractors").joinpath("places.yaml").read_text(encoding="utf-8"))
    return dict(data.get("short_forms") or {})


def _shortened(name: str) -> str:
    for full, short in _short_forms().items():
        name = name.replace(full, short)
    return name


_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")
_SHOUTED = re.compile(r"\b[A-Z]{4,}(?:[ -](?:[A-Z]{2,}|and|upon|on|le|under))*\b")
# Press writes "Bury council" as often as "Bury Council".
_AMBIGUOUS_FOLLOWER = re.compile(r"\s+(?:(?:[Bb]orough\s+|[Cc]ity\s+|[Cc]ounty\s+)?[Cc]ouncil|" + _KIND_INITIALS + r")\b")


# Words around a name that is also an everyday word ("Bury", "Reading") that make it the place:
# "neighbouring Bury", "unlike Reading", "in Derby" (the word is written in lower case there), "Dudley's agreement".
_PLACE_BEFORE = re.compile(r"(?:\b(?:[Nn]eighbouring|[Nn]earby|[Uu]nlike|[Ll]ike|[Bb]oth|[Ii]n)\s+)$")
# After the name: "Bury's", "Bury, one of the first councils to ...", "Bury, the borough that ...",
# "Halton, whose agreement ...", or a council's doing ("Bury signed", "Reading has", a headline's
# "Derby celebrates"): the place, not the word.
_PLACE_AFTER = re.compile(
    r"['’]s\b"
    r"|,\s+(?:one of|among|like|unlike|whose|which)\s"
    r"|,\s+(?:the|a|an)\s+(?:[a-z-]+\s+){0,2}?(?:council|authority|borough|town|city|county|unitary)\b"
    r"|\s+(?:has|have|had|is|was|signed|received|joined|entered|agreed|reached|became|remains|said|says|will|also|"
    r"signs|receives|joins|enters|agrees|reaches|becomes|completes|completed|finishes|finished|secures|secured|"
    r"misses|missed|faces|faced|exits|exited|celebrates|welcomes|welcomed)\s"
)


_LIST_JOINS = frozenset({", ", " and ", " or ", ", and ", " & "})
_LISTED_BEFORE = re.compile(r"(?:SELFCOUNCIL|OTHERCOUNCIL|[A-Z][a-z]+ (?:Borough |City |County )?Council)(?:,| and| or) ")
_LISTED_AFTER = re.compile(r"(?:,| and| or) ([A-Z][\w'’-]*)")


def _reads_as_a_place(text: str, start: int, end: int) -> bool:
    return _PLACE_AFTER.match(text, end) is not None or _PLACE_BEFORE.search(text[max(0, start - 14) : start]) is not None


class _OtherPlaces:
    """Other authorities' place names in a sentence, replaced by ``OTHERCOUNCIL``.

    Place names are proper nouns, so only capitalised words can start one: each is looked up
    by its first word, which costs a dictionary look-up per capitalised word instead of a scan
    of 150 alternatives at every character. Names that are also everyday words ("Reading",
    "Bury") count only when "Council" follows.
    """

    def __init__(self, places: list[tuple[str, bool]]):
        self._by_first: dict[str, list[tuple[str, bool]]] = {}
        for name, ambiguous in sorted(places, key=lambda item: -len(item[0])):
            self._by_first.setdefault(name.split()[0].rstrip(","), []).append((name, ambiguous))

    def may_name(self, text: str) -> bool:
        """Whether a capitalised word of the text starts one of the place names."""
        words = _CAPITALISED.findall(text)  # the words as a list in one call, not a match object each
        firsts = self._by_first.keys()
        return not firsts.isdisjoint(words) or not firsts.isdisjoint([word.rstrip("'’-s") for word in words])

    def _listed(self, text: str, start: int, end: int) -> bool:
        """In a list with a council ("Merton and Sutton", "Sutton, Merton"): a place."""
        before = _LISTED_BEFORE.search(text, max(0, start - 30), start)
        if before is not None and before.end() == start:
            return True
        after = _LISTED_AFTER.match(text, end)
        if after is None:
            return False
        following = after.group(1)
        return following in (SELF_TOKEN.upper(), OTHER_TOKEN.upper()) or any(
            text.startswith(name, after.start(1)) and not ambiguous for name, ambiguous in self._by_first.get(following, [])
        )

    def in_capitals(self, text: str) -> str:
        """ "GREENWICH – placed in enhanced monitoring": a place name printed in capitals, as lists
        and tables print them, written as the name so that ``sub`` knows it."""

        def written(match: re.Match[str]) -> str:
            shouted = match.group(0)
            for name, _ in self._by_first.get(shouted.split()[0].title(), []):
                if shouted.lower().startswith(name.lower()) and len(shouted) >= len(name):
                    return name + shouted[len(name) :]
            return shouted

        return _SHOUTED.sub(written, text)

    def sub(self, text: str) -> str:
        if not self._by_first or not self.may_name(text):  # most sentences name no other place: skip the walk
            return text
        pieces: list[str] = []
        done = 0
        for word in _CAPITALISED.finditer(text):
            start = word.start()
            if start < done:
                continue
            candidates = self._by_first.get(
                word.group(0).rstrip("'’-s") if word.group(0) not in self._by_first else word.group(0)
            )
            if not candidates or (start and (text[start - 1].isalnum() or text[start - 1] in "-'’")):
                continue
            if text.endswith("Greater ", 0, start):
                continue  # "Greater Manchester", "Greater London": a region, not the council
            for name, ambiguous in candidates:
                if not text.startswith(name, start):
                    continue
                end = start + len(name)
                if end < len(text) and (text[end].isalnum() or text[end] in "_-"):
                    continue
                just_named = bool(pieces) and text[done:start] in _LIST_JOINS  # "Merton and Sutton"
                if ambiguous and not (
                    just_named
                    or _AMBIGUOUS_FOLLOWER.match(text, end)
                    or _reads_as_a_place(text, start, end)
                    or self._listed(text, start, end)
                ):
                    continue
                pieces.append(text[done:start])
                pieces.append(OTHER_TOKEN.upper())
                done = end
                break
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether ``part`` is a run of whole words of ``words`` ("Bedford" is not in "Central Bedfordshire")."""
    return any(words[index : index + len(part)] == part for index in range(len(words) - len(part) + 1)) if part else False


@lru_cache(maxsize=512)
def _other_places_pattern(own_lower: frozenset[str]) -> _OtherPlaces:
    """Every other authority's place name, excluding anything that names this council."""
    places, ambiguous = _places()
    own_words = [tuple(re.findall(r"[\w'-]+", own)) for own in own_lower if len(own) > 3]
    kept = [
        (place, place in ambiguous)
        for place in places
        if not any(
            _contains(own, tuple(re.findall(r"[\w'-]+", place.lower())))
            or _contains(tuple(re.findall(r"[\w'-]+", place.lower())), own)
            for own in own_words
        )
    ]
    return _OtherPlaces(kept)


# ---------------------------------------------------------------- who a claim is about, by position

_SELF_ROLE_WORDS = (
    ("the", "council"),
    ("the", "authority"),
    ("the", "local", "authority"),
    ("the", "la"),
    ("this", "la"),
    ("the", "county", "council"),
    ("the", "borough", "council"),
    ("the", "city", "council"),
    ("this", "council"),
    ("this", "authority"),
    ("that", "council"),  # "Norfolk, where the Department has suspended that council's payments": the one just named
    ("that", "authority"),
    ("the", "county"),
    ("the", "borough"),
    ("the", "city"),
    ("it",),
    ("its",),
)
_OWN_VOICE = frozenset({"we", "our", "us", "ours"})
# Words that refer back to a group named before: "both were already off track".
_GROUP_BACK_REFERENCES = (
    ("both",),
    ("the", "two"),
    ("all", "three"),
    ("all", "four"),
    ("all", "five"),
    ("the", "three"),
    ("they",),
    ("their",),
    ("these", "councils"),
    ("those", "councils"),
    ("these", "authorities"),
    ("those", "authorities"),
    ("all", "of", "them"),
    ("each", "of", "them"),
    ("the", "councils"),
    ("the", "authorities"),
)
_GROUP_REFERENCE_PHRASES = frozenset(_GROUP_BACK_REFERENCES)
_ROLE_PHRASES = frozenset(_SELF_ROLE_WORDS)
# The lengths those phrases come in (for ``mentions_in``).
_REFERENCE_LENGTHS = sorted({len(phrase) for phrase in _GROUP_REFERENCE_PHRASES | _ROLE_PHRASES})
_GROUP_GLUE = frozenset({",", "and", "or", "&", "nor", "plus", "as", "well"})
# What may follow a council's name in a list: "Bury MBC, Wigan council's and Merton LBC".
_COUNCIL_KIND_WORDS = frozenset(
    {"council", "councils", "'s", "mbc", "mbcs", "lbc", "lbcs", "rbc", "rbcs", "cc", "ccs", "dc", "dcs", "bc", "bcs", "ua", "uas"}
)


@dataclass
class Discourse:
    """What earlier sentences of a document named, for words that refer back ("both", "the council").

    ``last_group`` is the latest coordinated list of councils ("Northshire, Eastbury and
    Westford"), as (how many, whether this council is among them); ``last_single`` is whether
    the latest council named on its own was this council (True), another (False) or none (None).
    """

    last_group: tuple[int, bool] | None = None
    last_single: bool | None = None
    age: int = 0  # sentences since ``last_single`` was set
    groups_by_size: dict[int, bool] = field(default_factory=dict)  # "the five ..." refers to the last list of five
    conditional: bool = False  # the latest sentence opened with a condition ("If the proposal is accepted, ...")
    self_named: int = 0  # how often this council has been named so far (by name or as "the council", "we")
    others_named: int = 0  # and other councils, each naming counted
    # The councils of the latest sentence naming two or more, in order (True: this council), for
    # "the former" and "the latter".
    last_named: tuple[bool, ...] = ()

    def focus_elsewhere(self) -> bool:
        """The paper is about another council: the last one named alone was another, and others
        have been named more often than this one (a press item about Merton, read for Surrey)."""
        return self.last_single is False and self.age <= 2 and self.others_named > 2 * self.self_named + 1

    def update(self, groups: list[tuple[int, bool]], self_words: int = 0, named: tuple[bool, ...] = ()) -> None:
        self.age += 1
        if len(named) >= 2:
            self.last_named = named
        self.self_named += self_words
        for size, has_self in groups:
            self.self_named += 1 if has_self else 0
            self.others_named += size - (1 if has_self else 0)
            if size >= 2:
                self.last_group = (size, has_self)
                self.groups_by_size[size] = has_self
            else:
                self.last_single = has_self
                self.age = 0

    def group_of(self, size: int | None) -> bool | None:
        """Whether this council is in the group referred back to (of ``size``, if said)."""
        if size is not None and size in self.groups_by_size:
            return self.groups_by_size[size]
        return self.last_group[1] if self.last_group is not None else None


def council_groups(tokens: list[str]) -> list[tuple[int, int, int, bool]]:
    """Coordinated runs of council names: (first token, last token, how many, this council among them)."""
    if SELF_TOKEN not in tokens and OTHER_TOKEN not in tokens:
        return []  # two scans in C instead of a walk over every word
    groups: list[tuple[int, int, int, bool]] = []
    position = 0
    count = len(tokens)
    while position < count:
        if tokens[position] not in (SELF_TOKEN, OTHER_TOKEN):
            position += 1
            continue
        first = position
        members = [tokens[position] == SELF_TOKEN]
        last = position
        scan = position + 1
        # "Unlike Essex and Suffolk, Cambridgeshire ...": the comma closes the aside, not the list
        aside = first > 0 and tokens[first - 1] in ("unlike", "like")
        while scan < count:
            if tokens[scan] in (SELF_TOKEN, OTHER_TOKEN) and tokens[scan - 1] == "," and _possessed_after(tokens, scan):
                break  # "Dorset Council, BCP's neighbour, ...": an apposition about the first, not a list
            if tokens[scan] in (SELF_TOKEN, OTHER_TOKEN):
                members.append(tokens[scan] == SELF_TOKEN)
                last = scan
                scan += 1
            elif aside and tokens[scan] == ",":
                break
            elif (
                tokens[scan] in _GROUP_GLUE
                or tokens[scan] in _COUNCIL_KIND_WORDS
                or (tokens[scan] == "the" and tokens[scan + 1 : scan + 2] in ([SELF_TOKEN], [OTHER_TOKEN]))  # "A and the B"
            ):
                scan += 1
            else:
                break
        groups.append((first, last, len(members), any(members)))
        position = last + 1
    return groups


def _possessed_after(tokens: list[str], position: int) -> bool:
    """The council at ``position`` owns the next word ("BCP's neighbour", or "BCP neighbour" once
    its initials and their "'s" are rewritten), which the next comma closes."""
    following = tokens[position + 1 : position + 3]
    if following[:1] == ["'s"]:
        return True
    return (
        len(following) == 2
        and following[1] == ","
        and following[0] not in _GROUP_GLUE
        and following[0] not in _COUNCIL_KIND_WORDS
    )


@dataclass
class Mentions:
    """Who a sentence names, found once per sentence: coordinated council names, phrases naming
    councils in general ("most LAs", "councils with"), and words referring back."""

    groups: list[tuple[int, int, int, bool]]
    generics: list[tuple[int, int]]  # token spans
    references: list[tuple[int, str]]  # (position, "group" | "role" | "voice")


# Every phrase _OTHERS can match holds one of these; a sentence with none needs no regex scan.
_GENERIC_WORDS = ("authorit", "council", "las", "la's", "nationally", "across the country", "area")


# Words every phrase of _OTHERS holds one of (as whole words): a sentence with none needs no regex scan.
_GENERIC_HEADS = frozenset(
    {"authorities", "councils", "las", "la's", "areas", "nationally", "country", "members", "council", "authority", "area", "la"}
    | {"boroughs", "counties"}
)
_REFERENCE_FIRSTS = (
    frozenset(phrase[0] for phrase in _GROUP_REFERENCE_PHRASES | _ROLE_PHRASES) | _OWN_VOICE | {"these", "those", "all"}
)
# _OTHERS for the words of a rewritten sentence, which are all lower case: a case-blind scan
# costs three times as much.
_OTHERS_IN_WORDS = re.compile(_OTHERS.pattern)


_EXPLETIVE_VERBS = frozenset(
    {"is", "was", "has", "had", "will", "would", "may", "might", "seems", "seemed", "appears", "appeared"}
)
_EXPLETIVE_HEADS = frozenset(
    {
        "believed",
        "understood",
        "thought",
        "expected",
        "likely",
        "unlikely",
        "possible",
        "clear",
        "reported",
        "noted",
        "important",
        "essential",
        "hoped",
        "anticipated",
        "estimated",
        "suggested",
        "said",
        "recognised",
        "recognized",
        "acknowledged",
        "necessary",
        "vital",
        "assumed",
        "known",
        "felt",
        "considered",
        "evident",
    }
)


def _expletive(tokens: list[str], index: int) -> bool:
    """ "It is believed this followed ...", "it was noted that ...": a dummy subject, not the council."""
    following = tokens[index + 1 : index + 5]
    if not following or following[0] not in _EXPLETIVE_VERBS:
        return False
    return any(word in _EXPLETIVE_HEADS for word in following[1:])


def mentions_in(tokens: list[str]) -> Mentions:
    """Every mention ``who`` needs, in one pass over the sentence."""
    generics: list[tuple[int, int]] = []
    if not _GENERIC_HEADS.isdisjoint(tokens):
        offsets: list[int] = []  # where each token starts in the joined text, once a match needs it
        for match in _OTHERS_IN_WORDS.finditer(" ".join(tokens)):
            if OTHER_TOKEN in match.group(0):
                continue
            if not offsets:
                length = 0
                for token in tokens:
                    offsets.append(length)
                    length += len(token) + 1
            first = bisect_right(offsets, match.start()) - 1
            last = bisect_right(offsets, max(match.start(), match.end() - 1)) - 1
            generics.append((first, last))
    references: list[tuple[int, str]] = []
    firsts = _REFERENCE_FIRSTS
    count = len(tokens)
    for index in [index for index, word in enumerate(tokens) if word in firsts]:
        word = tokens[index]
        if word in _OWN_VOICE:
            references.append((index, "voice"))
            continue
        if (
            word in ("the", "these", "those", "all")
            and index + 1 < count
            and (tokens[index + 1] in _NUMBER_WORDS or tokens[index + 1].isdigit())
            and tokens[index + 1] != "both"
        ):
            references.append((index, "group"))
            continue
        if word == "it" and _expletive(tokens, index):
            continue
        # The phrases of every length that start here, each set asked once (in C) for any of them.
        starting = [tuple(tokens[index : index + length]) for length in _REFERENCE_LENGTHS]
        if not _GROUP_REFERENCE_PHRASES.isdisjoint(starting):
            references.append((index, "group"))
        elif not _ROLE_PHRASES.isdisjoint(starting):
            references.append((index, "role"))
    return Mentions(council_groups(tokens), generics, references)


def who(
    tokens: list[str], clause: list[int], position: int, discourse: Discourse, mentions: Mentions | None = None
) -> Attribution:
    """Whose position the claim at token ``position`` states.

    The nearest council named before the claim in its clause is its subject ("Eastbury, which
    is in DBV"); a coordinated list including this council makes it ours ("Northshire, Eastbury
    and Westford have all had their plans approved"); with none before, one named after
    ("invited Northshire to join"). Without names, words that refer back resolve to what the
    earlier sentences named, and the council's own voice ("we", "our") is this council.
    """
    mentions = mentions or mentions_in(tokens)
    if not tokens:
        return Attribution("implicit", False)
    position = min(position, len(tokens) - 1)
    own = clause[position]
    first, last = _clause_span(clause, position)
    groups = [group for group in mentions.groups if clause[group[0]] == own]
    before = [group for group in groups if group[0] <= position and (group[1] < position or group[0] == position)]
    if not before and _subject_elided(tokens, first):
        # "Eastbury, which signed in 2021, has made savings but is below its target": the clause
        # before holds the subject, the first council it names (later ones sit in relative clauses).
        earlier = [group for group in mentions.groups if group[1] < first and clause[group[0]] == clause[first] - 1]
        if earlier:
            return Attribution("self", True) if earlier[0][3] else Attribution("other", True)
    generics_before = [span for span in mentions.generics if first <= span[0] <= position]
    if len(before) >= 2 and _in_comparison(tokens, before[-1], position):
        before = before[:-1]  # "Suffolk, like Norfolk, has had its payments suspended": the subject is Suffolk
    if len(before) >= 2 and _in_relative_aside(tokens, before[-1], position):
        before = before[:-1]  # "BCP, with which Dorset shares services, is negotiating": the subject is BCP
    if len(before) >= 2 and _in_apposition(tokens, before[-2], before[-1], position):
        before = before[:-1]  # "Dorset Council, BCP's neighbour, is on track": the subject is Dorset
    by_order = _by_order(tokens, first, position, discourse, before[-1][0] if before else -1)
    if by_order is not None:
        return by_order  # the subject "the former" stands nearer the claim than any council named
    if before:
        nearest = before[-1]
        later = [span for span in generics_before if span[0] > nearest[1]]
        if later and not (nearest[3] and _joins_self(" ".join(tokens[nearest[1] + 1 : later[-1][0]]))):
            return Attribution("other", True)
        return Attribution("self", True) if nearest[3] else Attribution("other", True)
    if generics_before and not _one_of(tokens[first : generics_before[-1][0]]):
        listed = _listed_after(tokens, position, mentions)
        if listed is not None:
            return Attribution("self" if listed else "other", True)  # "the five councils whose ... are A, B and C"
        return Attribution("other", True, unnamed_group=True)
    kinds = [kind for index, kind in mentions.references if first <= index < position]
    if "voice" in kinds:
        return Attribution("self", False)
    earlier = [group for group in mentions.groups if group[1] < first]  # named in an earlier clause of this sentence
    if "group" in kinds or "role" in kinds:
        size = _referred_size(tokens[first:position])
        if earlier and (size is None or earlier[-1][2] == size or "role" in kinds):
            return Attribution("self", True) if earlier[-1][3] else Attribution("other", True)
    if "group" in kinds:
        member = discourse.group_of(_referred_size(tokens[first:position]))
        if member is not None:
            return Attribution("self" if member else "other", True)
    if "role" in kinds:
        if discourse.last_single is False and discourse.age <= 1:
            return Attribution("other", True)
        return Attribution("self", False)
    if earlier and not kinds and tokens[first] in _SAME_SUBJECT_BREAKS and _opens_on(tokens, earlier[0]):
        # "Tameside is further along: officers have spent the autumn negotiating": the sentence
        # opened on a council, and what follows the colon goes on about it.
        return Attribution("self", True) if earlier[0][3] else Attribution("other", True)
    after = [group for group in groups if group[0] > position]
    if after:
        return Attribution("self", True) if after[0][3] else Attribution("other", True)
    generic_after = next(
        (
            span
            for span in mentions.generics
            if position < span[0] <= min(last, position + 10)
            and not any(word in ("which", "who", "that", "whose") for word in tokens[position : span[0]])
        ),
        None,
    )  # but not "DBV, which analysed several local councils"
    if generic_after is not None:
        listed = _listed_after(tokens, generic_after[1], mentions)
        if listed is not None:  # "payments have been paused for three authorities: A, B and C"
            return Attribution("self" if listed else "other", True)
        return Attribution("other", True)
    if discourse.focus_elsewhere():
        return Attribution("other", False)  # a press item about another council: its unattributed sentences are that council's
    return Attribution("implicit", False)


_RELATIVE_OPENERS = (
    ["which"],
    ["who"],
    ["whose"],
    ["where"],
    ["with", "which"],
    ["in", "which"],
    ["to", "which"],
    ["of", "which"],
)


def _in_relative_aside(tokens: list[str], group: tuple[int, int, int, bool], position: int) -> bool:
    """A council named inside a relative clause set off by commas, closed before ``position``."""
    comma = next((k for k in range(group[0] - 1, max(-1, group[0] - 5), -1) if tokens[k] == ","), None)
    if comma is None or not any(tokens[comma + 1 : comma + 1 + len(opener)] == opener for opener in _RELATIVE_OPENERS):
        return False
    return "," in tokens[group[1] + 1 : position]


def _in_apposition(tokens: list[str], head: tuple[int, int, int, bool], group: tuple[int, int, int, bool], position: int) -> bool:
    """A council named in an apposition that describes the one just before it by another ("Dorset
    Council, BCP's neighbour, ..."): set off by commas, closed before ``position``."""
    if tokens[head[1] + 1 : head[1] + 2] != [","] or group[0] != head[1] + 2 or not _possessed_after(tokens, group[1]):
        return False
    return any(tokens[k] == "," for k in range(group[1] + 1, min(position, group[1] + 6)))


_SAME_SUBJECT_BREAKS = frozenset({":", ";", "-", "but"})


def _opens_on(tokens: list[str], group: tuple[int, int, int, bool]) -> bool:
    """The sentence's first words name the council(s) of ``group``: its subject."""
    return group[0] == 0 or tokens[: group[0]] in (["the"], ["but"], ["and"], ["meanwhile"], ["meanwhile", ","])


def _in_comparison(tokens: list[str], group: tuple[int, int, int, bool], position: int) -> bool:
    """A council named in an aside of comparison ("like Norfolk,", "as with Kent,"), closed by a comma before ``position``."""
    opener = tokens[max(0, group[0] - 2) : group[0]]
    compared = opener[-1:] in (["like"], ["unlike"]) or opener == ["as", "with"]
    return compared and "," in tokens[group[1] + 1 : position]


def named_in_order(tokens: list[str]) -> tuple[bool, ...]:
    """The councils named, in order: True for this council."""
    if OTHER_TOKEN not in tokens:  # one scan in C: most sentences name no other council
        return (True,) * tokens.count(SELF_TOKEN)
    return tuple(word == SELF_TOKEN for word in tokens if word in (SELF_TOKEN, OTHER_TOKEN))


# What follows "the former" / "the latter" when they stand for a council, not "the former chair".
_AFTER_A_SUBJECT = frozenset(
    {
        "is",
        "was",
        "has",
        "had",
        "have",
        "remains",
        "remained",
        "continues",
        "continued",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "must",
        "should",
        "signed",
        "agreed",
        "received",
        "reached",
        "entered",
        "'s",
        ",",
        ";",
        ".",
    }
)


def _former_or_latter(tokens: list[str], first: int, position: int) -> tuple[int, int] | None:
    """(0 for "the former" or -1 for "the latter", where it stands) as the subject in the clause before ``position``."""
    if "former" not in tokens and "latter" not in tokens:
        return None
    for index in range(first, min(position + 1, len(tokens) - 1)):
        if tokens[index] == "the" and tokens[index + 1] in ("former", "latter"):
            following = tokens[index + 2 : index + 3]
            if following and following[0] in _AFTER_A_SUBJECT:
                return (0 if tokens[index + 1] == "former" else -1), index
    return None


def _by_order(tokens: list[str], first: int, position: int, discourse: Discourse, last_named_at: int) -> Attribution | None:
    """ "Of the two boroughs, Sefton and Wirral, the former has fallen behind": the council that
    "the former" or "the latter" picks out of the two named before it (in this sentence, or else
    in the last one that named two), unless a council named after it (at ``last_named_at``) is nearer the claim."""
    found = _former_or_latter(tokens, first, position)
    if found is None or found[1] < last_named_at:
        return None
    order, index = found
    named = named_in_order(tokens[:index])
    if len(named) < 2:
        named = discourse.last_named
    if len(named) < 2:
        return None
    return Attribution("self" if named[order] else "other", True)


_LIST_OPENERS = frozenset({"are", "were", "include", "includes", "included", "including", "namely", ":", "being"})


_GROUP_HEADS = (
    ("they",),
    ("these",),
    ("those",),
    ("the", "councils"),
    ("the", "authorities"),
    ("the", "local", "authorities"),
    ("the", "list"),  # "the list includes Westshire": the list the sentence before spoke of
    ("it",),
)
_GROUP_VERBS = frozenset({"include", "included", "includes", "are", "were", "comprise", "names", "named"})
_AMONG = (("among", "them"), ("amongst", "them"), ("among", "those"), ("one", "of", "them"), ("one", "of", "those"))


_GENERAL_COUNCILS = frozenset({"councils", "authorities", "las"})
_OF_THE_GROUP = (["of", "these"], ["of", "them"], ["of", "those"])


def counted_councils(tokens: list[str]) -> int | None:
    """How many councils a sentence speaks of without naming them ("two Greater Manchester
    councils have struck deals"), when it says."""
    for index, word in enumerate(tokens):
        if word in _GENERAL_COUNCILS:
            for before in tokens[max(0, index - 4) : index]:
                size = _NUMBER_WORDS.get(before) or (int(before) if before.isdigit() and len(before) < 3 else None)
                if size:
                    return size
    return None


def names_the_group(tokens: list[str], counted: int | None = None) -> bool:
    """Whether a sentence names this council among councils the sentence before spoke of without
    naming them: "They include Westshire and Eastbury", "Among them are ...", "Westshire is among
    them" (not "Westshire was not among them"), or as many councils as the sentence before
    ``counted``, this one among them."""
    for group_start, _, _, has_self in council_groups(tokens):
        if not has_self:
            continue
        for head in _GROUP_HEADS:
            size = len(head)
            # "they include Westshire", "in the region the list includes Eastbury, which signed in
            # 2022, and Westshire": named after the head and its verb, in the same clause
            for start in range(group_start - 1, max(-1, group_start - size - 20), -1):
                if tokens[start] in (";", ":", "but"):
                    break
                if start + size < group_start and tuple(tokens[start : start + size]) == head:
                    verb = start + size
                    if tokens[verb].endswith("ed") and verb + 1 < group_start:
                        verb += 1  # "the councils invited include Westshire"
                    if tokens[verb] in _GROUP_VERBS:
                        return True
        if tokens[:2] in (["among", "them"], ["amongst", "them"]) and group_start <= 4:
            return True
        # "The letter names two of these, Westshire and Eastbury": named as members of the group
        if any(tokens[index : index + 2] in _OF_THE_GROUP for index in range(max(0, group_start - 4), group_start)):
            return True
    if counted is not None and counted >= 2:
        named = named_in_order(tokens)  # "Two councils have signed. Bury will receive £20m and Trafford £15m."
        if len(named) == counted and any(named):
            return True
    opening = council_groups(tokens)[:1]
    if opening and opening[0][0] == 0 and opening[0][3] and opening[0][2] >= 2:
        # "Warrington and Halton are among the councils joining this round"
        predicate = tokens[opening[0][1] + 1 : opening[0][1] + 4]
        if predicate[:1] in (["are"], ["were"]) and predicate[1:2] in (["among"], ["amongst"], ["both"], ["all"]):
            return True
    after = [index for index in range(len(tokens)) if any(tuple(tokens[index : index + len(a)]) == a for a in _AMONG)]
    if after and tokens[0] == SELF_TOKEN:
        between = tokens[1 : after[0]]
        return bool(between) and between[0] in ("is", "was", "are", "were") and "not" not in between
    return False


def _listed_after(tokens: list[str], position: int, mentions: Mentions) -> bool | None:
    """Councils named as the members of the group the claim is about, after "are", "include" or a
    colon: whether this council is among them (None: no such list)."""
    for index in range(position + 1, len(tokens)):
        if tokens[index] in _LIST_OPENERS:
            for group in mentions.groups:
                if index < group[0] <= index + 2:
                    return group[3]
    return None


_JOINING = re.compile(
    r"^[\s,]*(?:(?:and|&|plus|along with|with|is|are|was|were|has been|have been|now|also|all|both|one of|as one of|among|amongst)\s+)*"
    r"(?:an?\s+|the\s+)?(?:additional\s+|further\s+|other\s+|latest\s+|handful\s+|small\s+|number\s+|group\s+|few\s+)*$"
)


def _joins_self(between: str) -> bool:
    """ "selfcouncil and an additional five local authorities", "selfcouncil is one of the 5 latest
    local authorities": a list of councils that includes this one."""
    return bool(_JOINING.match(between + " ")) or "one of" in between


def _one_of(before: list[str]) -> bool:
    """ "one of 38 local authorities with an agreement" said of this council (its subject elsewhere)."""
    return (
        (before[-2:] == ["one", "of"])
        or (before[-3:] == ["one", "of", "the"])
        or before[-1:] in (["among"], ["amongst"])
        or before[-2:] in (["among", "the"], ["amongst", "the"])
    )


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "both": 2}


def _referred_size(words: list[str]) -> int | None:
    """How many councils "both", "the two councils" or "the five bailouts" refer back to."""
    for index, word in enumerate(words):
        if word == "both":
            return 2
        if word in ("the", "these", "those", "all") and index + 1 < len(words):
            following = words[index + 1]
            if following in _NUMBER_WORDS:
                return _NUMBER_WORDS[following]
            if following.isdigit():
                return int(following)
    return None


_ELIDED_AFTER = frozenset({"but", "though", "although", "whilst", "while"})
_FINITE = frozenset(
    {"is", "was", "are", "were", "has", "had", "have", "remains", "remained", "will", "would", "expects", "expected", "now"}
)


def _subject_elided(tokens: list[str], first: int) -> bool:
    """A clause that opens "but is", "but has", "although remains": its subject is the clause before's."""
    return 0 < first < len(tokens) - 1 and tokens[first] in _ELIDED_AFTER and tokens[first + 1] in _FINITE


def _clause_span(clause: list[int], position: int) -> tuple[int, int]:
    """The first token of the clause holding ``position`` and the one after its last.

    Clause numbers never fall along a sentence (``cues.parse`` counts the breaks before each
    token), so the clause is found by bisection rather than by walking its words."""
    if not clause:
        return 0, 0
    own = clause[position]
    return bisect_left(clause, own, 0, position), bisect_right(clause, own, position)
