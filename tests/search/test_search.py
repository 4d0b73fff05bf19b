"""Full-text search over the demo's papers, the same answers on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import datetime as dt

import pytest
from search_support import TODAY, store_demo_papers, store_paper
from sqlalchemy import delete, select, update

from sendwatch.core.search.pages import SearchFilters, reindex, search_pages
from sendwatch.core.search.query import QueryError
from sendwatch.core.storage.models import Committee, Council, DocumentPage
from sendwatch.demo.site.spec import DemoDocument, DemoMeeting

MONITORING = "Safety Valve Monitoring Report Quarter 4"
QUARTER_2 = "DSG Management Plan Quarter 2 Update"
LETTER = "Letter from the Department for Education"
BUDGET = "High Needs Block Budget Monitoring"


@pytest.fixture
def papers(database):  # type: ignore[no-untyped-def]
    with database.session() as session:
        return store_demo_papers(session)


def titles(database, query: str, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return sorted({hit.title for hit in search_pages(session, query, SearchFilters(**filters))})


def test_a_phrase_finds_only_the_papers_with_those_words_in_that_order(database, papers) -> None:  # type: ignore[no-untyped-def]
    assert titles(database, '"enhanced monitoring and support"') == [QUARTER_2]
    assert titles(database, '"cumulative DSG deficit"') == [BUDGET, MONITORING]
    assert titles(database, '"deficit DSG cumulative"') == []


def test_boolean_queries_combine_words(database, papers) -> None:  # type: ignore[no-untyped-def]
    # Words are matched on one page (each hit is a page), as written: "conditions" is not "condition".
    assert titles(database, "trajectory AND condition") == [QUARTER_2]
    assert titles(database, "trajectory condition") == [QUARTER_2]  # AND is implied
    assert titles(database, "inflation OR workstreams") == [QUARTER_2, LETTER]
    assert titles(database, "trajectory NOT condition") == [MONITORING]
    assert titles(database, "trajectory -condition") == [MONITORING]
    assert titles(database, "(inflation OR outturn) NOT fees") == [BUDGET]


def test_a_prefix_matches_every_word_that_starts_with_it(database, papers) -> None:  # type: ignore[no-untyped-def]
    assert titles(database, "workstream*") == [LETTER]
    assert titles(database, "overspen*") == [BUDGET]
    assert titles(database, "traject*") == [QUARTER_2, MONITORING]


def test_filters_narrow_by_council_committee_date_and_status(database, papers) -> None:  # type: ignore[no-untyped-def]
    assert titles(database, "deficit", councils=("northfield",)) == [BUDGET]
    assert titles(database, "council", committee="cabinet") == []
    assert titles(database, "trajectory", since=TODAY - dt.timedelta(days=10)) == [QUARTER_2]
    assert titles(database, "council", statuses=("ems",)) == [QUARTER_2]


def councils_found(database, query: str, committee: str) -> list[str]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return sorted({hit.council for hit in search_pages(session, query, SearchFilters(committee=committee))})


@pytest.mark.parametrize("typed", ["schools' forum", "Schools\u2019 Forum", "schools forum", "SCHOOLS  FORUM"])
def test_the_committee_filter_finds_a_title_whatever_its_apostrophe_case_or_spacing(database, papers, typed: str) -> None:  # type: ignore[no-untyped-def]
    # The demo's councils write it "Schools Forum", "Schools' Forum" and "Schools\u2019 Forum".
    assert councils_found(database, "council", committee=typed) == ["eastmoor", "northfield", "riverton"]


@pytest.fixture
def more_committees(database, papers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Two more of Riverton's committees, titled as councils type them, each with one paper on transport."""
    titled = {
        "Children & Young People\u2019s Scrutiny  Committee": "Scrutiny of transport",
        "Schools Forum \u2014 High Needs Sub\u2011Group": "Sub-group on transport",
    }
    with database.session() as session:
        riverton = session.scalars(select(Council).where(Council.slug == "riverton")).one()
        for number, (title, paper) in enumerate(titled.items(), start=10):
            committee = Committee(council_id=riverton.id, external_id=str(number), title=title)
            session.add(committee)
            session.flush()
            meeting = DemoMeeting(date=TODAY - dt.timedelta(days=number))
            store_paper(session, riverton, committee, meeting, DemoDocument(paper, ["Home to school transport costs rose."]))
    return titled


@pytest.mark.parametrize(
    "typed, found",
    [
        ("children and young people", ["Scrutiny of transport"]),
        ("Children & Young People's Scrutiny Committee", ["Scrutiny of transport"]),
        ("young peoples scrutiny", ["Scrutiny of transport"]),
        ("schools forum - high needs sub-group", ["Sub-group on transport"]),
        ("Schools Forum \u2013 High Needs Sub Group", ["Sub-group on transport"]),
        ("schools' forum", ["Sub-group on transport"]),
        ("high needs sub-committee", []),
    ],
)
def test_the_committee_filter_reads_an_ampersand_as_and_and_any_dash_as_a_space(  # type: ignore[no-untyped-def]
    database, more_committees, typed: str, found: list[str]
) -> None:
    assert titles(database, "transport", committee=typed) == found


def test_a_phrase_in_typographic_quotes_is_a_phrase(database, papers) -> None:  # type: ignore[no-untyped-def]
    # Phones and word processors turn "..." into \u201c...\u201d; read as words, it would find more.
    assert titles(database, "\u201cdeficit DSG cumulative\u201d") == []
    assert titles(database, "\u201ccumulative DSG deficit\u201d") == [BUDGET, MONITORING]


def test_a_hit_gives_the_sentence_with_words_marked_the_page_and_a_link_to_it(database, papers) -> None:  # type: ignore[no-untyped-def]
    with database.session() as session:
        [hit] = search_pages(session, '"enhanced monitoring" revised')
    assert hit.council == "eastmoor"
    assert hit.page == 3
    assert hit.link == papers[QUARTER_2].url + "#page=3"
    assert hit.snippet.marked().startswith("Following the return, the Department for Education has placed the Council under ")
    assert "**enhanced monitoring**" in hit.snippet.marked()
    assert "**revised**" in hit.snippet.marked()
    assert hit.as_json() == {
        "council": "eastmoor",
        "title": QUARTER_2,
        "url": papers[QUARTER_2].url,
        "page": 3,
        "date": (TODAY - dt.timedelta(days=5)).isoformat(),
        "snippet": hit.snippet.marked(),
        "link": papers[QUARTER_2].url + "#page=3",
    }


def test_the_index_follows_the_pages_as_they_are_replaced_and_reindex_rebuilds_it(database, papers) -> None:  # type: ignore[no-untyped-def]
    document_id = papers[BUDGET].id
    with database.session() as session:
        session.execute(delete(DocumentPage).where(DocumentPage.document_id == document_id))
        session.add(DocumentPage(document_id=document_id, page_number=1, text="Home to school transport costs rose."))
    assert titles(database, "outturn") == []
    assert titles(database, '"home to school transport"') == [BUDGET]
    with database.session() as session:
        session.execute(update(DocumentPage).where(DocumentPage.document_id == document_id).values(text="Nothing else."))
    assert titles(database, "transport") == []
    with database.session() as session:
        assert reindex(session) == session.query(DocumentPage).count()
    assert titles(database, '"cumulative DSG deficit"') == [MONITORING]


@pytest.mark.parametrize(
    "query, message",
    [
        ('"home to school', "closing quote"),
        ("NOT deficit", "something to look for"),
        ("deficit OR", "OR needs"),
        ("(deficit", "missing its ')'"),
        ("deficit)", "without its '('"),
        ("tran*sport", "at the end"),
        ("", "empty query"),
    ],
)
def test_a_malformed_query_is_refused_with_one_line_saying_why(database, papers, query: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with database.session() as session, pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        search_pages(session, query)
