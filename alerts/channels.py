"""Delivery beyond email: Apprise URLs (Slack, Teams, Discord, Telegram, Matrix, JSON webhooks...).

An outbox row's ``channel`` says how it leaves: ``email`` rows go through the mail transport,
``apprise`` rows through ``AppriseTransport`` to the URL in ``target``. Both kinds are claimed,
retried with backoff and settled by the same drain (``alerts.sender``), so a notification has
the same guarantees as an email: written in the transaction of its events, never in two drains,
retried on temporary failure, never sent twice.

An Apprise row's ``raw`` holds its title and its body twice, as Markdown and as plain text, and
each URL is sent the one its service shows best (``body_for``). Apprise turns Markdown into HTML
for HTML services, but hands it unchanged to a service that shows text (SMS, syslog, ntfy...),
whose readers would see backslashes, ``**`` and ``[text](url)``: those get the plain text, with
every link written out (but for the chat apps that render Markdown though Apprise declares them
text, ``MARKDOWN_APPS``: plain text there could let a paper's words make a link). A generic
webhook (``json://``, ``form://``, ``xml://``) tells its receiver nothing about the body's
format, so it gets plain text too unless its URL asks for ``format=markdown`` or ``format=html``.

Apprise reports only "sent" or "not sent", so its log of the attempt is read: an HTTP answer
that is not a success (503 ...) or a refused connection was certainly not delivered (retried
later); a request that timed out waiting for the answer may have been delivered (ambiguous,
never resent blindly, as for SMTP).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from alerts.transports import OutcomeUnknown, PermanentFailure, TemporaryFailure, Transport, Withdrawn
from sendwatch.core.storage.models import OutboxMessage

APPRISE = "apprise"
_READ_TIMEOUT = re.compile(r"read timed out|timed out while reading", re.IGNORECASE)


def notification_payload(title: str, markdown: str, text: str) -> str:
    """What an Apprise row's ``raw`` holds."""
    return json.dumps({"title": title, "markdown": markdown, "text": text}, ensure_ascii=False)


# Apprise's generic webhooks: they pass on whatever format they are given, and say nothing of it.
GENERIC_WEBHOOKS = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})

# Services Apprise declares text-only whose own apps render Markdown all the same, links included:
# plain text there would let a paper's ``[words](url)`` become a link, so they get the escaped Markdown.
MARKDOWN_APPS = frozenset({"mmost", "mmosts", "zulip", "ryver", "nctalk", "nctalks", "humhub", "humhubs", "misskey", "misskeys"})

Body = Literal["markdown", "text"]


@dataclass(frozen=True)
class Reach:
    """What sendwatch must know of one URL's service to write for it."""

    body: Body  # which of the row's two bodies it is sent
    max_chars: int  # the most one message holds (Apprise's ``body_maxlen``)
    title_in_body: bool  # the service has no title of its own: the title is written into the body


def reach_of(service: Any, url: str) -> Reach:
    """How to write for an instantiated Apprise service (``apprise.Apprise.instantiate(url)``).

    The format is Apprise's own choice for a Markdown body (``resolve_format``; the single
    ``notify_format`` of older Apprise): a service that would get the Markdown as text gets
    our plain text instead. Without ``format=`` in its URL, a generic webhook gets plain text
    and one of the ``MARKDOWN_APPS`` the Markdown."""
    import apprise

    markdown = apprise.NotifyFormat.MARKDOWN
    scheme = urlsplit(url).scheme.lower()
    asks_format = any(key.lower() == "format" for key, _ in parse_qsl(urlsplit(url).query))
    if scheme in MARKDOWN_APPS and not asks_format:
        shown = markdown
    else:
        resolve = getattr(service, "resolve_format", None)
        generic = scheme in GENERIC_WEBHOOKS and not asks_format
        shown = resolve(None if generic else markdown) if resolve else service.notify_format
    return Reach(
        body="text" if shown == apprise.NotifyFormat.TEXT else "markdown",
        max_chars=int(service.body_maxlen),
        title_in_body=int(service.title_maxlen) <= 0,
    )


def reach(url: str) -> Reach | None:
    """``reach_of`` the service ``url`` names; None when Apprise cannot use the URL."""
    import apprise

    service = apprise.Apprise.instantiate(url)
    return None if service is None else reach_of(service, url)


def body_for(payload: dict[str, Any], body: Body) -> str:
    """The row's body in the form asked for, else the other (a row queued by an older sendwatch
    holds the email's text part as its text: plain too, footer and all)."""
    if body == "text":
        return payload.get("text") or payload.get("markdown") or ""
    return payload.get("markdown") or payload.get("text") or ""


def shown_target(url: str) -> str:
    """An Apprise URL as ``sendwatch mail`` may show it: scheme and host only (the rest can hold tokens)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "apprise URL"
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}/…"[:320]


def check_notify_url(url: str) -> str:
    """``url`` (stripped) if Apprise can send to it, else ValueError saying so (without echoing
    the URL's tokens). Apprise is imported only here and when sending."""
    import apprise

    candidate = url.strip()
    if not candidate or not apprise.Apprise().add(candidate):
        raise ValueError(
            f"{shown_target(candidate) if '://' in candidate else repr(candidate[:40])} is not a notification URL Apprise can use "
            "(e.g. slack://..., msteams://..., json://host/path; see Apprise's list of services)"
        )
    return candidate


class AppriseTransport(Transport):
    """Sends each row to its Apprise URL, one notification per row."""

    relay = "apprise"

    async def deliver(self, message: OutboxMessage, mark_in_flight: Callable[[], bool]) -> None:
        import apprise

        payload: dict[str, Any] = json.loads(message.raw)
        target = message.target or ""
        notifier = apprise.Apprise()
        service = apprise.Apprise.instantiate(target) if target else None
        if service is None or not notifier.add(service):
            raise PermanentFailure(f"not an Apprise URL sendwatch can use: {shown_target(target)}", suppress=False)
        if not mark_in_flight():
            raise Withdrawn()
        sent, log = await asyncio.to_thread(_notify, notifier, payload, reach_of(service, target).body)
        if sent:
            return
        if _READ_TIMEOUT.search(log):
            raise OutcomeUnknown(f"no answer from {shown_target(target)} after sending; it may have been delivered")
        reason = next((line for line in log.splitlines() if "fail" in line.lower() or "error" in line.lower()), "not sent")
        raise TemporaryFailure(f"{shown_target(target)}: {reason.strip()[:300]}")


def _notify(notifier: Any, payload: dict[str, Any], body: Body) -> tuple[bool, str]:
    """Send ``body`` (the row's Markdown or its plain text), capturing Apprise's own log of the
    attempt (it says why a send failed)."""
    import apprise

    with apprise.LogCapture(level=apprise.logging.DEBUG) as captured:
        sent = notifier.notify(
            body=body_for(payload, body),
            title=payload.get("title") or "",
            body_format=apprise.NotifyFormat.TEXT if body == "text" else apprise.NotifyFormat.MARKDOWN,
        )
        log = captured.getvalue()
    return bool(sent), log


class ChannelRouter(Transport):
    """One transport for a drain: email rows to the mail transport, Apprise rows to Apprise.

    Relay pauses (``mail_pauses``) are the mail relay's: a paused relay holds every row."""

    def __init__(self, email: Transport, notify: Transport | None = None):
        self.email = email
        self.notify = notify or AppriseTransport()
        self.relay = email.relay

    def _for(self, message: OutboxMessage) -> Transport:
        return self.notify if message.channel == APPRISE else self.email

    async def open(self) -> None:
        await self.email.open()
        await self.notify.open()

    async def close(self) -> None:
        try:
            await self.email.close()
        finally:
            await self.notify.close()

    async def deliver(self, message: OutboxMessage, mark_in_flight: Callable[[], bool]) -> None:
        await self._for(message).deliver(message, mark_in_flight)

    async def reset(self) -> None:
        await self.email.reset()

    def was_delivered(self, message: OutboxMessage) -> bool | None:
        return self._for(message).was_delivered(message)
