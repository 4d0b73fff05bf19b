"""Money amounts in council papers, in every shape they are written, turned into pounds.

Papers write the same kind of figure many ways: ``£4.7 to £2.2 million`` (the unit written once
for a range), ``c£16.4m``, ``£1.5mil``, ``£2.6 mil``, ``£20million``, ``£6.5-7m``,
``£1,003.6 million``, ``£107,739``, ``£0.4m``, ``£101k``, and bare numbers in tables under a
``£m`` or ``£000`` heading. Each amount gets a label when the words just before it say what it
is (cumulative deficit, in-year deficit, forecast, off track by, DfE contribution, block
transfer) and the financial year the sentence names nearest to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.amounts import parse_amounts, to_float, unsigned_amounts
from extractors.records import rebuilt_by_constructor
from extractors.sentences import Sentence


@dataclass(frozen=True)
class Money:
    """One amount stated in a document."""

    amount_gbp: float
    text: str
    label: str | None
    financial_year: str | None
    page: int
    quote: str

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:  # so that it pickles compiled too
        return rebuilt_by_constructor(self)


# A bare number on a table row (the heading above gives its unit: ``amounts.table_unit_of``).
_TABLE_NUMBER = re.compile(r"(?<![\w.,/-])\(?-?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+)\)?(?![\w/%-])")

_YEAR = re.compile(
    r"\b(?P<fy>(?:19|20)\d\d)\s?[/-]\s?(?P<fy2>(?:19|20)?\d\d)\b"
    r"|\bFY\s?(?P<short>\d\d)(?:/\d\d)?\b"
    r"|\b(?:by|to|at|as at|on|end of|ending|until)\s+(?:(?:the\s+)?(?:end\s+of\s+)?(?:31(?:st)?\s+)?)March\s+(?P<march>20\d\d)\b",
    re.IGNORECASE,
)

# Label cues, most specific first; the cue nearest before the amount wins.
_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (
        "off track by",
        re.compile(
            r"off[- ]track by|behind (?:the |its |our )?(?:agreed )?(?:plan|trajectory|target)s?(?: by)?|adverse variance|worse than (?:the )?(?:agreed )?(?:plan|trajectory)",
            re.I,
        ),
    ),
    (
        "DfE contribution",
        re.compile(
            r"(?:dfe|department for education|department|esfa|government)(?:'s)? (?:will )?(?:contribut\w*|invest\w*|pay\w*|provid\w*|fund\w*)|safety valve (?:funding|payments?|contributions?|instalments?)|(?:contribution|funding|investment|payments?) from (?:the )?(?:dfe|department)",
            re.I,
        ),
    ),
    (
        "block transfer",
        re.compile(
            r"block transfer|transfer\w* (?:of )?(?:[^.]{0,40})?(?:from|out of) (?:the )?schools block|schools block (?:to|into) (?:the )?high needs",
            re.I,
        ),
    ),
    (
        "cumulative deficit",
        re.compile(
            r"(?:cumulative|accumulated|historic|total|overall|brought forward|carried forward)\s+(?:dsg\s+|high needs\s+)?(?:deficit|overspend)|(?:deficit|overspend) (?:carried|brought) forward|in deficit by",
            re.I,
        ),
    ),
    (
        "in-year deficit",
        re.compile(
            r"in[- ]year (?:deficit|overspend|pressure)|(?:deficit|overspend) (?:in|for) (?:the )?(?:year|20\d\d)|overspen[dt]|overspending",
            re.I,
        ),
    ),
    ("forecast", re.compile(r"forecast\w*|project(?:ed|ion)s?|predicted|anticipated|expected", re.I)),
]


def _for_lower_case(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """An IGNORECASE pattern for text already lower-cased: its letters lower-cased and case no
    longer ignored, which runs two to three times faster (a case-blind pattern tries each
    alternative at every character). One with an upper-case escape (``\\S``) stays as it is;
    named groups keep their ``(?P``."""
    if re.search(r"\\[A-Z]", pattern.pattern):
        return pattern
    lowered = pattern.pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P=")
    return re.compile(lowered, pattern.flags & ~re.IGNORECASE)


_LABELS_IN_LOWER_CASE = [(label, _for_lower_case(pattern)) for label, pattern in _LABELS]
_YEAR_IN_LOWER_CASE = _for_lower_case(_YEAR)
# For each of ``_LABELS``, words one of which every match holds (in lower case): a label none of
# whose words is in the text is skipped without running its pattern.
_LABEL_WORDS: tuple[tuple[str, ...], ...] = (
    ("off", "behind", "adverse variance", "worse than"),
    ("dfe", "department", "esfa", "government", "safety valve "),
    ("transfer", "schools block"),
    ("deficit", "overspend"),
    ("year", "deficit", "overspen"),
    ("forecast", "project", "predicted", "anticipated", "expected"),
)
# Letters that match an ASCII letter when case is ignored but that ``str.lower`` does not turn
# into it (the dotless i, the long s), and the one it lengthens (the dotted capital I): text
# holding one is scanned as written.
_CASE_ODDITIES = re.compile("[\u0131\u017f\u0130]")


_AFTER_GAP = re.compile(
    r"[\d.,]*\s?(?:bn|billion|mn|mil|millions?|m|k)?\s+(?:adverse\s+|off[- ]track\s+)?"
    r"(?:behind|adrift of|worse than|above|over|adverse to|off track against|off-track against)\s+(?:the\s+|its\s+|our\s+)?"
    r"(?:agreed\s+|planned\s+|safety valve\s+|dfe\s+)*(?:trajectory|plan|profile|target)",
    re.I,
)


def figures_in(sentences: list[Sentence]) -> list[Money]:
    """The money figures stated in these sentences (prose and table rows)."""
    figures: list[Money] = []
    for sentence in sentences:
        text = sentence.text
        named: list[tuple[int, str]] | None = None  # the sentence's years, found for its first amount
        for amount, raw, offset in unsigned_amounts(text):
            named = years_named(text) if named is None else named
            figures.append(Money(amount, raw, label_before(text, offset), year_near(text, offset, named), sentence.page, text))
        if "£" not in text and sentence.table_unit is None:
            continue
        if "£" in text:
            for amount, raw, offset in parse_amounts(text):
                named = years_named(text) if named is None else named
                figures.append(
                    Money(amount, raw, label_before(text, offset), year_near(text, offset, named), sentence.page, text)
                )
        if sentence.table_unit is not None and "£" not in text:
            figures.extend(_table_row_figures(sentence))
    return figures


def label_before(text: str, offset: int) -> str | None:
    """The label whose cue sits nearest before ``offset`` in the same sentence (or just after).

    What is measured (a cumulative deficit, a DfE contribution) beats how it is dated: "the
    cumulative deficit is forecast to be £18m" is labelled cumulative deficit.
    """
    # "£6.2m behind the agreed trajectory", "£2m worse than plan": the gap is named after it.
    right_after = text[offset : offset + 60]
    if _AFTER_GAP.match(right_after):
        return "off track by"
    window_start = max(0, offset - 160)
    before = text[window_start:offset]
    best: tuple[bool, int, int, str] | None = None
    scanned, labels = _labels_that_may_match(before)
    for priority, (label, pattern) in labels:
        for cue in pattern.finditer(scanned):
            distance = len(before) - cue.end()
            candidate = (label == "forecast", distance, priority, label)
            if best is None or candidate < best:
                best = candidate
    if best is not None:
        return best[3]
    scanned, labels = _labels_that_may_match(text[offset : offset + 60])
    for _, (label, pattern) in labels:
        if pattern.search(scanned):
            return label
    return None


def _labels_that_may_match(text: str) -> tuple[str, list[tuple[int, tuple[str, re.Pattern[str]]]]]:
    """The text to scan for labels and the (priority, (label, pattern)) of ``_LABELS`` worth
    running on it: ``text`` lower-cased with the patterns that ignore no case, only those one of
    whose ``_LABEL_WORDS`` it holds; ``text`` as written, with every pattern, when its case is odd.
    (Plain loops: a generator for each label cost more than the look-ups it makes.)"""
    if _CASE_ODDITIES.search(text):
        return text, list(enumerate(_LABELS))
    lowered = text.lower()
    labels = []
    for priority, words in enumerate(_LABEL_WORDS):
        for word in words:
            if word in lowered:
                labels.append((priority, _LABELS_IN_LOWER_CASE[priority]))
                break
    return lowered, labels


def year_near(text: str, offset: int, named: list[tuple[int, str]] | None = None) -> str | None:
    """The financial year named nearest to ``offset`` in the sentence, as ``2024/25``. ``named``:
    the sentence's ``years_named``, found once for all its amounts."""
    best: tuple[int, str] | None = None
    for start, year in years_named(text) if named is None else named:
        distance = abs(start - offset)
        if best is None or distance < best[0]:
            best = (distance, year)
    return best[1] if best else None


def years_named(text: str) -> list[tuple[int, str]]:
    """Where the text names a financial year, and which (``_YEAR``; a span like "2021-2023" is none)."""
    named: list[tuple[int, str]] = []
    odd = _CASE_ODDITIES.search(text)
    for match in _YEAR.finditer(text) if odd else _YEAR_IN_LOWER_CASE.finditer(text.lower()):
        year = _financial_year(match)
        if year is not None:
            named.append((match.start(), year))
    return named


def _financial_year(match: re.Match[str]) -> str | None:
    if match.group("fy"):
        start = int(match.group("fy"))
        end = match.group("fy2")[-2:]
        if (start + 1) % 100 != int(end):
            return None  # "2021-2023" is a span, not one financial year
        return f"{start}/{end}"
    if match.group("short"):
        end = int(match.group("short"))
        return f"20{end - 1:02d}/{end:02d}"
    if match.group("march"):
        end = int(match.group("march"))
        return f"{end - 1}/{end % 100:02d}"
    return None


def _table_row_figures(sentence: Sentence) -> list[Money]:
    """Bare numbers on a table row under a ``£m``/``£000`` heading, labelled by the row's words."""
    text = sentence.text
    numbers = [m for m in _TABLE_NUMBER.finditer(text) if not _looks_like_year(m.group(1))]
    if not numbers:
        return []
    row_label = text[: numbers[0].start()]
    label = label_before(row_label + " ", len(row_label) + 1) if row_label.strip() else None
    unit = sentence.table_unit or 1.0
    years = sentence.table_years
    # Columns headed by years: the last numbers of the row sit under the last years.
    offset = len(years) - len(numbers)
    named = years_named(text) if offset < 0 or not years else []  # for numbers with no year above them
    return [
        Money(
            to_float(m.group(1)) * unit,
            m.group(0),
            label,
            years[offset + i] if years and 0 <= offset + i < len(years) else year_near(text, m.start(), named),
            sentence.page,
            text,
        )
        for i, m in enumerate(numbers)
    ]


def _looks_like_year(token: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", token))
