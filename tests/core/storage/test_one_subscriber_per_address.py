"""Migration 0016: one subscriber per address whatever its case, duplicates from before merged."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import DateTime, bindparam, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from sendwatch.core.storage import open_database
from sendwatch.core.storage.db import alembic_config, current_revision, head_revision, make_engine, upgrade
from sendwatch.core.storage.models import KeywordAlert, OutboxMessage, Subscriber

BEFORE = "0015_one_digest_per_week"
T0 = dt.datetime(2025, 3, 1, 9, 0)


def subscriber_row(connection, id: int, email: str, minutes: int, councils: str | None = None, **states) -> None:  # type: ignore[no-untyped-def]
    """A subscriber as the schema before 0016 holds one, made ``minutes`` after T0; ``states``:
    confirmed, unsubscribed, suppressed (True gives that time)."""
    times = {name: T0 if states.get(name) else None for name in ("confirmed", "unsubscribed", "suppressed")}
    connection.execute(
        text(
            "INSERT INTO subscribers (id, email, councils, statuses, frequency, source, confirmed_at, unsubscribed_at, "
            "suppressed_at, created_at, queries) VALUES (:id, :email, :councils, NULL, 'immediate', 'web', :confirmed, "
            ":unsubscribed, :suppressed, :created, :queries)"
        ).bindparams(*(bindparam(name, type_=DateTime()) for name in ("confirmed", "unsubscribed", "suppressed", "created"))),
        {
            "id": id,
            "email": email,
            "councils": councils,
            "created": T0 + dt.timedelta(minutes=minutes),
            "queries": states.get("queries"),
            **times,
        },
    )


def a_paper(connection) -> None:  # type: ignore[no-untyped-def]
    connection.execute(
        text(
            "INSERT INTO councils (id, slug, name, enabled, created_at, consecutive_failures, consecutive_empty) "
            "VALUES (1, 'northshire', 'Northshire County Council', :t, :now, 0, 0)"
        ).bindparams(bindparam("now", type_=DateTime())),
        {"t": True, "now": T0},
    )
    connection.execute(
        text(
            "INSERT INTO documents (id, council_id, url, kind, fetch_state, text_state, first_seen_at) "
            "VALUES (7, 1, 'https://democracy.northshire.example/p7.pdf', 'pdf', 'ok', 'ok', :now)"
        ).bindparams(bindparam("now", type_=DateTime())),
        {"now": T0},
    )


def at_0015(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    upgrade(engine, database_url, revision=BEFORE)
    return engine


def rows_by_id(database_url: str) -> dict[int, Subscriber]:
    database = open_database(database_url)
    try:
        with database.session() as session:
            rows = {row.id: row for row in session.scalars(select(Subscriber))}
            session.expunge_all()
        assert current_revision(database.engine) == head_revision()
        return rows
    finally:
        database.dispose()


def test_case_duplicates_merge_into_the_oldest_that_still_receives_mail(database_url: str) -> None:
    engine = at_0015(database_url)
    with engine.begin() as connection:
        a_paper(connection)
        subscriber_row(connection, 1, "Ann@X.org", 0, '["westbury"]')  # oldest, but never confirmed
        subscriber_row(connection, 2, "ann@x.org", 5, '["northshire"]', confirmed=True)
        subscriber_row(
            connection,
            3,
            "ANN@X.ORG",
            9,
            '["eastmoor", "northshire"]',
            confirmed=True,
            queries='[{"query": "transport", "since": "2025-02-01T00:00:00+00:00"}]',
        )
        subscriber_row(connection, 4, "ann@x.org.uk", 1, confirmed=True)  # another address: untouched
        connection.execute(
            text(
                "INSERT INTO keyword_alerts (id, subscriber_id, document_id, query, created_at) VALUES (1, 3, 7, 'transport', :now)"
            ).bindparams(bindparam("now", type_=DateTime())),
            {"now": T0},
        )
        connection.execute(
            text(
                "INSERT INTO outbox (id, message_key, message_id, kind, subscriber_id, recipient, subject, raw, event_ids, "
                "state, attempts, created_at) VALUES (1, 'k1', '<k1@example.org>', 'alert', 3, 'ANN@X.ORG', 'News', 'raw', "
                "'[]', 'sent', 1, :now)"
            ).bindparams(bindparam("now", type_=DateTime())),
            {"now": T0},
        )
    engine.dispose()

    rows = rows_by_id(database_url)

    kept = rows[2]
    assert (kept.email, kept.email_key, kept.merged_into, kept.unsubscribed_at) == ("ann@x.org", "ann@x.org", None, None)
    assert kept.councils == ["northshire", "eastmoor"]  # the other confirmed row's councils, once each
    assert [item["query"] for item in kept.queries] == ["transport"]
    assert "westbury" not in kept.councils  # the unconfirmed row was sent nothing, so it adds nothing
    for merged in (rows[1], rows[3]):
        assert (merged.email_key, merged.merged_into) == (None, 2) and merged.unsubscribed_at is not None
    assert (rows[4].email_key, rows[4].merged_into, rows[4].unsubscribed_at) == ("ann@x.org.uk", None, None)
    database = open_database(database_url)
    try:
        with database.session() as session:  # nothing the subscribers' children held was lost
            assert [(a.subscriber_id, a.document_id) for a in session.scalars(select(KeywordAlert))] == [(2, 7)]
            assert session.get(OutboxMessage, 1).subscriber_id == 3
    finally:
        database.dispose()


def test_with_none_receiving_mail_the_oldest_is_kept_as_it_was(database_url: str) -> None:
    engine = at_0015(database_url)
    with engine.begin() as connection:
        subscriber_row(connection, 1, "desk@news.example", 3, '["northshire"]', confirmed=True, unsubscribed=True)
        subscriber_row(connection, 2, "Desk@News.example", 0, '["eastmoor"]', confirmed=True, suppressed=True)
    engine.dispose()

    rows = rows_by_id(database_url)

    assert (rows[2].email_key, rows[2].merged_into, rows[2].councils) == ("desk@news.example", None, ["eastmoor"])
    assert (rows[1].email_key, rows[1].merged_into, rows[1].councils) == (None, 2, ["northshire"])
    assert rows[1].unsubscribed_at == T0.replace(tzinfo=dt.timezone.utc)  # its own stop keeps its time


def test_the_key_is_the_one_unique_address_constraint(database_url: str) -> None:
    database = open_database(database_url)
    try:
        unique = inspect(database.engine).get_unique_constraints("subscribers")
        assert [item["column_names"] for item in unique] == []  # the exact-email constraint is gone
        with database.session() as session:
            session.add(Subscriber(email="Ann@x.org"))
        with pytest.raises(IntegrityError):
            with database.engine.begin() as connection:
                connection.execute(insert(Subscriber.__table__).values(email="ann@X.ORG", email_key="ann@x.org"))
        with database.session() as session:
            assert session.scalars(select(Subscriber.email_key)).all() == ["ann@x.org"]
    finally:
        database.dispose()


def test_a_downgrade_brings_back_the_exact_email_constraint_and_merged_rows_stay_stopped(database_url: str) -> None:
    engine = at_0015(database_url)
    with engine.begin() as connection:
        subscriber_row(connection, 1, "ann@x.org", 0, confirmed=True)
        subscriber_row(connection, 2, "Ann@x.org", 1, confirmed=True)
    upgrade(engine, database_url)
    config = alembic_config(database_url)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, BEFORE)
        connection.commit()

    assert current_revision(engine) == BEFORE
    inspector = inspect(engine)
    assert [item["column_names"] for item in inspector.get_unique_constraints("subscribers")] == [["email"]]
    assert {"email_key", "merged_into"}.isdisjoint(column["name"] for column in inspector.get_columns("subscribers"))
    with engine.connect() as connection:
        stopped = dict(connection.execute(text("SELECT id, unsubscribed_at IS NOT NULL FROM subscribers")).all())
    assert stopped == {1: False, 2: True}
    engine.dispose()
    assert rows_by_id(database_url)[1].email_key == "ann@x.org"  # and up again
