"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and a port the kernel picks.

``RecordingHandler`` keeps every accepted message and can misbehave on request: answer 451 to
the first attempts (greylisting), refuse an address with 550, hang at RCPT or DATA so a test
can kill a sender at a known point, or drop the connection at the DATA command or after a
message's content. Tests wait on its condition (``wait_for``), never sleep.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


@dataclass
class Received:
    message_id: str
    recipients: list[str]
    message: email.message.EmailMessage
    encrypted: bool = False


@dataclass
class MailBehaviour:
    """How the test SMTP server answers; change it between sends."""

    greylist_first: int = 0  # answer 451 to this many RCPT commands first
    refuse: set[str] = field(default_factory=set)  # answer 550 at RCPT for these addresses
    hang_at_rcpt: int | None = None  # on this RCPT (1-based count) never answer
    hang_at_data: int | None = None  # on this DATA: keep the message (as a server that delivered it), never answer
    drop_at_rcpt: int | None = None  # on this RCPT: close the connection without a word
    refuse_all_rcpt_after: int | None = None  # accept this many RCPTs, then answer rcpt_refusal to every one
    rcpt_refusal: str = "550 5.4.5 Daily user sending quota exceeded"
    refuse_rcpt_text: str = "550 5.1.1 <{address}>: Recipient address rejected: User unknown"  # for ``refuse``
    data_refusal: str | None = None  # answer every DATA with this (a content filter), keeping nothing
    delay_seconds: float = 0.0  # a slow relay: wait this long before answering each DATA
    drop_at_data_command: bool = False  # close the connection on the DATA command, before its 354
    drop_after_data: bool = False  # take each message's content, then close the connection unanswered


class RecordingHandler:
    """An aiosmtpd handler that records accepted messages and misbehaves on request."""

    def __init__(self) -> None:
        self.behaviour = MailBehaviour()
        self.received: list[Received] = []
        self.rcpt_count = 0
        self.data_count = 0
        self.greylisted = 0
        self.connections = 0  # EHLO greetings: one per connection
        self.dropped_at_data_command = 0
        self.dropped_after_data = 0
        self.hung = threading.Event()
        self._lock = threading.Condition()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        with self._lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        with self._lock:
            self.rcpt_count += 1
            count = self.rcpt_count
        if address in self.behaviour.refuse:
            return self.behaviour.refuse_rcpt_text.format(address=address)
        if self.behaviour.refuse_all_rcpt_after is not None and count > self.behaviour.refuse_all_rcpt_after:
            return self.behaviour.rcpt_refusal
        if self.greylisted < self.behaviour.greylist_first:
            self.greylisted += 1
            return "451 4.7.1 Greylisted, please try again later"
        if self.behaviour.drop_at_rcpt == count:
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        if self.behaviour.hang_at_rcpt == count:
            self.hung.set()
            await asyncio.Event().wait()
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.behaviour.drop_after_data:
            with self._lock:
                self.dropped_after_data += 1
            server.transport.close()
            return "421 4.4.2 Connection dropped"  # never reaches the client: the connection is gone
        if self.behaviour.delay_seconds:
            await asyncio.sleep(self.behaviour.delay_seconds)
        if self.behaviour.data_refusal:
            return self.behaviour.data_refusal
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.data_count += 1
            count = self.data_count
            self.received.append(Received(str(message["Message-ID"]), list(envelope.rcpt_tos), message, session.ssl is not None))
        if self.behaviour.hang_at_data == count:
            self.hung.set()
            await asyncio.Event().wait()
        return "250 2.0.0 OK queued"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [item.message_id for item in self.received]

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [item for item in self.received if address in item.recipients]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20) -> list[email.message.EmailMessage]:
        """Block until ``address`` has received ``count`` messages (never a fixed sleep); return them."""
        with self._lock:
            arrived = self._lock.wait_for(lambda: sum(address in item.recipients for item in self.received) >= count, timeout)
            found = [item.message for item in self.received if address in item.recipients]
        assert arrived, f"expected {count} message(s) to {address}, got {len(found)}"
        return found


class _MisbehavingSMTP(SMTP):
    """aiosmtpd's server, able to drop the connection at the DATA command (no handler hook runs there)."""

    async def smtp_DATA(self, arg: str) -> None:
        handler = self.event_handler
        if isinstance(handler, RecordingHandler) and handler.behaviour.drop_at_data_command and self.envelope.rcpt_tos:
            with handler._lock:
                handler.dropped_at_data_command += 1
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class EphemeralController(Controller):
    """aiosmtpd's Controller on port 0: the kernel picks a free port, read back after binding."""

    def factory(self):  # type: ignore[no-untyped-def]
        return _MisbehavingSMTP(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self):  # type: ignore[no-untyped-def]
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


@contextmanager
def running_smtp_server(handler: RecordingHandler | None = None, **controller_options: Any) -> Iterator[SmtpServer]:
    """Start aiosmtpd with ``handler`` on 127.0.0.1; stop it afterwards."""
    handler = handler or RecordingHandler()
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0, ready_timeout=10, **controller_options)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()
