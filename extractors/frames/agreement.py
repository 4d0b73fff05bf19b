"""The safety valve agreement, from invitation to completion: ``sv_negotiating``, ``sv_agreed``,
``payment_withheld``, ``sv_completed`` (and payments resuming, which is back on track).

Papers rarely say "the council has signed a safety valve agreement". They say it in passing
("pressures that have grown since the agreement was signed"), as the funding route ("our
deficit is being repaid by the Department under the arrangement"), without the programme's
name ("a multi-year deal with the Department to clear the high needs deficit"), or as money
("£12m towards the historic overspend, in yearly instalments"). So the frame first finds what
the sentence says about *an agreement with the Department over the deficit* (an anchor:
"safety valve", or an agreement / deal / arrangement tied to the Department, the deficit or the
programme), then reads the state of that agreement from the words around it:

1. payments withheld, paused or suspended, or the agreement placed under review;
2. the agreement completed, or the deficit cleared under it;
3. talks that ended, or an offer accepted, or the Department approving: agreed;
4. an invitation, a proposal, a bid, a draft, negotiations: still negotiating;
5. signed, in place, entered into, begun: agreed;
6. taking part in or joining the programme, with no agreement named: negotiating;
7. nothing but a definite reference ("the conditions of our agreement", "under the deal"):
   an agreement that exists, so agreed.

A cabinet approving its own proposal, or "once the agreement is signed", is still negotiating.
"""

from __future__ import annotations

from dataclasses import replace

from extractors import modality
from extractors.amounts import NUMBER_WORDS
from extractors.attribution import OTHER_TOKEN
from extractors.cues import Hit, Parsed
from extractors.frames import (
    ASSERTED,
    GOVERNMENT_AT_LARGE,
    HYPOTHETICAL,
    NEGATION,
    NEGATION_BEFORE,
    QUESTION,
    SETTLED,
    SUPPLIERS,
    Claim,
    DocumentContext,
)
from extractors.frames.programmes import speaks_of_self

WINDOW = 12  # words around an anchor that its state words may be
STRONG_NEGOTIATION = frozenset(
    {
        "propos",
        "draft",
        "bid",
        "bids",
        "bidding",
        "application",
        "applications",
        "apply",
        "applying",
        "applied",
        "negotiat",
        "invit",
        "submit",
        "submission",
        "submissions",
        "entrant",
        "entrants",
        "shortlisted",
        "in principle",
        "seek",
        "sought",
        "considered for",
        "consider it for",
        "consider us for",
        "consider selfcouncil for",
        "discussions",
        "discussion",
        "talks",
        "discussing",
        "conversations",
        "dialogue",
        "asked to",
        "selected",
        "sign",
        "signing",
        "preparing",
        "prepare",
        "to reach",
        "reaching",
        "progress towards",
        "to agree",
        "to secure",
        "securing",
        "to finalise",
        "to finalize",
        "finalising",
        "finalizing",
    }
)
_TALKS = frozenset({"negotiations", "negotiation", "talks", "discussions"})
# Talks brought to an end this way reached an agreement ("ended" alone does not say whether they did).
_TALKS_ENDED = frozenset(
    {
        "concluded",
        "completed",
        "finalised",
        "finalized",
        "successful",
        "successfully",
        "closed",
        "close",
        "agreed",
        "complete",
        "culminated",
    }
)
_COUNCIL_BODIES = frozenset(
    {"cabinet", "council", "executive", "committee", "members", "forum", "leader", "mayor", "councillors", "board"}
)
_APPROVALS = frozenset(
    {
        "approved",
        "approve",
        "approval",
        "agreed",
        "endorsed",
        "endorse",
        "signed",
        "accepted",
        "confirmed",
        "signed off",
        "ratified",
    }
)
_PRESUPPOSING = frozenset({"under", "since", "within", "against", "through", "via", "of", "in", "to", "from"})
_DEFINITE = frozenset({"the", "our", "its", "this", "their", "'s", "selfcouncil", "that", "existing", "current"})
# What a "safety valve ..." can be called when it is the settled thing: "a safety valve package with the DfE".
_SETTLEMENT_NOUNS = frozenset({"agreement", "deal", "package", "settlement"})
# An agreement that is a description of the programme, not one council's: "the Safety Valve Agreement framework".
_GENERIC_SENSE = frozenset({"framework", "template", "templates", "guidance", "model", "process", "programme's"})
_CONSENT = frozenset(
    {
        "forum",
        "forum's",
        "members",
        "members'",
        "headteachers",
        "governors",
        "unions",
        "lease",
        "tenancy",
        "service",
        "partnership",
        "s106",
        "section",
        "collective",
        "mutual",
        "general",
        "verbal",
        "informal",
        "procurement",
        "supplier",
        "pay",
        "schools",
        "staff",
        "employment",
        "licence",
        "loan",
        "transfer",
        "consent",
        "academy",
        "trust",
    }
)
_TEMPORAL_FUTURE = frozenset({"once", "until", "before", "when", "after", "pending", "awaiting"})
_REVIEW_ROUTINE = frozenset(
    {
        "annual",
        "annually",
        "quarterly",
        "regular",
        "regularly",
        "periodic",
        "termly",
        "monthly",
        "ongoing",
        "each",
        "every",
        "routine",
        "six-monthly",
    }
)
_RECIPIENTS = frozenset({"schools", "providers", "settings", "parents", "families", "academies", "nurseries"})
_DEFICIT_HISTORY = frozenset(
    {
        "historic",
        "historical",
        "cumulative",
        "accumulated",
        "accrued",
        "the",
        "our",
        "its",
        "this",
        "brought",
        "remaining",
        "outstanding",
        "legacy",
        "high",
        "dsg",
    }
)
_INSTALMENTS = frozenset({"instalment", "instalments", "installment", "installments", "tranche", "tranches"})
_RECEIVED_PAST = frozenset({"received", "paid", "released", "transferred", "allocated", "awarded", "granted", "given"})
# What the Department's money does to a deficit under an agreement ("towards", "to pay down", "repaid by").
_ON_THE_DEFICIT = frozenset(
    {
        "repaid",
        "repaying",
        "repay",
        "pay down",
        "paying down",
        "paid down",
        "pay off",
        "paying off",
        "clear",
        "clearing",
        "write off",
        "written off",
        "eliminate",
        "eliminating",
        "reduce",
        "towards",
        "contribute",
        "contributing",
        "contributed",
        "underwrite",
        "underwritten",
        "cover",
        "covering",
        "funded",
        "financed",
        "fund",
        "relief",
        "against",
    }
)
_MONEY_VERBS = frozenset({"pay", "fund", "contribute", "provide", "invest", "write", "clear", "cover", "meet"})
_SUBMITTED = frozenset(
    {"documentation", "documents", "proposal", "proposals", "bid", "application", "submission", "plan", "plans", "offer", "case"}
)
_INVITATIONS_TO_JOIN = frozenset(
    {
        "join",
        "participate",
        "take",
        "enter",
        "be",
        "into",
        "onto",
        "on",
        "have",
        "agree",
        "negotiate",
        "discuss",
        "develop",
        "submit",
        "work",
        "the",
        "apply",
        "reapply",
        "resubmit",
        "prepare",
    }
)
_MINUTES_INVITATIONS = frozenset(
    {
        "note",
        "comment",
        "comments",
        "consider",
        "approve",
        "attend",
        "ask",
        "make",
        "give",
        "raise",
        "respond",
        "contribute",
        "vote",
        "observe",
        "speak",
        "present",
        "provide",
        "share",
        "send",
        "email",
        "a",
        "an",
        "all",
        "any",
        "schools",
        "members",
    }
)


def agreement_claims(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """What the sentence says about the council's safety valve agreement, if anything."""
    anchors = programme_anchors(parsed, context)
    parsed.memo["anchors"] = anchors
    claims: list[Claim] = []
    claims += _withheld(parsed, context, _firm(anchors), anchors)
    claims += _resumed(parsed, context, anchors)
    claims += _completed(parsed, context, _firm(anchors))
    # Loose anchors too in a paper on the programme ("has completed its agreement"); elsewhere an
    # agreement tied to the Department ("Gateshead's arrangement with the DfE ... has come to an end").
    claims += _ended_its_agreement(parsed, anchors if context.sv or parsed.has("sv") else _firm(anchors))
    claims += _talks_concluded(parsed, context)
    # "Fourteen more councils have signed agreements, the Department announced": of councils in general
    national = parsed.has("national") and not speaks_of_self(parsed)
    for anchor in anchors:
        claim = _state_of(parsed, anchor, context)
        if claim is not None:
            general = national or _agreements_of_no_one(parsed, anchor)
            claims.append(replace(claim, of_councils_in_general=True) if general else claim)
    if not national:
        claims += _money_route(parsed, context)
        claims += _department_pays(parsed, context)
        claims += _titled(parsed, anchors)
        claims += _instalments_received(parsed, context)
        claims += _money_from_the_department(parsed, context)
        claims += _programme_money(parsed)
        claims += _council_receives(parsed, context)
        claims += _reports_under_agreement(parsed, context)
        claims += _plan_agreed_with_department(parsed, context)
        approved = _department_approved_plan(parsed, context)
        claims += approved
        if not approved and not any(claim.rule == "agreement:talks_concluded" for claim in claims):
            claims += _invitation(parsed, context, anchors)
    return claims


def programme_anchors(parsed: Parsed, context: DocumentContext) -> list[Hit]:
    """The words naming the programme or an agreement tied to it.

    An agreement is tied by the programme's name ("the safety valve agreement"), by being with
    the Department over the deficit ("a multi-year deal with the Department to clear the high
    needs deficit"), or with the Department in a paper about the high needs block. In a paper
    about the programme, "the agreement" or "our deal" is taken to be its agreement too, but
    only loosely (role ``agreement_referred``): enough to say it exists, not to say it ended
    or was suspended.
    """
    # "the capitalisation direction has acted as a safety valve": a metaphor, not the programme
    anchors = [hit for hit in parsed.of("sv") if parsed.tokens[max(0, hit.start - 2) : hit.start] != ["as", "a"]]
    for hit in parsed.of("agreement"):
        if parsed.tokens[hit.end : hit.end + 1] and parsed.tokens[hit.end] in _GENERIC_SENSE:
            continue
        if _consent_sense(parsed, hit) and not _right_after_sv(parsed, hit):
            continue
        if _with_someone_else(parsed, hit):
            continue  # "the agreement with the transport provider"
        if _a_school_s(parsed.tokens, hit):
            continue  # "the school's funding agreement with the Department": an academy's, not the council's
        if (
            _right_after_sv(parsed, hit)
            or _of_the_fund(parsed.tokens, hit)
            or parsed.in_clause("sv", hit.start)
            or (parsed.has("dfe") and parsed.has("deficit"))
            # "a SEND bailout deal", "bailout from the Department": a bailout of the high needs block is the programme's
            or (hit.phrase.startswith("bail") and (parsed.has("dfe") or context.hn_topic) and not parsed.has("other_fund"))
            or (_with_the_department(parsed, hit) and (context.hn_topic or _definite(parsed, hit)))
            or (context.hn_topic and _department_pays_under(parsed, hit))
            or (
                _definite(parsed, hit)
                and (parsed.has("dfe") or context.hn_topic)  # "the trajectory in our agreement", in a high needs paper
                and not _PROGRAMME_TERMS.isdisjoint(parsed.words)
                and not parsed.has("other_fund")  # "the academy's funding agreement with the Department"
            )
        ):
            anchors.append(hit)
        elif (context.sv or parsed.has("dfe")) and _parties_named(parsed, hit) is not None:
            anchors.append(
                hit
            )  # "the remaining agreements are with Eastbury and Westford"; "the Department's agreements with ..."
        elif context.sv and _worth_a_sum(parsed, hit):
            anchors.append(hit)  # "a £20m funding agreement" in a paper about the programme: its agreement
        elif (
            context.sv
            and hit.phrase != "contract"  # "the default provisions of the contract": a supplier's, even in a programme paper
            and ((_definite(parsed, hit) and _plainly_named(parsed, hit)) or _made(parsed.tokens, hit))
        ):
            anchors.append(hit._replace(role="agreement_referred"))  # "the agreement"; "both signed agreements in 2022"
    if context.sv and not parsed.has("dbv") and context.programme != "dbv" and "programme" in parsed.words:
        tokens = parsed.tokens
        for position, word in enumerate(tokens):
            if (
                word == "programme"
                and position
                and tokens[position - 1] in ("the", "this", "our")
                and not any(hit.start <= position < hit.end + 2 for hit in anchors)
            ):
                anchors.append(Hit("sv", position, position + 1, "the programme"))
    return sorted(anchors, key=lambda hit: hit.start)


# Words only the programme's agreements come with: "met the conditions of its agreement, and the
# Department confirmed the next tranche", "our monitoring return to the Department ... as the agreement assumed".
_PROGRAMME_TERMS = frozenset(
    {"tranche", "tranches", "instalment", "instalments", "conditions", "condition", "trajectory", "return", "returns", "in-year"}
    | {"quarter", "quarterly", "contribution", "contributions", "targets", "target", "monitoring"}
)


_SCHOOLS = frozenset({"school", "schools", "academy", "academies", "trust", "trusts", "mat"})


def _a_school_s(tokens: list[str], hit: Hit) -> bool:
    """An academy's funding agreement, or one a school or trust holds ("the trust's agreement")."""
    before = tokens[max(0, hit.start - 4) : hit.start]
    held = any(word in _SCHOOLS and before[index + 1 : index + 2] == ["'s"] for index, word in enumerate(before))
    return held or (before[-1:] == ["funding"] and not _SCHOOLS.isdisjoint(tokens))


def _firm(anchors: list[Hit]) -> list[Hit]:
    """Anchors surely about the programme's agreement (not a loose "the agreement")."""
    return [anchor for anchor in anchors if anchor.role != "agreement_referred"]


def _state_of(parsed: Parsed, anchor: Hit, context: DocumentContext) -> Claim | None:
    """The state of one anchor's agreement; a loose anchor ("the arrangement" in a safety valve
    paper) only ever gives weak claims."""
    if parsed.tokens[max(0, anchor.start - 2) : anchor.start] in (["rather", "than"], ["instead", "of"]):
        return None  # "taking part in Delivering Better Value rather than safety valve": not this one
    claim = _state_of_anchor(parsed, anchor, context)
    if claim is not None and anchor.role == "agreement_referred" and not claim.weak and claim.status != "sv_negotiating":
        claim = replace(claim, weak=True)
    return claim


def _state_of_anchor(parsed: Parsed, anchor: Hit, context: DocumentContext) -> Claim | None:
    """The state the words around one anchor give its agreement (rules 3 to 7 above).

    When a sentence tells a sequence ("following discussions with the DfE, the council signed
    its agreement"; "the plan was submitted in March and approved by the Department in May"),
    the latest event is the state now.
    """
    tokens = parsed.tokens
    if _year_of(parsed, anchor):
        return Claim("sv_agreed", anchor.start, anchor.end, 0.75, "agreement:year_of", SETTLED)
    is_agreement = (
        _terms_of(parsed, anchor)
        or anchor.role in ("agreement", "agreement_referred")
        or (
            tokens[anchor.end : anchor.end + 1] != []
            and tokens[anchor.end] in _SETTLEMENT_NOUNS
            and (tokens[anchor.end + 1 : anchor.end + 2] == [] or tokens[anchor.end + 1] not in _GENERIC_SENSE)
        )
    )
    if anchor.role == "sv" and tokens[anchor.end + 1 : anchor.end + 2] and tokens[anchor.end + 1] in _GENERIC_SENSE:
        return None  # "the Safety Valve Agreement framework": the programme's rules, not an agreement
    strong = [
        hit
        for hit in _around(parsed, "negotiating", anchor)
        if _is_strong(hit)
        and not _talks_behind(parsed, hit)
        and not _submits_a_return(parsed.tokens, hit)
        and not _gained_by_signing(parsed, hit)
    ]
    if _drafted(parsed, anchor):
        # "a possible agreement" is not hypothetical talks: the hedge is the agreement's
        return Claim("sv_negotiating", anchor.start, anchor.end, 0.75, "agreement:draft", frozenset({NEGATION, QUESTION}))
    latest_strong = max((hit.start for hit in strong), default=-1)
    approval = (
        _department_approval(parsed, anchor)
        if is_agreement or _approves_a_plan(parsed)
        else _accepted_by_department(parsed, anchor)
    )
    if approval is None and anchor.role == "sv":
        approval = _admitted(parsed, anchor)
    if approval is not None and approval.start > latest_strong and not (strong and modality.hypothetical(parsed, approval.start)):
        # (an approval hoped for after a bid, "a move which, if accepted, would ...", leaves the bid as it was)
        return Claim(
            "sv_agreed", approval.start, approval.end, 0.8, "agreement:approved_by_department", SETTLED, subject_at=anchor.start
        )
    reached = [
        hit
        for hit in _around(parsed, "agreed", anchor)
        if _reached(hit, anchor, is_agreement, tokens) and not _talks_begun(parsed, hit) and not _attribution_tag(parsed, hit)
    ]
    if reached and max(hit.start for hit in reached) > latest_strong:
        cue = max(reached, key=lambda hit: hit.start)
        if _not_yet(parsed, cue):
            return Claim(
                "sv_negotiating",
                cue.start,
                cue.end,
                0.65,
                "agreement:not_yet_reached",
                frozenset({QUESTION}),
                subject_at=anchor.start,
            )
        if _temporal_future(parsed, anchor) or _temporal_future(parsed, cue):
            return Claim("sv_negotiating", cue.start, cue.end, 0.65, "agreement:to_be_signed", ASSERTED, subject_at=anchor.start)
        if cue.phrase in ("current", "existing") and cue.end <= anchor.start:
            # "the current agreement would be withdrawn": there is one, whatever is feared for it
            return Claim(
                "sv_agreed",
                cue.start,
                cue.end,
                0.75,
                "agreement:current",
                frozenset({NEGATION_BEFORE, QUESTION}),
                subject_at=anchor.start,
            )
        return Claim("sv_agreed", cue.start, cue.end, 0.8, "agreement:signed", SETTLED, subject_at=anchor.start)
    if strong and (_declined(parsed) or _talks_over(parsed.tokens)):
        return (
            None  # "following talks with the DfE, the council decided not to pursue an agreement"; "those talks have now ended"
        )
    strong = [hit for hit in strong if not _the_departments_own(parsed, hit)]
    if strong:
        # "in discussion with the Department about whether it could be invited": the talks are
        # asserted though what they are about is hedged, so an unhedged cue speaks first
        cue = min(
            strong,
            key=lambda hit: (
                modality.hypothetical(parsed, hit.start) and not _held_proposal(parsed, hit, anchor),
                abs(hit.start - anchor.start),
            ),
        )
        if _in_the_past(parsed, cue):
            return Claim("sv_agreed", cue.start, cue.end, 0.75, "agreement:since_signing", SETTLED, subject_at=anchor.start)
        if _succeeded(parsed, cue):
            return Claim("sv_agreed", cue.start, cue.end, 0.75, "agreement:bid_succeeded", SETTLED, subject_at=anchor.start)
        # "its safety valve proposal", "our draft": a proposal the council holds exists, whatever is planned for it
        checks = frozenset({NEGATION, QUESTION}) if _held_proposal(parsed, cue, anchor) else ASSERTED
        return Claim("sv_negotiating", cue.start, cue.end, 0.75, "agreement:negotiating", checks, subject_at=anchor.start)
    body = _council_body_approval(parsed, anchor)
    if body is not None:
        return Claim(
            "sv_negotiating", body.start, body.end, 0.7, "agreement:approved_by_council", ASSERTED, subject_at=anchor.start
        )
    weak = [hit for hit in _around(parsed, "negotiating", anchor) if not _the_departments_own(parsed, hit)]
    if weak and _declined(parsed):
        return None
    if (
        not weak
        and anchor.role == "sv"
        and not is_agreement
        and any(word in ("under", "through", "via", "within") for word in tokens[max(0, anchor.start - 7) : anchor.start])
    ):
        weak = [Hit("negotiating", anchor.start, anchor.end, "under the programme")]  # "work under the programme"
    if weak and anchor.role == "sv" and not is_agreement:
        # "taking part in the safety valve programme": in it, but whether agreed is not said
        cue = min(weak, key=lambda hit: abs(hit.start - anchor.start))
        return Claim(
            "sv_negotiating", cue.start, cue.end, 0.65, "agreement:in_programme", ASSERTED, subject_at=anchor.start, weak=True
        )
    party = _parties_named(parsed, anchor) if is_agreement else None
    if party is not None and not _temporal_future(parsed, anchor):
        return Claim("sv_agreed", anchor.start, anchor.end, 0.7, "agreement:parties_named", SETTLED, subject_at=party)
    holder = _possessed(parsed, anchor) if is_agreement else None
    if holder is not None:  # the claim sits on the verb ("does not have a ...") or the membership ("not one of ...")
        return Claim("sv_agreed", holder, holder + 1, 0.75, "agreement:held", SETTLED)
    if is_agreement and _presupposed(parsed, anchor) and not _temporal_future(parsed, anchor):
        # "the current agreement", "our agreement", "Westshire's agreement" say it exists; a bare
        # "the agreement" may be the one under negotiation, so it yields to plain negotiating.
        owned = any(
            word in ("current", "existing", "our", "its", "their", "'s")
            for word in tokens[max(0, anchor.start - 4) : anchor.start]
        )
        return Claim(
            "sv_agreed",
            anchor.start,
            anchor.end,
            0.7,
            "agreement:referred_to",
            frozenset({NEGATION_BEFORE, QUESTION}),
            weak=not owned,
        )
    return None


_REACHED = frozenset(
    {
        "signed",
        "signed off",
        "entered into",
        "entered",
        "in place",
        "secured",
        "reached",
        "finalised",
        "finalized",
        "ratified",
        "commenced",
        "began",
        "begun",
        "started",
        "struck",
        # a headline's present tense tells what has happened: "Oldham signs £34m deal"
        "signs",
        "strikes",
        "secures",
        "seals",
        "sealed",
        "concluded",
        "in force",
        "published",
        "available",
        "predicated",
        "awarded",
        "granted",
        "given",
        "agreed",
        "confirmed",
        "existing",
        "current",
        "accepted",
        "approved",
        "extended",
        "renewed",
        "negotiated",
        # Carrying a plan out presupposes it was agreed: "implementing its safety valve programme"
        # (the base form is an aim: "to implement the plan once agreed").
        "implementing",
        "implemented",
        "implementation",
        "implementation of",
        # An agreement as the outcome of what came before: "the plan led to a £15m agreement".
        "led to",
        "leading to",
        "resulted in",
        "resulting in",
        "enabled",
        "enabling",
        "culminated in",
        "unlocked",
    }
)


_ORDINALS = frozenset(
    {
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "final",
        "last",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
    }
)


def _year_of(parsed: Parsed, anchor: Hit) -> bool:
    """ "in year three of its safety valve plan", "the fourth year of the agreement": it is under way."""
    before = parsed.tokens[max(0, anchor.start - 6) : anchor.start]
    if "of" not in before:
        return False
    head = before[: len(before) - before[::-1].index("of") - 1]
    return ("year" in head[-2:] and any(word in _ORDINALS for word in head[-2:])) or head[-2:] in (["year", "one"],)


def _terms_of(parsed: Parsed, anchor: Hit) -> bool:
    """ "under the terms of the Safety Valve", "the conditions of the programme": the agreement's."""
    before = parsed.tokens[max(0, anchor.start - 3) : anchor.start]
    return any(word in ("terms", "conditions", "requirements", "obligations") for word in before) and "of" in before


_BEGINNINGS = frozenset({"began", "begun", "started", "commenced", "entered", "entered into"})


def _attribution_tag(parsed: Parsed, hit: Hit) -> bool:
    """ "..., the council confirmed." or "the Director confirmed that ...": who says the sentence,
    not an approval."""
    tokens = parsed.tokens
    if hit.phrase != "confirmed":
        return False
    if tokens[hit.end : hit.end + 1] == ["that"]:
        return True
    return all(word in (".", "!") for word in tokens[hit.end :]) and "," in tokens[max(0, hit.start - 5) : hit.start]


def _talks_begun(parsed: Parsed, hit: Hit) -> bool:
    """ "have begun formal talks on an agreement": what began is the talks, not the agreement."""
    return hit.phrase in _BEGINNINGS and not _TALKS.isdisjoint(parsed.tokens[hit.end : hit.end + 3])


_LEVEL_WORDS = frozenset({"a", "record", "over", "more", "almost", "nearly", "around", "about", "some", "its", "new"})


def _a_level_after(tokens: list[str], position: int) -> bool:
    """A sum or a level follows ("reached £26m", "reached twenty-six million", "reached a record high")."""
    for word in tokens[position : position + 3]:
        if word[:1] == "£" or word[:1].isdigit() or word.split("-")[0] in NUMBER_WORDS:
            return True
        if word not in _LEVEL_WORDS:
            return False
    return False


def _reached(hit: Hit, anchor: Hit, is_agreement: bool, tokens: list[str] | None = None) -> bool:
    """An agreed-state word that says this agreement was reached (not "the current position", not
    "reached the end of the road")."""
    if hit.phrase not in _REACHED:
        return False
    if tokens is not None and tokens[hit.end : hit.end + 2] == ["the", "end"]:
        return False
    if tokens is not None and hit.phrase == "reached" and _a_level_after(tokens, hit.end):
        return False  # "the deficit has now reached £26m": a level, not an agreement
    if hit.phrase in ("current", "existing"):
        return hit.end <= anchor.start and is_agreement
    if hit.phrase in (
        "agreed",
        "confirmed",
        "accepted",
        "approved",
        "available",
        "published",
        "given",
        "granted",
        "awarded",
        "extended",
        "renewed",
        "negotiated",
    ):
        return is_agreement
    return (
        is_agreement
        or hit.phrase in ("signed", "entered into", "secured", "reached")
        or hit.phrase.startswith(("implementing", "implemented", "implementation"))
    )


def _accepted_by_department(parsed: Parsed, anchor: Hit) -> Hit | None:
    """ "Project Safety Valve had been accepted by the Government": the council's entry approved."""
    tokens = parsed.tokens
    for hit in _around(parsed, "agreed", anchor):
        if (
            hit.phrase in ("accepted", "approved", "agreed", "signed off")
            and hit.start > anchor.start
            and tokens[hit.end : hit.end + 1] == ["by"]
            and any(d.start in (hit.end + 1, hit.end + 2) for d in parsed.of("dfe"))
        ):
            return hit
    return None


def _admitted(parsed: Parsed, anchor: Hit) -> Hit | None:
    """ "approved to be part of the Safety Valve Programme", "accepted onto the programme": the
    Department has agreed to take the council on."""
    tokens = parsed.tokens
    for hit in _around(parsed, "agreed", anchor):
        if (
            hit.phrase in ("approved", "accepted")
            and hit.end <= anchor.start
            and any(word in ("part", "onto", "into", "join", "on") for word in tokens[hit.end : anchor.start])
        ):
            return hit
    return None


def _approves_a_plan(parsed: Parsed) -> bool:
    """The Department approving the council's plan or proposal (the agreement by another name)."""
    return any(word in ("plan", "plans", "proposal", "proposals", "bid", "application", "submission") for word in parsed.tokens)


_DECLINED = (
    ("not", "to", "pursue"),
    ("not", "to", "proceed"),
    ("not", "to", "apply"),
    ("not", "to", "join"),
    ("not", "to", "enter"),
    ("not", "to", "seek"),
    ("decided", "against"),
    ("withdrew", "from"),
    ("withdrawn", "from"),
    ("pulled", "out"),
    ("declined", "the"),
    ("turned", "down"),
    ("was", "refused"),
    ("were", "refused"),
    ("been", "refused"),
    ("was", "rejected"),
    ("were", "rejected"),
    ("been", "rejected"),
    ("was", "unsuccessful"),
    ("were", "unsuccessful"),
    ("been", "unsuccessful"),
    # talks that ended and failed: "ended in July without an agreement", "broke down"
    ("without", "an", "agreement"),
    ("without", "agreement"),
    ("without", "a", "deal"),
    ("without", "reaching"),
    ("broke", "down"),
    ("broken", "down"),
    ("was", "abandoned"),
    ("were", "abandoned"),
    ("been", "abandoned"),
    ("not", "be", "pursuing"),
    ("no", "longer", "pursuing"),
)


def _the_departments_own(parsed: Parsed, cue: Hit) -> bool:
    """ "the government's white paper proposes ...": the Department proposing, not the council
    negotiating (but "the DfE invited the council" is the council's invitation)."""
    if cue.phrase.startswith(("invit", "asked", "select", "shortlist", "consider")):
        return False  # "the DfE invited the council", "asked the DfE to consider it for the programme"
    tokens = parsed.tokens
    programme = {index for hit in parsed.of("sv") for index in range(hit.start, hit.end)}
    return any(
        cue.start - 4 <= d.end <= cue.start
        and not any(word in ("selfcouncil", "we", "council") for word in tokens[d.end : cue.start])
        and not programme.intersection(range(d.end, cue.start))  # "the DfE Safety Valve programme discussed"
        and not _partner_of(tokens, d.start)  # "working with DfE officials to agree": the council's talks
        for d in parsed.of("dfe")
    )


_PARTNERING = frozenset({"with", "alongside", "from", "to"})


def _partner_of(tokens: list[str], start: int) -> bool:
    """The Department named as the council's partner ("with the DfE", "Westshire and the DfE")
    or as the other end of a transfer ("from the Department", "to the DfE"), not as the one acting."""
    before = tokens[max(0, start - 3) : start]
    if before and before[-1] in ("the", "our"):
        before = before[:-1]
    if len(before) >= 2 and before[-1] == "and" and before[-2] in ("selfcouncil", "council", "we", "authority"):
        return True  # "Westshire and the Department have begun talks": together
    return bool(before) and before[-1] in _PARTNERING


_OVER = frozenset({"ended", "stopped", "ceased", "lapsed", "collapsed"})


def _talks_over(tokens: list[str]) -> bool:
    """ "those talks have now ended": the talks are over (whether they succeeded is said elsewhere)."""
    return any(
        word in _TALKS and not _OVER.isdisjoint(tokens[index + 1 : index + 5])
        for index, word in enumerate(tokens)
        if word in _TALKS
    )


def _declined(parsed: Parsed) -> bool:
    """The council turned the programme down or walked away from the talks."""
    tokens = parsed.tokens
    return any(
        tuple(tokens[index : index + len(phrase)]) == phrase
        for index in range(len(tokens))
        for phrase in _DECLINED
        if tokens[index] == phrase[0]
    )


def _not_yet(parsed: Parsed, cue: Hit) -> bool:
    """ "not yet signed", "yet to be finalised", "has not yet finalised": still to come."""
    tokens = parsed.tokens
    before = tokens[max(0, cue.start - 4) : cue.start]
    after = tokens[cue.end : cue.end + 2]
    return ("yet" in before and any(w in ("not", "yet") or w.endswith("n't") for w in before)) or (
        "yet" in after and any(w == "not" or w == "no" or w.endswith("n't") for w in tokens[max(0, cue.start - 8) : cue.start])
    )


_POSSESSION = frozenset(
    {
        "has",
        "have",
        "had",
        "holds",
        "hold",
        "with",
        "having",
        "got",
        "gets",
        "received",
        "receives",
        "secured",
        "won",
        "awarded",
        "given",
        "granted",
        "handed",
        "signed",
    }
)
_DETERMINERS = frozenset({"a", "an", "its", "our", "their", "his", "her", "no"})


def _possessed(parsed: Parsed, anchor: Hit) -> int | None:
    """Where "the council has a safety valve agreement" or "one of 38 councils with a safety valve
    agreement" says it: the holding verb, or the "one of" that makes this council a holder."""
    tokens = parsed.tokens
    if _plural_agreements(tokens, anchor):  # "Bristol and South Gloucestershire both have safety valve agreements"
        verb = anchor.start - 1
        while verb >= 0 and tokens[verb] in ("safety", "valve", "sv"):
            verb -= 1
        if verb >= 0 and tokens[verb] in _POSSESSION:
            return _membership(tokens, verb)
    determiner = next(
        (position for position in range(anchor.start - 1, max(-1, anchor.start - 7), -1) if tokens[position] in _DETERMINERS),
        None,
    )
    if determiner is None or any(
        tokens[position] in (",", ";", "and", "or", "which", "that") for position in range(determiner + 1, anchor.start)
    ):
        return None
    if determiner == 0 or tokens[determiner - 1] not in _POSSESSION:
        return None
    if tokens[determiner] == "no":
        return anchor.start  # "has no agreement": the claim sits where its "no" denies it
    verb = determiner - 1
    return _membership(tokens, verb)


def _membership(tokens: list[str], verb: int) -> int:
    """Where "one of the councils with an agreement", or "among the councils named as having
    agreements", makes this council a holder: there, so that "not one of", "not among" deny it."""
    if tokens[verb] in ("with", "having"):
        for position in range(verb - 1, max(-1, verb - 10), -1):
            if tokens[position : position + 2] == ["one", "of"] or tokens[position] in ("among", "amongst"):
                return position
    return verb


_PROPOSAL_NOUNS = frozenset({"proposal", "proposals", "draft", "bid", "application", "submission"})


def _held_proposal(parsed: Parsed, cue: Hit, anchor: Hit) -> bool:
    """ "its safety valve proposal", "the council's draft safety valve plan": the council's own
    proposal, named as a thing it has."""
    tokens = parsed.tokens
    if cue.phrase not in _PROPOSAL_NOUNS or not (cue.start == anchor.end or cue.end == anchor.start):
        return False
    first = min(cue.start, anchor.start)
    return tokens[first - 1 : first] in (["its"], ["our"], ["'s"])


_REFERRING = frozenset({"both", "they", "them", "each", "these", "those", "former", "latter"})
_POSSESSIVES = frozenset({"their", "its", "our", "'s"})


def _agreements_of_no_one(parsed: Parsed, anchor: Hit) -> bool:
    """ "the DfE published its list of safety valve agreements", "£1bn committed through safety
    valve agreements": agreements in the plural, in a sentence that names no council and refers
    to none, are the programme's in general (a next sentence naming councils may make them theirs)."""
    tokens = parsed.tokens
    if not _plural_agreements(tokens, anchor) or speaks_of_self(parsed) or OTHER_TOKEN in tokens:
        return False
    return _REFERRING.isdisjoint(tokens) and _POSSESSIVES.isdisjoint(tokens[max(0, anchor.start - 2) : anchor.start])


def _plural_agreements(tokens: list[str], anchor: Hit) -> bool:
    """The anchor names agreements in the plural, which need no article: "have safety valve agreements"."""
    return any(word in ("agreements", "deals") for word in tokens[anchor.start : anchor.end + 1])


_MONITORING_RETURNS = frozenset(
    {"return", "returns", "report", "reports", "monitoring", "update", "updates", "data", "figures", "management"}
)  # ("submitted its DSG management plan": the plan every council in deficit sends, not a bid)


def _submits_a_return(tokens: list[str], hit: Hit) -> bool:
    """ "has yet to submit its first quarterly return": the monitoring an agreement asks for, not a proposal."""
    return tokens[hit.start].startswith("submi") and not _MONITORING_RETURNS.isdisjoint(tokens[hit.end : hit.end + 4])


def _gained_by_signing(parsed: Parsed, hit: Hit) -> bool:
    """ "signed its agreement in March, securing £20m": the sum the signing brought, not talks to secure it."""
    tokens = parsed.tokens
    if hit.phrase != "securing" or not tokens[hit.end : hit.end + 1] or tokens[hit.end][:1] != "£":
        return False
    return any(
        agreed.phrase in ("signed", "agreed", "entered", "entered into", "struck") and agreed.end <= hit.start
        for agreed in parsed.of("agreed")
    )


def _drafted(parsed: Parsed, anchor: Hit) -> bool:
    """ "the draft agreement", "a proposed safety valve agreement", its heads of terms: not reached."""
    start = anchor.start
    programme = [sv for sv in parsed.of("sv") if sv.end == start]
    if programme:
        start = programme[0].start  # "the draft [safety valve] agreement": the word before the programme's name
    before = parsed.tokens[max(0, start - 2) : start]
    if any(parsed.tokens[k : k + 3] == ["heads", "of", "terms"] for k in range(max(0, start - 6), start)):
        return True  # "heads of terms for a safety valve agreement": the outline agreed, the agreement still to come
    return any(word in ("draft", "proposed", "provisional", "potential", "possible", "prospective", "future") for word in before)


def _withheld(parsed: Parsed, context: DocumentContext, anchors: list[Hit], loose: list[Hit]) -> list[Claim]:
    """Payments withheld, paused or suspended by the Department; the agreement under review."""
    claims: list[Claim] = []
    tokens = parsed.tokens
    for hit in parsed.of("withheld"):
        if tokens[hit.start].endswith("ing") and tokens[hit.start - 1 : hit.start] in ([], ["that"], [","], ["of"], ["by"]):
            continue  # "warned that pausing payments risks ...": the act spoken of, not a council's state
        review = hit.phrase.endswith("review")
        if review:  # in a safety valve paper, "the agreements of A, B and C ... under review" are theirs
            named = [a for a in loose if hit.start - 11 <= a.start < hit.start]
            subject = named or _self_before(parsed, hit.start, 6)
            plural = any(a.phrase.endswith("agreements") for a in named) and not any(
                a.role in ("agreement", "agreement_referred") and not a.phrase.endswith("s") for a in named
            )
            if plural and not council_named(parsed):
                continue  # "the future use of safety valve agreements is under review": the programme's, not a council's
            routine = any(word in _REVIEW_ROUTINE for word in tokens[max(0, hit.start - 3) : hit.end + 2])
            # The programme named, or the agreements this sentence ties to the Department ("the
            # Department's agreements with A, B and C are under review").
            if not subject or routine or not (context.sv or parsed.has("sv") or (named and parsed.has("dfe"))):
                continue
        else:
            # Passive, the payment is its subject: "The payment due in March has therefore not been received".
            reach = 24 if _passive(parsed, hit) else 7
            payments = parsed.near("payment", hit.start, before=reach, after=9) or parsed.near(
                "agreement", hit.start, before=6, after=6
            )
            if not payments or not (context.sv or parsed.has("sv") or parsed.has("dfe")):
                continue
            if any(word in _RECIPIENTS for word in tokens[max(0, hit.start - 6) : hit.end + 4]) and not parsed.has("dfe"):
                continue
            if not _CONTRACTS.isdisjoint(parsed.words) and not parsed.has("sv"):
                continue  # "under the default provisions of the contract, payments had been withheld": a supplier's
        over = any(
            later.phrase != "resume"
            and not modality.hypothetical(parsed, later.start)
            and _MODAL_WORDS.isdisjoint(tokens[max(0, later.start - 8) : later.start])
            for later in [
                *parsed.near("resumed", hit.start, before=0, after=20, same_clause=False),
                # after it, or just before it: "released the withheld payment"
                *(
                    release
                    for release in _releases(parsed)
                    if hit.end <= release.start <= hit.end + 20 or 0 < hit.start - release.end <= 1
                ),
            ]
        )  # "suspended ..., and payments may resume if a revised plan is agreed": still suspended
        # "No safety valve payments have been withheld": the payments are the subject, and a
        # denial before them is the claim's
        paid_before = [] if review else [p for p in parsed.near("payment", hit.start, before=8, after=0) if p.end <= hit.start]
        if (
            paid_before
            and _passive(parsed, hit)
            and not _DENIALS.isdisjoint(tokens[max(0, paid_before[-1].start - 4) : paid_before[-1].start])
        ):
            continue
        claims.append(
            Claim(
                "payment_withheld",
                hit.start,
                hit.end,
                0.85 if not review else 0.75,
                "withheld:" + ("review" if review else "payments"),
                ASSERTED,
                over=over,
            )
        )
    return claims


_CONTRACTS = SUPPLIERS | {"contract"}
_DENIALS = frozenset({"no", "not", "none", "never"})
_PASSIVE_AUXILIARIES = frozenset({"been", "be", "being", "was", "were", "is", "are"})


def _passive(parsed: Parsed, hit: Hit) -> bool:
    """ "have (now) been resumed", "not been received": the verb's subject is what it is done to."""
    words = parsed.tokens[max(0, hit.start - 2) : hit.start] + parsed.tokens[hit.start : hit.start + 2]
    return not _PASSIVE_AUXILIARIES.isdisjoint(words)


def _resumed(parsed: Parsed, context: DocumentContext, anchors: list[Hit]) -> list[Claim]:
    """Payments resumed after a pause: the council is back on track."""
    claims: list[Claim] = []
    for hit in [*parsed.of("resumed"), *_releases(parsed)]:
        if hit.phrase == "back on track":
            continue  # read by the tracking frame
        if hit.phrase == "resume" or parsed.tokens[max(0, hit.start - 1) : hit.start] == ["to"]:
            continue  # "the power to resume payments", "will decide whether to resume": not resumed yet
        if any(
            parsed.tokens[k : k + 2] in (["to", "have"], ["to", "get"], ["to", "see"])
            for k in range(max(0, hit.start - 5), hit.start)
        ):
            continue  # "working to have payments restored": aimed at
        if not _MODAL_WORDS.isdisjoint(parsed.tokens[max(0, hit.start - 8) : hit.start]):
            continue  # "told that the payment may be released, and back-dated, once the plan is agreed"
        # Passive, the payments are its subject, however far: "Payments under the agreement,
        # withheld in the autumn, have been resumed".
        passive = _passive(parsed, hit)  # the payments are the subject, across a "while" clause in between
        reach = 32 if passive else 7
        if not parsed.near("payment", hit.start, before=reach, after=5, same_clause=not passive) or not (
            context.sv or parsed.has("sv")
        ):
            continue
        claims.append(
            Claim(
                "sv_on_track",
                hit.start,
                hit.end,
                0.75,
                "withheld:resumed",
                SETTLED,
                supersedes=("payment_withheld", "sv_off_track"),
            )
        )
    return claims


_MODAL_WORDS = frozenset({"may", "might", "could", "would", "will", "can", "should"})
_NOT_YET = frozenset({"not", "no", "yet", "until", "once", "when", "if", "unless", "before"})
_HELD_PAYMENTS = (["the", "withheld"], ["the", "paused"], ["the", "suspended"], ["the", "held"], ["the", "frozen"])


def _releases(parsed: Parsed) -> list[Hit]:
    """ "The payment which had been held back has been released" (or "paid"), "released the withheld payment":
    money held back and now paid, which ends the hold as "resumed" does. Not "will be released
    once ..." nor "has not been released"."""
    if not parsed.has("withheld"):
        return []
    tokens = parsed.tokens
    found = []
    for hit in parsed.of("received"):
        if hit.phrase not in ("released", "paid"):
            continue
        before = tokens[max(0, hit.start - 3) : hit.start]
        if not _NOT_YET.isdisjoint(before) or not _MODAL_WORDS.isdisjoint(tokens[max(0, hit.start - 8) : hit.start]):
            continue
        if (_passive(parsed, hit) and _past_or_perfect(tokens, hit.start)) or tokens[hit.end : hit.end + 2] in _HELD_PAYMENTS:
            found.append(hit)
    return found


def _completed(parsed: Parsed, context: DocumentContext, anchors: list[Hit]) -> list[Claim]:
    """The agreement concluded, the programme exited, the final payment made or the deficit cleared."""
    claims: list[Claim] = []
    tokens = parsed.tokens
    if not (context.sv or parsed.has("sv") or anchors):  # (anchors: agreements tied to the Department)
        return claims
    claims += _last_of_the_payments(parsed)
    for anchor in anchors:
        # "bringing its safety valve agreement to a close": the agreement ended, the object in between
        end = anchor.end + (1 if tokens[anchor.end : anchor.end + 1] in (["agreement"], ["deal"]) else 0)
        while tokens[end : end + 1] and tokens[end] in ("with", "the", "department", "dfe", "for", "education"):
            end += 1  # "bringing our agreement with the Department for Education to a close"
        closing = [word for word in tokens[end : end + 4] if word not in ("successful", "formal", "natural", "satisfactory")]
        if closing[:3] in (["to", "a", "close"], ["to", "an", "end"]) and any(
            word.startswith(("bring", "brought")) for word in tokens[max(0, anchor.start - 3) : anchor.start]
        ):
            claims.append(Claim("sv_completed", anchor.start, end, 0.75, "completed:brought_to_an_end", SETTLED))
    for hit in parsed.of("completed"):
        if hit.phrase == "closed" and "to" in parsed.tokens[hit.end : hit.end + 4]:
            continue  # "closed to new entrants", "closed the programme to new agreements": it no longer takes councils in
        if hit.phrase in ("complete", "finish"):
            if _first_to(tokens, hit.start) and tokens[max(0, hit.start - 3) : hit.start - 1] not in (
                ["on", "track"],
                ["on", "course"],
            ):  # "one of the first councils in the country to complete an agreement"
                claims.append(Claim("sv_completed", hit.start, hit.end, 0.75, "completed:first_to_complete", ASSERTED))
            continue
        if hit.phrase.startswith(("final", "last")):
            # "was received", "will be paid", "received the final instalment": the verb carries the tense
            verbs = parsed.near("received", hit.start, before=0, after=10) or [
                verb for verb in parsed.near("received", hit.start, before=3) if verb.end <= hit.start
            ]
            if verbs:  # the verb carries the tense: "was received" or "will be paid"
                claims.append(Claim("sv_completed", verbs[0].start, verbs[0].end, 0.75, "completed:final_payment", SETTLED))
            elif (done := _perfect_after(tokens, hit.end)) is not None and not parsed.near("withheld", done, 0, 4):
                # "the final payment from the Department has brought the deficit to zero": it was paid
                claims.append(Claim("sv_completed", done, done + 1, 0.75, "completed:final_payment", SETTLED))
            continue
        talks = [
            t
            for t in range(max(0, hit.start - 14), min(len(tokens), hit.end + 8))
            if tokens[t] in _TALKS and parsed.clause[t] == parsed.clause[hit.start]
        ]
        if talks:
            continue  # negotiations concluded, or an agreement "concluded following talks": agreed (see _talks_concluded)
        near_anchor = [a for a in anchors if abs(a.start - hit.start) <= 6 and parsed.clause[a.start] == parsed.clause[hit.start]]
        cleared = (
            hit.phrase in ("eliminated", "cleared", "paid off", "repaid", "extinguished", "fully repaid")
            and parsed.near("deficit", hit.start, before=6, after=3)
            and _past_or_perfect(tokens, hit.start)
        )
        ended_noun = hit.phrase in ("conclusion", "completion") and tokens[hit.end : hit.end + 1] == ["of"]
        if (
            hit.phrase in ("concluded", "conclusion", "completion")
            and near_anchor
            and near_anchor[0].start > hit.start
            and not ended_noun
        ):
            continue  # "concluded an agreement": reached, not completed (but "the conclusion of the agreement" is its end)
        if hit.phrase == "concluded" and _in_place_after(parsed, hit):
            continue  # "concluded in March and now in place": reached
        if _concluded_with_the_department(parsed, hit):
            continue  # "the Agreement was concluded (i.e. signed) with the DfE": reached with the Department
        following = tokens[hit.end : hit.end + 3]
        if (
            not cleared
            and near_anchor
            and near_anchor[0].start < hit.start
            and following[:1] in (["the"], ["its"], ["a"], ["their"])
            and not any(a.start in range(hit.end, hit.end + 4) for a in anchors)
        ):
            continue  # "engaging with the programme and has completed the first phase": something else completed
        if near_anchor and hit.phrase not in ("eliminated", "cleared", "repaid", "paid off", "extinguished", "fully repaid"):
            claims.append(Claim("sv_completed", hit.start, hit.end, 0.8, "completed:agreement", SETTLED))
        elif cleared:
            claims.append(Claim("sv_completed", hit.start, hit.end, 0.75, "completed:deficit_cleared", SETTLED))
    return claims


_ENDINGS = frozenset({"completed", "concluded", "exited", "left", "finished", "ended"})


def _concluded_with_the_department(parsed: Parsed, hit: Hit) -> bool:
    """ "concluded (i.e. signed) with the DfE": an agreement made with the Department, not ended."""
    tokens = parsed.tokens
    return hit.phrase == "concluded" and any(
        tokens[k] == "with" and parsed.near("dfe", k, before=0, after=3) for k in range(hit.end, min(len(tokens), hit.end + 9))
    )


def _ended_its_agreement(parsed: Parsed, anchors: list[Hit]) -> list[Claim]:
    """ "has completed its agreement", "has now left the programme", in a paper about the
    programme: a finished agreement, however loosely the paper names it. Only a done deed counts
    (not "to complete", "will exit")."""
    tokens = parsed.tokens
    claims: list[Claim] = []
    for anchor in anchors:
        # "has left the programme board": something of the programme's, not the programme
        object_only = not tokens[anchor.end : anchor.end + 1] or tokens[anchor.end] in _AFTER_AN_ENDED_AGREEMENT
        end_of = tokens[max(0, anchor.start - 5) : anchor.start] if object_only else []
        reach_at = anchor.start - len(end_of)  # "one of the first councils to reach the end of a deal": done
        first_to_reach = end_of[:1] == ["reach"] and _first_to(tokens, reach_at)
        if any(end_of[k : k + 3] == ["the", "end", "of"] for k in range(len(end_of) - 2)) and (
            not _NOT_YET_ENDED.isdisjoint(end_of[:2]) or first_to_reach
        ):
            # "a number of authorities have reached the end of their agreements"
            claims.append(Claim("sv_completed", anchor.start, anchor.end, 0.75, "completed:end_of_its_agreement", SETTLED))
        for verb in range(max(0, anchor.start - 3), anchor.start if object_only else 0):
            if tokens[verb] in _ENDINGS and tokens[verb + 1 : anchor.start] in _OWNERS_OF_AN_ENDED_AGREEMENT:
                if (
                    _past_or_perfect(tokens, verb)
                    or tokens[max(0, verb - 1) : verb] == ["having"]
                    or tokens[max(0, verb - 1) : verb] in _SUBJECTS_OF_A_PAST_ENDING
                ):
                    claims.append(Claim("sv_completed", verb, verb + 1, 0.75, "completed:ended_its_agreement", SETTLED))
        # the agreement as the subject: "The agreement, signed in 2021, has run its course"
        # "Discussions about a safety valve agreement ended": the talks ended, not an agreement
        talked_about = not _TALKS.isdisjoint(tokens[max(0, anchor.start - 12) : anchor.start])
        for hit in parsed.of("completed"):
            if (
                hit.phrase in _ENDED_AS_SUBJECT
                and not talked_about
                and not _concluded_with_the_department(parsed, hit)
                and anchor.end <= hit.start <= anchor.end + 16
                and not _in_place_after(parsed, hit)
                and parsed.clause[hit.start] == parsed.clause[anchor.start]
                and (_past_or_perfect(tokens, hit.start) or hit.start == anchor.end)  # "its agreement concluded last year"
            ):
                claims.append(Claim("sv_completed", hit.start, hit.end, 0.75, "completed:ended_its_agreement", SETTLED))
    return claims


_NOT_YET_ENDED = frozenset({"reached", "reaching", "come", "came", "coming"})


def _in_place_after(parsed: Parsed, hit: Hit) -> bool:
    """ "the agreement had been formally concluded in March and was now in place": concluded as
    in reached, the agreement running."""
    return any(
        other.phrase in ("in place", "in force") and hit.end <= other.start <= hit.end + 8 for other in parsed.of("agreed")
    ) or any(word in ("covering", "runs", "running") for word in parsed.tokens[hit.end : hit.end + 8])


_ENDED_AS_SUBJECT = frozenset({"run its course", "ran its course", "came to an end", "come to an end", "ended", "concluded"})


_OWNERS_OF_AN_ENDED_AGREEMENT: tuple[list[str], ...] = (
    [],
    ["the"],
    ["its"],
    ["their"],
    ["our"],
    ["its", "own"],
    ["their", "own"],
    ["our", "own"],
)
# "Bury completed its agreement", "which finished its deal": a simple past with its subject just
# before, not "to complete" or "will exit".
_SUBJECTS_OF_A_PAST_ENDING: tuple[list[str], ...] = (
    ["selfcouncil"],
    ["othercouncil"],
    ["which"],
    ["who"],
    ["council"],
    ["authority"],
    ["borough"],
    ["it"],
    ["we"],
)
_AFTER_AN_ENDED_AGREEMENT = frozenset(
    {",", ";", ":", "and", "in", "at", "after", "having", "with", "this", "last", "early", "on", "following", "when", "as"}
    | {"ahead", "earlier", "successfully", "now", "a", "two", "three", "four", "one", "year", "years", "agreement", "deal"}
)
_LAST_OF = frozenset({"last", "final"})


def _last_of_the_payments(parsed: Parsed) -> list[Claim]:
    """ "having received the last of the Department's contributions": the final payment, in other words."""
    tokens = parsed.tokens
    if _LAST_OF.isdisjoint(parsed.words):
        return []
    for position, word in enumerate(tokens[:-1]):
        if word in _LAST_OF and tokens[position + 1] == "of":
            paid = [hit for hit in parsed.of("payment") if position + 1 < hit.start <= position + 6]
            received = [verb for verb in parsed.near("received", position, before=3) if verb.end <= position]
            if paid and received:
                return [Claim("sv_completed", received[0].start, received[0].end, 0.75, "completed:final_payment", SETTLED)]
    return []


_TALKS_GOING_ON = frozenset({"expected", "due", "hope", "hoped", "aim", "still", "when", "once", "until", "will"})


def _talks_concluded(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """ "The negotiations were brought to a close", "accepted the Department's offer of an agreement"."""
    tokens = parsed.tokens
    if _TALKS.isdisjoint(parsed.words) and "offer" not in parsed.words and "offered" not in parsed.words:
        return []
    if not (context.sv or parsed.has("sv") or parsed.has("dfe")):
        return []
    if _declined(parsed):
        return []  # "the talks ended without an agreement", "broke down": over, and failed
    for position, word in enumerate(tokens):
        if word in _TALKS:
            ahead = tokens[position + 1 : position + 10]
            behind = tokens[max(0, position - 10) : position]
            ended_after = (
                any(w in _TALKS_ENDED for w in ahead) or "to a close" in " ".join(ahead) or "to an end" in " ".join(ahead)
            )
            ended_before = any(w in ("conclusion", "completion", "successful", "concluded") for w in behind) or any(
                w in ("close", "end") for w in behind[-3:]
            )
            if ended_after or ended_before:
                going_on = ended_after and any(w in _TALKS_GOING_ON for w in ahead + behind[-3:])
                if (
                    "not" in ahead
                    or "yet" in ahead
                    or any(w in ("expected", "due", "hope", "hoped", "aim") for w in ahead)
                    or going_on
                ):
                    continue  # "still under negotiation and will be reported when finalised": not over yet
                return [Claim("sv_agreed", position, position + 1, 0.75, "agreement:talks_concluded", SETTLED)]
        if (
            word in ("accepted", "accept", "accepting")
            and "offer" in tokens[position + 1 : position + 6]
            and not (parsed.has("dbv") and not parsed.has("sv"))  # "accepted the DfE's grant offer under DBV"
        ):
            offer = tokens.index("offer", position + 1)
            return [
                Claim("sv_agreed", position, position + 1, 0.75, "agreement:offer_accepted", SETTLED),
                # Whether or not it is accepted yet ("members will be asked whether to accept the
                # offer"), an offer made is a negotiation under way; accepting it supersedes that.
                Claim("sv_negotiating", offer, offer + 1, 0.6, "agreement:offer_made", frozenset({NEGATION}), weak=True),
            ]
        if word == "offered" and any(hit.end == position for hit in parsed.of("agreement")):
            # "whether to sign the safety valve agreement offered by the Department": offered, not yet signed
            return [
                Claim("sv_negotiating", position, position + 1, 0.6, "agreement:offer_made", frozenset({NEGATION}), weak=True)
            ]
        if word == "offer" and _offer_of_an_agreement(parsed, position, context.sv):
            # "responded to the DfE's offer of an agreement with changes", "the offer was accepted"
            made = Claim("sv_negotiating", position, position + 1, 0.6, "agreement:offer_made", frozenset({NEGATION}), weak=True)
            accepted = next(
                (k for k in range(position + 1, min(len(tokens), position + 10)) if tokens[k].startswith("accept")), None
            )
            if accepted is None:
                return [made]
            return [Claim("sv_agreed", accepted, accepted + 1, 0.75, "agreement:offer_accepted", SETTLED), made]
    return []


def _offer_of_an_agreement(parsed: Parsed, position: int, about_the_programme: bool) -> bool:
    """ "an offer of a safety valve agreement", or in a paper about the programme "the
    Department's offer": the Department's offer of one."""
    from_department = about_the_programme and any(hit.end == position for hit in parsed.of("dfe"))
    of_agreement = parsed.tokens[position + 1 : position + 2] == ["of"] and any(
        position + 1 < hit.start <= position + 5 for role in ("sv", "agreement") for hit in parsed.of(role)
    )
    return from_department or of_agreement


def _department_approved_plan(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """ "The Secretary of State has approved the council's proposals", "the plan was accepted by the DfE"."""
    if not (context.sv or parsed.has("sv")) or not parsed.has("dfe") or not parsed.has("agreed"):
        return []
    tokens = parsed.tokens
    for hit in parsed.of("agreed"):
        if hit.phrase not in _APPROVALS or hit.phrase == "confirmed":
            continue
        if (
            hit.phrase == "agreed"
            and tokens[hit.end : hit.end + 1] == ["to"]
            and tokens[hit.end + 1 : hit.end + 2]
            and tokens[hit.end + 1] not in _MONEY_VERBS
        ):
            continue  # "the DfE has agreed to support the council": a promise of help, not an approval
        by_department = any(d.end <= hit.start and hit.start - d.end <= 4 for d in parsed.of("dfe")) or (
            tokens[hit.end : hit.end + 1] == ["by"] and any(d.start in (hit.end + 1, hit.end + 2) for d in parsed.of("dfe"))
        )
        # "Bristol, Devon and Wiltshire have had plans accepted": by the Department, in a paper on the programme
        had_accepted = any(
            word in ("had", "have", "has", "having") for word in tokens[max(0, hit.start - 4) : hit.start]
        ) and any(word in _SUBMITTED for word in tokens[max(0, hit.start - 2) : hit.start])
        by_department = by_department or had_accepted
        plan = any(word in _SUBMITTED for word in tokens[max(0, hit.start - 6) : hit.end + 6])
        if by_department and plan:
            return [Claim("sv_agreed", hit.start, hit.end, 0.75, "agreement:plan_approved_by_department", SETTLED)]
    return []


_PAYING = frozenset(
    {
        "pay",
        "pays",
        "paid",
        "paying",
        "give",
        "gives",
        "given",
        "provide",
        "provides",
        "provided",
        "providing",
        "contribute",
        "contributes",
        "award",
        "awarded",
        "bail",
        "fund",
        "cover",
        "release",
        "releases",
        "released",
    }
)


def _department_pays(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """ "The DfE will pay Devon County Council £95 million in instalments", press "the Department
    agreed to bail out the council by £53m": money under an agreement."""
    if not (context.sv or parsed.has("sv")) or not parsed.has("money") or not parsed.has("dfe"):
        return []
    tokens = parsed.tokens
    for department in parsed.of("dfe"):
        for position in range(department.end, min(len(tokens), department.end + 4)):
            if tokens[position] in _PAYING:
                if any(hit.start > position and hit.start <= position + 12 for hit in parsed.of("money")) and not _requested(
                    tokens, position
                ):
                    return [
                        Claim(
                            "sv_agreed",
                            position,
                            position + 1,
                            0.7,
                            "agreement:department_pays",
                            ASSERTED,
                            subject_at=min(len(tokens) - 1, position + 1),
                        )
                    ]
    return []


_REQUESTS = frozenset(
    {"asked", "ask", "asks", "asking", "request", "requests", "requested", "requesting", "urged", "urging", "lobbied", "lobbying"}
    | {"call", "calls", "called", "calling", "urge", "urges", "pressed", "pressing", "appealed", "appealing"}
)


def _requested(tokens: list[str], verb: int) -> bool:
    """ "asked the DfE to fund £30m of the deficit": money sought, not paid."""
    return not _REQUESTS.isdisjoint(tokens[max(0, verb - 8) : verb])


_TITLE_BREAKERS = frozenset(
    {"not", "no", "never", "does", "do", "did", "has", "have", "had", "is", "are", "was", "were", "will", "would"}
)


def _titled(parsed: Parsed, anchors: list[Hit]) -> list[Claim]:
    """ "Bracknell Forest: dedicated schools grant 'safety valve' agreement 2023-2024": a council
    named as the holder of an agreement in a title or a list of agreements."""
    tokens = parsed.tokens
    if ":" not in parsed.words or not tokens or tokens[0] not in ("selfcouncil", "othercouncil"):
        return []
    colon = tokens.index(":")
    if any(word not in ("selfcouncil", "othercouncil", ",", "and", "'s", "council") for word in tokens[:colon]):
        return []
    if "selfcouncil" not in tokens[:colon]:
        return []  # the title names the holder, so whose it is is decided here: another council's entry
    for anchor in anchors:
        is_agreement = anchor.role == "agreement" or tokens[anchor.end : anchor.end + 1] == ["agreement"]
        rest = tokens[colon + 1 : anchor.start]
        if (
            anchor.start > colon
            and is_agreement
            and len(rest) <= 6
            and not parsed.near("negotiating", anchor.start, 6, 2)
            and not any(word in ("draft", "proposed", "proposal") for word in rest)
            and _TITLE_BREAKERS.isdisjoint(rest)  # "RBKC: the council does not have a ... agreement": a sentence, not a title
        ):
            return [
                Claim(
                    "sv_agreed",
                    anchor.start,
                    anchor.end,
                    0.75,
                    "agreement:titled",
                    frozenset({QUESTION}),
                    subject_at=tokens.index("selfcouncil"),
                )
            ]
    return []


def _money_route(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """The Department paying down the council's deficit, or instalments towards it: an agreement in place."""
    if not parsed.has("deficit") or not parsed.has("received"):
        return []
    tokens = parsed.tokens
    payer = parsed.has("dfe") or any(word in _INSTALMENTS for word in tokens)
    money = parsed.has("money") or parsed.has("payment")
    if not payer or not money or parsed.has("other_fund"):
        return []
    if any(_is_strong(hit) for hit in parsed.of("negotiating")) or parsed.has("hypothetical"):
        return []  # "in discussion with the DfE on funding that would allow the deficit to be eliminated"
    if any(not _REQUESTS.isdisjoint(tokens[max(0, d.start - 3) : d.start]) for d in parsed.of("dfe")):
        return []  # "renewed its call for the Government to reform how SEND is funded": a demand, not a payment
    for deficit in parsed.of("deficit"):
        if deficit.phrase.endswith("s"):
            continue  # "the deficits accrued by councils": councils in general
        history = tokens[max(0, deficit.start - 3) : deficit.start]
        if not any(word in _DEFICIT_HISTORY for word in history):
            continue
        verbs = [hit for hit in parsed.near("received", deficit.start, before=8, after=6) if hit.phrase in _ON_THE_DEFICIT]
        if verbs and not _requested(parsed.tokens, verbs[-1].start):
            verb = verbs[-1]
            return [Claim("sv_agreed", verb.start, verb.end, 0.7, "agreement:department_pays_deficit", ASSERTED)]
    return []


def _instalments_received(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """ "The LA received the first tranche of funding": instalments paid under an agreement."""
    if not (context.sv or parsed.has("sv")):
        return []
    tokens = parsed.tokens
    if _INSTALMENTS.isdisjoint(parsed.words) and not parsed.has("sv"):
        return []
    if _RECEIVED_PAST.isdisjoint(parsed.words):
        return []
    sv_money = {hit.end for hit in parsed.of("sv")}  # "safety valve funding", "safety valve payments"
    for position, word in enumerate(tokens):
        if word in _INSTALMENTS or (
            position in sv_money
            and word in ("funding", "payment", "payments", "contribution", "contributions", "income", "grant")
        ):
            for verb in range(max(0, position - 6), min(len(tokens), position + 6)):
                if tokens[verb] in _RECEIVED_PAST:  # the claim sits on the verb, whose tense decides
                    return [Claim("sv_agreed", verb, verb + 1, 0.7, "agreement:instalment_received", SETTLED)]
    return []


_SENDING = frozenset({"sent", "send", "sending", "shared", "sharing", "presented", "provided", "gave", "put"})


def _sent_to_the_department(parsed: Parsed, hit: Hit) -> bool:
    """ "officers sent our draft proposal to the Department": a bid, in a paper about the programme."""
    tokens = parsed.tokens
    sent = any(word in _SENDING for word in tokens[max(0, hit.start - 4) : hit.start])
    return sent and any(
        tokens[d.start - 1 : d.start] == ["to"] or tokens[d.start - 2 : d.start - 1] == ["to"]
        for d in parsed.of("dfe")
        if hit.end <= d.start <= hit.end + 3
    )


def _invitation(parsed: Parsed, context: DocumentContext, anchors: list[Hit]) -> list[Claim]:
    """An invitation to join, a selection as an entrant, a bid: negotiating, even without the name.

    In a sentence that names the agreement, only a clause after a contrast, with no anchor of its
    own, is read so ("the application was unsuccessful in 2023, but it has since been invited to
    reapply"): the anchor's own clause is read by ``_state_of_anchor``."""
    if not (context.sv or parsed.has("sv")) or parsed.has("dbv") or not parsed.has("negotiating"):
        return []
    if any(_with_someone_else(parsed, hit) or _consent_sense(parsed, hit) for hit in parsed.of("agreement")):
        return []  # an agreement the sentence names but that is not the programme's: its talks are not either
    tokens = parsed.tokens
    after_contrast = _clause_after_contrast(parsed, anchors)
    for hit in parsed.of("negotiating"):
        if anchors and parsed.clause[hit.start] < after_contrast:
            continue
        word = tokens[hit.start]
        if (
            word.startswith("submi")
            and any(w in _SUBMITTED for w in tokens[max(0, hit.start - 4) : hit.end + 5])
            and not parsed.has("other_fund")
        ):
            return [Claim("sv_negotiating", hit.start, hit.end, 0.6, "agreement:submitting", ASSERTED)]
        if word.startswith(("propos", "bid")) and _sent_to_the_department(parsed, hit):
            return [Claim("sv_negotiating", hit.start, hit.end, 0.6, "agreement:proposal_sent", ASSERTED)]
        if word == "invitations":
            continue  # the Department's invitations in general: "a further round of safety valve invitations"
        if word.startswith("invit"):
            following = tokens[hit.end : hit.end + 2]
            if following[:1] == ["to"] and (len(following) < 2 or following[1] in _MINUTES_INVITATIONS):
                continue
            if not (following[:1] == ["to"] and following[1:2] and following[1] in _INVITATIONS_TO_JOIN) and not (
                word.startswith("invitation") and (following[:1] in (["to"], ["from"], ["letter"]) or parsed.has("dfe"))
            ):
                continue
        elif word in ("talks", "discussions", "discussion", "conversations", "meetings", "meeting", "dialogue") or hit.phrase in (
            "meetings with",
            "meeting with",
        ):
            if any(d.start <= hit.end + 4 and d.start > hit.start for d in parsed.of("dfe")):
                return [Claim("sv_negotiating", hit.start, hit.end, 0.6, "agreement:talks_with_department", ASSERTED, weak=True)]
            continue
        elif word not in ("entrant", "entrants", "shortlisted") and not word.startswith("negotiat"):
            continue
        return [Claim("sv_negotiating", hit.start, hit.end, 0.65, "agreement:invited", ASSERTED)]
    return []


# ---------------------------------------------------------------- helpers

_CONTRASTS = frozenset({"but", "however", "though", "although", "whereas", ";"})


def _clause_after_contrast(parsed: Parsed, anchors: list[Hit]) -> int:
    """The first clause after every anchor's that a contrast opens ("..., but it has since been
    invited"), or one past the last clause when there is none."""
    last = max((parsed.clause[anchor.start] for anchor in anchors), default=-1)
    for position, word in enumerate(parsed.tokens):
        if word in _CONTRASTS and parsed.clause[position] > last:
            return parsed.clause[position]
    return parsed.clause[-1] + 1 if parsed.clause else 0


def _around(parsed: Parsed, role: str, anchor: Hit) -> list[Hit]:
    clause = parsed.clause[anchor.start]
    low, high = _relative_clause_of(parsed, anchor)
    return [
        hit
        for hit in parsed.of(role)
        if _distance(parsed, hit, anchor) <= WINDOW
        and parsed.clause[hit.start] == clause
        and low <= hit.start < high
        and not (anchor.start <= hit.start < anchor.end)
        and not (role == "negotiating" and (_reporting(parsed, hit) or _deliberating(parsed, hit) or _closed_to(parsed, hit)))
        and not (role == "negotiating" and parsed.tokens[hit.start] == "invitations")  # "the thresholds for invitations"
    ]


_RELATIVES = frozenset({"which", "who", "whose"})


def _relative_clause_of(parsed: Parsed, anchor: Hit) -> tuple[int, int]:
    """The words the anchor's state may come from: all of them, or, for an anchor inside a
    relative clause set off by commas ("unlike Dorset, which has a safety valve agreement, we
    have not been invited"), that clause alone."""
    spans = parsed.memo.setdefault("relative_clauses", {})
    if anchor.start in spans:
        return spans[anchor.start]
    tokens = parsed.tokens
    span = (0, len(tokens))
    for position in range(anchor.start - 1, max(0, anchor.start - WINDOW), -1):
        if tokens[position] == ",":
            break
        if tokens[position] in _RELATIVES and tokens[position - 1] == ",":
            end = next((k for k in range(anchor.end, len(tokens)) if tokens[k] == ","), len(tokens))
            span = (position, end)
            break
    spans[anchor.start] = span
    return span


def _distance(parsed: Parsed, hit: Hit, anchor: Hit) -> int:
    """Words between a state word and its anchor, the Department's name counted as one word:
    "invited by the Department for Education in June to take part in the programme" is as near
    as "invited by the DfE in June to ..."."""
    low, high = sorted((hit.start, anchor.start))
    if not parsed.has("dfe"):
        return high - low
    covered = {position for d in parsed.of("dfe") if low < d.start and d.end <= high for position in range(d.start, d.end)}
    runs = sum(1 for position in covered if position - 1 not in covered)
    return high - low - (len(covered) - runs)


def _closed_to(parsed: Parsed, hit: Hit) -> bool:
    """ "the programme is now closed to new entrants": the programme's state, nobody's bid."""
    return "closed" in parsed.tokens[max(0, hit.start - 4) : hit.start]


_DELIBERATING = frozenset({"discussed", "discussing", "discuss", "discussion"})


def _deliberating(parsed: Parsed, hit: Hit) -> bool:
    """ "The Forum discussed the safety valve programme": a meeting talking among itself, not the
    council in talks with the Department."""
    if hit.phrase not in _DELIBERATING or any(d.start > hit.start for d in parsed.in_clause("dfe", hit.start)):
        return False
    before = [word for word in parsed.tokens[max(0, hit.start - 3) : hit.start] if word not in ("the", "then", "also", "had")]
    return bool(before) and before[-1] in _MEETINGS


# The meetings that discuss a paper (the council itself "discussing" the programme is in talks).
_MEETINGS = frozenset({"cabinet", "committee", "members", "forum", "councillors", "board", "panel", "meeting"})


_REPORTS = frozenset({"return", "returns", "report", "reports", "monitoring", "update", "updates", "data"})
REPORT_REACH = 6  # words between "submitted" and the return it sends


def _reporting(parsed: Parsed, hit: Hit) -> bool:
    """ "our quarterly return was submitted": reporting under an agreement, not a bid for one."""
    tokens = parsed.tokens
    # Passive, the return is the subject, however far: "Monitoring returns to the Department under
    # the agreement continue to be submitted".
    passive = tokens[hit.start - 1 : hit.start] in (["be"], ["been"], ["being"], ["is"], ["are"], ["was"], ["were"])
    reach = 2 * REPORT_REACH + 2 if passive else REPORT_REACH
    return hit.phrase.startswith(("submi", "prepar")) and not _REPORTS.isdisjoint(
        tokens[max(0, hit.start - reach) : hit.start] + tokens[hit.end : hit.end + REPORT_REACH]
    )


_RETURNS = frozenset({"return", "returns", "report", "reports"})


def _reports_under_agreement(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """ "our quarterly safety valve return", "the latest monitoring report to the DfE": returns are
    made only under an agreement, so they say there is one."""
    if not (parsed.has("sv") or parsed.has("dfe")) or parsed.has("dbv") or parsed.has("other_fund") or _still_negotiating(parsed):
        return []
    tokens = parsed.tokens
    if _RETURNS.isdisjoint(parsed.words):
        return []
    for position, word in enumerate(tokens):
        if word not in _RETURNS:
            continue
        before = tokens[max(0, position - 3) : position]
        if "quarterly" in before or "monitoring" in before:
            return [Claim("sv_agreed", position, position + 1, 0.65, "agreement:returns_made", SETTLED)]
    return []


def _still_negotiating(parsed: Parsed) -> bool:
    """A bid, a proposal or a signing still to come in the sentence: its state is the anchor's to read.
    Kept in ``parsed.memo``: several rules ask it of the same sentence."""
    negotiating: bool | None = parsed.memo.get("still_negotiating")
    if negotiating is None:
        negotiating = parsed.memo["still_negotiating"] = any(
            (_is_strong(hit) or hit.phrase.startswith("sign")) and not _reporting(parsed, hit) for hit in parsed.of("negotiating")
        )
    return negotiating


def _money_from_the_department(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """ "the council has received £18m from the DfE since joining": money paid under the agreement."""
    if not (context.sv or parsed.has("sv")) or parsed.has("dbv") or parsed.has("other_fund"):
        return []
    tokens = parsed.tokens
    if _RECEIVED_PAST.isdisjoint(parsed.words):
        return []
    for verb, word in enumerate(tokens):
        if word not in _RECEIVED_PAST or not any(t.startswith("£") for t in tokens[verb + 1 : verb + 5]):
            continue
        from_department = any(verb < hit.start <= verb + 9 for hit in parsed.of("dfe"))
        if from_department or parsed.has("sv"):
            return [Claim("sv_agreed", verb, verb + 1, 0.7, "agreement:money_from_department", SETTLED)]
    return []


_PROGRAMME_MONEY = frozenset(
    {"income", "funding", "grant", "contribution", "contributions", "payment", "payments", "instalment", "instalments", "money"}
)


def _programme_money(parsed: Parsed) -> list[Claim]:
    """ "The safety valve grant income of £4.5m": a sum of the programme's money, which only an
    agreement brings (not one asked for: "applied for safety valve funding of £20m")."""
    tokens = parsed.tokens
    if _still_negotiating(parsed) or _PROGRAMME_MONEY.isdisjoint(parsed.words):
        return []  # both readings below need one of the programme's money nouns
    for anchor in parsed.of("sv"):
        if anchor.phrase == "the programme":
            continue
        nouns = [index for index in range(anchor.end, min(len(tokens), anchor.end + 3)) if tokens[index] in _PROGRAMME_MONEY]
        if nouns and any(word.startswith("£") for word in tokens[nouns[0] + 1 : nouns[0] + 4]):
            return [Claim("sv_agreed", anchor.start, nouns[0] + 1, 0.7, "agreement:programme_money", SETTLED)]
        # "the Council is in receipt of safety valve funding", "has received safety valve funding"
        received = [
            hit
            for hit in parsed.near("received", anchor.start, before=3)
            if hit.end <= anchor.start
            and _NONE.isdisjoint(tokens[hit.end : anchor.start])  # not "receives no safety valve money"
        ]
        if nouns and any(hit.phrase in ("in receipt of", "received", "receiving", "receives") for hit in received):
            return [Claim("sv_agreed", received[0].start, received[0].end, 0.7, "agreement:programme_money", SETTLED)]
    return []


_NONE = frozenset({"no", "not", "any", "never"})
_RECEIVES = frozenset({"receive", "receives", "receiving", "get", "gets", "handed", "awarded", "granted", "given"})
_IN_RETURN = (("in", "return", "for"), ("in", "exchange", "for"))
_IMPOSED = frozenset({"told", "must", "required", "expected", "ordered"})
_YEARS_AHEAD = frozenset({"by", "over", "until", "across"})
# Not the programme's settlement: conditions attached to a sum make it one, capital and grants for
# projects do not.
_OTHER_SUMS = frozenset({"capital", "grant", "grants", "bid", "bids", "project", "projects", "scheme", "schemes"})


def _council_receives(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """Press about the programme's deals tells each one as what a council gets: "Westshire will
    receive £40m by 2027-28 to eliminate its deficit", "Eastbury will be handed £12m over five
    years", "told to cut out-of-area placements in return for £9m". The sum is the agreement's, so
    it is in place (its future tense is the payment schedule, not the deal's)."""
    if not (context.sv or parsed.has("sv")) or parsed.has("dbv") or parsed.has("other_fund"):
        return []
    if not _OTHER_SUMS.isdisjoint(parsed.words):
        return []
    if _RECEIVES.isdisjoint(parsed.words) and "return" not in parsed.words and "exchange" not in parsed.words:
        return []  # no word of receiving: nothing below can match
    # Conditions imposed ("told to agree a charter with schools in return for £9m") are the deal's
    # terms, not talks still going on.
    if _still_negotiating(parsed) and _IMPOSED.isdisjoint(parsed.words):
        return []
    tokens = parsed.tokens
    sums = [hit.start for hit in parsed.of("money")]
    # Only the four words before a sum can tell what it is for.
    for position in sorted({start for at in sums for start in range(max(0, at - 4), at)}):
        word = tokens[position]
        money = next(at for at in sums if at > position)
        if tuple(tokens[position : position + 3]) in _IN_RETURN and money <= position + 4:
            cue = position + 1
        elif (
            word in _RECEIVES
            and not _requested(tokens, position)
            and _RECIPIENTS.isdisjoint(tokens[max(0, position - 6) : position])  # "schools will receive £2m over two years"
            and _for_the_deficit_or_years(parsed, money)
        ):
            cue = position
        else:
            continue
        return [
            Claim("sv_agreed", cue, cue + 1, 0.7, "agreement:council_receives", frozenset({NEGATION, HYPOTHETICAL, QUESTION}))
        ]
    return []


def _for_the_deficit_or_years(parsed: Parsed, money: int) -> bool:
    """After the sum: what it does to the deficit ("to eliminate its deficit") or the years it is
    paid over ("by 2026-27", "over five years")."""
    tokens = parsed.tokens
    after = tokens[money + 1 : money + 4]
    if not _YEARS_AHEAD.isdisjoint(after[:3]):
        index = next(k for k, word in enumerate(after) if word in _YEARS_AHEAD)
        following = tokens[money + 2 + index : money + 5 + index]
        if any(word[:2] == "20" or word in ("years", "year") or word in _NUMBERS_OF_YEARS for word in following):
            return True
    return any(
        money < deficit.start <= money + 10
        and any(hit.phrase in _ON_THE_DEFICIT for hit in parsed.of("received") if money < hit.start < deficit.start)
        for deficit in parsed.of("deficit")
    )


_NUMBERS_OF_YEARS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "ten", "fifteen"})


def _plan_agreed_with_department(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """ "the terms agreed with the Department", "the profile agreed with the DfE": the agreement's own plan."""
    if not (context.sv or parsed.has("sv")) or _still_negotiating(parsed) or "agreed" not in parsed.words:
        return []
    tokens = parsed.tokens
    for position, word in enumerate(tokens):
        if (
            word == "agreed"
            and tokens[position + 1 : position + 2] == ["with"]
            and any(hit.start in (position + 2, position + 3) for hit in parsed.of("dfe"))
            and any(position - 3 <= hit.end <= position for hit in parsed.of("plan"))
            and "will" not in tokens[position:]  # "the plan agreed with the Department will be signed in March"
        ):
            return [Claim("sv_agreed", position, position + 1, 0.7, "agreement:plan_agreed_with_department", SETTLED)]
    return []


def _in_the_past(parsed: Parsed, cue: Hit) -> bool:
    """ "since signing the deal", "after joining the programme", "the latest councils to sign
    deals": the event has happened."""
    before = parsed.tokens[max(0, cue.start - 1) : cue.start]
    # "Before signing its agreement in 2024, the council spent two years in talks": told in the past
    told_in_the_past = before == ["before"] and not _PAST_TELLING.isdisjoint(parsed.words)
    if (before in (["since"], ["after"], ["following"]) or told_in_the_past) and cue.phrase in (
        "signing",
        "entering",
        "joining",
        "reaching",
        "securing",
        "sign",
    ):
        return True
    return cue.phrase in ("to sign", "sign", "to agree", "to reach", "to secure") and _first_to(parsed.tokens, cue.start)


_PAST_TELLING = frozenset({"was", "were", "had", "spent", "took", "held", "did", "went"})

# "the first council to sign", "the latest authorities to agree": who has done it, in order.
_ORDER_OF_DOING = frozenset({"first", "latest", "last", "newest", "recent", "second", "third", "fourth", "fifth", "only"})


def _first_to(tokens: list[str], position: int) -> bool:
    """Whether the "to" before (or at) ``position`` follows an order of doing ("the first to",
    "the first councils in the country to") within six words of its clause."""
    to = position if tokens[position] == "to" else position - 1
    if to < 0 or tokens[to] != "to":
        return False
    for word in reversed(tokens[max(0, to - 6) : to]):
        if word in (",", ";", ":"):
            return False
        if word in _ORDER_OF_DOING:
            return True
    return False


def _talks_behind(parsed: Parsed, hit: Hit) -> bool:
    """ "reached in 2023 after long negotiations", "following lengthy talks": talks already over."""
    return parsed.tokens[hit.start].startswith(("negotiat", "talks", "discussion")) and not {"after", "following"}.isdisjoint(
        parsed.tokens[max(0, hit.start - 3) : hit.start]
    )


def _is_strong(hit: Hit) -> bool:
    """A word of negotiating still under way ("proposal", "negotiating"), not one that ended it ("negotiated")."""
    return hit.phrase not in _REACHED and any(hit.phrase.startswith(prefix) for prefix in STRONG_NEGOTIATION)


def _department_approval(parsed: Parsed, anchor: Hit) -> Hit | None:
    """The Department approving, confirming or agreeing (not a cabinet approving its own proposal)."""
    for hit in _around(parsed, "agreed", anchor):
        if hit.phrase not in _APPROVALS or _attribution_tag(parsed, hit):
            continue  # "the Department confirmed that ...", "..., the DfE has confirmed": it reports, it does not approve
        department = [
            d for d in parsed.of("dfe") if abs(d.start - hit.start) <= 8 and parsed.clause[d.start] == parsed.clause[hit.start]
        ]
        under_programme = parsed.tokens[hit.end : hit.end + 2] in (["under", "the"], ["by", "the"]) and anchor.start > hit.start
        if department or under_programme:
            return hit
    return None


def _council_body_approval(parsed: Parsed, anchor: Hit) -> Hit | None:
    """Cabinet or council approving the agreement: still to be signed with the Department."""
    tokens = parsed.tokens
    for hit in _around(parsed, "agreed", anchor):
        if (
            hit.phrase in ("approved", "approve", "endorsed", "agreed")
            and any(word in _COUNCIL_BODIES for word in tokens[max(0, hit.start - 5) : hit.end + 4])
            and not parsed.has("dfe")
        ):
            return hit
    return None


def _succeeded(parsed: Parsed, cue: Hit) -> bool:
    """ "the bid was successful", "our application was approved by the DfE"."""
    ahead = parsed.tokens[cue.end : cue.end + 5]
    behind = parsed.tokens[max(0, cue.start - 7) : cue.start]
    success = "successful" in ahead or "successful" in behind or "successfully" in behind
    return success and "if" not in behind and "not" not in ahead


def _temporal_future(parsed: Parsed, anchor: Hit) -> bool:
    """ "once the agreement is signed", "until an agreement is reached": not yet (but "when the
    council entered the agreement" and "after it was signed" are past)."""
    tokens = parsed.tokens
    start = max(0, anchor.start - 6)
    if not any(word in _TEMPORAL_FUTURE for word in tokens[start : anchor.start]):
        return False
    clause = tokens[start : min(len(tokens), anchor.end + 6)]
    past = any(word in ("was", "were", "had") for word in clause) or any(
        word.endswith("ed") and word not in ("signed", "agreed", "reached", "finalised", "finalized", "concluded")
        for word in tokens[start : anchor.start]
    )
    return not past


def _presupposed(parsed: Parsed, anchor: Hit) -> bool:
    """A definite reference to the agreement as a thing that exists ("the conditions of our agreement"),
    or what is done under it ("under an agreement with the DfE")."""
    tokens = parsed.tokens
    if anchor.phrase.endswith("s") and anchor.phrase not in ("bailout",):
        return False  # "agreements": councils in general, unless named (attribution decides then)
    before = tokens[max(0, anchor.start - 4) : anchor.start]
    if before[-1:] == ["under"] or before[-2:-1] == ["under"]:
        return True  # "under an agreement with the Department, the council receives ...": there is one
    if _done_through(parsed, anchor):
        return True
    definite = any(word in _DEFINITE for word in before)
    indefinite = before[-1:] in (["a"], ["an"], ["any"], ["no"]) or any(word in ("a", "an") for word in before[-2:])
    return definite and not indefinite


_ROUTES = frozenset({"through", "via"})
_UNDER_WAY = frozenset({"being", "been", "is", "are", "was", "were"})


def _done_through(parsed: Parsed, anchor: Hit) -> bool:
    """ "the deficit is being cleared through a safety valve deal", "has been reduced via the
    agreement": money moving by way of the agreement now, so there is one (an aim, "to clear it
    through a deal", has no such verb)."""
    tokens = parsed.tokens
    route = next((k for k in range(anchor.start - 1, max(-1, anchor.start - 4), -1) if tokens[k] in _ROUTES), None)
    if route is None:
        return False
    return any(
        hit.end in (route, route - 1) and tokens[hit.start - 1 : hit.start] != [] and tokens[hit.start - 1] in _UNDER_WAY
        for hit in parsed.of("received") + parsed.of("completed")
    )


def _worth_a_sum(parsed: Parsed, hit: Hit) -> bool:
    """An agreement named by its value: "a £20m funding agreement", "the £15m deal"."""
    return any(word.startswith("£") for word in parsed.tokens[max(0, hit.start - 4) : hit.start])


def _definite(parsed: Parsed, hit: Hit) -> bool:
    before = parsed.tokens[max(0, hit.start - 3) : hit.start]
    return any(word in _DEFINITE for word in before) and not any(word in ("a", "an") for word in before[-1:])


def _consent_sense(parsed: Parsed, hit: Hit) -> bool:
    """ "the Forum's agreement", "with the agreement of members", a lease or framework agreement."""
    tokens = parsed.tokens
    around = tokens[max(0, hit.start - 3) : hit.start] + tokens[hit.end : hit.end + 3]
    if any(word in _CONSENT for word in around):
        return True
    return tokens[hit.end : hit.end + 1] == ["to"] or tokens[max(0, hit.start - 2) : hit.start] in (
        ["in", "general"],
        ["by", "mutual"],
    )


_PLAIN_BEFORE = frozenset(
    {
        "the",
        "our",
        "its",
        "this",
        "their",
        "'s",
        "selfcouncil",
        "that",
        "existing",
        "current",
        "signed",
        "formal",
        "new",
        "final",
        "revised",
        "original",
        "dsg",
        "deficit",
        "recovery",
        "management",
        "programme",
        "department's",
        "dfe's",
        "government's",
        "year",
        "multi",
        "same",
        "latest",
        "initial",
        "full",
        "own",  # "its own agreement"
    }
)


_AGREEMENT_MAKING = frozenset({"signed", "agreed", "reached", "struck", "entered", "secured"})


def _made(tokens: list[str], hit: Hit) -> bool:
    """ "signed agreements", "signed an agreement in 2024": an agreement named as the object of its making."""
    before = tokens[max(0, hit.start - 2) : hit.start]
    if before[-1:] in (["a"], ["an"]):
        before = before[:-1]
    return before[-1:] != [] and before[-1] in _AGREEMENT_MAKING


def _plainly_named(parsed: Parsed, hit: Hit) -> bool:
    """ "the agreement", "our deal": not "the transport deal" or "the lease agreement"."""
    return hit.start > 0 and parsed.tokens[hit.start - 1] in _PLAIN_BEFORE


def _department_pays_under(parsed: Parsed, hit: Hit) -> bool:
    """ "Under the terms of our agreement, the Department will pay a further £2m": the agreement
    the Department pays under, in a paper on the high needs block, is the programme's."""
    tokens = parsed.tokens
    if parsed.has("dbv") or parsed.has("other_fund") or not parsed.has("money"):
        return False
    if "under" not in tokens[max(0, hit.start - 5) : hit.start] or not _definite(parsed, hit):
        return False
    return any(
        word in _PAYING for d in parsed.of("dfe") if d.phrase not in GOVERNMENT_AT_LARGE for word in tokens[d.end : d.end + 3]
    )


def _with_the_department(parsed: Parsed, hit: Hit) -> bool:
    """ "an agreement ... negotiated with the Department", "our deal with the DfE" (the government
    at large signs other agreements: regeneration, devolution)."""
    # The government at large is the party too when the deal pays into the high needs budget
    # ("a deal with the Government that will see £18.5m paid into its high needs budget").
    pays_high_needs = parsed.has("hn") and (parsed.has("money") or parsed.has("payment"))
    return any(
        hit.end <= d.start <= hit.end + 6
        and "with" in parsed.tokens[hit.end : d.start]
        and (d.phrase not in GOVERNMENT_AT_LARGE or pays_high_needs)
        for d in parsed.of("dfe")
    )


# What "with" brings after an agreement when it is not the other party: a manner or an attachment.
_NOT_A_PARTY = frozenset(
    {
        "request",
        "requests",
        "view",
        "aim",
        "focus",
        "intention",
        "expectation",
        "condition",
        "conditions",
        "proviso",
        "caveat",
        "requirement",
        "requirements",
        "deadline",
        "target",
        "targets",
        "timetable",
        "number",
        "series",
        "set",
        "package",
        "total",
        "value",
        "profile",
        "plan",
        "further",
        "revised",
        "new",
    }
)


def _with_someone_else(parsed: Parsed, hit: Hit) -> bool:
    """An agreement "with" a party that is not the Department ("with the transport provider")."""
    tokens = parsed.tokens
    after = tokens[hit.end : hit.end + 2]
    if "with" not in after or "," in after[: after.index("with")]:
        return False  # "its agreement, with the deficit reduced to £9.8m": a new clause, not a party
    start = hit.end + after.index("with") + 1
    party = tokens[start : start + 4]
    if party[:1] in (["a"], ["an"], ["the"], ["its"], ["their"]) and party[1:2] and party[1] in _NOT_A_PARTY:
        return False  # "responded to the offer of an agreement with a request for changes": not who it is with
    return (
        bool(party)
        and not any(d.start in range(start, start + 4) for d in parsed.of("dfe"))
        and not any(word in ("selfcouncil", "othercouncil", "councils", "authorities", "las") for word in party)
    )


def _parties_named(parsed: Parsed, hit: Hit) -> int | None:
    """ "the remaining agreements are with Eastbury, Northshire and Westford", "deals with Eastbury
    and Westford": where the councils holding the agreements are named (the Department is the other party)."""
    tokens = parsed.tokens
    after = tokens[hit.end : hit.end + 3]
    if "with" not in after:
        return None
    start = hit.end + after.index("with") + 1
    return next((k for k in range(start, min(len(tokens), start + 2)) if tokens[k] in ("selfcouncil", "othercouncil")), None)


def _right_after_sv(parsed: Parsed, hit: Hit) -> bool:
    return any(0 <= hit.start - sv.end <= 2 for sv in parsed.of("sv"))


_FUND_NAMES = (["dsg"], ["high", "needs"], ["hnb"], ["dsg", "deficit"], ["high", "needs", "deficit"])


def _of_the_fund(tokens: list[str], hit: Hit) -> bool:
    """ "its DSG agreement", "the high needs agreement": an agreement named after the fund whose
    deficit it clears, which only the programme makes (schools' funding agreements are not)."""
    return any(tokens[max(0, hit.start - len(name)) : hit.start] == name for name in _FUND_NAMES) and tokens[
        hit.start : hit.start + 1
    ] != ["funding"]


def council_named(parsed: Parsed) -> bool:
    return "selfcouncil" in parsed.words or "othercouncil" in parsed.words


def _self_before(parsed: Parsed, position: int, reach: int) -> list[int]:
    tokens = parsed.tokens
    return [
        t
        for t in range(max(0, position - reach), position)
        if tokens[t] in ("selfcouncil", "council", "authority", "la", "we", "our", "its")
    ]


def _perfect_after(tokens: list[str], position: int, reach: int = 6) -> int | None:
    """Where a perfect verb ("has brought", "have been made") follows within ``reach`` words, in
    the same stretch of text."""
    for index in range(position, min(len(tokens) - 1, position + reach)):
        if tokens[index] in (",", ";", "if", "once", "when"):
            return None
        if tokens[index] in ("has", "have") and (
            tokens[index + 1] == "been" or tokens[index + 1].endswith(("ed", "ght", "id", "ne"))
        ):
            return index
    return None


def _past_or_perfect(tokens: list[str], position: int) -> bool:
    """ "has been eliminated", "was cleared", "having repaid": done, not aimed at."""
    before = tokens[max(0, position - 4) : position]
    if before[-1:] == ["being"]:
        return False  # "is being repaid under the agreement": under way, not done
    return any(word in ("has", "have", "had", "was", "were", "been", "having", "now") for word in before) or tokens[position] in (
        "repaid",
        "cleared",
    )
