"""Whether a paper is about the safety valve programme: it names it, however spelt or cased."""

from __future__ import annotations

import pytest

from extractors.reading import names_safety_valve


@pytest.mark.parametrize(
    "text",
    [
        "Update on the Safety Valve agreement",
        "the safety-valve programme",
        "SAFTEY VALVE monitoring return",
        "the SV plan",
        "placed in Enhanced Monitoring",
        "the very high deficit intervention programme",
    ],
)
def test_a_paper_naming_the_programme_is_about_it(text: str) -> None:
    assert names_safety_valve(text)


@pytest.mark.parametrize(
    "text",
    ["Safeguarding and value for money", "The servers were upgraded", "monitoring of attendance", "a very high deficit"],
)
def test_nearby_words_do_not_name_it(text: str) -> None:
    assert not names_safety_valve(text)
