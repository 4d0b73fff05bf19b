"""Finding a council by what a reader types: the sign-up page's find box and the dashboard's ``q``
compare names as the committee filter compares titles (case, apostrophes, dashes, spacing, & as and)."""

from __future__ import annotations

import re

import pytest
from web_support import COUNCILS

from sendwatch.web.queries import matches_council

# Names written as councils write them: an ampersand, a typographic apostrophe, hyphens.
NAMED = [
    {"slug": "brighton-and-hove", "name": "Brighton & Hove City Council", "platform": "moderngov", "url": "https://b.example/"},
    {"slug": "kings-lynn", "name": "King\u2019s Lynn Borough Council", "platform": "moderngov", "url": "https://k.example/"},
    {"slug": "stoke-on-trent", "name": "Stoke-on-Trent City Council", "platform": "moderngov", "url": "https://s.example/"},
]

TYPED = [
    ("brighton and hove", "brighton-and-hove"),
    ("Brighton &  Hove", "brighton-and-hove"),
    ("kings lynn", "kings-lynn"),
    ("King's Lynn", "kings-lynn"),
    ("stoke on trent", "stoke-on-trent"),
    ("Stoke\u2013on\u2013Trent", "stoke-on-trent"),  # en dashes, as a word processor may turn them
]


@pytest.fixture
def site(start_site, sqlite_url):  # type: ignore[no-untyped-def]
    return start_site(sqlite_url, settings={"councils": [*COUNCILS, *NAMED]})


def listed_on_sign_up(html: str) -> list[str]:
    return re.findall(r'id="council-([a-z-]+)"', html)


def dashboard_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-council="([a-z-]+)"', html)


@pytest.mark.parametrize(("typed", "slug"), TYPED)
def test_the_sign_up_find_box_finds_a_council_however_its_name_is_typed(site, typed: str, slug: str) -> None:
    assert listed_on_sign_up(site.client.get("/subscribe", params={"find": typed}).text) == [slug]


@pytest.mark.parametrize(("typed", "slug"), TYPED)
def test_the_dashboard_search_finds_a_council_however_its_name_is_typed(site, typed: str, slug: str) -> None:
    assert dashboard_rows(site.client.get("/", params={"q": typed}).text) == [slug]


def test_the_dashboard_search_takes_a_slug_wants_words_in_order_and_reads_blank_as_everything(site) -> None:
    assert dashboard_rows(site.client.get("/", params={"q": "brighton-and-hove"}).text) == ["brighton-and-hove"]
    assert dashboard_rows(site.client.get("/", params={"q": "brighton hove"}).text) == []  # words in order, not any word
    assert len(dashboard_rows(site.client.get("/", params={"q": " - "}).text)) == len(COUNCILS) + len(NAMED)  # nothing typed


def test_an_alias_compares_by_the_same_rule() -> None:
    assert matches_council("hammersmith and fulham", "hammersmith-fulham", "London Borough of H&F", ["Hammersmith & Fulham"])
    assert not matches_council("hammersmith and fulham", "kirklees", "Kirklees Council", [])
