"""Sign-ups for one address at the same moment: one subscriber, and the confirmation cap holds.

Each test holds two sign-ups together at their insert into ``subscribers`` (``in_step``), so
both have asked "is this address known?" before either has written: the race met every time.
"""

from __future__ import annotations

import threading

from sqlalchemy import select
from web_support import SECRET

from sendwatch.core.storage.models import OutboxMessage, Subscriber
from sendwatch.web.signup import request_subscription
from tests.support.in_step import in_step


def sign_ups_at_once(database_url: str, config, addresses: list[str]) -> list[OutboxMessage | None]:  # type: ignore[no-untyped-def]
    """One sign-up per address, all at once; what each queued (None: over the cap)."""
    waiting = list(addresses)
    queued: list[OutboxMessage | None] = []
    lock = threading.Lock()

    def sign_up(session) -> None:  # type: ignore[no-untyped-def]
        with lock:
            address = waiting.pop()
        message = request_subscription(session, config, SECRET.encode(), address, None, None, "immediate")
        with lock:
            queued.append(message)

    errors = in_step(database_url, "subscribers", sign_up, actors=len(addresses))
    assert not errors, errors  # no IntegrityError (or anything else) reached either sign-up
    return queued


def stored(database) -> tuple[list[Subscriber], list[OutboxMessage]]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        subscribers = session.scalars(select(Subscriber)).all()
        confirmations = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "confirm")).all()
        session.expunge_all()
    return list(subscribers), list(confirmations)


def test_two_sign_ups_at_once_for_one_address_in_different_cases_make_one_subscriber(write_config, database, database_url):
    _, config = write_config({"database": database_url})

    queued = sign_ups_at_once(database_url, config, ["Ann@x.org", "ann@x.org"])

    [subscriber], confirmations = stored(database)
    assert subscriber.email in ("Ann@x.org", "ann@x.org") and subscriber.email_key == "ann@x.org"
    assert subscriber.confirmed_at is None and subscriber.source == "web"
    assert len(confirmations) == 2 and {row.subscriber_id for row in confirmations} == {subscriber.id}
    assert all(message is not None for message in queued)  # each was answered with its own link


def test_the_confirmation_cap_holds_for_a_new_address_signed_up_twice_at_once(write_config, database, database_url):
    _, config = write_config({"database": database_url, "web": {"confirmations_per_day": 1}})

    queued = sign_ups_at_once(database_url, config, ["Ann@x.org", "ANN@X.ORG"])

    [subscriber], confirmations = stored(database)
    assert [row.subscriber_id for row in confirmations] == [subscriber.id]  # one, not one each
    assert sorted(message is None for message in queued) == [False, True]


def test_the_confirmation_cap_holds_when_a_known_address_is_signed_up_twice_at_once(write_config, database, database_url):
    _, config = write_config({"database": database_url, "web": {"confirmations_per_day": 2}})
    with database.session() as session:  # one confirmation already today: room for one more
        request_subscription(session, config, SECRET.encode(), "ann@x.org", None, None, "weekly")

    queued = sign_ups_at_once(database_url, config, ["Ann@x.org", "ann@X.org"])

    [subscriber], confirmations = stored(database)
    assert len(confirmations) == 2 and {row.subscriber_id for row in confirmations} == {subscriber.id}
    assert sorted(message is None for message in queued) == [False, True]
    assert subscriber.frequency == "weekly"  # a sign-up changes nothing before its link is followed
