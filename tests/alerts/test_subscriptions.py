"""Subscribers from config.yaml and the command line, and who a change concerns."""

from __future__ import annotations

from sqlalchemy import select

from alerts import subscribe, sync_subscribers, unsubscribe
from alerts.subscriptions import active_subscribers, wants
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage.models import Subscriber

COUNCILS = [
    {
        "slug": "northshire",
        "name": "Northshire County Council",
        "platform": "moderngov",
        "url": "https://democracy.northshire.example.gov.uk/",
    }
]


def test_config_subscribers_are_mirrored_but_a_persons_stop_is_respected(write_config, database_url):
    from sendwatch.core.storage import open_database

    listed = [{"email": "Editor@Example.org", "councils": ["northshire"], "frequency": "weekly", "statuses": ["ems"]}]
    _, config = write_config({"database": database_url, "councils": COUNCILS, "subscribers": listed})
    database = open_database(config.database_url)
    try:
        with database.session() as session:
            sync_councils(session, config)
            sync_subscribers(session, config)
            row = session.scalars(select(Subscriber)).one()
            assert (row.source, row.councils, row.statuses, row.frequency) == ("config", ["northshire"], ["ems"], "weekly")
            assert [s.email for s in active_subscribers(session, "weekly")] == ["Editor@Example.org"]
            unsubscribe(session, "editor@example.org")  # through the link in an email
            sync_subscribers(session, config)
            assert active_subscribers(session, "weekly") == []

            _, config_without = write_config(
                {"database": database_url, "councils": COUNCILS, "subscribers": []}, name="other.yaml"
            )
            subscribe(session, "editor@example.org", councils=["northshire"], frequency="weekly")  # the operator re-adds
            sync_subscribers(session, config_without)
            assert [s.email for s in active_subscribers(session, "weekly")] == ["Editor@Example.org"]  # now cli-owned
    finally:
        database.dispose()


def test_a_subscription_covers_its_councils_and_statuses_only():
    everything = Subscriber(email="a@example.org", councils=None, statuses=None)
    narrow = Subscriber(email="b@example.org", councils=["northshire"], statuses=["ems", "payment_withheld"])

    assert wants(everything, "westbury", "sv_on_track")
    assert wants(narrow, "northshire", "ems")
    assert not wants(narrow, "northshire", "sv_off_track")
    assert not wants(narrow, "westbury", "ems")


def test_two_commands_mirroring_the_config_subscribers_at_once_both_succeed_with_one_row_each(write_config, database_url):
    from sendwatch.core.storage import open_database
    from tests.support.in_step import in_step

    listed = [
        {"email": "Editor@Example.org", "councils": ["northshire"], "frequency": "weekly"},
        {"notify": ["json://127.0.0.1:9/room"]},  # a channel: stored under an address of its own
    ]
    _, config = write_config({"database": database_url, "councils": COUNCILS, "subscribers": listed})
    database = open_database(database_url)  # migrated, councils mirrored: the race is the subscribers'
    try:
        with database.session() as session:
            sync_councils(session, config)

        errors = in_step(database_url, "subscribers", lambda session: sync_subscribers(session, config))

        assert not errors, errors
        with database.session() as session:
            rows = session.scalars(select(Subscriber).order_by(Subscriber.email)).all()
            assert [(row.email, row.source) for row in rows][0] == ("Editor@Example.org", "config")
            assert len(rows) == 2 and {row.source for row in rows} == {"config"}
            assert rows[0].frequency == "weekly" and rows[1].notify == ["json://127.0.0.1:9/room"]
    finally:
        database.dispose()


def test_a_config_subscriber_is_the_address_already_signed_up_in_another_case(write_config, database):
    listed = [{"email": "Ann@x.org", "councils": ["northshire"], "frequency": "weekly"}]
    _, config = write_config({"database": database.url, "councils": COUNCILS, "subscribers": listed})
    with database.session() as session:
        sync_councils(session, config)
        subscribe(session, "ann@x.org", councils=["northshire"], statuses=["ems"], source="web")

        sync_subscribers(session, config)

        [row] = session.scalars(select(Subscriber)).all()
        assert (row.email, row.email_key, row.source, row.statuses) == ("ann@x.org", "ann@x.org", "web", ["ems"])


def test_the_config_mirrored_beside_a_sign_up_in_another_case_at_once_keeps_one_row(write_config, database, database_url):
    from tests.support.in_step import in_step

    listed = [{"email": "Ann@x.org", "councils": ["northshire"], "frequency": "weekly"}]
    _, config = write_config({"database": database_url, "councils": COUNCILS, "subscribers": listed})
    with database.session() as session:
        sync_councils(session, config)
    jobs = [lambda session: sync_subscribers(session, config), lambda session: subscribe(session, "ann@x.org", source="web")]

    errors = in_step(database_url, "subscribers", lambda session: jobs.pop()(session))

    assert not errors, errors
    with database.session() as session:
        [row] = session.scalars(select(Subscriber)).all()
        assert row.email_key == "ann@x.org"


def test_two_subscribes_of_one_address_in_different_cases_at_once_keep_one_row(write_config, database, database_url):
    from tests.support.in_step import in_step

    addresses = ["Editor@Example.org", "editor@example.org"]

    errors = in_step(database_url, "subscribers", lambda session: subscribe(session, addresses.pop(), frequency="weekly"))

    assert not errors, errors
    with database.session() as session:
        [row] = session.scalars(select(Subscriber)).all()
        assert (row.email_key, row.frequency, row.unsubscribed_at) == ("editor@example.org", "weekly", None)
