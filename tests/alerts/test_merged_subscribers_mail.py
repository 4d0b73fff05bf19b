"""Mail queued for a subscriber before migration 0016 merged it into another row of the same address.

Each test makes the state a deployment had: two rows of one address in different cases (the
schema before 0016), upgraded (the rows merged), and messages in the outbox for both, then
drains it through a real SMTP server. The merged row's alerts reach the row kept, once.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib

from sqlalchemy import DateTime, bindparam, select, text, update

from alerts import send_pending
from alerts.digest import queue_digests
from alerts.outbox import change_views, enqueue, links_for, message_key
from alerts.render import render_alert
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database
from sendwatch.core.storage.db import make_engine, upgrade
from sendwatch.core.storage.models import ChangeEvent, Council, OutboxMessage, Subscriber, utcnow

T0 = dt.datetime(2025, 3, 1, 9, 0)
KEPT, MERGED = 1, 2


def two_rows_of_one_address(database_url: str, merged_councils: str, merged_stopped: bool = False, frequency: str = "immediate"):  # type: ignore[no-untyped-def]
    """'ann@x.org' (northshire, the oldest: kept) and 'Ann@X.org' (``merged_councils``) as the schema
    before 0016 held them, then migrated: the second is merged into the first. Returns the database."""
    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0015_one_digest_per_week")
    with engine.begin() as connection:
        for id, email, councils, minutes, stopped in (
            (KEPT, "ann@x.org", '["northshire"]', 0, False),
            (MERGED, "Ann@X.org", merged_councils, 5, merged_stopped),
        ):
            connection.execute(
                text(
                    "INSERT INTO subscribers (id, email, councils, frequency, source, confirmed_at, unsubscribed_at, created_at) "
                    "VALUES (:id, :email, :councils, :frequency, 'web', :confirmed, :stopped, :created)"
                ).bindparams(*(bindparam(name, type_=DateTime()) for name in ("confirmed", "stopped", "created"))),
                {
                    "id": id,
                    "email": email,
                    "councils": councils,
                    "frequency": frequency,
                    "confirmed": T0,
                    "stopped": T0 if stopped else None,
                    "created": T0 + dt.timedelta(minutes=minutes),
                },
            )
    engine.dispose()
    return open_database(database_url)  # migrated to the head: 0016 merges the two


def a_change(session, slug: str) -> ChangeEvent:  # type: ignore[no-untyped-def]
    council = session.scalars(select(Council).where(Council.slug == slug)).one()
    event = ChangeEvent(
        event_key=hashlib.sha256(f"merged-{slug}".encode()).hexdigest(),
        council_id=council.id,
        old_status="sv_on_track",
        new_status="ems",
        since=dt.date(2025, 2, 13),
        is_baseline=False,
        evidence=[],
        figures=[],
    )
    session.add(event)
    session.flush()
    return event


def queued_alert(session, config, subscriber_id: int, event: ChangeEvent) -> int:  # type: ignore[no-untyped-def]
    """The alert ``queue_alerts`` wrote for this subscriber and change, as it wrote it."""
    subscriber = session.get(Subscriber, subscriber_id)
    links = links_for(config, subscriber)
    subject, html, text_body = render_alert(config, change_views(session, config, [event]), links)
    row = enqueue(
        session,
        config,
        kind="alert",
        key=message_key("alert", subscriber, event.event_key),
        subscriber=subscriber,
        subject=subject,
        html=html,
        text=text_body,
        links=links,
        event_ids=[event.id],
    )
    assert row is not None
    return row.id


def outcome(database, message_id: int) -> tuple[str, int | None, str, str | None]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        row = session.get(OutboxMessage, message_id)
        return row.state, row.subscriber_id, row.recipient, row.last_error


def test_an_alert_queued_for_the_merged_row_is_delivered_to_the_row_kept(smtp_config, smtp_server, database_url):
    database = two_rows_of_one_address(database_url, '["westbury"]')
    _, config = smtp_config()
    try:
        with database.session() as session:
            sync_councils(session, config)
            own = queued_alert(session, config, KEPT, a_change(session, "northshire"))
            merged = queued_alert(session, config, MERGED, a_change(session, "westbury"))  # news only the merged row chose

        summary = send_pending(config, database)

        assert summary.sent == 2 and summary.suppressed == 0
        assert outcome(database, merged) == ("sent", KEPT, "ann@x.org", None)  # now the kept row's: a refusal suppresses it
        assert outcome(database, own)[0] == "sent"
        [westbury] = [item for item in smtp_server.handler.to("ann@x.org") if "Westbury" in str(item.message["Subject"])]
        assert "enhanced monitoring" in westbury.message.get_body(("plain",)).get_content().lower()
    finally:
        database.dispose()


def test_the_same_alert_queued_for_both_rows_is_sent_once_and_the_merged_copy_recorded_as_a_duplicate(
    smtp_config, smtp_server, database_url
):
    database = two_rows_of_one_address(database_url, '["northshire"]')
    _, config = smtp_config()
    try:
        with database.session() as session:
            sync_councils(session, config)
            event = a_change(session, "northshire")
            merged = queued_alert(session, config, MERGED, event)  # queued first: the older row id
            own = queued_alert(session, config, KEPT, event)

        summary = send_pending(config, database)

        assert summary.sent == 1
        assert outcome(database, own)[0] == "sent"
        state, subscriber_id, _, reason = outcome(database, merged)
        assert (state, subscriber_id) == ("suppressed", MERGED)
        assert reason.startswith("duplicate:") and f"message {own}" in reason
        assert len(smtp_server.handler.message_ids()) == 1
    finally:
        database.dispose()


def test_a_copy_already_sent_to_the_row_kept_makes_the_merged_one_a_duplicate(smtp_config, smtp_server, database_url):
    database = two_rows_of_one_address(database_url, '["northshire"]')
    _, config = smtp_config()
    try:
        with database.session() as session:
            sync_councils(session, config)
            event = a_change(session, "northshire")
            own = queued_alert(session, config, KEPT, event)
        assert send_pending(config, database).sent == 1
        with database.session() as session:
            merged = queued_alert(session, config, MERGED, event)  # e.g. retried by hand after the first drain

        again = send_pending(config, database)

        assert again.sent == 0 and again.suppressed == 1
        assert outcome(database, merged)[3].startswith("duplicate:")
        assert collections.Counter(smtp_server.handler.message_ids()) == {outcome_id(database, own): 1}
    finally:
        database.dispose()


def outcome_id(database, message_id: int) -> str:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return session.get(OutboxMessage, message_id).message_id


def test_a_weekly_digest_queued_for_the_merged_row_reaches_the_row_kept_once(smtp_config, smtp_server, database_url):
    database = two_rows_of_one_address(database_url, '["westbury"]', frequency="weekly")
    _, config = smtp_config()
    now = utcnow()
    try:
        with database.session() as session:
            sync_councils(session, config)
            merged_row = session.get(Subscriber, MERGED)
            merged_row.unsubscribed_at = None  # queue the week's digest as it was before the merge, then merge again
            assert queue_digests(session, config, now) == 2
            merged_row.unsubscribed_at = now
            [merged, own] = session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.subscriber_id.desc())).all()

        summary = send_pending(config, database, now=now)

        assert summary.sent == 1
        assert outcome(database, own)[0] == "sent"
        assert outcome(database, merged)[3].startswith("duplicate:")  # one digest per person per week

        with database.session() as session:  # the kept row had none this week: the merged row's is its
            session.execute(update(OutboxMessage).where(OutboxMessage.id == own).values(state="failed"))
            session.execute(update(OutboxMessage).where(OutboxMessage.id == merged).values(state="pending", last_error=None))
        assert send_pending(config, database, now=now).sent == 1
        assert outcome(database, merged)[:3] == ("sent", KEPT, "ann@x.org")
    finally:
        database.dispose()


def test_an_alert_of_a_row_that_had_stopped_before_the_merge_is_not_passed_on(smtp_config, smtp_server, database_url):
    database = two_rows_of_one_address(database_url, '["westbury"]', merged_stopped=True)
    _, config = smtp_config()
    try:
        with database.session() as session:
            sync_councils(session, config)
            merged = queued_alert(session, config, MERGED, a_change(session, "westbury"))

        summary = send_pending(config, database)

        assert (summary.sent, summary.suppressed) == (0, 1)
        state, subscriber_id, _, reason = outcome(database, merged)
        assert (state, subscriber_id) == ("suppressed", MERGED) and "do not cover" in reason
        assert smtp_server.handler.message_ids() == []
    finally:
        database.dispose()


def test_merged_rows_that_point_at_each_other_deliver_nothing_and_say_why(smtp_config, smtp_server, database_url):
    database = two_rows_of_one_address(database_url, '["northshire"]')
    _, config = smtp_config()
    try:
        with database.session() as session:
            sync_councils(session, config)
            merged = queued_alert(session, config, MERGED, a_change(session, "northshire"))
            session.execute(update(Subscriber).where(Subscriber.id == KEPT).values(merged_into=MERGED, email_key=None))

        summary = send_pending(config, database)

        assert (summary.sent, summary.suppressed) == (0, 1)
        assert "no row kept" in outcome(database, merged)[3]
    finally:
        database.dispose()
