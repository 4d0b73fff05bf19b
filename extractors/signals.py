"""Sentences into signals: what each sentence says about the council's own position.

For every rule of the lexicon that matches a clause, in order:
1. the sentence must hold one of the rule's ``needs`` words (a cheap check done once per
   sentence for all rules), the document context it ``requires`` must be present, its
   ``anchor`` must match the sentence and its ``block`` must not;
2. the clause must be about this council (``attribution``), not others or the programme;
3. modifiers weigh the match: a negation ("not", "has not yet") or a process description
   ("report where it is on or off track") drops it; a hypothetical ("if", "risk that"), a
   question or, for some rules, the future tense keeps it only as a *warning*; a state the
   same sentence says is over ("payments were paused but have resumed") is a warning too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.attribution import SELF_TOKEN, Subject, attribute, clause_bounds
from extractors.lexicon import Lexicon, Rule
from extractors.sentences import Sentence

WARNING_WEIGHT = 0.5
# A council's own papers are mostly about itself: a sentence with no subject still counts, a little less.
SUBJECT_WEIGHT = {"self_explicit": 1.0, "self_role": 0.95, "implicit": 0.9}
_WINDOW = 90  # characters before a match where a hypothetical or future marker counts
_NEGATION_WINDOW = 45  # negation reaches less far: "not" binds to the words right after it


@dataclass(frozen=True)
class Signal:
    """Evidence about the council: a status, the sentence saying it, and how sure we are."""

    status: str
    quote: str
    page: int
    confidence: float
    kind: str  # "signal": states the council's position; "warning": a risk, hypothesis or past state
    rule: str
    index: int = 0  # sentence position in the document

    def demoted(self, why: str) -> "Signal":
        return replace(self, kind="warning", confidence=round(self.confidence * WARNING_WEIGHT, 3), rule=f"{self.rule}:{why}")


def find_signals(sentences: list[Sentence], subject: Subject, lexicon: Lexicon, context: set[str]) -> list[Signal]:
    """Every signal and warning the sentences give about the council."""
    rules = [(rule, frozenset(rule.needs)) for rule in lexicon.rules if all(flag in context for flag in rule.requires)]
    need_words = frozenset(word for _, needs in rules for word in needs)
    found: list[Signal] = []
    for position, sentence in enumerate(sentences):
        if sentence.table_unit is not None:
            continue
        lowered = sentence.text.lower()
        present = {word for word in need_words if word in lowered}
        candidates = [rule for rule, needs in rules if not needs or not needs.isdisjoint(present)]
        if not candidates:
            continue
        text = subject.rewrite(sentence.text)
        if _continues_about_others(text, sentences, position, subject):
            continue
        for rule in candidates:
            signal = _apply(rule, text, sentence, lexicon)
            if signal is not None:
                found.append(signal)
    return found


def _continues_about_others(text: str, sentences: list[Sentence], position: int, subject: Subject) -> bool:
    """"It"/"They" right after a sentence about another council is about that council too."""
    if position == 0 or not _PRONOUN_OPENING.match(text) or SELF_TOKEN in text:
        return False
    previous = sentences[position - 1]
    if previous.page != sentences[position].page or previous.index != sentences[position].index - 1:
        return False
    return attribute(subject.rewrite(previous.text)).subject == "other"


def _apply(rule: Rule, text: str, sentence: Sentence, lexicon: Lexicon) -> Signal | None:
    """The strongest reading of ``rule`` in this sentence, or None."""
    matches = list(rule.pattern.finditer(text))  # the pattern first: it fails on most sentences
    if not matches:
        return None
    if rule.anchor is not None and not rule.anchor.search(text):
        return None
    if rule.block is not None and rule.block.search(text):
        return None
    best: Signal | None = None
    for match in matches:
        signal = _reading(rule, text, match, sentence, lexicon)
        if signal is not None and (best is None or (signal.kind, signal.confidence) > (best.kind, best.confidence)):
            best = signal
            if best.kind == "signal":
                break
    return best


def _reading(rule: Rule, text: str, match: re.Match[str], sentence: Sentence, lexicon: Lexicon) -> Signal | None:
    left, right = clause_bounds(text, match.start(), match.end())
    clause = text[left:right]
    before = text[max(left, match.start() - _WINDOW):match.start()]
    after = text[match.end():match.end() + 60]
    modifiers = lexicon.modifiers

    who = attribute(clause)
    if who.subject == "other":
        return None
    if "negation" in rule.demote and _negated(before, after, modifiers):
        return None
    if "process" in rule.demote and modifiers["process"].search(text):
        return None

    weight = SUBJECT_WEIGHT["self_explicit" if who.explicit else ("self_role" if who.subject == "self" else "implicit")]
    signal = Signal(rule.status, sentence.text, sentence.page, round(rule.confidence * weight, 3), "signal", rule.id, sentence.index)
    if "question" in rule.demote and modifiers["question"].search(clause.strip()):
        return signal.demoted("question")
    if "hypothetical" in rule.demote and (
        modifiers["hypothetical"].search(_same_clause(before) + match.group(0))
        or modifiers["hypothetical_after"].search(after)
        or _CONDITIONAL_OPENING.match(text)
    ):
        return signal.demoted("hypothetical")
    if "future" in rule.demote and modifiers["future"].search(before):
        return signal.demoted("future")
    if rule.superseded_if is not None and rule.superseded_if.search(text):
        return signal.demoted("superseded")
    return signal


_PRONOUN_OPENING = re.compile(r"\s*(?:it|they|their|its|these authorities|those authorities|that authority|both)\b")
# A sentence opening with a condition is hypothetical throughout ("If X, then Y").
_CONDITIONAL_OPENING = re.compile(r"\s*(?:if|unless|should|where|once|in the event|were)\b")
_PHRASE_BREAK = re.compile(r".*(?:[,:]\s|\s(?:and|but|so|as|because|although|though)\s)", re.S)


def _same_clause(before: str) -> str:
    """The words before a match back to the last comma: a condition or risk reaches that far."""
    cut = max(before.rfind(", "), before.rfind(": "))
    return before[cut + 2:] if cut >= 0 else before


def _negated(before: str, after: str, modifiers: dict[str, re.Pattern[str]]) -> bool:
    """A negation governs the match: in the few words before it ("does not have a"), across a
    coordination ("not part of the safety valve or DBV programmes"), or just after it."""
    phrase = _same_phrase(before[-_NEGATION_WINDOW:])
    if modifiers["negation"].search(_last_words(phrase)):
        return True
    if _COORDINATED.search(phrase) and modifiers["negation"].search(_same_phrase(before)):
        return True
    return bool(modifiers["negation_after"].search(after))


_COORDINATED = re.compile(r"\b(?:or|nor)\s+(?:the\s+|its\s+|our\s+)?$")


def _last_words(text: str, count: int = 4) -> str:
    """The last few words before a match: "does not have a" negates, "no funding towards its" does not."""
    return " ".join(text.split()[-count:])


def _same_phrase(before: str) -> str:
    """The words before a match back to the last comma or conjunction: negation binds that far."""
    return _PHRASE_BREAK.sub("", before, count=1)
