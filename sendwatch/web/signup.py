"""Double opt-in for web sign-ups, built on the alerts package's subscriptions and outbox.

Why not ``alerts.outbox.queue_confirmation`` as it stands: its link carries a token that never
expires, and it queues at most one confirmation per subscriber ever. The web needs a link that
expires and that carries the choices made on the form, so this module renders the same
``confirm`` email templates with its own link and queues it through ``alerts.outbox.enqueue``.

What a sign-up must never do: change an existing subscription before the owner of the address
confirms (the choices travel inside the signed link, and are applied only on confirmation), or
tell the person at the keyboard whether the address was known (the caller answers the same
either way).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.outbox import enqueue, links_for, message_key
from alerts.render import render_pair
from alerts.subscriptions import subscribe, subscriber_for_address
from sendwatch.core.config import Config
from sendwatch.core.storage.models import Council, OutboxMessage, Subscriber, utcnow
from sendwatch.web.security import SignupRequest, make_confirmation_token

DAY = dt.timedelta(days=1)


def request_subscription(
    session: Session,
    config: Config,
    secret: bytes,
    email: str,
    councils: list[str] | None,
    statuses: list[str] | None,
    frequency: str,
    now: dt.datetime | None = None,
    queries: list[str] | None = None,
) -> OutboxMessage | None:
    """Queue a confirmation email for this sign-up; None when the daily limit for the address is reached.

    A new address gets an unconfirmed subscriber row (which receives nothing); an existing one
    (in any case: "Ann@x.org" is "ann@x.org") is left exactly as it is until the link is
    followed. Sign-ups for one address at the same moment make one row between them, and the
    daily limit counts every confirmation either queued (``subscriber_for_address``).
    """
    now = now or utcnow()
    # One row per address however it is cased, and held from here to the commit: a second
    # sign-up for it at the same moment waits, then counts this one's confirmation too.
    subscriber, _ = subscriber_for_address(
        session,
        email,
        councils=councils,
        statuses=statuses,
        frequency=frequency,
        source="web",
        confirmed_at=None,
        created_at=now,
    )
    if confirmations_sent(session, subscriber, now - DAY) >= config.web.confirmations_per_day:
        return None
    request = SignupRequest(subscriber.id, subscriber.email, councils, statuses, frequency, now, queries or None)
    token = make_confirmation_token(secret, request)
    confirm_url = f"{config.web.base_url.rstrip('/')}/confirm?token={token}"
    links = links_for(config, subscriber, secret)
    subject = "Confirm your sendwatch subscription"
    html, text = render_pair(
        "confirm",
        subject=subject,
        email=subscriber.email,
        frequency=frequency,
        councils_text=councils_text(session, councils),
        queries=queries or [],
        confirm_url=confirm_url,
        links=links,
    )
    key = message_key("confirm", subscriber, "web", token)
    return enqueue(
        session,
        config,
        kind="confirm",
        key=key,
        subscriber=subscriber,
        subject=subject,
        html=html,
        text=text,
        links=links,
        now=now,
    )


def confirmations_sent(session: Session, subscriber: Subscriber, since: dt.datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.subscriber_id == subscriber.id, OutboxMessage.kind == "confirm", OutboxMessage.created_at > since
            )
        )
        or 0
    )


def confirm_subscription(session: Session, request: SignupRequest, now: dt.datetime | None = None) -> Subscriber:
    """Apply the choices carried by a valid confirmation link; the subscription starts now.

    Raises ``alerts.subscriptions.SubscriptionError`` if a chosen council no longer exists.
    """
    subscriber = subscribe(
        session,
        request.email,
        councils=request.councils,
        statuses=request.statuses,
        frequency=request.frequency,
        queries=request.queries,
        source="web",
        confirmed=True,
        smtputf8=True,  # checked at sign-up
    )
    subscriber.confirmed_at = now or utcnow()  # also marks this link (and older ones) as used
    session.flush()
    return subscriber


def councils_text(session: Session, slugs: list[str] | None) -> str:
    """The subject of "... changes status", always singular: 'Eastmoor County Council',
    'Northshire County Council or Eastshire Council', 'any council sendwatch watches'."""
    if not slugs:
        return "any council sendwatch watches"
    names = dict(session.execute(select(Council.slug, Council.name).where(Council.slug.in_(slugs))).all())
    chosen = [names.get(slug, slug) for slug in slugs]
    return chosen[0] if len(chosen) == 1 else ", ".join(chosen[:-1]) + " or " + chosen[-1]
