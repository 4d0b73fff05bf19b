"""Who gets which alerts: subscribers from config.yaml and from the database, and matching.

Config subscribers are mirrored into the database (``source='config'``) so every subscriber
has an id for tokens and outbox rows. The config owns those rows' choices (councils, statuses,
frequency), but never overrides a person's own "stop": an address that unsubscribed through a
link, or that the mail server rejected permanently, stays stopped until an operator
re-subscribes it with ``sendwatch subscribe``. An address the config lists that someone signed
up on the web and never confirmed becomes a config row (``sync_subscribers`` says why).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alerts.channels import check_notify_url, shown_target
from sendwatch.core.addresses import AddressError, check_address, same_address_key
from sendwatch.core.config import FIGURE_ALERT_LABELS, Config
from sendwatch.core.search.query import QueryError, parse_query
from sendwatch.core.storage.models import ChangeEvent, Council, OutboxMessage, Subscriber, utcnow
from sendwatch.core.storage.upsert import insert_missing, insert_new
from sendwatch.core.vocabulary import FREQUENCIES, STATUSES, SubscriberSource


class SubscriptionError(ValueError):
    """A subscription request that cannot be honoured (unknown council, status, frequency)."""


def sync_subscribers(session: Session, config: Config) -> None:
    """Mirror ``config.subscribers`` into the database; config rows no longer listed are stopped.

    Rows are matched by address key (``email_key``), so "Ann@x.org" in the config is the
    subscriber "ann@x.org" who signed up on the web, never a second row. Who owns that row:

    * a subscription its owner confirmed (a web sign-up whose link was followed, or one made
      with ``sendwatch subscribe``) keeps its own choices: the person chose them;
    * an unconfirmed one (a web sign-up whose link was never followed) is nobody's yet: whoever
      typed the address may not own it. The config is the operator's, so it is trusted: the row
      becomes a config row (``source='config'``), takes the config's choices (none of the form's
      are kept) and counts as confirmed by the config from now. The confirmation links already
      sent for it were issued before that, so they read as used (``web.security.superseded``)
      and can change nothing, and its confirmations still waiting in the outbox are not sent. A
      stop it has (an unsubscribe link followed, an address refused) stays, as for any row.

    Several commands may
    mirror them at once (a cycle beside ``sendwatch subscribers``, two commands on a new
    database): missing rows are inserted with "nothing if it is there already"
    (``storage.upsert.insert_missing`` on the key) and read back, so neither fails on a duplicate.
    """
    existing = _rows_by_key(session)
    missing: dict[str, dict[str, object]] = {}
    for configured in config.subscribers:
        address = configured.email or channel_address(configured.notify or [])
        key = same_address_key(address)
        if key not in existing:
            missing.setdefault(key, {"email": address, "email_key": key, "source": "config", "confirmed_at": utcnow()})
    if missing:
        insert_missing(session, Subscriber, missing.values(), key=["email_key"])
        existing = _rows_by_key(session, reread=True)
    listed: set[str] = set()
    for configured in config.subscribers:
        key = same_address_key(configured.email or channel_address(configured.notify or []))
        listed.add(key)
        row = existing[key]
        if row.source != "config":
            if row.confirmed_at is not None:
                continue  # someone subscribed this address themselves; their own choices stand
            _take_for_config(session, row)
        row.councils = None if configured.councils == "all" else list(configured.councils)
        row.statuses = list(configured.statuses) if configured.statuses else None
        row.frequency = configured.frequency
        row.queries = saved_queries(row.queries, configured.queries or [])
        row.figures_wanted = list(configured.figures) if configured.figures else None
        row.notify = list(configured.notify) if configured.notify else None
    for key, row in existing.items():
        if row.source == "config" and key not in listed and row.unsubscribed_at is None:
            row.unsubscribed_at = utcnow()
    session.flush()


def _take_for_config(session: Session, row: Subscriber) -> None:
    """An unconfirmed sign-up of an address the config lists becomes the config's, confirmed now
    (so its earlier confirmation links are spent); its confirmations not yet sent are dropped."""
    row.source = "config"
    row.confirmed_at = utcnow()
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.subscriber_id == row.id, OutboxMessage.kind == "confirm", OutboxMessage.state == "pending")
        .values(state="suppressed", last_error="not needed: the operator's config subscribes this address")
        .execution_options(synchronize_session=False)
    )


def _rows_by_key(session: Session, reread: bool = False) -> dict[str, Subscriber]:
    """Every subscriber by address key (rows merged into another have none, and are left out)."""
    query = select(Subscriber).where(Subscriber.email_key.is_not(None))
    if reread:
        query = query.execution_options(populate_existing=True)
    return {row.email_key: row for row in session.scalars(query) if row.email_key is not None}


def subscriber_for_address(session: Session, email: str, **new: object) -> tuple[Subscriber, bool]:
    """The subscriber of ``email`` (any case), inserted with the values ``new`` unless the
    address is there already; and whether this call inserted it.

    ``INSERT ... ON CONFLICT (email_key) DO NOTHING``: a sign-up racing another for the same
    address waits for the other's row and finds it, never a second row nor an IntegrityError.
    The row is then held until the transaction ends (PostgreSQL: ``FOR UPDATE``; SQLite: the
    insert took its one write lock), so what a caller counts on it (confirmations sent) cannot
    change under it: two sign-ups at once run their checks one after the other.
    """
    key = same_address_key(email)
    inserted = insert_new(session, Subscriber, {**new, "email": email, "email_key": key}, key=["email_key"])
    row = session.scalars(
        select(Subscriber).where(Subscriber.email_key == key).with_for_update().execution_options(populate_existing=True)
    ).one()
    return row, inserted


def subscribe(
    session: Session,
    email: str,
    councils: list[str] | None = None,
    statuses: list[str] | None = None,
    frequency: str = "immediate",
    source: SubscriberSource = "cli",
    confirmed: bool = True,
    smtputf8: bool = False,
    queries: list[str] | None = None,
    figures: list[str] | None = None,
    notify: list[str] | None = None,
) -> Subscriber:
    """Create or update a subscription; re-subscribing clears an earlier stop or suppression.

    Every choice is checked before anything is written, so a refused request changes nothing.
    ``smtputf8`` (``mail.smtputf8``): whether the relay can carry a non-ASCII local part.
    ``queries``: saved searches (keyword alerts); a query kept from before keeps its start.
    ``figures``: figure labels whose moves to alert on (``config.FIGURE_ALERT_LABELS``).
    ``notify``: Apprise URLs that get the same alerts, or the weekly digest (each checked with Apprise).
    ``figures`` and ``notify`` left None keep what the subscriber has (the web's manage page
    shows neither); an empty list clears them.
    """
    try:
        email = check_address(email, smtputf8=smtputf8)
    except AddressError as error:
        raise SubscriptionError(str(error)) from None
    if frequency not in FREQUENCIES:
        raise SubscriptionError(f"frequency must be one of {', '.join(FREQUENCIES)}, not {frequency!r}")
    for status in statuses or []:
        if status not in STATUSES:
            raise SubscriptionError(f"{status!r} is not a status; choose from {', '.join(STATUSES)}")
    if queries and frequency != "immediate":
        raise SubscriptionError("saved searches are alerted as papers arrive: use frequency immediate with a query")
    if figures and frequency != "immediate":
        raise SubscriptionError("figure alerts are sent as papers arrive: use frequency immediate with figures")
    for label in figures or []:
        if label not in FIGURE_ALERT_LABELS:
            raise SubscriptionError(f"{label!r} is not a figure label; choose from {', '.join(FIGURE_ALERT_LABELS)}")
    for query in queries or []:
        try:
            parse_query(query)
        except QueryError as error:
            raise SubscriptionError(f"cannot save the search {query!r}: {error}") from None
    urls = []
    for url in notify or []:
        try:
            urls.append(check_notify_url(url))
        except ValueError as error:
            raise SubscriptionError(f"cannot notify: {error}") from None
    if councils:
        known = set(session.scalars(select(Council.slug)))
        unknown = [slug for slug in councils if slug not in known]
        if unknown:
            raise SubscriptionError(f"unknown council slug(s): {', '.join(unknown)}")
    row, _ = subscriber_for_address(session, email)
    row.source = source
    row.councils = list(dict.fromkeys(councils)) if councils else None
    row.statuses = list(dict.fromkeys(statuses)) if statuses else None
    row.frequency = frequency
    row.queries = saved_queries(row.queries, queries or [])
    if figures is not None:
        row.figures_wanted = list(dict.fromkeys(figures)) or None
    if notify is not None:
        row.notify = list(dict.fromkeys(urls)) or None
    row.unsubscribed_at = None
    row.suppressed_at = None
    row.suppressed_reason = None
    if confirmed and row.confirmed_at is None:
        row.confirmed_at = utcnow()
    session.flush()
    return row


def saved_queries(stored: list[dict] | None, wanted: list[str], now: dt.datetime | None = None) -> list[dict] | None:
    """The saved searches ``wanted``, each with the time it was first saved: a search kept from
    ``stored`` keeps its time, a new one starts ``now`` (papers first seen before it started are
    never alerted on). None when there are none."""
    started = {item["query"]: item["since"] for item in stored or [] if isinstance(item, dict) and "query" in item}
    moment = (now or utcnow()).isoformat()
    chosen = [
        {"query": query, "since": started.get(query, moment)} for query in dict.fromkeys(q.strip() for q in wanted) if query
    ]
    return chosen or None


def unsubscribe(session: Session, email: str) -> bool:
    """Stop all mail to ``email``; False when there was no such subscriber."""
    row = find_subscriber(session, email)
    if row is None:
        return False
    if row.unsubscribed_at is None:
        row.unsubscribed_at = utcnow()
    session.flush()
    return True


def find_subscriber(session: Session, email: str) -> Subscriber | None:
    """The subscriber with this address, compared case-insensitively (by ``email_key``)."""
    return session.scalars(select(Subscriber).where(Subscriber.email_key == same_address_key(email))).first()


def subscriber_of_link(session: Session, subscriber_id: int, email: str) -> Subscriber | None:
    """The subscriber a signed link (unsubscribe, manage, confirm) leads to: the row it names,
    if it still has the address the link was made for (``email``, lower case), or the row that
    one was merged into (``merged_into``), so links in old emails to a duplicate reach the
    subscriber kept. None when there is no such row any more."""
    row = session.get(Subscriber, subscriber_id)
    if row is None or row.email.lower() != email:
        return None
    seen = {row.id}
    while row.merged_into is not None and row.merged_into not in seen:
        kept = session.get(Subscriber, row.merged_into)
        if kept is None:
            break
        seen.add(kept.id)
        row = kept
    return row


# Config subscribers that are only Apprise channels (``notify`` without ``email``) are stored under
# an address in the reserved ``.invalid`` domain, which no email is ever sent to.
CHANNEL_DOMAIN = "channels.sendwatch.invalid"


def channel_address(urls: list[str]) -> str:
    """The stored address of a channel-only subscriber: fixed by its URLs."""
    return f"notify-{hashlib.sha256(chr(10).join(urls).encode()).hexdigest()[:16]}@{CHANNEL_DOMAIN}"


def wants_email(subscriber: Subscriber) -> bool:
    """Whether this subscriber's alerts go by email (not a channel-only subscriber)."""
    return not subscriber.email.lower().endswith("@" + CHANNEL_DOMAIN)


def is_active(subscriber: Subscriber) -> bool:
    """Confirmed, not unsubscribed, not suppressed by a permanent delivery failure."""
    return subscriber.confirmed_at is not None and subscriber.unsubscribed_at is None and subscriber.suppressed_at is None


def active_subscribers(session: Session, frequency: str) -> list[Subscriber]:
    rows = session.scalars(select(Subscriber).where(Subscriber.frequency == frequency).order_by(Subscriber.id))
    return [row for row in rows if is_active(row)]


def wants(subscriber: Subscriber, council_slug: str, new_status: str) -> bool:
    """Does this subscription cover a change of ``council_slug`` to ``new_status``?"""
    if subscriber.councils is not None and council_slug not in subscriber.councils:
        return False
    return subscriber.statuses is None or new_status in subscriber.statuses


@dataclass(frozen=True)
class SubscriberView:
    """A subscriber as listed by ``sendwatch subscribers``."""

    email: str
    councils: str
    statuses: str
    frequency: str
    source: str
    state: str
    queries: str = ""
    # Where notifications also go: each Apprise URL's scheme and host only (the rest can hold tokens).
    notify: str = ""


def list_subscribers(session: Session) -> list[SubscriberView]:
    views = []
    for row in session.scalars(select(Subscriber).order_by(Subscriber.email)):
        if row.merged_into is not None:
            state = "merged into another subscriber of the same address"
        elif row.suppressed_at:
            state = f"suppressed ({(row.suppressed_reason or '').strip()[:60]})"
        elif row.unsubscribed_at:
            state = "unsubscribed"
        elif row.confirmed_at is None:
            state = "awaiting confirmation"
        else:
            state = "active"
        views.append(
            SubscriberView(
                email=row.email,
                councils="all" if row.councils is None else ", ".join(row.councils),
                statuses="every change" if row.statuses is None else ", ".join(row.statuses),
                frequency=row.frequency,
                queries="; ".join(item["query"] for item in row.queries or []),
                notify=", ".join(shown_target(url) for url in row.notify or []),
                source=row.source,
                state=state,
            )
        )
    return views


def matching_events(subscriber: Subscriber, events: list[ChangeEvent], slugs: dict[int, str]) -> list[ChangeEvent]:
    """The events of ``events`` this subscriber asked to hear about."""
    return [event for event in events if wants(subscriber, slugs[event.council_id], event.new_status)]
