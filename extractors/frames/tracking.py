"""On or off track against the agreement: ``sv_on_track``, ``sv_off_track``.

Councils rarely write "on track" or "off track" alone. They compare a position with what was
agreed: "spending remains within the profile agreed with the Department", "the deficit is now
£6m above the agreed plan", "£1.1m better than the trajectory", "unable to meet condition 2",
"all five areas were rated green". So a comparison word counts when it measures the council's
position (a forecast, the deficit, spending, the council itself) against a plan, a trajectory,
a profile, a target or the agreement's conditions. Words that carry their own verdict ("on
track", "off track", "slippage", "adverse movements", "according to plan") need only the
position. Either way the paper must be about a safety valve agreement: in a council without
one, "in line with the plan" is a DSG management plan, not an agreement.

Not counted: how progress is reported ("returns show where the authority is on or off track");
"on track" for a building, a recruitment drive or EHCP timeliness; "on track to open in May".
"""

from __future__ import annotations

from extractors import modality
from extractors.attribution import SELF_TOKEN
from extractors.cues import Hit, Parsed
from extractors.frames import FUTURE, HYPOTHETICAL, NEGATION, PROCESS, QUESTION, SETTLED, Claim, DocumentContext

TARGET_REACH = 7  # words after a comparison word that its target may be
MEASURE_REACH = 12
# "Inside the envelope", "on or ahead of the trajectory": sizes that are good news against a plan.
_AT_OR_BETTER = frozenset({"inside", "on or ahead of", "at or below", "on or below", "at or better than", "on or better than"})
# Comparison words that need a target after them ("above the agreed plan").
_NEEDS_TARGET = _AT_OR_BETTER | frozenset(
    {
        "behind",
        "above",
        "exceed",
        "exceeds",
        "exceeded",
        "exceeding",
        "in excess of",
        "worse than",
        "higher than",
        "greater than",
        "more than",
        "short of",
        "within",
        "better than",
        "below",
        "lower than",
        "ahead of",
        "in line with",
        "met",
        "meeting",
        "meets",
        "achieved",
        "achieving",
        "delivered",
        "delivering",
        "delivers",
        "continues to meet",
        "continue to meet",
        "fail",
        "fails",
        "failed",
        "failing",
        "failure",
        "unable to",
        "missed",
        "miss",
        "compliant",
        "complied",
        "adrift",
        "deviat",
        "diverg",
        "breach",
    }
)
# Verdicts that only imply a state (a RAG rating, "adverse"): weak evidence unless a target is named.
_IMPLIED = frozenset(
    {
        "adverse",
        "adversely",
        "at risk",
        "rated green",
        "rag rated green",
        "as green",
        "are green",
        "is green",
        "remains green",
        "remained green",
        "favourable",
        "favorable",
    }
)
# Words that carry their own verdict, given a position to be about.
_SELF_CONTAINED = _IMPLIED | frozenset(
    {
        "on track",
        "back on track",
        "on target",
        "on course",
        "off track",
        "off course",
        "slippage",
        "according to plan",
        "as planned",
        "red rated",
        "rated red",
        "performing well",
        "progressing well",
        "good progress",
        "positive progress",
        "strong progress",
        "deteriorat",
        "slipp",
        "hit every target",
        "hit all its targets",
        "hit its targets",
        "hitting its targets",
        "hit every milestone",
    }
)
# "On track to" + what counts as the agreement's aims.
_AIMS = frozenset(
    {
        "meet",
        "achieve",
        "deliver",
        "balance",
        "reduce",
        "eliminate",
        "return",
        "recover",
        "repay",
        "clear",
        "bring",
        "break",
        "reach",
        "hit",
        "make",
        "secure",
        "realise",
        "be",
    }
)
_OPEN_ENDED_UP = frozenset(
    {"more than", "higher than", "greater than", "above", "exceed", "exceeds", "exceeded", "exceeding", "in excess of"}
)
_ADJECTIVES = frozenset({"adverse", "adversely", "favourable", "favorable"})
_BASE_FORMS = frozenset({"meet", "achieve", "deliver"})
_SIZES = _AT_OR_BETTER | frozenset(
    {
        "within",
        "below",
        "under",
        "just under",
        "lower than",
        "above",
        "more than",
        "higher than",
        "greater than",
        "in excess of",
        "exceed",
        "exceeds",
        "exceeded",
        "exceeding",
    }
)
_ACHIEVEMENTS = frozenset(
    {
        "met",
        "meeting",
        "meets",
        "meet",
        "achieved",
        "achieving",
        "achieve",
        "delivered",
        "delivering",
        "delivers",
        "deliver",
        "continues to meet",
        "continue to meet",
        "continues to deliver",
        "continue to deliver",
        "compliant",
        "complied",
        "unable to",
    }
)
_PLAN_TARGETS = frozenset(
    {
        "plan",
        "plans",
        "trajectory",
        "trajectories",
        "profile",
        "profiles",
        "target",
        "targets",
        "conditions",
        "condition",
        "milestones",
        "milestone",
        "kpis",
        "kpi",
        "schedule",
        "agreed plan",
        "savings plan",
        "timeline",
    }
)


_TRACKING_CHECKS = frozenset({HYPOTHETICAL, QUESTION, PROCESS, FUTURE})


def tracking_claims(parsed: Parsed, context: DocumentContext, tied: bool) -> list[Claim]:
    """On-track and off-track readings; ``tied``: the sentence itself names the agreement."""
    if not (context.sv or tied) or parsed.has("national_body"):
        return []  # "deficits are on course to top £5bn, the LGA warned": the nation's forecast, no council's progress
    if parsed.has("dbv") and not parsed.has("sv") and not tied:
        return []  # "spend against the £1m DBV grant is on track": the grant's, not an agreement's
    if parsed.tokens[:1] == ["before"] and parsed.has("agreement"):
        return []  # "Before the agreement was signed, spending was running ahead of its allocation": history
    claims: list[Claim] = []
    checks = _TRACKING_CHECKS
    for role, status in (("on_track", "sv_on_track"), ("off_track", "sv_off_track")):
        for hit in parsed.of(role):
            if any(name.start <= hit.start < name.end for name in parsed.of("dbv")):
                continue  # the "Delivering" of "Delivering Better Value" is the programme's name
            if _governed(parsed, hit):
                continue  # "on track to meet the conditions": one reading, that of "on track"
            if hit.phrase == "under" and not _quantity_before(parsed.tokens, hit.start):
                continue  # "working under its plan" is the plan's rule; "spending £1m under the plan" a comparison
            if not _measures_position(parsed, hit) or _not_finance(parsed, hit) or _aims_elsewhere(parsed, hit):
                continue
            target = _target_after(parsed, hit) or _target_before_passive(parsed, hit)
            contained = hit.phrase in _SELF_CONTAINED or any(hit.phrase.startswith(word) for word in ("deteriorat", "slipp"))
            if not contained and not _counts_as_target(parsed, hit, target):
                continue
            if hit.phrase in _BASE_FORMS and not _negated_on_track(parsed, hit):
                continue  # "the need to meet the requirements": an aim, not an achievement
            status_here = _by_polarity(parsed, hit, status)
            reading, rule, own_checks = status_here, f"tracking:{role}", checks
            if _negated_on_track(parsed, hit):
                if status_here != "sv_on_track":
                    if "yet" in parsed.tokens[max(0, hit.start - 3) : hit.start]:
                        continue  # "not yet behind": only so far, no verdict
                    # "has not fallen behind the profile set out in its agreement": on track, said by denial
                    claims.append(Claim("sv_on_track", hit.start, hit.end, 0.7, "tracking:not_off_track", checks - {NEGATION}))
                    continue
                # "will not achieve the targets", "will not be able to meet the in-year balance
                # target": a forecast of failing the agreement is already off track.
                reading, rule, own_checks = "sv_off_track", "tracking:not_on_track", checks - {FUTURE}
            supersedes = ("sv_off_track", "ems", "payment_withheld") if hit.phrase == "back on track" else ()
            weak = hit.phrase in _IMPLIED and target is None  # "adverse movements on forecasts": against what?
            if _aimed_at(parsed, hit):
                own_checks = own_checks | {HYPOTHETICAL}
                reading = reading if not _aimed_at(parsed, hit) else reading
                claims.append(
                    Claim(
                        reading, hit.start, hit.end, 0.8, rule + ":aim", own_checks, supersedes=supersedes, weak=weak, over=True
                    )
                )
                continue
            claims.append(
                Claim(reading, hit.start, hit.end, 0.8 if contained else 0.75, rule, own_checks, supersedes=supersedes, weak=weak)
            )
    claims.extend(_against_the_plan(parsed))
    claims.extend(_against_own_expectation(parsed))
    if any(claim.supersedes and claim.status == "sv_on_track" for claim in claims):
        # "the position recovered and Wakefield is back on track", "back on track, having been off
        # track earlier": what fell behind is the history the recovery ends
        claims = [claim for claim in claims if claim.status != "sv_off_track"]
    return claims


_BAD_MEASURES = frozenset(
    {
        "deficit",
        "deficits",
        "overspend",
        "overspends",
        "spend",
        "spending",
        "expenditure",
        "costs",
        "cost",
        "demand",
        "pressures",
        "pressure",
        "placements",
    }
)
_GOOD_MEASURES = frozenset(
    {
        "savings",
        "saving",
        "reduction",
        "reductions",
        "income",
        "surplus",
        "underspend",
        "contribution",
        "contributions",
        "balance",
        "progress",
    }
)
_UPWARD = frozenset(
    {
        "ahead of",
        "above",
        "higher than",
        "more than",
        "greater than",
        "exceed",
        "exceeds",
        "exceeded",
        "exceeding",
        "in excess of",
        "faster than",
        "more quickly than",
    }
)
# "behind" is never good news, whatever it measures: behind the profile is behind schedule.
_DOWNWARD = frozenset({"below", "under", "just under", "lower than", "short of", "at or below", "on or below"})


def _quantity_before(tokens: list[str], position: int) -> bool:
    """ "spending under", "£1m under", "slightly under": something measured comes just before."""
    before = tokens[position - 1] if position else ""
    return (
        before in _BAD_MEASURES or before in _GOOD_MEASURES or before in ("m", "million", "k", "slightly", "well", "comfortably")
    )


def _by_polarity(parsed: Parsed, hit: Hit, status: str) -> str:
    """Which way a comparison cuts depends on what it measures: a deficit "ahead of the
    profile" is off track, savings "ahead of plan" on track, savings "below plan" off track."""
    if hit.phrase not in _UPWARD and hit.phrase not in _DOWNWARD:
        return status
    if parsed.tokens[hit.end : hit.end + 2] in (["schedule"], ["time"]) or parsed.tokens[hit.end : hit.end + 1] in (
        ["schedule"],
        ["time"],
    ):
        return status  # "cleared a year ahead of schedule": time, whatever is measured
    measure = _measure_of_target(parsed.tokens, hit) or _measure_before(parsed, hit)
    if measure is None:
        return status
    upward = hit.phrase in _UPWARD
    if hit.phrase in _RATES and parsed.tokens[max(0, hit.start - 1) : hit.start] and parsed.tokens[hit.start - 1] in _FALLING:
        upward = not upward  # "the deficit is falling faster than planned": it moves down, fast
    worse = upward == (measure in _BAD_MEASURES)
    return "sv_off_track" if worse else "sv_on_track"


_RATES = frozenset({"faster than", "more quickly than"})
_FALLING = frozenset(
    {"falling", "reducing", "decreasing", "shrinking", "declining", "fell", "reduced", "decreased", "shrank", "declined"}
)


def _measure_before(parsed: Parsed, hit: Hit) -> str | None:
    """The nearest measure named before the comparison, in the clauses its subject is in."""
    clauses = _clauses_of_subject(parsed, hit)
    for position in range(hit.start - 1, max(-1, hit.start - 12), -1):
        if parsed.clause[position] not in clauses:
            return None
        if parsed.tokens[position] in _BAD_MEASURES or parsed.tokens[position] in _GOOD_MEASURES:
            return parsed.tokens[position]
    return None


def _measure_of_target(tokens: list[str], hit: Hit) -> str | None:
    """ "ahead of the savings plan", "below the spending profile": the target says what it measures."""
    following = tokens[hit.end : hit.end + 5]
    for index, word in enumerate(following[:-1]):
        if (word in _BAD_MEASURES or word in _GOOD_MEASURES) and following[index + 1] in _PLAN_TARGETS:
            return word
    return None


def _aimed_at(parsed: Parsed, hit: Hit) -> bool:
    """ "targets for the council to meet to stay on track", "plans to get back on track": an aim."""
    before = parsed.tokens[max(0, hit.start - 3) : hit.start]
    if "to" in before and parsed.tokens[hit.start - len(before) + before.index("to") - 1] in modality.FINDINGS:
        return False  # "was found to be behind its trajectory": a finding
    if "to" in before and any(word in _AIM_VERBS for word in before[before.index("to") + 1 :]):
        return True
    # "working with the Department to get the agreement back on track": the aim's object in between
    wider = parsed.tokens[max(0, hit.start - 6) : hit.start]
    return any(wider[index] in ("to", "can") and wider[index + 1] in _AIM_VERBS for index in range(len(wider) - 1))


_AIM_VERBS = frozenset({"stay", "remain", "keep", "get", "be", "bring", "put", "return", "come"})


def _against_the_plan(parsed: Parsed) -> list[Claim]:
    """ "an overspend of £10.2m against the current plan": a deficit measured against the plan is off
    track; with the plan's own sum ("£850k against a target in the agreement of £1m", "£2.9m
    against the £1.1m permitted by the trajectory"), the two sums say which way."""
    tokens = parsed.tokens
    if "against" not in parsed.words or not parsed.has("deficit"):
        return []
    for position, word in enumerate(tokens):
        if word != "against":
            continue
        measured = any(
            position - 14 <= d.start < position
            and tokens[d.end : d.end + 1] not in (["recovery"], ["management"], ["reduction"], ["plan"])
            and any(word[0] == "£" for word in tokens[d.start : position])
            for d in parsed.of("deficit")
        )  # "the Deficit Recovery Plan against the target" is a plan's name; "deficit against agreed profile (£m)" a heading
        target = next((p for p in parsed.of("plan") if position < p.start <= position + 8), None)
        if measured and target is not None and target.phrase in _PLAN_TARGETS:
            # "an overspend of £850k, against a target in the agreement of £1m": below it is on track
            measured_at, allowed = _amount_before(tokens, position), _amount_after(tokens, position)
            status = (
                "sv_on_track" if measured_at is not None and allowed is not None and measured_at <= allowed else "sv_off_track"
            )
            if target.start > position + 4 and allowed is None:
                continue  # a plan named far from "against", with no sum: not the comparison
            return [
                Claim(
                    status,
                    position,
                    position + 1,
                    0.75,
                    "tracking:deficit_against_plan",
                    frozenset({HYPOTHETICAL, QUESTION, PROCESS, NEGATION}),
                )
            ]
    return []


_MULTIPLIERS = {"m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9, "k": 1e3}


def _amount_at(tokens: list[str], index: int) -> float | None:
    """The sum a "£" token states, with the unit in the next token ("£1.1", "m")."""
    try:
        value = float(tokens[index][1:].replace(",", "").rstrip("."))
    except ValueError:
        return None
    return value * _MULTIPLIERS.get(tokens[index + 1] if index + 1 < len(tokens) else "", 1.0)


def _amount_before(tokens: list[str], position: int) -> float | None:
    index = next((k for k in range(position - 1, max(-1, position - 8), -1) if tokens[k].startswith("£")), None)
    return None if index is None else _amount_at(tokens, index)


def _amount_after(tokens: list[str], position: int) -> float | None:
    index = next((k for k in range(position + 1, min(len(tokens), position + 12)) if tokens[k].startswith("£")), None)
    return None if index is None else _amount_at(tokens, index)


# "£0.2m better off than we thought we would be", "£160k over where we said we would be",
# "better than the deficit that we set in our plan": the position measured against what the
# council itself planned. In a paper about its agreement, that plan is the agreement's.
_BETTER = frozenset({"better", "under", "below", "ahead", "lower", "less"})
_WORSE = frozenset({"worse", "over", "above", "behind", "higher", "more"})
_EXPECTED = frozenset(
    {
        "thought",
        "expected",
        "planned",
        "said",
        "forecast",
        "predicted",
        "projected",
        "set",
        "agreed",
        "budgeted",
        "anticipated",
        "assumed",
        "promised",
        "committed",
    }
)
_OWN_SUBJECTS = frozenset({"we", SELF_TOKEN, "it"})  # "behind where it had committed to be"
EXPECTATION_REACH = 6  # words between "than" / "where" and the council that expected


def _against_own_expectation(parsed: Parsed) -> list[Claim]:
    tokens = parsed.tokens
    if _OWN_SUBJECTS.isdisjoint(parsed.words) or _EXPECTED.isdisjoint(parsed.words):
        return []
    claims: list[Claim] = []
    for position, word in enumerate(tokens[:-2]):
        if word not in _BETTER and word not in _WORSE:
            continue
        link = next((i for i in range(position + 1, min(position + 3, len(tokens))) if tokens[i] in ("than", "where")), None)
        if link is None:
            continue
        verb = _expectation_verb(tokens, link + 1)
        if verb is None:
            continue
        # "than we thought on the general fund": another fund's position (the target itself,
        # "than the deficit budget we set", is the plan).
        if parsed.near("other_fund", position, before=6, after=0) or parsed.near("other_fund", verb, before=0, after=4):
            continue
        status = "sv_on_track" if word in _BETTER else "sv_off_track"
        claims.append(
            Claim(status, position, position + 1, 0.7, "tracking:own_expectation", frozenset({HYPOTHETICAL, QUESTION, NEGATION}))
        )
    return claims


def _expectation_verb(tokens: list[str], start: int) -> int | None:
    """Where "we thought", "we had forecast", "the council planned" ends, within reach of ``start``."""
    for index in range(start, min(start + EXPECTATION_REACH, len(tokens))):
        if tokens[index] in _OWN_SUBJECTS:
            verb = next((i for i in range(index + 1, min(index + 3, len(tokens))) if tokens[i] in _EXPECTED), None)
            if verb is not None:
                return verb
    return None


def _governed(parsed: Parsed, hit: Hit) -> bool:
    """An achievement verb that completes another tracking phrase ("on track to meet", "unable to meet")."""
    if hit.phrase not in _ACHIEVEMENTS:
        return False
    return any(
        other is not hit and hit.start - 3 <= other.end <= hit.start and other.start < hit.start
        for role in ("on_track", "off_track")
        for other in parsed.of(role)
    )


def _measures_position(parsed: Parsed, hit: Hit) -> bool:
    """What is on or off track is named before the cue, in its clause: the deficit, spending, the
    council, a forecast, the plan ("the management plan is on track"). A plan named after the cue
    is its target, not its subject; a bid's progress is the negotiation's, not the agreement's."""
    if "plan" in hit.phrase:
        return True  # "according to plan", "as planned": the measure is in the phrase
    clause = parsed.clause[hit.start]
    if hit.phrase in _ADJECTIVES:  # "adverse movements on the forecasts": the measure follows
        return any(
            parsed.clause[other.start] == clause and hit.end <= other.start <= hit.end + 6
            for role in ("position", "plan", "sv", "agreement", "hn", "deficit", "money")
            for other in parsed.of(role)
        )
    clauses = _clauses_of_subject(parsed, hit)
    before = [
        other
        for role in ("position", "plan", "sv", "agreement", "hn", "deficit", "money")
        for other in parsed.of(role)
        if parsed.clause[other.start] in clauses and hit.start - MEASURE_REACH <= other.start < hit.start
    ]
    if not before:
        return False
    bids = [
        n
        for n in parsed.of("negotiating")
        if parsed.clause[n.start] == clause
        and hit.start - MEASURE_REACH <= n.start < hit.start
        and n.phrase.startswith(("bid", "propos", "applic", "submi", "negotiat"))
    ]
    if not bids:
        return True
    bid = max(n.start for n in bids)  # "Devon's bid ... has made early positive progress", unless a new subject follows
    return any(bid < other.start < hit.start for role in ("agreement", "sv", "plan") for other in parsed.of(role)) or any(
        word in ("selfcouncil", "we") or (word == "council" and parsed.tokens[index - 1] == "the")
        for index, word in enumerate(parsed.tokens[bid + 1 : hit.start], start=bid + 1)
    )


# What may stand between "but" and a comparison whose subject is the previous clause's.
_PREDICATE_ONLY = frozenset(
    {"is", "are", "was", "were", "remains", "remained", "has", "have", "had", "been", "still", "now", "currently", "running"}
)


def _clauses_of_subject(parsed: Parsed, hit: Hit) -> tuple[int, ...]:
    """The clauses whose words may say what the comparison measures: its own, and the one before
    when its own is a predicate with the subject left out ("the council has made £2.9m of savings
    but is below its £3.3m target": the council, measured on its savings)."""
    clause = parsed.clause[hit.start]
    start = hit.start
    while start > 0 and parsed.clause[start - 1] == clause:
        start -= 1
    between = parsed.tokens[start + 1 : hit.start]
    if parsed.tokens[start] == "but" and between and all(word in _PREDICATE_ONLY for word in between):
        return (clause - 1, clause)
    return (clause,)


def _target_after(parsed: Parsed, hit: Hit) -> Hit | None:
    if parsed.tokens[hit.end : hit.end + 1] in (["planned"], ["profiled"]) and parsed.tokens[hit.end + 1 : hit.end + 2] in (
        [],
        [","],
        [";"],
        ["in"],
        ["at"],
        ["by"],
        ["this"],
        ["for"],
    ):
        return Hit("plan", hit.end, hit.end + 1, "planned")  # "faster than planned", "lower than profiled"
    clause = parsed.clause[hit.start]
    for role in ("plan", "agreement", "sv"):
        for other in parsed.of(role):
            if hit.end <= other.start <= hit.end + TARGET_REACH and parsed.clause[other.start] == clause:
                return other
    return _agreed_with_the_department_after(parsed, hit)


def _agreed_with_the_department_after(parsed: Parsed, hit: Hit) -> Hit | None:
    """ "£8m higher than the figure we agreed with the Department": what was agreed with the
    Department is the plan, whatever noun the writer used for it."""
    tokens = parsed.tokens
    for position in range(hit.end, min(hit.end + TARGET_REACH, len(tokens) - 1)):
        if tokens[position] == "agreed" and tokens[position + 1] in ("with", "by"):
            if any(other.start in (position + 2, position + 3) for other in parsed.of("dfe")):
                return Hit("plan", position, position + 1, "agreed")
    return None


def _target_before_passive(parsed: Parsed, hit: Hit) -> Hit | None:
    """ "the financial targets set in the agreement have been met", "the plan is being delivered":
    the target comes first."""
    tokens = parsed.tokens
    if tokens[max(0, hit.start - 1) : hit.start] not in (["been"], ["being"], ["be"], ["were"], ["was"], ["are"], ["is"]):
        return None
    clause = parsed.clause[hit.start]
    for other in parsed.of("plan"):
        if hit.start - 10 <= other.start < hit.start and parsed.clause[other.start] == clause:
            return other
    return None


def _counts_as_target(parsed: Parsed, hit: Hit, target: Hit | None) -> bool:
    """Whether ``target`` is what the comparison measures against.

    "within the agreement" is containment and "the meeting on the safety valve" a noun, not
    comparisons: sizes and verbs of achievement need a plan, a target or a condition ("within
    the profile", "met the conditions"); the rest may also measure against the agreement
    itself ("behind the agreement", "delivering against its agreement").
    """
    if target is None:
        return False
    plan_like = target.role == "plan"
    if hit.phrase in _SIZES or hit.phrase == "ahead of":
        return plan_like  # "ahead of possible safety valve support" is a time, "ahead of the profile" a comparison
    if hit.phrase in _ACHIEVEMENTS or hit.phrase.startswith(("fail", "miss")):
        if parsed.tokens[max(0, hit.start - 1) : hit.start] in (["the"], ["a"], ["this"], ["next"], ["last"], ["that"]):
            return False  # "the meeting"
        if target.start < hit.start:
            return plan_like  # the passive: "the targets ... have been met"
        between = parsed.tokens[hit.end : target.start]
        return plan_like or any(word in ("against", "with", "of", "under") for word in between)
    return True


def _not_finance(parsed: Parsed, hit: Hit) -> bool:
    """ "recruitment is on track", "EHCPs within 20 weeks": not the agreement's finances."""
    return bool(
        parsed.near("not_finance", hit.start, before=8, after=7) or parsed.near("other_fund", hit.start, before=6, after=5)
    )


def _aims_elsewhere(parsed: Parsed, hit: Hit) -> bool:
    """ "on track to open in September": on track for something that is not the agreement's aim."""
    tokens = parsed.tokens
    if hit.phrase not in ("on track", "on target", "on course"):
        return False
    following = tokens[hit.end : hit.end + 2]
    if following[:1] == ["to"] and following[1:2] and following[1] in _RISING:
        return True  # "the deficit was on course to pass £28.8m": a forecast of growth, not progress
    if following[:1] in (["to"], ["for"]):
        return (
            not (following[1:2] and following[1] in _AIMS)
            and not parsed.near("plan", hit.end, before=0, after=5)
            and not parsed.near("deficit", hit.end, before=0, after=5)
            and not parsed.near("money", hit.end, before=0, after=5)
        )
    return False


_RISING = frozenset({"pass", "exceed", "top", "rise", "surpass", "breach", "double", "grow", "increase"})


def _negated_on_track(parsed: Parsed, hit: Hit) -> bool:
    """ "not on track", "no longer on track", "isn't meeting", "will not be able to meet",
    "unlikely to meet": the phrase before the cue denies it."""
    tokens = parsed.tokens
    before = tokens[max(0, hit.start - 5) : hit.start]
    for index in range(len(before) - 1, -1, -1):
        word = before[index]
        if word == "that":  # "it is unlikely that the council will meet": the doubt is the clause's
            start = hit.start - len(before) + index
            return tokens[max(0, start - 1) : start] in (["unlikely"], ["doubtful"]) or tokens[max(0, start - 2) : start] in (
                ["not", "expected"],
                ["not", "likely"],
            )
        if word in (",", ";", "and", "but", "which"):
            return False
        if word in ("not", "no", "never", "unlikely", "cannot") or word.endswith("n't"):
            return True
    return False


__all__ = ["tracking_claims", "SETTLED"]
