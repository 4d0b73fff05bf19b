"""Whose position a sentence states: this council's (by name, initials or role) or others'."""

from __future__ import annotations

import pytest

from extractors.attribution import Subject, attribute


@pytest.fixture
def subject() -> Subject:
    return Subject(["Bournemouth, Christchurch and Poole Council", "BCP"])


@pytest.mark.parametrize(
    "sentence",
    [
        "Bournemouth, Christchurch and Poole Council has submitted its plan.",
        "BCP's invitation to join the programme was discussed.",
        "The BCP Council position was noted.",
    ],
)
def test_the_council_by_name_or_initials_is_self(subject: Subject, sentence: str) -> None:
    assert attribute(subject.rewrite(sentence)).subject == "self"
    assert attribute(subject.rewrite(sentence)).explicit


@pytest.mark.parametrize(
    "sentence", ["The authority has submitted its plan.", "We have met the conditions.", "The LA is on track."]
)
def test_the_council_by_role_is_self(subject: Subject, sentence: str) -> None:
    assert attribute(subject.rewrite(sentence)).subject == "self"


def test_a_sentence_with_no_subject_is_implicitly_self(subject: Subject) -> None:
    assert attribute(subject.rewrite("Overall, the increase in the deficit is forecast to be £6m.")).subject == "implicit"


@pytest.mark.parametrize(
    "sentence",
    [
        "A handful of other councils have seen their instalments stopped.",
        "Many LAs in the cohort are behind their savings targets.",
        "Dorset Council has been placed in enhanced monitoring.",
        "Hampshire and Kent signed agreements in 2023.",
        "The programme supports local authorities with the largest deficits.",
        "Councils under enhanced monitoring must submit revised plans.",
    ],
)
def test_other_councils_are_others(subject: Subject, sentence: str) -> None:
    assert attribute(subject.rewrite(sentence)).subject == "other"


def test_this_council_named_beside_others_is_still_self(subject: Subject) -> None:
    sentence = "Bournemouth, Christchurch and Poole and an additional five local authorities were invited to join."
    assert attribute(subject.rewrite(sentence)).subject == "self"


def test_its_own_place_names_are_never_other_councils() -> None:
    poole = Subject(["Bournemouth, Christchurch and Poole Council"])
    assert "othercouncil" not in poole.rewrite("Schools in Poole and Christchurch responded.")


def test_a_council_the_reader_does_not_know_is_another_council_even_right_after_this_one() -> None:
    westshire = Subject(["Westshire County Council"])
    rewritten = westshire.rewrite("Westshire County Council, Ambleford Council and Kent County Council signed.")
    assert rewritten == "selfcouncil, othercouncil and othercouncil signed."


def test_a_council_named_after_a_common_word_is_matched_only_as_a_name() -> None:
    reading = Subject(["Reading Borough Council"])
    assert "selfcouncil" in reading.rewrite("Reading has signed its agreement.")
    assert "selfcouncil" in reading.rewrite("READING BOROUGH COUNCIL: SCHOOLS FORUM")
    assert "selfcouncil" not in reading.rewrite("After reading the report, members asked questions.")


@pytest.mark.parametrize(
    "sentence",
    [
        "The Adult Social Care Council Tax precept rises by 2%.",
        "Recommendations to Full Council in February.",
        "The County Council agreed.",
    ],
)
def test_council_tax_and_the_councils_own_bodies_are_not_other_councils(subject: Subject, sentence: str) -> None:
    assert "othercouncil" not in subject.rewrite(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Neighbouring Bury has a safety valve agreement.",
        "Unlike Reading, the council has no agreement.",
        "Dudley's agreement was signed in 2023.",
        "Bury, one of the first councils to sign, has now repaid its deficit.",
        "Reading, the borough with the largest deficit in the region, has asked for help.",
        "Sutton signed its agreement in 2022.",
    ],
)
def test_a_place_name_that_is_also_a_word_is_a_council_where_the_words_around_make_it_a_place(sentence: str) -> None:
    westshire = Subject(["Westshire County Council"])
    assert "othercouncil" in westshire.rewrite(sentence)


def test_a_place_name_that_is_also_a_word_stays_a_word_elsewhere() -> None:
    westshire = Subject(["Westshire County Council"])
    assert "othercouncil" not in westshire.rewrite("Reading the report, members asked about the bury of costs.")


@pytest.mark.parametrize(
    ("council", "short"),
    [
        ("Southend-on-Sea City Council", "Southend"),
        ("Richmond upon Thames Council", "Richmond"),
        ("Stoke-on-Trent City Council", "Stoke"),
    ],
)
def test_a_town_on_a_river_is_known_by_the_town_alone(council: str, short: str) -> None:
    assert Subject([council]).rewrite(f"{short} has signed its agreement.").startswith("selfcouncil")


def test_a_known_short_form_wins_over_the_first_word() -> None:
    hull = Subject(["Kingston upon Hull City Council"])
    assert hull.rewrite("Hull has signed.").startswith("selfcouncil")
    assert not hull.rewrite("Kingston has signed.").startswith("selfcouncil")


@pytest.mark.parametrize(
    "sentence",
    ["Merton and Sutton both signed agreements.", "Sutton and Merton both signed agreements.", "Kent, Sutton and Surrey signed."],
)
def test_a_place_name_that_is_also_a_word_is_a_council_in_a_list_of_councils(sentence: str) -> None:
    assert Subject(["Westshire County Council"]).rewrite(sentence).count("othercouncil") == sentence.count(",") + 2


def test_a_list_of_people_with_such_names_is_not_a_list_of_councils() -> None:
    assert "othercouncil" not in Subject(["Westshire County Council"]).rewrite("Mr Sutton and Ms Reading spoke.")


def test_greater_manchester_is_a_region_not_manchester_council() -> None:
    westshire = Subject(["Westshire County Council"])
    assert "othercouncil" not in westshire.rewrite("Two Greater Manchester councils have signed.")
    assert "othercouncil" in westshire.rewrite("Manchester has signed.")
