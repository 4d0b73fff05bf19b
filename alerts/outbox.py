"""Write the messages to send into the outbox, in the caller's transaction.

Why an outbox: an alert must exist exactly when its change event exists. Writing both in one
transaction means a crash either keeps both (and the sender will deliver it) or neither (and the
next cycle recomputes the same event). Every row has a ``message_key`` derived from what it is
(kind, subscriber, events or week), unique in the table, and a Message-ID fixed from that key,
so queueing the same thing twice is a no-op and a resend would carry the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence

import jinja2
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from alerts.channels import APPRISE, notification_payload, shown_target
from alerts.figures import figure_views, wants_figure
from alerts.keywords import keyword_matches, record_keyword_alerts
from alerts.render import (
    ChangeView,
    Links,
    build_message,
    message_id_for,
    raw_message,
    render_alert,
    render_alert_notification,
    subscriber_links,
)
from alerts.subscriptions import active_subscribers, matching_events, wants_email
from sendwatch.core.config import Config
from sendwatch.core.formatting import header_text
from sendwatch.core.money import clean_figure, labelled
from sendwatch.core.storage.models import ChangeEvent, Council, FigureChange, OutboxMessage, Subscriber, utcnow
from sendwatch.core.storage.upsert import insert_new
from sendwatch.core.tokens import make_token, signing_secret

log = logging.getLogger(__name__)


def message_key(kind: str, subscriber: Subscriber, *parts: object) -> str:
    """The identity of one message: what it is and to whom, never when it was made."""
    text = "\n".join([kind, str(subscriber.id), subscriber.email.lower(), *map(str, parts)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def week_id(now: dt.datetime) -> str:
    """'2026-W47': the ISO week a digest belongs to, so each person gets one per week."""
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def links_for(config: Config, subscriber: Subscriber, secret: bytes | None = None) -> Links:
    secret = secret if secret is not None else signing_secret(config)
    return subscriber_links(
        config,
        make_token(secret, subscriber.id, subscriber.email, "unsubscribe"),
        make_token(secret, subscriber.id, subscriber.email, "manage"),
    )


def enqueue(
    session: Session,
    config: Config,
    *,
    kind: str,
    key: str,
    subscriber: Subscriber,
    subject: str,
    html: str,
    text: str,
    links: Links | None,
    event_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Add one message to the outbox unless a message with this key is already there."""
    if session.scalars(select(OutboxMessage.id).where(OutboxMessage.message_key == key)).first() is not None:
        return None
    now = now or utcnow()
    message_id = message_id_for(config, key)
    message = build_message(
        config, to=subscriber.email, subject=subject, html=html, text=text, message_id=message_id, links=links, now=now
    )
    row = OutboxMessage(
        message_key=key,
        message_id=message_id,
        kind=kind,
        subscriber_id=subscriber.id,
        recipient=subscriber.email,
        subject=str(message["Subject"]),
        raw=raw_message(message),
        event_ids=list(event_ids or []),
        state="pending",
        attempts=0,
        created_at=now,
    )
    return _add_once(session, row)


def _add_once(session: Session, row: OutboxMessage) -> OutboxMessage | None:
    """Store the row unless its key is there: the check above is only the quick way out, since
    two jobs queueing at once may both find the key free (then one adds it, the other nothing).
    Its Message-ID, unique too, is made from the key, so either column may be the one to clash."""
    values = {column.key: getattr(row, column.key) for column in inspect(OutboxMessage).column_attrs}
    given = {name: value for name, value in values.items() if value is not None}  # the rest take their defaults
    if not insert_new(session, OutboxMessage, given, key=()):
        return None
    return session.scalars(select(OutboxMessage).where(OutboxMessage.message_key == row.message_key)).one()


def each_sentence_once(evidence: list[dict]) -> list[dict]:
    """Evidence with each sentence once (the same words in an agenda pack and in its report)."""
    seen: set[str] = set()
    kept = []
    for item in evidence:
        key = " ".join(str(item.get("quote") or "").lower().split())
        if key in seen:
            continue
        seen.add(key)
        kept.append(item)
    return kept


def change_views(session: Session, config: Config, events: list[ChangeEvent]) -> list[ChangeView]:
    """Events as the templates show them, with council names and links."""
    councils = {c.id: c for c in session.scalars(select(Council).where(Council.id.in_({e.council_id for e in events})))}
    base = config.web.base_url.rstrip("/")
    views = []
    for event in events:
        council = councils[event.council_id]
        views.append(
            ChangeView(
                council_name=council.name,
                council_slug=council.slug,
                old_status=event.old_status,
                new_status=event.new_status,
                since=event.since,
                evidence=each_sentence_once(event.evidence or []),
                figures=[clean_figure(figure) for figure in labelled(event.figures or [])],
                papers_url=council.base_url,
                council_page=f"{base}/councils/{council.slug}",
            )
        )
    return views


def queue_alerts(
    session: Session,
    config: Config,
    events: list[ChangeEvent],
    now: dt.datetime | None = None,
    figure_changes: Sequence[FigureChange] = (),
) -> list[OutboxMessage]:
    """One email per immediate subscriber covering all of this cycle's changes they asked for: status
    changes, figure moves of the labels they opted into (``alerts.figures``), and the new papers
    their saved searches find (``alerts.keywords``, recorded in this transaction)."""
    events = [event for event in events if not event.is_baseline]
    subscribers = active_subscribers(session, "immediate")
    if not events and not figure_changes and not any(subscriber.queries for subscriber in subscribers):
        return []
    moves = figure_views(session, list(figure_changes))
    slugs = dict(session.execute(select(Council.id, Council.slug)).all())
    secret = signing_secret(config)
    queued = []
    views = {event.id: view for event, view in zip(events, change_views(session, config, events))}
    for subscriber in subscribers:
        chosen = sorted(matching_events(subscriber, events, slugs), key=lambda e: e.id)
        papers = keyword_matches(session, subscriber)
        figures = [change for change in figure_changes if wants_figure(subscriber, slugs[change.council_id], change)]
        if not chosen and not papers and not figures:
            continue
        key = message_key(
            "alert",
            subscriber,
            *(event.event_key for event in chosen),
            *(f"figure:{change.event_key}" for change in figures),
            *(f"paper:{match.document_id}" for match in papers),
        )
        links = links_for(config, subscriber, secret)
        content = ([views[event.id] for event in chosen], links)
        rows: list[OutboxMessage | None] = []
        try:
            subject, html, text = render_alert(config, *content, papers=papers, figures=[moves[c.id] for c in figures])
            if wants_email(subscriber):
                rows.append(
                    enqueue(
                        session,
                        config,
                        kind="alert",
                        key=key,
                        subscriber=subscriber,
                        subject=subject,
                        html=html,
                        text=text,
                        links=links,
                        event_ids=[event.id for event in chosen],
                        now=now,
                    )
                )
            if subscriber.notify:
                markdown, plain = render_alert_notification(
                    config, *content, papers=papers, figures=[moves[c.id] for c in figures]
                )
                for url in subscriber.notify:
                    rows.append(
                        enqueue_notification(
                            session,
                            config,
                            key=message_key("alert", subscriber, key, "apprise", url),
                            subscriber=subscriber,
                            url=url,
                            title=subject,
                            markdown=markdown,
                            text=plain,
                            event_ids=[event.id for event in chosen],
                            now=now,
                        )
                    )
        except (ValueError, UnicodeError, jinja2.TemplateError) as error:
            # One subscriber's unusable address or a template fault must not cost everyone else their alert.
            log.error("cannot build the alert for subscriber %s: %s", subscriber.id, error)
            continue
        made = [row for row in rows if row is not None]
        if made:
            record_keyword_alerts(session, subscriber, papers, made[0])
            queued.extend(made)
    return queued


def enqueue_notification(
    session: Session,
    config: Config,
    *,
    key: str,
    subscriber: Subscriber,
    url: str,
    kind: str = "alert",
    title: str,
    markdown: str,
    text: str,
    event_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Add one Apprise notification to the outbox unless one with this key is already there."""
    if session.scalars(select(OutboxMessage.id).where(OutboxMessage.message_key == key)).first() is not None:
        return None
    row = OutboxMessage(
        message_key=key,
        message_id=message_id_for(config, key),
        kind=kind,
        channel=APPRISE,
        target=url,
        subscriber_id=subscriber.id,
        recipient=shown_target(url),
        subject=header_text(title),
        raw=notification_payload(header_text(title), markdown, text),
        event_ids=list(event_ids or []),
        state="pending",
        attempts=0,
        created_at=now or utcnow(),
    )
    return _add_once(session, row)
