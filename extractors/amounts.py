"""Amounts of money as papers write them, turned into pounds: the part of reading money that
sentence splitting needs too (is this line a table heading with a unit? does it state an amount?).

``extractors.money`` builds labelled figures on top of these; ``extractors.sentences`` asks them
where a table's rows begin. Both import this module, which imports neither.
"""

from __future__ import annotations

import re

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT = r"bn|billion|mn|mil|millions?|m|k|thousand"
_UNIT_VALUES = {
    "bn": 1e9,
    "billion": 1e9,
    "mn": 1e6,
    "mil": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "m": 1e6,
    "k": 1e3,
    "thousand": 1e3,
}

# £A, optionally a range to a second amount (with or without its own £), each with an optional unit.
# An accountant's sign ("£-3.4m", "£(2.1)m") is read past: the amount is what the text states.
_AMOUNT = re.compile(
    rf"(?:\b(?:c|ca|circa|approx|approximately)\.?\s*)?£\s?(?:c\.?\s?)?[-−(]?(?P<a>{_NUMBER})\)?(?:\s?(?P<ua>{_UNIT})(?![a-z]))?"
    rf"(?:\s?(?:-|–|—|to)\s?(?P<pb>£\s?)?(?P<b>{_NUMBER})(?:\s?(?P<ub>{_UNIT})(?![a-z]))?)?",
    re.IGNORECASE,
)

# Table headings that give a unit to the bare numbers below them.
_TABLE_UNIT = re.compile(r"£\s?(?P<unit>m|000|'000|k|millions?|bn)(?![\w.,]*\d)|\(£(?P<unit2>m|000|'000|k)\)", re.IGNORECASE)
_TABLE_UNITS = {"m": 1e6, "million": 1e6, "millions": 1e6, "000": 1e3, "'000": 1e3, "k": 1e3, "bn": 1e9}


def parse_amounts(text: str) -> list[tuple[float, str, int]]:
    """Every £ amount in ``text`` as (pounds, matched text, offset); a range gives two."""
    found: list[tuple[float, str, int]] = []
    units: list[float | None] = []  # the multiplier each amount was written with, if any
    for match in _AMOUNT.finditer(text):
        first, second = match.group("a"), match.group("b")
        unit_a, unit_b = match.group("ua"), match.group("ub")
        if second is None and unit_a is None:
            if first == "000":
                continue  # a "£000" column heading, not an amount
            unit_a = _unit_of_the_range_end(text, match)
        if second is not None and unit_b is None and match.group("pb") is None:
            # "£5m to 10 schools": the second number is not money.
            found.append(
                (to_float(first) * _unit(unit_a), match.group(0)[: match.end("a") - match.start()].strip(), match.start("a"))
            )
            units.append(_written_unit(unit_a, first))
            continue
        value_a = to_float(first)
        if second is None:
            found.append((value_a * _unit(unit_a), match.group(0).strip(), match.start("a")))
            units.append(_written_unit(unit_a, first))
            continue
        value_b = to_float(second)
        # "£4.7 to £2.2 million", "£6.5-7m": one unit written for both ends of the range.
        shared = unit_a or (unit_b if value_a < 1000 and "," not in first else None)
        found.append((value_a * _unit(shared), match.group(0).strip(), match.start("a")))
        found.append((value_b * _unit(unit_b), match.group(0).strip(), match.start("b")))
        units.extend([_written_unit(shared, first), _written_unit(unit_b, second)])
    if "(£" in text:  # "Balance at 1 April (£m): (4.1)": a unit written as a label before its number
        for match in _UNIT_LABEL.finditer(text):
            found.append((to_float(match.group("n")) * _TABLE_UNITS[match.group("u").lower()], match.group(0), match.start("n")))
            units.append(None)
    return _carry_elided_units(found, units)


_UNIT_LABEL = re.compile(rf"\(£(?P<u>m|000|k|bn)\)\s*[:=]\s*\(?(?P<n>{_NUMBER})\)?", re.IGNORECASE)


_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_AND_END = re.compile(rf"\s+and\s+£\s?(?:{_NUMBER})\s?(?P<unit>{_UNIT})(?![a-z])", re.IGNORECASE)


def _unit_of_the_range_end(text: str, match: re.Match[str]) -> str | None:
    """ "between £5 and £7 million": the unit written once, at the range's far end."""
    if not _BETWEEN.search(text, max(0, match.start() - 12), match.start()):
        return None
    end = _AND_END.match(text, match.end())
    return end.group("unit") if end else None


def _written_unit(unit: str | None, number: str) -> float | None:
    """The amount's written multiplier; ``0.0`` marks a bare number that cannot be pounds and
    pence (``£10.977``: one or three decimals), whose unit the writer left to a neighbour."""
    if unit:
        return _unit(unit)
    decimals = number.partition(".")[2]
    return 0.0 if decimals and len(decimals) != 2 else None


def _carry_elided_units(found: list[tuple[float, str, int]], units: list[float | None]) -> list[tuple[float, str, int]]:
    """In "£20.952 million, of which only £10.977 was planned" the second amount's unit is the
    one written on the nearest amount before it (else after it) in the same text."""
    carried = list(found)
    for index, unit in enumerate(units):
        if unit != 0.0:
            continue
        neighbours = [units[i] for i in range(index - 1, -1, -1)] + units[index + 1 :]
        written = next((value for value in neighbours if value), None)
        if written is not None:
            amount, raw, offset = carried[index]
            carried[index] = (amount * written, raw, offset)
    return carried


# Money written without its sign, as minutes transcribe speech: "an overspend of 848k", "the gross
# deficit is just over 31 million". Only after a word for money, and only with a unit, so counts
# of pupils or places ("1,200 places") are never taken for pounds.
_UNSIGNED = re.compile(rf"(?<![£\w.,])(?P<a>{_NUMBER})\s?(?P<u>bn|billion|mn|mil|million|m|k)(?![a-z0-9])", re.IGNORECASE)
_MONEY_WORD_BEFORE = re.compile(
    r"\b(?:overspends?|overspent|overspending|deficits?|shortfalls?|gap|pressures?|underspends?|surplus|budgets?"
    r"|funding|grant|contributions?|savings?|costs?|spend|spending|reserves?|balance)\b(?:\s+[a-z]+){0,3}?\s+$",
    re.IGNORECASE,
)


_POUNDS_AFTER = re.compile(r"\s*pounds\b", re.IGNORECASE)  # "12 million pounds" names its own currency

_MONEY_STEMS = (
    "overspen",
    "deficit",
    "shortfall",
    "gap",
    "pressure",
    "underspen",
    "surplus",
    "budget",
    "funding",
    "grant",
    "contribution",
    "saving",
    "cost",
    "spend",
    "reserve",
    "balance",
    "pound",
)


def unsigned_amounts(text: str) -> list[tuple[float, str, int]]:
    """Amounts of money written without a £ sign, as (pounds, matched text, offset)."""
    lowered = text.lower()
    for stem in _MONEY_STEMS:  # a loop, not any() over a generator: this runs for every sentence
        if stem in lowered:
            break
    else:
        return []  # most sentences name no money at all: skip the scan
    found: list[tuple[float, str, int]] = []
    for match in _UNSIGNED.finditer(text):
        if _MONEY_WORD_BEFORE.search(text, max(0, match.start() - 60), match.start()) or _POUNDS_AFTER.match(text, match.end()):
            found.append((to_float(match.group("a")) * _unit(match.group("u")), match.group(0), match.start()))
    if "illion" in lowered:
        for match in _WORDED.finditer(text):
            if _MONEY_WORD_BEFORE.search(text, max(0, match.start() - 60), match.start()) or _POUNDS_AFTER.match(
                text, match.end()
            ):
                number = _worded_number(match.group("n").lower().split())
                if number:
                    found.append((number * _UNIT_VALUES[match.group("u").lower()], match.group(0), match.start()))
    return found


# Money said in words, as transcripts of speech write it: "eighteen point four million pounds",
# "two and a half million", "a hundred and twenty million pounds".
_ONES = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
        " seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * value
    for value, word in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if value > 1
}
# The words that spell a count ("twenty-six", "a hundred"): also how the reader knows "reached
# twenty-six million" names a sum.
NUMBER_WORDS = frozenset({*_ONES, *_TENS, "hundred"} - {"zero"})
_NUMBER_WORD = "|".join(sorted([*_ONES, *_TENS, "hundred", "a", "and", "half", "point"], key=len, reverse=True))
_WORDED = re.compile(
    rf"(?<![\w-])(?P<n>(?:(?:{_NUMBER_WORD})[\s-]+)+)(?P<u>million|billion)\b",
    re.IGNORECASE,
)


def _worded_number(words: list[str]) -> float | None:
    """The value of number words before "million" ("eighteen point four", "two and a half", "a
    hundred and twenty"), or None when they do not make a number."""
    words = [part for word in words for part in word.split("-")]
    current = 0.0
    seen = False
    index = 0
    while index < len(words):
        word = words[index]
        if word in _ONES or word in _TENS:
            current += _ONES.get(word, 0) + _TENS.get(word, 0)
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word == "a" and words[index + 1 : index + 2] in (["hundred"], ["half"]):
            pass
        elif word == "half" and seen:
            current += 0.5  # "two and a half"
        elif word == "point" and seen:
            digits = [_ONES.get(part) for part in words[index + 1 :]]
            if not digits or any(digit is None or digit > 9 for digit in digits):
                return None
            return current + float("0." + "".join(str(digit) for digit in digits))
        elif word != "and":
            return None
        index += 1
    return current if seen else None


def table_unit_of(line: str) -> float | None:
    """The multiplier a table heading like ``£m`` or ``(£000)`` gives the numbers below it."""
    if "£" not in line:
        return None
    match = _TABLE_UNIT.search(line)
    if match is None:
        return None
    unit = (match.group("unit") or match.group("unit2") or "").lower()
    return _TABLE_UNITS.get(unit)


def to_float(number: str) -> float:
    """A number as papers write it (``1,003.6``), as a float."""
    return float(number.replace(",", ""))


def _unit(unit: str | None) -> float:
    return _UNIT_VALUES.get(unit.lower(), 1.0) if unit else 1.0
