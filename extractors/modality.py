"""Is a claim asserted, or negated, hoped for, feared, planned or asked about?

Each question looks at a few words around the claim's cue, inside its clause, because that is
how far these markers reach in council prose: "has not been signed" negates "signed", but the
"not" of "pressures have not eased since the agreement was signed" does not reach the agreement;
"if the council falls behind" makes only its own clause hypothetical, unless the sentence opens
with the condition ("If X, Y"), which makes the whole sentence one.
"""

from __future__ import annotations

from extractors.attribution import OTHER_TOKEN, SELF_TOKEN
from extractors.cues import Hit, Parsed

NEGATION_REACH = 4  # words before a cue that a "not" governs
HYPOTHESIS_REACH = 12  # words before a cue that an "if" or "risk" governs, within its phrase
FUTURE_REACH = 7
_CONDITIONAL_OPENINGS = frozenset({"if", "unless", "should", "where", "in", "were", "what", "to"})
_PHRASE_BREAKS = frozenset({",", ";", ":", "and", "but", "so", "as", "because", "although", "though", "which", "who"})
_NEGATING_AFTER = frozenset({"rejected", "unsuccessful", "declined", "refused", "withdrawn", "turned"})


def negated(parsed: Parsed, start: int, end: int | None = None, look_after: bool = True) -> bool:
    """A negation governs the words ``start``..``end``: just before them in the same phrase
    ("does not have a"), across a coordination ("not part of the safety valve or DBV
    programmes"), or just after ("the bid was rejected")."""
    tokens = parsed.tokens
    head = _noun_phrase_start(parsed, start)  # "does not have [a DSG deficit]": reach from the phrase
    # "has not needed to enter either the DBV or ...": "either" carries the negation further back
    either = "either" in tokens[max(0, head - 2) : head]
    first = _phrase_start(parsed, head, NEGATION_REACH + (4 if either else 0))
    for position in range(head - 1, first - 1, -1):
        if tokens[position] in _SCOPE_BREAKING_PREPOSITIONS and position and not tokens[position - 1].endswith("ed"):
            first = position + 1  # "no funding towards [its deficit]": the "no" is the funding's
            break
    for position in range(first, start):
        if _is_negation(parsed, position):
            return True
    if _negated_past_fillers(tokens, head):
        return True
    join = _second_of_a_pair(tokens, start)
    if join is not None:
        wider = _phrase_start(parsed, join, 10)
        if any(_is_negation(parsed, position) for position in range(wider, start)):
            return True
    if _denied_belief(tokens, start) or _denied_across_an_aside(tokens, start):
        return True
    if not look_after:
        return False
    stop = end if end is not None else start + 1
    if _denied_in_a_relative_clause(tokens, stop):
        return True
    after = tokens[stop : stop + 5]
    if not _NEGATING_AFTER.isdisjoint(after) and not _FORMS_OF_BE.isdisjoint(after):
        return True
    # "the bid was not successful", "the DBV programme does not apply to the council"
    return "not" in after[:3] and not _DENIED_AFTER.isdisjoint(after)


# Words a denial reaches over: "has not to date been placed", "has not, at this stage, placed".
_TRANSPARENT = sorted(
    (phrase.split() for phrase in ("to date", "so far", "as yet", "at this stage", "at present", "at this time", "thus far")),
    key=len,
    reverse=True,
)
_TRANSPARENT_WORDS = frozenset({"currently", "ever", "formally"})  # not "yet": "not yet" is a denial of its own
_COMPARISONS = frozenset({"behind", "ahead", "above", "below", "within", "beyond", "over", "under", "against"})
_DENIAL_STOPS = frozenset({";", ":", "but", "and", "which", "who", "while", "whereas"})


def _negated_past_fillers(tokens: list[str], head: int) -> bool:
    """A "not" within ``NEGATION_REACH`` words of ``head`` once words of time and the commas of
    an aside ("to date", ", at this stage,") are left out."""
    window = tokens[max(0, head - 12) : head]
    if not any(word in ("date", "far", "yet", "stage", "present", "time") or word in _TRANSPARENT_WORDS for word in window):
        return False  # nothing to leave out: the plain reach already decided
    kept: list[str] = []
    position = head - 1
    while position >= 0 and len(kept) < NEGATION_REACH and head - position <= 12:
        phrase = next((p for p in _TRANSPARENT if tokens[max(0, position - len(p) + 1) : position + 1] == p), None)
        if phrase is not None:
            position -= len(phrase)
        elif (
            tokens[position] in _TRANSPARENT_WORDS
            or tokens[position] == ","
            or tokens[position - 1 : position + 1] == ["not", "yet"]
        ):
            position -= 1  # ("has not yet been moved into": "not yet" denies as "not" does)
        elif (
            tokens[position] in _DENIAL_STOPS
            or tokens[position] in _SCOPE_BREAKING_PREPOSITIONS
            or tokens[position] in _COMPARISONS
        ):
            break  # ("not yet behind [the profile in the agreement]": the "not" is the comparison's)
        else:
            kept.append(tokens[position])
            position -= 1
    return any(word in ("not", "never") or word.endswith("n't") for word in kept)


def _denied_across_an_aside(tokens: list[str], start: int) -> bool:
    """ "the Department has not, so far, withheld any payment": the denial reaches over the aside."""
    if start < 3 or tokens[start - 1] != ",":
        return False
    opening = next((k for k in range(start - 2, max(-1, start - 6), -1) if tokens[k] == ","), None)
    return opening is not None and any(
        word in ("not", "never") or word.endswith("n't") for word in tokens[max(0, opening - 2) : opening]
    )


_BELIEF_VERBS = frozenset(
    {"consider", "considers", "believe", "believes", "think", "thinks", "expect", "expects", "feel", "feels"}
)
_BELIEF_REACH = 14  # words from "that" to the cue it may deny


def _denied_belief(tokens: list[str], start: int) -> bool:
    """ "Officers do not consider that the council meets the threshold for an invitation": a
    denied belief denies what is believed, however far into its clause the cue sits."""
    if "that" not in tokens:
        return False  # one scan in C: the belief needs its "that"
    for that in range(start - 1, max(-1, start - _BELIEF_REACH), -1):
        word = tokens[that]
        if word in (";", ":", "but", "however", "although"):
            return False
        if word == "that" and that >= 2 and tokens[that - 1] in _BELIEF_VERBS:
            before = tokens[max(0, that - 4) : that - 1]
            return any(w in ("not", "never") or w.endswith("n't") for w in before)
    return False


_FORMS_OF_BE = frozenset({"was", "were", "been", "is", "are", "be"})
_DENIED_AFTER = frozenset(
    {"successful", "accepted", "approved", "agreed", "apply", "applies", "relevant", "selected", "chosen", "included"}
)


_AUXILIARIES = frozenset({"has", "have", "had", "did", "does", "do", "was", "were", "is", "are"})
# How a clause names the council it is about, once it has been named: "which it has not", "said it would".
_COUNCIL_SUBJECTS = frozenset({SELF_TOKEN, "we", "it", "they", "council", "authority"})


def _denied_in_a_relative_clause(tokens: list[str], stop: int) -> bool:
    """ "an invitation from the Department, which had not been received", "the DBV programme, in
    which Westshire did not take part": a relative clause on the cue denies it."""
    for comma in range(stop, min(len(tokens), stop + 5)):
        if tokens[comma] != ",":
            continue
        rest = tokens[comma + 1 : comma + 8]
        if rest[:1] == ["in"] or rest[:1] == ["of"]:
            rest = rest[1:]
        if rest[:1] != ["which"]:
            return False
        rest = rest[1:]
        if rest[:1] == ["the"]:
            rest = rest[1:]
        if rest[:1] and rest[0] in _COUNCIL_SUBJECTS:
            rest = rest[1:]
        return len(rest) >= 2 and rest[0] in _AUXILIARIES and rest[1] in ("not", "never")
    return False


def _second_of_a_pair(tokens: list[str], start: int) -> int | None:
    """Where the "or" is in "safety valve or DBV", or the "and" in "both the safety valve and DBV
    programmes": the cue shares what governs the first of the pair."""
    for join in (start - 1, start - 2):
        if join >= 1 and tokens[join] in ("or", "nor"):
            return join
        if join >= 1 and tokens[join] == "and" and "both" in tokens[max(0, join - 8) : join]:
            return join
    return None


# Words after which "assumed" is a verb of supposing ("it is assumed that", "we assumed").
_SUPPOSERS = frozenset({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "we", "it", "they", "i"})


_MODALS = frozenset({"would", "could", "may", "might", "will", "should", "can", "risk", "if", "unless"})


def _warned_of_a_fact(tokens: list[str], position: int, cue: int) -> bool:
    """ "warned by the DfE that it is failing to meet the terms": a warning that states a fact
    (no modal between "that" and the cue), not a risk."""
    if tokens[position] not in ("warned", "warns", "warning"):
        return False
    that = next((index for index in range(position + 1, min(cue, position + 8)) if tokens[index] == "that"), None)
    return that is not None and _MODALS.isdisjoint(tokens[that:cue])


def _describing_participle(tokens: list[str], position: int) -> bool:
    """ "the savings assumed in the plan": a participle naming what the plan holds, not a supposition."""
    return tokens[position] == "assumed" and position > 0 and tokens[position - 1] not in _SUPPOSERS


def relative_clause_between(parsed: Parsed, subject: int, cue: int) -> bool:
    """ "not seeking changes to its agreement, which remains in force": the cue is asserted in a
    relative clause of its own, whatever the main clause denies."""
    tokens = parsed.tokens
    return any(tokens[k] == "," and tokens[k + 1] in ("which", "that") for k in range(subject, min(cue, len(tokens) - 1)))


def compared_aside(parsed: Parsed) -> str | None:
    """ "like" or "unlike" when this council is named only in an aside of comparison ("Unlike
    Westshire, Eastbury has no agreement"; "Eastbury, like Westshire, ..."), else None."""
    tokens = parsed.tokens
    if tokens.count(SELF_TOKEN) != 1:
        return None
    at = tokens.index(SELF_TOKEN)
    if at == 0 or tokens[at - 1] not in ("like", "unlike") or tokens[at + 1 : at + 2] != [","]:
        return None
    if tokens[at + 2 : at + 3] and tokens[at + 2] in ("which", "who", "whose", "where"):
        return None  # "Unlike Westshire, which is negotiating, ...": the aside says its own piece
    return tokens[at - 1]


def hypothetical(parsed: Parsed, start: int) -> bool:
    """The cue sits under a condition, a risk or an aim: in its own phrase, or a sentence that
    opens with a condition."""
    tokens = parsed.tokens
    if tokens and tokens[0] in _CONDITIONAL_OPENINGS and _opens_with_condition(tokens) and not _condition_closed(tokens, start):
        return True
    if tokens[:1] == ["when"] and tokens[1:2] and tokens[1] in _ANY_COUNCIL:
        return True  # "When an authority misses its targets, officials can ...": what happens in general
    if tokens[:4] in (
        ["there", "is", "a", "risk"],
        ["there", "is", "a", "danger"],
        ["there", "is", "a", "possibility"],
    ) or tokens[:3] in (["the", "risk", "is"], ["the", "danger", "is"]):
        return True  # "There is a risk that ...": the whole sentence is the risk
    first = _phrase_start(parsed, start, HYPOTHESIS_REACH)
    first = _across_an_aside(parsed, first)  # "could, in principle, place the authority in ..."
    if first >= 2 and tokens[first - 1] == "and" and tokens[first] not in _SUBJECT_OPENINGS:
        # "may withhold payments and place it in enhanced monitoring": the second verb shares the modal
        first = _across_an_aside(parsed, _phrase_start(parsed, first - 1, HYPOTHESIS_REACH))
    # "subject to enhanced monitoring" is the state itself, not a condition on it
    hedges = [
        hit
        for hit in _hedges(parsed)
        if not (hit.phrase == "subject to" and (_what_it_is_subject_to(tokens, hit.end, start) or _a_state(parsed, hit)))
        and not _warned_of_a_fact(tokens, hit.start, start)
    ]
    if any(first <= hit.start < start for hit in hedges):
        return True
    clause = parsed.clause[start]
    if any(hit.phrase in _CONDITIONS and hit.start < start and parsed.clause[hit.start] == clause for hit in hedges):
        return True  # "subject to continued progress, in line with the plan": all of it is the condition
    return _condition_after(parsed, start)


_ANY_COUNCIL = frozenset({"an", "a", "any", "councils", "authorities", "las", "local"})
ASIDE_REACH = 5  # words an aside between commas may hold ("in principle", "at worst", "ultimately")


def _across_an_aside(parsed: Parsed, first: int) -> int:
    """Where the phrase starting at ``first`` really starts when an aside set off by commas stands
    just before it ("could, in principle, place"; "and, ultimately, withhold"): before the aside."""
    tokens = parsed.tokens
    if first < 3 or tokens[first - 1] != ",":
        return first
    opening = next((k for k in range(first - 2, max(-1, first - 2 - ASIDE_REACH), -1) if tokens[k] == ","), None)
    if opening is None or opening == 0:
        return first
    if tokens[opening - 1] == "and":
        return opening  # just after the "and": the caller's coordination rule takes it from there
    return _phrase_start(parsed, opening, HYPOTHESIS_REACH)


def _hedges(parsed: Parsed) -> list[Hit]:
    """The sentence's hedges ("may", "if", "risk") that hedge wherever the cue is: not a "would"
    reported as decided, nor "assumed" describing a plan. Kept in ``parsed.memo``, as
    ``hypothetical`` is asked once or twice for each claim."""
    hedges: list[Hit] | None = parsed.memo.get("hedges")
    if hedges is None:
        tokens = parsed.tokens
        hedges = parsed.memo["hedges"] = [
            hit
            for hit in parsed.of("hypothetical")
            if not (hit.phrase == "would" and _reported_will(parsed, hit.start)) and not _describing_participle(tokens, hit.start)
        ]
    return hedges


_CONDITION_CLOSERS = frozenset({";", "but", "however", "whereas", "although", "though"})


def _condition_closed(tokens: list[str], start: int) -> bool:
    """ "If the council joined the programme it would need a plan; for now the deficit is £12m":
    a semicolon or a contrast before the cue ends the opening condition's reach."""
    return any(word in _CONDITION_CLOSERS for word in tokens[1:start])


_CONDITIONS = frozenset(
    {
        "subject to",
        "dependent on",
        "depending on",
        "depend on",
        "depends on",
        "contingent",
        "provided that",
        "conditional on",
        "on condition that",
    }
)


def _condition_after(parsed: Parsed, start: int) -> bool:
    """ "payments would be suspended if the trajectory slips": the consequent of a condition."""
    clause = parsed.clause[start]
    tokens = parsed.tokens
    for position in range(start + 1, min(len(tokens), start + 12)):
        if parsed.clause[position] != clause:
            return False
        if tokens[position] == "that" or (tokens[position] == "," and tokens[position + 1 : position + 2] == ["and"]):
            return False  # "it is on track, and officials say that if it slipped ...": a new statement
        if tokens[position] in ("if", "unless"):
            return True
    return False


def opens_with_condition(parsed: Parsed) -> bool:
    """The sentence as a whole is a condition's consequent ("If the proposal is accepted, ...")."""
    tokens = parsed.tokens
    return bool(tokens) and tokens[0] in _CONDITIONAL_OPENINGS and _opens_with_condition(tokens)


def continues_condition(parsed: Parsed) -> bool:
    """ "For this, the DfE will pay ..." right after a conditional sentence: still the condition's world."""
    return (
        parsed.tokens[:2] in (["for", "this"], ["in", "return"], ["in", "exchange"], ["then"])
        or parsed.tokens[:1] == ["then"]
        or parsed.tokens[:3] == ["in", "that", "case"]
    )


def future(parsed: Parsed, start: int, imposed: bool = False, forecast: bool = False) -> bool:
    """A future or planned state ("will be signed", "expected to enter"), not a present one. A
    state said to go on ("will remain under enhanced monitoring", "is expected to stay on track")
    holds now. A measure the Department imposes (``imposed``), reported as decided ("wrote
    confirming that it would be placed under enhanced monitoring"), is a decision taken. A miss
    that is forecast (``forecast``: "it will miss this year's target", "expects to be unable to
    meet condition 2") is the position now, as "is forecast to miss" is."""
    first = _phrase_start(parsed, start, FUTURE_REACH)
    tokens = parsed.tokens
    decided = imposed and _department_says(parsed)  # "From April Westshire will be in EMS, the DfE has told it"
    return any(
        first <= hit.start < start
        and _CONTINUING.isdisjoint(tokens[hit.end : hit.end + 2])
        and not (imposed and hit.phrase == "would" and _reported_will(parsed, hit.start))
        and not (decided and hit.phrase in ("will", "would"))
        and not (forecast and hit.phrase in _FORECASTS)
        and not (hit.phrase == "to be" and tokens[hit.start - 1 : hit.start] and tokens[hit.start - 1] in FINDINGS)
        for hit in parsed.of("future")
    )


_FORECASTS = frozenset({"will", "expected to", "expects to", "expect to", "set to", "going to"})

# "was found to be behind its trajectory", "is known to be in deficit": a finding, not a future.
FINDINGS = frozenset(
    {"found", "shown", "judged", "deemed", "considered", "reported", "said", "thought", "believed", "known", "assessed"}
    | {"understood", "confirmed", "revealed", "certified", "seems", "seemed", "appears", "appeared", "proved", "proven"}
)


_OF_THE_DEPARTMENT = frozenset({"the", "department", "dfe", "esfa", "'s", "its", "formal"})


def _what_it_is_subject_to(tokens: list[str], end: int, cue: int) -> bool:
    """ "subject to enhanced monitoring", "subject to the Department's enhanced monitoring": the
    state itself, not a condition on it."""
    return end <= cue <= end + 4 and all(word in _OF_THE_DEPARTMENT for word in tokens[end:cue])


def _a_state(parsed: Parsed, hedge: Hit) -> bool:
    """ "The agreement is subject to review by the Department, and instalments have been
    suspended": "subject to review" is a state of the agreement, not a condition on what follows."""
    return any(hit.start == hedge.start for hit in parsed.of("withheld")) or bool(
        parsed.near("ems", hedge.end, before=0, after=3)
    )


def _department_says(parsed: Parsed) -> bool:
    """The Department is the one reporting ("the DfE has informed the council", "the DfE said")."""
    tokens = parsed.tokens
    return any(
        any(word in _REPORTING_VERBS for word in tokens[department.end : department.end + 3]) for department in parsed.of("dfe")
    )


_CONTINUING = frozenset({"remain", "remains", "stay", "continue"})
_REPORTING_VERBS = frozenset(
    {
        "said",
        "say",
        "says",
        "wrote",
        "write",
        "written",
        "writes",
        "confirmed",
        "confirm",
        "told",
        "informed",
        "stated",
        "explained",
        "advised",
        "notified",
        "confirming",
        "saying",
        "stating",
        "explaining",
        "advising",
        "notifying",
        "informing",
        "announced",
        "announcing",
    }
)


def _reported_will(parsed: Parsed, position: int) -> bool:
    """ "the Department wrote to say that the next payment would not be made": a "will" reported
    in the past (a decision), not a hypothesis, unless a condition comes with it."""
    tokens = parsed.tokens
    before = tokens[max(0, position - 8) : position]
    if "if" in before or "unless" in tokens[position : position + 12]:
        return False
    if before[-2:-1] and before[-2] in _REPORTING_VERBS and before[-1] in _COUNCIL_SUBJECTS:
        return True  # "the Leader said Westshire would ...", with no "that"
    if "that" not in before:
        return False
    that = len(before) - 1 - before[::-1].index("that")
    if that == len(before) - 1:
        return False  # "officers said that would depend on ...": "that" is the subject, and the hedge its own
    return any(word in _REPORTING_VERBS for word in before[max(0, that - 4) : that])


def question(parsed: Parsed, start: int) -> bool:
    """The clause holding the cue is a question ("Will this affect ...?", "Q. Is the LA ...")."""
    tokens = parsed.tokens
    if tokens and tokens[0] in ("q", "question", "questions"):
        return True
    if _opens_inverted(tokens) and parsed.clause[start] == parsed.clause[0]:
        return True  # "Has the DfE withheld any payments since ...": asked, with its "?" lost or cut off
    if "?" not in tokens:
        return False  # one scan in C: most sentences ask nothing
    for position in range(start, len(tokens)):
        if tokens[position] == "?":
            return True
        if tokens[position] in (";", ".") or (position > start and parsed.clause[position] != parsed.clause[start]):
            return False
    return False


# A sentence that opens with an auxiliary before its subject asks ("Has the DfE ...", "Did the
# council ..."), or sets a condition ("Were the council to ..."): either way it asserts nothing.
_INVERTED_AUXILIARIES = frozenset(
    {"has", "have", "had", "did", "does", "do", "is", "are", "was", "were", "will", "would", "can", "could"}
)
_SUBJECT_OPENINGS = frozenset(
    {"the", "any", "a", "an", "this", "that", "these", "those", "there", "it", "you", "your", "we", "our", "they", "their", "its"}
    | {SELF_TOKEN, OTHER_TOKEN}
)


def _opens_inverted(tokens: list[str]) -> bool:
    return len(tokens) > 2 and tokens[0] in _INVERTED_AUXILIARIES and tokens[1] in _SUBJECT_OPENINGS


def describes_process(parsed: Parsed, start: int) -> bool:
    """The clause describes how progress is reported, not what it is ("returns show where the
    authority is on or off track"); a report's result, told after "that", is what it is
    ("conditions were RAG-rated green, and officials confirmed that the authority is on track")."""
    tokens = parsed.tokens
    return any(
        not (hit.end <= start and "that" in tokens[hit.end : start]) and not _where_of_a_place(tokens, hit)
        for hit in parsed.in_clause("process", start)
    )


def _where_of_a_place(tokens: list[str], hit: Hit) -> bool:
    """ "in Croydon, where the council has missed its targets": "where" after a place is that
    place's doing, not a description of how progress is reported."""
    return hit.phrase.startswith("where") and tokens[max(0, hit.start - 2) : hit.start] in (
        ["selfcouncil", ","],
        ["othercouncil", ","],
    )


_SCOPE_BREAKING_PREPOSITIONS = frozenset({"towards", "toward", "for", "against", "from", "by", "with", "despite"})
_NOUN_PHRASE_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "any",
        "its",
        "our",
        "their",
        "this",
        "that",
        "such",
        "further",
        "new",
        "formal",
        "signed",
        "current",
        "currently",
        "cumulative",
        "accumulated",
        "historic",
        "in",
        "year",
        "forecast",
        "projected",
        "overall",
        "total",
        "significant",
        "large",
        "'s",
        "selfcouncil",
    }
)
_TOPIC_ROLES = ("hn", "sv", "agreement", "dbv", "ems", "deficit", "send", "payment")


def _noun_phrase_start(parsed: Parsed, start: int) -> int:
    """The first word of the noun phrase ending at ``start`` ("a DSG deficit", "its safety valve agreement")."""
    position = start
    topic_words = parsed.memo.get("topic_words")
    if topic_words is None:
        topic_words = parsed.memo["topic_words"] = {
            index for role in _TOPIC_ROLES for hit in parsed.of(role) for index in range(hit.start, hit.end)
        }
    while (
        position > 0
        and (parsed.tokens[position - 1] in _NOUN_PHRASE_WORDS or position - 1 in topic_words)
        and start - position < 8
    ):
        position -= 1
    return position


def _is_negation(parsed: Parsed, position: int) -> bool:
    return parsed.tokens[position].endswith("n't") or position in _negation_starts(parsed)


def _negation_starts(parsed: Parsed) -> frozenset[int]:
    """Where the sentence's negation phrases start ("not", "no longer"). Kept in ``parsed.memo``:
    ``negated`` asks about every word before a cue, for each claim of the sentence."""
    starts: frozenset[int] | None = parsed.memo.get("negation_starts")
    if starts is None:
        starts = parsed.memo["negation_starts"] = frozenset(hit.start for hit in parsed.of("negation"))
    return starts


def _phrase_start(parsed: Parsed, start: int, reach: int) -> int:
    """The first word of the phrase holding ``start``, at most ``reach`` words back."""
    clause = parsed.clause[start] if start < len(parsed.clause) else (parsed.clause[-1] if parsed.clause else 0)
    first = max(0, start - reach)
    for position in range(start - 1, first - 1, -1):
        if parsed.clause[position] != clause or parsed.tokens[position] in _PHRASE_BREAKS:
            return position + 1
    return first


def _opens_with_condition(tokens: list[str]) -> bool:
    """ "If ...", "Unless ...", "Should the council ...", "In the event ...", "Where an LA ...",
    and a proposed decision: "To enter into the agreement ..." (not "To date, ...")."""
    first = tokens[0]
    if first == "to" and len(tokens) > 1:
        return tokens[1] not in ("date", "this", "that", "the", "a", "an") and tokens[1].isalpha()
    if first in ("if", "unless", "should", "were"):
        return True
    if first == "in":
        return tokens[1:3] == ["the", "event"]
    if first == "what":
        return tokens[1:2] == ["if"]
    return first == "where" and len(tokens) > 1 and tokens[1] in ("a", "an", "any", "the", "councils", "authorities", "las")
