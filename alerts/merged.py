"""Messages queued for a subscriber that was later merged into another row of the same address.

Migration ``0016_one_subscriber_per_address`` merged rows whose addresses differ only in case:
the row kept took on the choices of each merged row that still received mail, and the merged
rows were unsubscribed and point at it (``merged_into``). Their messages already queued are the
same person's alerts, so the sender must not drop them as "unsubscribed" (an alert lost), nor
send one the kept row has already been sent (an alert twice). At claim time, for each such row:

* the kept row is found by following ``merged_into`` (a loop, or a row gone, finds none);
* it must still receive mail, and its choices must cover the message: each status change it
  reports is one the kept row wants (its councils and statuses, which 0016 widened with those
  of every merged row that still received mail, so a row that had stopped on its own passes on
  nothing it alone asked for), and a notification's URL is one of the kept row's;
* it must not already have the same news, queued or sent (``same_news``);
* then the row is re-pointed at the kept row (``subscriber_id``, ``recipient``), in the claim's
  transaction, so a refusal of the address suppresses the row kept; else the reason it is not
  sent is returned, and the sender records it (``suppressed``, with that reason).

Why at send time, not in a migration: the decision needs the kept row's state when the message
leaves (it may have unsubscribed since), and the sender sees every row whatever queued it (a
``sendwatch mail --retry`` of one dropped before this existed is delivered or found duplicate
the same way). The message itself is left as it was queued: its To header names the merged
row's spelling of the same address, and its links lead to the kept row
(``alerts.subscriptions.subscriber_of_link``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.channels import APPRISE
from alerts.outbox import week_id
from alerts.subscriptions import is_active, wants, wants_email
from sendwatch.core.storage.models import ChangeEvent, Council, KeywordAlert, OutboxMessage, Subscriber

# States in which a message has been, or may yet be, delivered: a copy in one of them is news the
# kept row has or will have. (A failed or suppressed copy never reached anyone.)
LIVE = ("pending", "claimed", "sending", "sent", "ambiguous")


def kept_subscriber(session: Session, subscriber: Subscriber) -> Subscriber | None:
    """The row ``subscriber`` was merged into, following ``merged_into`` to the end; None when
    the chain loops or leads to a row that is gone (then no row was kept for it)."""
    seen = {subscriber.id}
    row = subscriber
    while row.merged_into is not None:
        if row.merged_into in seen:
            return None
        seen.add(row.merged_into)
        found = session.get(Subscriber, row.merged_into)
        if found is None:
            return None
        row = found
    return row if row is not subscriber else None


def redirect_merged(session: Session, message: OutboxMessage, merged: Subscriber) -> str | None:
    """Re-point ``message``, queued for the merged row ``merged``, at the row kept, and return
    None; or return why it is not to be sent (the module docstring gives the rules)."""
    kept = kept_subscriber(session, merged)
    if kept is None:
        return "unsubscribed: merged into another subscriber of the same address, and no row kept for it was found"
    # Held to the end of the claim: a drain claiming another copy of this news for the same row at
    # the same moment waits, then sees this one re-pointed (and records its own as the duplicate).
    session.refresh(kept, with_for_update=True)
    if not is_active(kept):
        return f"unsubscribed: merged into subscriber {kept.id} of the same address, which receives no mail"
    if not _covers(session, kept, message):
        return f"unsubscribed: merged into subscriber {kept.id} of the same address, whose choices do not cover it"
    copy = _copy_for(session, kept, message)
    if copy is not None:
        return f"duplicate: subscriber {kept.id}, into which this one was merged, has the same {message.kind} (message {copy})"
    message.subscriber_id = kept.id
    if message.channel != APPRISE:
        message.recipient = kept.email
    session.flush()
    return None


def _covers(session: Session, kept: Subscriber, message: OutboxMessage) -> bool:
    """Whether the kept row's choices take this message: its channel, and each status change."""
    if message.channel == APPRISE:
        if message.target not in (kept.notify or []):
            return False
    elif not wants_email(kept):
        return False
    changes = session.execute(
        select(Council.slug, ChangeEvent.new_status)
        .join(Council, Council.id == ChangeEvent.council_id)
        .where(ChangeEvent.id.in_(message.event_ids or []))
    ).all()
    return all(wants(kept, slug, status) for slug, status in changes)


def _copy_for(session: Session, kept: Subscriber, message: OutboxMessage) -> int | None:
    """The id of a message of the kept row carrying the same news as ``message``, queued or sent."""
    others = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.subscriber_id == kept.id,
            OutboxMessage.id != message.id,
            OutboxMessage.kind == message.kind,
            OutboxMessage.state.in_(LIVE),
        )
    )
    return next((other.id for other in others if same_news(session, message, other)), None)


def same_news(session: Session, one: OutboxMessage, other: OutboxMessage) -> bool:
    """Whether two outbox rows carry the same news by the same way, as far as the outbox records it.

    The outbox de-duplicates by ``message_key``, made from the kind, the subscriber and what the
    message carries (its status changes, figure moves and papers; a digest's week), so two
    subscribers' copies never share a key. What each row keeps of that identity is compared
    instead: the kind, channel and target; a digest's ISO week (of ``created_at``, the digest
    job's time); an alert's status changes (``event_ids``), the papers its saved searches found
    (``keyword_alerts.outbox_id``) and its subject, which names the figure moves of an alert
    without a status change. A copy that differs in any of these is not the same news.
    """
    if (one.kind, one.channel, one.target) != (other.kind, other.channel, other.target):
        return False
    if one.kind == "digest":
        return week_id(one.created_at) == week_id(other.created_at)
    if one.kind != "alert":
        return False  # confirmations are each their own
    return (
        set(one.event_ids or []) == set(other.event_ids or [])
        and one.subject == other.subject
        and _papers(session, one.id) == _papers(session, other.id)
    )


def _papers(session: Session, message_id: int) -> set[int]:
    return set(session.scalars(select(KeywordAlert.document_id).where(KeywordAlert.outbox_id == message_id)))
