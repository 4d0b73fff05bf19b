"""A council named on the command line by its name is found however the name is typed, by the
rule the web's find box uses (case, apostrophes, dashes, spacing, & as and); ``search --council``
names councils as every other command does."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sendwatch.cli import cli
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Committee, Council, Document, DocumentPage, Meeting

COUNCILS = [
    {"slug": "brighton-hove", "name": "Brighton & Hove", "platform": "moderngov", "url": "https://b.example/"},
    {"slug": "kings-lynn", "name": "King\u2019s Lynn", "platform": "moderngov", "url": "https://k.example/"},
    {
        "slug": "stoke",
        "name": "Stoke-on-Trent",
        "aliases": ["Potteries & Stoke"],
        "platform": "moderngov",
        "url": "https://s.example/",
    },
]


def invoke(path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--config", str(path), *args])


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("brighton and hove", "brighton-hove"),
        ("BRIGHTON  &  HOVE", "brighton-hove"),
        ("kings lynn", "kings-lynn"),
        ("King's Lynn", "kings-lynn"),
        ("stoke on trent", "stoke"),
        ("Stoke\u2013on\u2013Trent", "stoke"),  # en dashes
        ("potteries and stoke", "stoke"),  # an alias, by the same rule
    ],
)
def test_a_council_name_is_found_however_it_is_typed(write_config, typed: str, slug: str) -> None:
    path, _ = write_config({"councils": COUNCILS})
    result = invoke(path, "subscribe", "desk@example.org", "--council", typed)
    assert result.exit_code == 0, result.output
    assert f"to {slug}" in result.output


def test_search_names_a_council_by_slug_or_name_and_refuses_an_unknown_one(write_config) -> None:
    path, config = write_config({"councils": COUNCILS})
    database = open_database(config.database_url)
    with database.session() as session:
        sync_councils(session, config)
        for council in session.query(Council).all():
            committee = Committee(council_id=council.id, external_id="1", title="Schools Forum")
            session.add(committee)
            session.flush()
            meeting = Meeting(council_id=council.id, committee_id=committee.id, external_id="1")
            session.add(meeting)
            session.flush()
            document = Document(
                council_id=council.id,
                meeting_id=meeting.id,
                url=f"https://{council.slug}.example/budget.pdf",
                title=f"{council.name} high needs budget",
                kind="pdf",
                fetch_state="ok",
                text_state="ok",
                sha256=council.slug.ljust(64, "0"),
            )
            session.add(document)
            session.flush()
            session.add(DocumentPage(document_id=document.id, page_number=1, text="The high needs deficit grew."))
    database.dispose()

    def councils_found(*args: str) -> list[str]:
        result = invoke(path, "search", "deficit", "--json", *args)
        assert result.exit_code == 0, result.output
        return sorted(hit["council"] for hit in json.loads(result.output))

    assert councils_found() == ["brighton-hove", "kings-lynn", "stoke"]
    assert councils_found("--council", "STOKE") == ["stoke"]
    assert councils_found("--council", "brighton and hove", "--council", "kings lynn") == ["brighton-hove", "kings-lynn"]

    unknown = invoke(path, "search", "deficit", "--council", "stok")
    assert unknown.exit_code == 2
    assert "no council 'stok' in the config; did you mean stoke?" in unknown.output
    a_word_of_a_name = invoke(path, "search", "deficit", "--council", "brighton")  # a name is matched whole
    assert a_word_of_a_name.exit_code == 2 and "no council 'brighton' in the config" in a_word_of_a_name.output
