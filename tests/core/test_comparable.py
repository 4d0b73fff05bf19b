"""Names and titles compare as a reader means them: one rule for every filter on what a person types."""

from __future__ import annotations

import pytest

from sendwatch.core.comparable import comparable_text, text_contains


@pytest.mark.parametrize(
    "written",
    [
        "Schools Forum",
        "Schools' Forum",
        "Schools\u2019 Forum",  # a typographic apostrophe
        "Schools\u02bc Forum",  # the modifier letter some word processors put in its place
        "SCHOOLS  FORUM",
        "Schools\u00a0Forum",  # a no-break space
        " Schools\tForum\n",
    ],
)
def test_every_way_of_writing_the_schools_forum_is_the_same_title(written: str) -> None:
    assert comparable_text(written) == "schools forum"


def test_an_ampersand_is_and() -> None:
    assert comparable_text("Children & Young People") == comparable_text("Children and Young People")
    assert comparable_text("Children&Young People") == "children and young people"


@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2011", "\u2013", "\u2014", "\u2212"])
def test_a_dash_of_any_style_reads_as_a_space(dash: str) -> None:
    assert comparable_text(f"Schools Forum {dash} High Needs Sub{dash}Group") == "schools forum high needs sub group"
    assert comparable_text(f"Schools Forum{dash}High Needs") == "schools forum high needs"


def test_a_text_contains_the_words_typed_however_either_is_written() -> None:
    title = "Children\u2019s Services & Education Scrutiny \u2013 Sub-Committee"
    assert text_contains(title, "childrens services and education")
    assert text_contains(title, "scrutiny - sub committee")
    assert text_contains("Schools\u2019  Forum", "schools' forum")
    assert not text_contains("Schools Forum", "schools' forum (high needs)")
    assert not text_contains(None, "forum")
