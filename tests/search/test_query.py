"""The query language is parsed once, and the one tree is rendered for each database."""

from __future__ import annotations

import pytest

from sendwatch.core.search.postgres_fts import render_tsquery
from sendwatch.core.search.query import And, Or, Phrase, QueryError, Term, parse_query
from sendwatch.core.search.sqlite_fts import render_match


def test_words_phrases_prefixes_and_operators_make_one_tree() -> None:
    assert parse_query('"Home to School" transp* OR taxi* -"early years"') == And(
        include=(Phrase(("home", "to", "school")), Or((Term("transp", prefix=True), Term("taxi", prefix=True)))),
        exclude=(Phrase(("early", "years")),),
    )
    assert parse_query("home-to-school") == Phrase(("home", "to", "school"))
    assert parse_query("\u201chome to school\u201d -\u201eearly years\u201d") == parse_query('"home to school" -"early years"')
    assert parse_query("deficit AND dsg") == parse_query("deficit dsg") == And((Term("deficit"), Term("dsg")))


def test_both_backends_render_the_same_tree_with_every_word_quoted() -> None:
    tree = parse_query('"home to school" (transp* OR taxi) NOT cut')
    assert render_match(tree) == '(("home to school" AND ("transp"* OR "taxi")) NOT "cut")'
    assert render_tsquery(tree) == "(('home' <-> 'to' <-> 'school') & ('transp':* | 'taxi') & !'cut')"


def test_syntax_of_either_database_is_only_ever_words_to_it() -> None:
    tree = parse_query("NEAR(a b) col:value 'quoted' a&b !x")
    assert '"near"' in render_match(tree) and "'near'" in render_tsquery(tree)
    assert ":" not in render_match(tree).replace('"', "") and "&b" not in render_tsquery(tree)


@pytest.mark.parametrize("query", ["NOT x", "a OR", "OR a", "()", "(a", "a)", '"', '""', "a*b", "*", "a AND", "- a"])
def test_malformed_queries_are_errors_of_one_line(query: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(query)
    assert "\n" not in str(raised.value) and str(raised.value)
