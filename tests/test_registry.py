"""Configured councils are mirrored into the database; reference programme data is seeded once."""

from __future__ import annotations

from sqlalchemy import select

from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import Database
from sendwatch.core.storage.models import Council, ReferenceProgramme


def test_councils_are_mirrored_and_removed_ones_disabled_not_deleted(database: Database, write_config) -> None:
    _, config = write_config(
        {
            "councils": [
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
        }
    )
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
