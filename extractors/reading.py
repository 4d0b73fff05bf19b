"""Sentences into signals: what each sentence states about the council's own position.

For every sentence worth reading, in order:
1. rewrite it for matching (this council's names as ``selfcouncil``, others' as
   ``othercouncil``) and find the role of every word (``cues``);
2. let each frame propose claims (``frames``): a status and the cue it rests on;
3. keep a claim only if it is about this council (``attribution.who``: the nearest council
   named before the cue, a list that includes this council, or what "both" or "the council"
   refers back to), and weigh how it is said (``modality``): negated or describing a process,
   it is dropped; hypothetical, a question, planned, or said to be over, it is kept only as a
   *warning*, which is shown but never decides.

The document's context is built as it is read: whether the safety valve programme is named
anywhere, and which fund the latest deficit belonged to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from extractors import modality
from extractors.attribution import (
    OTHER_TOKEN,
    SELF_TOKEN,
    Attribution,
    Discourse,
    Subject,
    council_groups,
    counted_councils,
    mentions_in,
    named_in_order,
    names_the_group,
    who,
)
from extractors.cues import Cues, Parsed, default_cues
from extractors.frames import (
    FUTURE,
    GOVERNMENT_AT_LARGE,
    HYPOTHETICAL,
    NEGATION,
    NEGATION_BEFORE,
    PROCESS,
    QUESTION,
    Claim,
    DocumentContext,
)
from extractors.frames.agreement import agreement_claims
from extractors.frames.deficit import deficit_claims, fund_of_sentence
from extractors.frames.programmes import dbv_claims, ems_claims
from extractors.frames.tracking import tracking_claims
from extractors.records import rebuilt_by_constructor
from extractors.sentences import Sentence

WARNING_WEIGHT = 0.5
# What the Department does to a council: once it is reported as decided, it has been done.
IMPOSED_STATUSES = frozenset({"ems", "payment_withheld"})
# A council's own papers are mostly about itself: a sentence with no subject still counts, a little less.
SUBJECT_WEIGHT = {"self_explicit": 1.0, "self_role": 0.95, "implicit": 0.9}
# The programme named, or its enhanced monitoring (which only safety valve councils are under).
SV_IN_TEXT = re.compile(r"saf(?:ety|tey|ty)[\s-]+val(?:ve|ue)|very high deficit intervention|\bsv\b|enhanced monitoring", re.I)


def names_safety_valve(text: str) -> bool:
    """Whether text names the safety valve programme (``SV_IN_TEXT``). A pack that never does is
    ruled out by looking for letters every spelling holds (``in`` runs far faster than the
    pattern, which tries each alternative at every character of every page)."""
    lowered = text.lower()
    if (
        "saf" not in lowered
        and "sv" not in lowered
        and "enhanced monitoring" not in lowered
        and "very high deficit" not in lowered
    ):
        return False
    return SV_IN_TEXT.search(text) is not None


DBV_IN_TEXT = re.compile(r"delivering (?:a )?better value|\bdbv\b", re.I)


def names_dbv(text: str) -> bool:
    """Whether text names Delivering Better Value: then "the programme" may be it (``speaks_of_the_programme``)."""
    lowered = text.lower()
    return ("better value" in lowered or "dbv" in lowered) and DBV_IN_TEXT.search(lowered) is not None


def speaks_of_the_programme(text: str) -> bool:
    """ "joined the programme in its second wave", "one of those taking part": a sentence that may
    mean a programme named earlier."""
    lowered = text.lower()
    return "programme" in lowered or "taking part" in lowered or "participat" in lowered


HN_IN_TEXT = re.compile(
    r"(?i:high(?:er)?[\s-]+needs?\b|\bdsg\b|dedicated schools?'? grant|\bhnb\b|special educational needs)|\bSEND\b"
)


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
    supersedes: tuple[str, ...] = ()  # statuses this signal ends when it comes later
    weak: bool = False  # implied, not said: yields to a plain statement that talks are still going on

    def demoted(self, why: str) -> Signal:
        return replace(self, kind="warning", confidence=round(self.confidence * WARNING_WEIGHT, 3), rule=f"{self.rule}:{why}")

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:  # so that it pickles compiled too
        return rebuilt_by_constructor(self)


def read_sentences(
    sentences: list[Sentence],
    subject: Subject,
    context: set[str] | frozenset[str] = frozenset(),
    cues: Cues | None = None,
    hosted_elsewhere: bool = False,
) -> list[Signal]:
    """Every signal and warning the sentences give about the council, in document order.

    ``hosted_elsewhere``: the paper is another council's (its heading names that one), so only
    what it says of this council by name is this council's."""
    cues = cues or default_cues()
    document = DocumentContext(
        sv="sv" in context,
        # The safety valve programme exists only for DSG deficits: a paper about it is about the high needs block.
        hn_topic="sv" in context or any(HN_IN_TEXT.search(s.text) for s in sentences),
    )
    discourse = Discourse()
    found: list[Signal] = []
    unattributed: list[Signal] = []  # signals whose sentence named no one they could be about
    spoken_for: list[Signal] = []  # signals about "the council" or "we", by role or voice, not by name
    # Claims an earlier sentence made of councils it did not name, waiting for the names.
    unnamed: _HeldGroup | None = None
    # Whose part of the paper this is: another council's paper, or its section under a heading
    # that is just that council's name ("Hounslow", then "The borough's agreement has concluded").
    elsewhere = hosted_elsewhere
    for sentence in sentences:
        held: list[Claim] = []
        if sentence.table_unit is not None and _DEFICIT_ROW.search(sentence.text) and HN_IN_TEXT.search(sentence.text):
            # "Cumulative DSG deficit b/f: 7,100", "HNB in-year overspend (9,475)": a table row that
            # names the high needs deficit says there is one (its figures are read as money elsewhere)
            row = cues.parse(subject.rewrite(sentence.text))
            for claim in deficit_claims(row, document):
                signal = (
                    _judge(claim, row, sentence, discourse, None, unattributed, spoken_for)
                    if claim.status == "deficit_only"
                    else None
                )
                if signal is not None and not (elsewhere and _by_role_or_unnamed(signal, unattributed, spoken_for)):
                    found.append(signal)
        if sentence.table_unit is not None or not (
            cues.may_claim(sentence.text, document.sv) or (document.programme == "dbv" and speaks_of_the_programme(sentence.text))
        ):
            # Nothing to claim, but councils it names are what "both" or "the council" may refer to next.
            names = subject.names_a_council(sentence.text)
            if names:
                tokens = cues.tokens(subject.rewrite(sentence.text))
                elsewhere = _section_of(tokens, elsewhere)
                discourse.update(_groups(tokens), named=named_in_order(tokens))
                named, unnamed = _claims_of_the_named(unnamed, tokens, sentence, discourse)
                found += named
            else:
                discourse.update([])
                unnamed = None
            discourse.conditional = False
            document.fund_age += 1
            continue
        parsed = cues.parse(subject.rewrite(sentence.text))
        claims = _claims(parsed, document)
        named, unnamed = _claims_of_the_named(unnamed, parsed.tokens, sentence, discourse, {claim.status for claim in claims})
        found += named
        for claim in claims:
            signal = _judge(claim, parsed, sentence, discourse, held, unattributed, spoken_for)
            if signal is not None and elsewhere and _by_role_or_unnamed(signal, unattributed, spoken_for):
                continue  # another council's paper or section: its "the Council", "we" and unnamed sentences are its own
            if signal is not None:
                found.append(signal)
                if signal.kind == "signal" and (signal.status.startswith("sv_") or signal.status in IMPOSED_STATUSES):
                    document.sv = True
            elif claim.status in IMPOSED_STATUSES and not claim.of_councils_in_general:
                # "the DfE had suspended Cheshire East's payments under its agreement": another
                # council's, but the paper is about the programme, so "paused" further on is too
                document.sv = True
        if held:
            # councils the sentence itself names are among those it counted ("two more councils ... Cambridgeshire")
            unnamed = _HeldGroup(
                held, parsed, sentence, counted_councils(parsed.tokens), named=len(named_in_order(parsed.tokens))
            )
        discourse.update(_groups_of(parsed), _own_words(parsed), named_in_order(parsed.tokens))
        discourse.conditional = modality.opens_with_condition(parsed)
        fund = fund_of_sentence(parsed)
        if fund == "unknown" and document.fund == "hn" and document.fund_age <= 1:
            fund = "hn"  # a deficit of no named fund, just after the high needs block, was read as it: the topic goes on
        document.fund, document.fund_age = (fund, 0) if fund is not None else (document.fund, document.fund_age + 1)
        if parsed.has("dbv") or parsed.has("sv"):
            document.programme = "dbv" if parsed.has("dbv") and not parsed.has("sv") else "sv"
        if any(anchor.role == "agreement" for anchor in parsed.memo.get("anchors", ())):
            document.sv = True  # "its agreement with the Department", asked about or not: the paper is about the programme
    if unattributed and discourse.self_named == 0 and discourse.others_named:
        # The paper names other councils but never this one, nor speaks as it: a press item or a
        # national list read for a council it leaves out. What it says of no one is not ours.
        return [signal for signal in found if not any(signal is other for other in unattributed)]
    return found


def _by_role_or_unnamed(signal: Signal, unattributed: list[Signal], spoken_for: list[Signal]) -> bool:
    """Whether ``_judge`` just listed this signal as said of no one, or of "the council" / "we" only."""
    return any(signal is listed for listed in (*unattributed[-1:], *spoken_for[-1:]))


_DEFICIT_ROW = re.compile(r"\b(?:deficit|overspend|overspent)", re.I)
_HEADING_GLUE = frozenset({"the", ":", "-", "–"})


def _section_of(tokens: list[str], elsewhere: bool) -> bool:
    """Whether what follows is another council's: a line that is only a council's name starts its
    section; any other line leaves the section as it was."""
    named = [word for word in tokens if word not in _HEADING_GLUE]
    if named == [OTHER_TOKEN]:
        return True
    if named == [SELF_TOKEN]:
        return False
    return elsewhere


@dataclass
class _HeldGroup:
    """Claims a sentence made of councils it counted or referred to without naming them, and how
    many councils the sentences since have named."""

    claims: list[Claim]
    parsed: Parsed
    sentence: Sentence
    counted: int | None  # "five councils": how many it spoke of, when it said
    named: int = 0
    self_named: bool = False
    since: list[Sentence] = field(default_factory=list)


GROUP_NAMING_REACH = 3  # sentences after "five councils ..." that may name the five


def _claims_of_the_named(
    group: _HeldGroup | None,
    tokens: list[str],
    sentence: Sentence,
    discourse: Discourse,
    own_statuses: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[Signal], _HeldGroup | None]:
    """ "Fourteen more councils have signed agreements. They include Westshire and Eastbury.": the
    earlier sentence's claims, once this one names this council among those it was about; or,
    for a group it counted ("Five councils are in talks. In Greenwich and Redbridge, ...
    Suffolk and Oxfordshire ... Plymouth ..."), once the sentences after it have named as many
    councils as it counted, this one among them. The evidence quotes them all. Returns the
    signals and the group, while it may still be named."""
    if group is None:
        return [], None
    if names_the_group(tokens, group.counted):
        group.since.append(sentence)
        return _as_ours(group, discourse), None
    named = named_in_order(tokens)
    if group.counted is None or not named:
        return [], None
    positions = set(own_statuses) - {"deficit_only"}  # a deficit figure ("Greenwich (deficit £31m)") fits any group
    if positions and positions.isdisjoint(claim.status for claim in group.claims):
        return [], None  # "Neighbouring Norfolk said it remained on track": a council with news of its own, not one of them
    group.named += len(named)
    group.self_named = group.self_named or any(named)
    group.since.append(sentence)
    if group.named == group.counted and group.self_named:
        return _as_ours(group, discourse), None
    if group.named > group.counted or len(group.since) >= GROUP_NAMING_REACH:
        return [], None
    return [], group


def _as_ours(group: _HeldGroup, discourse: Discourse) -> list[Signal]:
    """The group's claims as this council's, quoting the sentence that made them and those that named it."""
    quote = " ".join(item.text for item in [group.sentence, *group.since])
    signals = [_judged_as(claim, group.parsed, group.sentence, discourse, Attribution("self", True)) for claim in group.claims]
    return [replace(signal, quote=quote) for signal in signals if signal is not None]


def _own_words(parsed: Parsed) -> int:
    """How often the sentence speaks as this council ("we", "our"); "the council" in a press item
    is whichever council it is about, so it does not count."""
    tokens = parsed.tokens
    return tokens.count("we") + tokens.count("our") + tokens.count("us")


def _groups(tokens: list[str]) -> list[tuple[int, bool]]:
    return [(size, has_self) for _, _, size, has_self in council_groups(tokens)]


def _groups_of(parsed: Parsed) -> list[tuple[int, bool]]:
    """``_groups`` of a parsed sentence, from its mentions when ``_judge`` found them already."""
    mentions = parsed.memo.get("mentions")
    found = mentions.groups if mentions is not None else council_groups(parsed.tokens)
    return [(size, has_self) for _, _, size, has_self in found]


def _claims(parsed: Parsed, document: DocumentContext) -> list[Claim]:
    claims = deficit_claims(parsed, document) + dbv_claims(parsed, document) + ems_claims(parsed, document)
    claims += agreement_claims(parsed, document)
    tied = bool(parsed.memo.get("anchors")) or _agreed_with_department(parsed)
    claims += tracking_claims(parsed, document, tied)
    return claims


def _judge(
    claim: Claim,
    parsed: Parsed,
    sentence: Sentence,
    discourse: Discourse,
    of_a_group: list[Claim] | None = None,
    unattributed: list[Signal] | None = None,
    spoken_for: list[Signal] | None = None,
) -> Signal | None:
    """The claim as evidence about this council, a warning, or nothing.

    A claim about councils in general ("fourteen more councils have signed") is kept in
    ``of_a_group``, for a next sentence that names them; a signal whose sentence names no one
    it could be about is also listed in ``unattributed``, and one about this council by role or
    voice only ("the Council", "we") in ``spoken_for``."""
    if claim.of_councils_in_general:
        if of_a_group is not None:
            of_a_group.append(claim)
        return None
    aside = modality.compared_aside(parsed)
    if aside == "like":  # "Eastbury, like Westshire, has had its payments paused": so has this council
        return _judged_as(claim, parsed, sentence, discourse, Attribution("self", True))
    if aside == "unlike":  # "Unlike Westshire, Eastbury has no agreement": this council has one
        if NEGATION not in claim.checks or not modality.negated(parsed, claim.start, claim.end):
            return None
        return _judged_as(
            replace(claim, checks=claim.checks - {NEGATION}), parsed, sentence, discourse, Attribution("self", True)
        )
    subject_at = claim.subject_at if claim.subject_at is not None else claim.start
    mentions = parsed.memo.get("mentions")
    if mentions is None:
        mentions = parsed.memo["mentions"] = mentions_in(parsed.tokens)
    look_at = min(subject_at, claim.start)
    if any(look_at < group[0] < max(subject_at, claim.start) for group in mentions.groups) or (
        subject_at > claim.start and any(group[0] == subject_at for group in mentions.groups)
    ):  # a frame that names where its subject is ("agreements with Sefton and Wigan") is taken at its word
        look_at = max(subject_at, claim.start)  # "the programme ... and five more, including Westshire, in the negotiation stage"
    whose = who(parsed.tokens, parsed.clause, look_at, discourse, mentions)
    if whose.subject == "other":
        if whose.unnamed_group and of_a_group is not None:
            of_a_group.append(claim)
        return None
    signal = _judged_as(claim, parsed, sentence, discourse, whose)
    if signal is not None and whose.subject == "implicit" and unattributed is not None:
        unattributed.append(signal)
    if signal is not None and whose.subject == "self" and not whose.explicit and spoken_for is not None:
        spoken_for.append(signal)
    return signal


def _judged_as(claim: Claim, parsed: Parsed, sentence: Sentence, discourse: Discourse, whose: Attribution) -> Signal | None:
    """The claim, known to be about this council (``whose``), as a signal, a warning or nothing."""
    subject_at = claim.subject_at if claim.subject_at is not None else claim.start
    checks = claim.checks
    if NEGATION in checks and (
        modality.negated(parsed, claim.start, claim.end)
        or (
            subject_at < claim.start
            and modality.negated(parsed, subject_at)
            and not modality.relative_clause_between(parsed, subject_at, claim.start)
        )
    ):
        return None
    if NEGATION_BEFORE in checks and modality.negated(parsed, claim.start, claim.end, look_after=False):
        return None
    if PROCESS in checks and modality.describes_process(parsed, claim.start):
        return None
    weight = SUBJECT_WEIGHT["self_explicit" if whose.explicit else ("self_role" if whose.subject == "self" else "implicit")]
    signal = Signal(
        claim.status,
        sentence.text,
        sentence.page,
        round(claim.confidence * weight, 3),
        "signal",
        claim.rule,
        sentence.index,
        claim.supersedes,
        claim.weak,
    )
    first = min(subject_at, claim.start)
    if QUESTION in checks and modality.question(parsed, claim.start):
        return signal.demoted("question")
    if HYPOTHETICAL in checks and (
        modality.hypothetical(parsed, claim.start)
        or (first != claim.start and modality.hypothetical(parsed, first))
        or (discourse.conditional and modality.continues_condition(parsed))
    ):
        return signal.demoted("hypothetical")
    imposed = claim.status in IMPOSED_STATUSES
    forecast = claim.status == "sv_off_track"  # a miss forecast is a miss reported
    if FUTURE in checks and (
        modality.future(parsed, claim.start, imposed, forecast)
        or (first < claim.start and modality.future(parsed, first, imposed, forecast))
    ):
        return signal.demoted("future")
    if claim.over:
        return signal.demoted("over")
    return signal


def _agreed_with_department(parsed: Parsed) -> bool:
    """ "the profile agreed with the Department", or "the agreed plan" in a sentence that names
    the Department ("£6m above the agreed plan, and the Department has been informed"): a plan
    that is the agreement's."""
    tokens = parsed.tokens
    if not parsed.has("dfe"):
        return False
    if any(hit.phrase.startswith("agreed ") for hit in parsed.of("plan")) and any(
        hit.phrase not in GOVERNMENT_AT_LARGE for hit in parsed.of("dfe")
    ):
        return True
    return "agreed" in parsed.words and any(
        word == "agreed"
        and tokens[position + 1 : position + 2] == ["with"]
        and any(hit.start in (position + 2, position + 3) for hit in parsed.of("dfe"))
        for position, word in enumerate(tokens)
    )
