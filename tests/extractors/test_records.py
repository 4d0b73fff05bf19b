"""The reader's frozen records survive pickle and copy, compiled or pure.

Readings come back from the isolated reader process pickled; a frozen dataclass compiled by
mypyc (``SENDWATCH_COMPILE=1``) once failed to unpickle there. Pure Python these pass either
way: scripts/check-compiled runs them against the compiled reader.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import pytest

from extractors.attribution import Attribution
from extractors.frames import NEGATION, Claim
from extractors.money import Money
from extractors.reading import Signal
from extractors.sentences import Sentence

RECORDS = [
    Signal(
        "sv_agreed",
        "Westshire signed its safety valve agreement.",
        3,
        0.9,
        "signal",
        "agreement:signed",
        7,
        ("sv_negotiating",),
        True,
    ),
    Claim("sv_negotiating", 2, 4, 0.6, "agreement:offer_made", frozenset({NEGATION}), ("dbv",), True, 1, True, True),
    Sentence("The deficit is £27.3m.", 5, 11, 1_000_000.0, ("2024/25", "2025/26")),
    Money(27_300_000.0, "£27.3m", "deficit", "2024/25", 5, "The deficit is £27.3m."),
    Attribution("other", True, True),
]

ROUND_TRIPS: dict[str, Callable[[object], object]] = {
    "pickle": lambda record: pickle.loads(pickle.dumps(record)),
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}


@pytest.mark.parametrize("record", RECORDS, ids=lambda record: type(record).__name__)
@pytest.mark.parametrize("round_trip", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_a_record_comes_back_equal_and_still_frozen(record: object, round_trip: Callable[[object], object]) -> None:
    back = round_trip(record)
    assert type(back) is type(record)
    assert back == record
    assert hash(back) == hash(record)
    with pytest.raises(AttributeError):  # FrozenInstanceError is one
        back.page = 99  # type: ignore[attr-defined]
