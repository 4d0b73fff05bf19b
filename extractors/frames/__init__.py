"""Frames: what a sentence's cues, taken together, claim about a council's position.

Each module reads one family of statuses from a parsed sentence (``extractors.cues.Parsed``)
and proposes ``Claim``s: a status, the cue it rests on, how sure a plain affirmative reading is,
and which modality checks apply to it. Whose position it is, and whether it is asserted, is
decided afterwards, the same way for every frame (``extractors.reading``).

- ``deficit``: a DSG / high needs deficit (``deficit_only``)
- ``programmes``: Delivering Better Value (``dbv``) and enhanced monitoring (``ems``)
- ``agreement``: the safety valve agreement, from invitation to completion, and its payments
- ``tracking``: on or off track against the agreement
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractors.records import rebuilt_by_constructor

# The modality checks a claim can ask for (see extractors/modality.py).
NEGATION, HYPOTHETICAL, FUTURE, QUESTION, PROCESS = "negation", "hypothetical", "future", "question", "process"
# Only a negation before the cue: "the agreement would be withdrawn" still says there is one.
NEGATION_BEFORE = "negation_before"
ASSERTED = frozenset({NEGATION, HYPOTHETICAL, QUESTION})  # the default: a plain statement of fact
SETTLED = ASSERTED | {FUTURE}  # a state reached: "will be signed" is not signed yet
# Words for the Department that also mean the government at large, which signs many other agreements.
GOVERNMENT_AT_LARGE = frozenset({"government", "government's", "minister", "ministers", "ministerial"})
# Suppliers whose payments and monitoring are a contract's, not the programme's.
SUPPLIERS = frozenset({"contractor", "contractors", "supplier", "suppliers", "provider", "providers"})


@dataclass(frozen=True)
class Claim:
    """A status a sentence may state, resting on the cue at tokens ``start``..``end``."""

    status: str
    start: int
    end: int
    confidence: float
    rule: str
    checks: frozenset[str] = ASSERTED
    supersedes: tuple[str, ...] = ()  # statuses this claim ends when it comes later ("back on track")
    over: bool = False  # the same sentence says the state has ended ("paused but since resumed")
    subject_at: int | None = None  # where to look for whose claim it is, when not at ``start``
    # Weak: evidence that implies the agreement without saying so ("the conditions of the
    # agreement", "adverse movements on the forecast"). It counts unless the same paper says
    # plainly that the council is still negotiating (then "the agreement" is the one being negotiated).
    weak: bool = False
    # Said of councils in general (a national announcement): this council's only once a later
    # sentence names it among them ("They include Westshire").
    of_councils_in_general: bool = False

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:  # so that it pickles compiled too
        return rebuilt_by_constructor(self)


@dataclass
class DocumentContext:
    """What the document as a whole says, that a single sentence leans on.

    ``sv``: the safety valve programme is named somewhere in the document (or its title), so
    "the agreement" and "on track" can be about it. ``fund``: the fund the latest deficit was
    tied to ("hn" or "other"), for "the deficit" said without its fund; before any deficit is
    tied, a paper about the high needs block (``hn_topic``) means that one.
    """

    sv: bool = False
    fund: str | None = None
    hn_topic: bool = False  # the high needs block or the DSG is named somewhere in the document
    fund_age: int = 0  # sentences since ``fund`` was last set
    programme: str | None = None  # the programme the latest sentence named ("sv" or "dbv"): what "the programme" is
    flags: set[str] = field(default_factory=set)
