"""Delivery beyond email: Apprise URLs (Slack, Teams, Discord, Telegram, Matrix, JSON webhooks...).

An outbox row's ``channel`` says how it leaves: ``email`` rows go through the mail transport,
``apprise`` rows through ``AppriseTransport`` to the URL in ``target``. Both kinds are claimed,
retried with backoff and settled by the same drain (``alerts.sender``), so a notification has
the same guarantees as an email: written in the transaction of its events, never in two drains,
retried on temporary failure, never sent twice.

An Apprise row's ``raw`` holds its title and body as Markdown (and plain text): Apprise turns the
Markdown into each service's own format (HTML, Markdown or text) when it sends.

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
from typing import Any
from urllib.parse import urlsplit

from alerts.transports import OutcomeUnknown, PermanentFailure, TemporaryFailure, Transport, Withdrawn
from sendwatch.core.storage.models import OutboxMessage

APPRISE = "apprise"
_READ_TIMEOUT = re.compile(r"read timed out|timed out while reading", re.IGNORECASE)


def notification_payload(title: str, markdown: str, text: str) -> str:
    """What an Apprise row's ``raw`` holds."""
    return json.dumps({"title": title, "markdown": markdown, "text": text}, ensure_ascii=False)


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
        notifier = apprise.Apprise()
        if not message.target or not notifier.add(message.target):
            raise PermanentFailure(f"not an Apprise URL sendwatch can use: {shown_target(message.target or '')}", suppress=False)
        if not mark_in_flight():
            raise Withdrawn()
        sent, log = await asyncio.to_thread(_notify, notifier, payload)
        if sent:
            return
        if _READ_TIMEOUT.search(log):
            raise OutcomeUnknown(f"no answer from {shown_target(message.target)} after sending; it may have been delivered")
        reason = next((line for line in log.splitlines() if "fail" in line.lower() or "error" in line.lower()), "not sent")
        raise TemporaryFailure(f"{shown_target(message.target)}: {reason.strip()[:300]}")


def _notify(notifier: Any, payload: dict[str, Any]) -> tuple[bool, str]:
    """Send, capturing Apprise's own log of the attempt (it says why a send failed)."""
    import apprise

    with apprise.LogCapture(level=apprise.logging.DEBUG) as captured:
        sent = notifier.notify(
            body=payload.get("markdown") or payload.get("text") or "",
            title=payload.get("title") or "",
            body_format=apprise.NotifyFormat.MARKDOWN,
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
