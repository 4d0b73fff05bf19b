"""Which sentences wake the reader: the trigger phrases of ``cues.yaml`` as the reader finds them.

Every paragraph of a pack passes this gate first, so it must never miss a phrase (the claim
would be lost) and should rarely let routine business through (that costs speed only).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from extractors.cues import Triggers, default_cues, joined_words


def wakes(text: str, programme: bool = False) -> bool:
    return default_cues().may_claim(text, programme)


@pytest.mark.parametrize(
    "text",
    [
        "Members noted the Safety Valve update.",
        "The safety-valve return was submitted on time.",
        "The DSG position was noted.",
        "The high needs block overspent again.",
        "Overspends continue across the county.",
    ],
)
def test_a_trigger_phrase_wakes_the_reader_in_any_case_or_hyphenation(text: str) -> None:
    assert wakes(text)


def test_the_last_word_of_a_phrase_may_be_the_start_of_a_longer_word() -> None:
    assert wakes("Three safety valves were discussed.")
    assert wakes("The deficits of the past years remain.")


def test_a_short_trigger_must_be_a_whole_word() -> None:
    assert wakes("The SV return is due.")
    assert not wakes("The Svelte framework and the systems team were thanked.")


def test_punctuation_splits_words_around_and_inside_them() -> None:
    assert wakes("(DSG), as reported.")
    assert wakes("The HNB/DSG recovery was noted.")
    assert wakes("The 'safety valve' programme.")


def test_routine_business_does_not_wake_the_reader() -> None:
    assert not wakes("Apologies were received from three members and the minutes were agreed.")
    assert not wakes("The Chair reminded members of the date of the next meeting.")


def test_progress_words_count_only_in_a_paper_about_the_programme() -> None:
    sentence = "Spending remains on track against the profile."
    assert not wakes(sentence)
    assert wakes(sentence, programme=True)


def test_a_role_word_of_the_programme_must_be_whole_there() -> None:
    """ "plan" is a role's own word: "planning" names a planning application, not the plan."""
    only_plan = Triggers(("plan",), whole=frozenset({"plan"}))
    assert only_plan.found_in(joined_words("the plan was agreed"))
    assert not only_plan.found_in(joined_words("the planning committee met"))


def test_no_phrases_find_nothing() -> None:
    assert not Triggers(()).found_in(joined_words("anything at all"))


def test_words_are_joined_by_one_space_with_punctuation_dropped() -> None:
    assert joined_words("the (dsg),\n high\tneeds…") == " the dsg high needs… "


def test_a_sentence_parses_the_same_in_every_process() -> None:
    """Phrases of one length starting at one word come in a fixed order, whatever the process's
    hash seed (the vocabulary's tables are built from sets)."""
    code = (
        "from extractors.cues import default_cues; "
        "print([tuple(hit) for hit in default_cues().parse("
        "'the council had been awarded the grant and the council received it, no longer in deficit').hits])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1 and "awarded" in outputs.pop()


def test_a_trigger_that_is_also_a_programme_phrase_stays_a_prefix_in_a_programme_paper() -> None:
    """ "deal" is a trigger and one of the programme's own words: in a paper about the programme
    it still wakes the reader for "dealings", as it does in any other paper."""
    assert wakes("Its dealings were noted.")
    assert wakes("Its dealings were noted.", programme=True)
