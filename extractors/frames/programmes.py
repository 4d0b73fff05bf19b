"""The DfE's other programmes: Delivering Better Value (``dbv``) and enhanced monitoring (``ems``).

DBV: a council's paper that talks about its DBV work, grant or projects is about its
membership; a minister launching the programme, or a sentence describing what it does for
"local authorities", is not (that is a national announcement, whoever it names).

EMS: "enhanced monitoring" of a council's safety valve plan, however it got there ("placed
into", "remains in", "the enhanced monitoring deadline was met"), but not Ofsted's or the
CQC's monitoring of a SEND inspection, and "exited enhanced monitoring" ends it.
"""

from __future__ import annotations

from extractors.attribution import SELF_TOKEN
from extractors.cues import Hit, Parsed
from extractors.frames import ASSERTED, FUTURE, PROCESS, SETTLED, SUPPLIERS, Claim, DocumentContext

_PARTICIPATION_ROLES = ("negotiating", "agreed", "received", "payment")
_EMS_WORDS_NEEDING_CONTEXT = frozenset({"ems"})
# "placed in EMS", "remains under EMS", "moved into EMS": the acronym as the Department's state
_STATE_OF_BEING_IN = (["in"], ["under"], ["into"], ["of"])


def dbv_claims(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """The council's own part in Delivering Better Value."""
    claims: list[Claim] = []
    for hit in parsed.of("dbv"):
        if _national(parsed) or _studied(parsed.tokens, hit.start):
            continue
        takes_part = any(parsed.near(role, hit.start, before=8, after=8) for role in _PARTICIPATION_ROLES)
        claims.append(
            Claim("dbv", hit.start, hit.end, 0.8 if takes_part else 0.65, "dbv:" + ("part" if takes_part else "mention"))
        )
    if not claims and context.programme == "dbv" and not parsed.has("sv"):
        claims += _the_programme_taken_part_in(parsed)
    return claims


_STUDIES = frozenset({"evaluation", "evaluations", "study", "research"})  # not "report on": a council reports on its own part


def _studied(tokens: list[str], start: int) -> bool:
    """ "took part in an evaluation of the DBV programme": the study, not the programme, is taken part in."""
    before = tokens[max(0, start - 4) : start]
    return any(word in _STUDIES for word in before) and any(word in ("of", "into", "on") for word in before)


def _the_programme_taken_part_in(parsed: Parsed) -> list[Claim]:
    """ "Westshire joined the programme in 2023", just after a sentence naming DBV: the programme
    is DBV. Said only as "the programme", it counts when the council takes part in it, not when
    it is merely described ("the programme supports councils")."""
    tokens = parsed.tokens
    if not takes_part(parsed) or _national(parsed):
        return []
    for position, word in enumerate(tokens):
        if word == "programme" and position and tokens[position - 1] in ("the", "this", "that", "our", "its"):
            # the word of taking part is where a denial reaches it: "neither borough is part of the programme"
            cue = next((i for i in range(position - 2, max(-1, position - 6), -1) if tokens[i] in _PARTICIPATION), None)
            return [Claim("dbv", position - 1, position + 1, 0.7, "dbv:the_programme", SETTLED, subject_at=cue)]
    # "Westshire, one of those taking part, ...": taking part with nothing after it is in the programme just named
    for position in range(len(tokens)):
        if _bare_participation(tokens, position):
            return [Claim("dbv", position, position + 1, 0.65, "dbv:taking_part", SETTLED)]
    return []


def _bare_participation(tokens: list[str], position: int) -> bool:
    word = tokens[position]
    if not (word == "participating" or (word == "part" and tokens[max(0, position - 1)] in ("taking", "take", "took"))):
        return False
    return tokens[position + 1 : position + 2] not in (["in"], ["of"], ["with"], ["at"])


_DEFINED_AS = (
    ["is", "part", "of"],
    ["is", "a", "stage"],
    ["is", "the", "stage"],
    ["means", "that", "the"],
    ["is", "where", "the"],
)
_OTHER_MONITORING = frozenset({"of", "process", "processes", "arrangements", "system", "framework", "for", "regime", "visits"})


def _monitoring_of_something_else(parsed: Parsed, hit: Hit) -> bool:
    """ "enhanced monitoring of attendance", "a new enhanced monitoring process for high-cost
    placements": a service's own checks, not the Department's, when the sentence names neither
    the programme nor the Department and "and support" does not follow."""
    following = parsed.tokens[hit.end : hit.end + 2]
    if following == ["and", "support"] or parsed.has("sv") or parsed.has("dfe"):
        return False
    return bool(following) and following[0] in _OTHER_MONITORING


def ems_claims(parsed: Parsed, context: DocumentContext) -> list[Claim]:
    """The council under enhanced monitoring and support, or out of it again."""
    claims: list[Claim] = []
    for hit in parsed.of("ems"):
        if hit.phrase in _EMS_WORDS_NEEDING_CONTEXT and not (
            parsed.has("sv") or parsed.has("dfe") or parsed.tokens[hit.start - 1 : hit.start] in _STATE_OF_BEING_IN
        ):
            continue  # "EMS" alone can be something else entirely ("the Council's EMS, certified to ISO 14001")
        if any(parsed.tokens[max(0, hit.start - 3) : hit.end + 3].count(word) for word in ("flexibility", "flexibilities")):
            continue
        if parsed.has("not_finance") and _inspection(parsed):
            continue
        if not SUPPLIERS.isdisjoint(parsed.tokens[max(0, hit.start - 8) : hit.start]):
            continue  # "the term contractor had been placed under enhanced monitoring": a supplier's
        if _monitoring_of_something_else(parsed, hit) or parsed.tokens[hit.end : hit.end + 3] in _DEFINED_AS:
            continue  # ("Enhanced monitoring is part of the safety valve programme": what it is, not who is in it)
        exits = parsed.near("exit_ems", hit.start, before=5, after=0)
        if exits:
            claims.append(
                Claim(
                    "sv_on_track",
                    exits[0].start,
                    exits[0].end,
                    0.8,
                    "ems:exited",
                    SETTLED,
                    supersedes=("ems", "sv_off_track", "payment_withheld"),
                )
            )
            continue
        claims.append(Claim("ems", hit.start, hit.end, 0.85, "ems:in", ASSERTED | {FUTURE, PROCESS}))
    return claims


def _national(parsed: Parsed) -> bool:
    """A national announcement or description of a programme, not a council's membership
    (unless the same sentence puts this council in it: "our DBV work, launched in 2023",
    "the programme, which Westshire joined in 2022"; a council merely mentioned is not in it).
    Saying who may join ("open to a further 20 authorities") is the programme's too."""
    return (
        parsed.has("national") or _eligibility(parsed) or _the_departments_programmes(parsed) or _defined(parsed)
    ) and not takes_part(parsed)


def _defined(parsed: Parsed) -> bool:
    """ "Delivering Better Value is a DfE programme that helps councils ...": what the programme is."""
    tokens = parsed.tokens
    return any(
        tokens[hit.end : hit.end + 1] in (["is"], ["was"]) and tokens[hit.end + 1 : hit.end + 2] in (["a"], ["an"])
        for hit in parsed.of("dbv")
    )


def _the_departments_programmes(parsed: Parsed) -> bool:
    """ "The DfE said its safety valve and DBV programmes were helping councils": the Department
    speaking of its own programmes."""
    tokens = parsed.tokens
    return any("its" in tokens[department.end : department.end + 3] for department in parsed.of("dfe"))


_PARTICIPATION = frozenset(
    {
        "join",
        "joined",
        "joining",
        "part",
        "participating",
        "participates",
        "participated",
        "selected",
        "invited",
        "awarded",
        "including",
        "includes",
        "among",
        "one",
        "received",
        "funding",
        "funds",
        "funded",
        "supporting",
        "supports",
        "work",
        "our",
    }
)


def takes_part(parsed: Parsed) -> bool:
    """This council is named, or speaks, within a few words of a word of taking part."""
    tokens = parsed.tokens
    own = [index for index, word in enumerate(tokens) if word in (SELF_TOKEN, "we", "our", "us")] + [
        index
        for index in range(len(tokens) - 1)
        if tokens[index] == "the" and tokens[index + 1] in ("council", "authority", "la")
    ]
    if any(index and tokens[index - 1] == "for" and tokens[index] == SELF_TOKEN for index in own):
        return True  # "the Government has announced relief of £25m for Westshire": the council is the one concerned
    listed_only = _eligibility(parsed)  # "open to councils including Westshire": a list of who may join
    return any(
        abs(index - other) <= 4 and tokens[other] in _PARTICIPATION and not (listed_only and tokens[other] in _LIST_WORDS)
        for index in own
        for other in range(len(tokens))
    )


_LIST_WORDS = frozenset({"including", "includes", "among", "one"})
_ELIGIBILITY = (("open", "to"), ("eligible",), ("available", "to"), ("can", "apply"), ("could", "apply"), ("may", "apply"))


_ELIGIBILITY_HEADS = frozenset(phrase[0] for phrase in _ELIGIBILITY)


def _eligibility(parsed: Parsed) -> bool:
    """Whether the sentence says who may take part ("open to", "eligible", "may apply"): then a
    council in its list is eligible, not a member."""
    if _ELIGIBILITY_HEADS.isdisjoint(parsed.words):
        return False
    tokens = parsed.tokens
    return any(
        tuple(tokens[start : start + len(phrase)]) == phrase
        for start, word in enumerate(tokens)
        if word in _ELIGIBILITY_HEADS
        for phrase in _ELIGIBILITY
        if phrase[0] == word
    )


def speaks_of_self(parsed: Parsed) -> bool:
    """The sentence names this council, or speaks as it ("we", "our", "the council")."""
    tokens = parsed.tokens
    if SELF_TOKEN in tokens or any(word in ("we", "our", "us") for word in tokens):
        return True
    return any(tokens[i] == "the" and tokens[i + 1] in ("council", "authority", "la") for i in range(len(tokens) - 1))


def _inspection(parsed: Parsed) -> bool:
    """Monitoring after a SEND inspection (Ofsted, CQC, a written statement of action)."""
    return any(
        hit.phrase
        in (
            "ofsted",
            "inspection",
            "written statement of action",
            "wsoa",
            "cqc",
            "youth justice",
            "children's social care",
            "priority action plan",
            "improvement notice",
            "local area",
        )
        for hit in parsed.of("not_finance")
    )
