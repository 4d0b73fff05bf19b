"""Configured councils are mirrored into the database; reference programme data is seeded once."""

from __future__ import annotations

from sqlalchemy import select

from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import Database, open_database
from sendwatch.core.storage.models import Council, ReferenceProgramme
from tests.support.in_step import in_step

TWO_COUNCILS = [
    {
        "slug": "norfolk",
        "name": "Norfolk County Council",
        "gss_code": "E10000020",
        "platform": "cmis",
        "url": "https://norfolk.example/",
    },
    {
        "slug": "kirklees",
        "name": "Kirklees Council",
        "gss_code": "E08000034",
        "platform": "moderngov",
        "url": "https://kirklees.example/",
    },
]


def test_councils_are_mirrored_and_removed_ones_disabled_not_deleted(database: Database, write_config) -> None:
    _, config = write_config({"councils": TWO_COUNCILS})
    with database.session() as session:
        sync_councils(session, config)
    _, smaller = write_config({"councils": [config.councils[0].model_dump(by_alias=True, exclude_none=True)]})
    with database.session() as session:
        sync_councils(session, smaller)
    with database.session() as session:
        rows = {c.slug: c for c in session.scalars(select(Council))}
        assert rows["norfolk"].enabled is True and rows["norfolk"].platform == "cmis"
        assert rows["kirklees"].enabled is False


def test_known_programme_membership_is_seeded_as_reference_data_once(database: Database, write_config) -> None:
    _, config = write_config(
        {
            "councils": [
                {
                    "slug": "norfolk",
                    "name": "Norfolk County Council",
                    "gss_code": "E10000020",
                    "platform": "cmis",
                    "url": "https://norfolk.example/",
                }
            ]
        }
    )
    for _ in range(2):
        with database.session() as session:
            sync_councils(session, config)
    with database.session() as session:
        programmes = sorted(session.scalars(select(ReferenceProgramme.programme)))
    assert programmes == ["enhanced_monitoring_and_support", "safety_valve", "safety_valve_under_review"]


def test_the_shipped_councils_go_by_the_names_they_call_themselves() -> None:
    from pathlib import Path

    from sendwatch.core.config import load_config

    shipped = load_config(Path(__file__).resolve().parents[2] / "config.yaml")
    names = {council.slug: council for council in shipped.councils}
    assert names["birmingham"].name == "Birmingham City Council"
    assert names["leeds"].name == "Leeds City Council" and "Leeds" in names["leeds"].aliases  # searchable by the short name
    assert names["st-helens"].name == "St Helens Borough Council"
    assert names["kirklees"].name == "Kirklees Council"  # unchanged where the council says "Council"
    styled = {"Birmingham", "Leeds", "Manchester", "Sheffield", "Liverpool", "Nottingham", "Leicester", "Coventry"}
    assert not [council.name for council in shipped.councils if council.name in {f"{city} Council" for city in styled}]


# --------------------------------------------------------------------------- two commands at once


def test_two_commands_starting_at_once_on_a_new_database_both_mirror_the_councils(database_url: str, write_config) -> None:
    _, config = write_config({"councils": TWO_COUNCILS})
    open_database(database_url).dispose()  # migrated once: the race is the councils', not the schema's
    errors = in_step(database_url, "councils", lambda session: sync_councils(session, config))
    assert not errors, errors
    database = open_database(database_url)
    try:
        with database.session() as session:
            slugs = sorted(session.scalars(select(Council.slug)))
            programmes = sorted(
                session.scalars(select(ReferenceProgramme.programme).join(Council).where(Council.slug == "norfolk"))
            )
    finally:
        database.dispose()
    assert slugs == ["kirklees", "norfolk"]
    assert programmes == ["enhanced_monitoring_and_support", "safety_valve", "safety_valve_under_review"], (
        "seeded once, not twice"
    )
