"""How a message leaves sendwatch: ``smtp`` (aiosmtplib) or ``file`` (one .eml per message).

Both report the outcome in the same three words the sender understands:

* return normally: delivered;
* ``TemporaryFailure``: certainly not delivered, try again later (4xx, dropped connection
  before the message was handed over, even at the DATA command itself);
* ``PermanentFailure``: certainly not delivered, never retry (5xx);
* ``OutcomeUnknown``: the message was handed over and no answer came back; it may have been
  delivered, so it must not be resent blindly;
* ``Withdrawn``: the sender withdrew the message before it was handed over (another drain holds
  it now); nothing was sent.

``deliver`` calls ``mark_in_flight()`` at the last moment before the message is handed over
(for SMTP, just before DATA; for files, just before the atomic rename), which is where the
sender records that a crash from then on leaves the outcome unknown. It returns False when the
row is no longer this sender's to send: the transport then hands nothing over.

A 5xx refusal carries its classification (``alerts.refusals``): only one about the recipient's
address suppresses anybody. Addresses travel IDNA-encoded; one with a non-ASCII local part is
sent with SMTPUTF8, and fails (suppressing nobody) on a relay that does not offer it.

The SMTP transport keeps ONE connection open for a whole batch and reconnects only after a
drop. STARTTLS is used when ``mail.starttls`` is true (passed to aiosmtplib as an explicit
``start_tls=True``; never opportunistically), implicit TLS when ``mail.use_tls`` is true; the
server's certificate is checked against the system's CAs or ``mail.ca_file``; the password is
read from the environment variable named by ``mail.password_env``. A refusal that is the
server's or the configuration's doing (connect, TLS, login, the sender address, a 421 at any
step) blames no message: the batch stops and every message stays pending.
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import Callable
from pathlib import Path

import aiosmtplib

from alerts.refusals import Refusal, classify
from sendwatch.core.addresses import AddressError, envelope_address
from sendwatch.core.config import Config
from sendwatch.core.storage.models import OutboxMessage


class TemporaryFailure(Exception):
    """Not delivered; worth trying again later."""


class ServerUnavailable(TemporaryFailure):
    """The server cannot be reached or refuses us (connect, TLS, login): no recipient is at fault."""


class PermanentFailure(Exception):
    """Refused with a 5xx; ``refusal`` says whether the address, the mailbox, the relay or the
    message was the problem (``suppress``: the address, so stop mailing it)."""

    def __init__(self, message: str, suppress: bool = True, refusal: Refusal | None = None):
        super().__init__(message)
        self.refusal = refusal
        self.suppress = suppress if refusal is None else refusal.verdict == "address"


class OutcomeUnknown(Exception):
    """Handed over without an answer: may or may not have been delivered.

    ``dropped``: the relay closed the connection (rather than being slow to answer)."""

    def __init__(self, message: str, dropped: bool = False):
        super().__init__(message)
        self.dropped = dropped


class Withdrawn(Exception):
    """Not handed over: the row stopped being this sender's (another drain holds it)."""


class Transport:
    """Base class: open once, deliver many, close once."""

    async def open(self) -> None:
        """Prepare for a batch (connections are opened lazily on first delivery)."""

    async def close(self) -> None:
        """Release whatever ``open`` or ``deliver`` acquired."""

    relay = "none"  # names the relay whose pauses apply (see alerts.sender)

    async def deliver(self, message: OutboxMessage, mark_in_flight: Callable[[], bool]) -> None:
        raise NotImplementedError

    async def reset(self) -> None:
        """After an unexpected error, start the next message on a clean connection."""

    def was_delivered(self, message: OutboxMessage) -> bool | None:
        """For a message found in flight after a crash: True, False, or None when it cannot tell."""
        return None


def make_transport(config: Config) -> Transport:
    """The transport named by ``mail.transport``."""
    if config.mail.transport == "file":
        return FileTransport(config.resolve(config.mail.outbox_dir))
    return SmtpTransport(config)


# --------------------------------------------------------------------------- file


class FileTransport(Transport):
    """Writes each message to ``<outbox_dir>/<id>-<key>.eml``; the file's existence is the outcome."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.relay = f"file:{directory}"

    def path_for(self, message: OutboxMessage) -> Path:
        return self.directory / f"{message.id:08d}-{message.message_key[:16]}.eml"

    async def deliver(self, message: OutboxMessage, mark_in_flight: Callable[[], bool]) -> None:
        final = self.path_for(message)
        partial = final.with_suffix(".eml.partial")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(partial, "wb") as handle:
                handle.write(message.raw.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            partial.unlink(missing_ok=True)
            # A full disk, a quota, a read-only or missing folder: the outbox folder's state, not
            # this message's. Like a relay that cannot be reached it ends the run and costs no
            # message an attempt (charged to each, a disk full for a day would fail them all).
            raise ServerUnavailable(f"cannot write to {self.directory}: {error}") from error
        if not mark_in_flight():
            partial.unlink(missing_ok=True)
            raise Withdrawn("another sender holds this message")
        try:
            os.replace(partial, final)
        except OSError as error:
            raise TemporaryFailure(f"cannot move {partial.name} into place: {error}") from error

    def was_delivered(self, message: OutboxMessage) -> bool | None:
        return self.path_for(message).exists()


# --------------------------------------------------------------------------- smtp


class SmtpTransport(Transport):
    """aiosmtplib over one reused connection: MAIL, RCPT, then DATA for each message."""

    def __init__(self, config: Config):
        self.mail = config.mail
        self.cert_bundle = str(config.resolve(config.mail.ca_file)) if config.mail.ca_file else None
        self.envelope_from = email.utils.parseaddr(config.mail.from_)[1] or "sendwatch@localhost"
        self.client: aiosmtplib.SMTP | None = None
        self.relay = f"smtp://{config.mail.host}:{config.mail.port}"

    async def _connect(self) -> aiosmtplib.SMTP:
        if self.client is not None and self.client.is_connected:
            return self.client
        client = aiosmtplib.SMTP(
            hostname=self.mail.host,
            port=self.mail.port,
            timeout=self.mail.timeout_seconds,
            use_tls=self.mail.use_tls,
            start_tls=True if self.mail.starttls else False,
            cert_bundle=self.cert_bundle,
        )
        try:
            await client.connect()
            if self.mail.username:
                password = self.mail.password()
                if password is None:
                    raise ServerUnavailable(
                        f"mail.username is set but the environment variable {self.mail.password_env} is empty"
                    )
                await client.login(self.mail.username, password)
        except ServerUnavailable:
            client.close()
            raise
        except (aiosmtplib.SMTPException, OSError) as error:
            client.close()
            raise ServerUnavailable(f"cannot connect to {self.mail.host}:{self.mail.port}: {_describe(error)}") from error
        self.client = client
        return client

    async def deliver(self, message: OutboxMessage, mark_in_flight: Callable[[], bool]) -> None:
        try:
            recipient = envelope_address(message.recipient)
        except AddressError as error:
            raise PermanentFailure(f"cannot send to this address: {error}", suppress=False) from error
        client = await self._connect()
        utf8 = recipient.needs_smtputf8 or not message.raw.isascii()
        if utf8 and client.is_ehlo_or_helo_needed:
            try:
                await client.ehlo()
            except (aiosmtplib.SMTPException, OSError) as error:
                self._drop()
                raise TemporaryFailure(f"connection lost before the message was sent: {_describe(error)}") from error
        if utf8 and not client.supports_extension("smtputf8"):
            raise PermanentFailure(
                f"the relay {self.mail.host} does not offer SMTPUTF8, which {message.recipient!r} needs", suppress=False
            )
        options, encoding = (["SMTPUTF8"], "utf-8") if utf8 else ([], "ascii")
        try:
            await client.mail(self.envelope_from, options=options, encoding=encoding)
        except aiosmtplib.SMTPResponseException as error:
            await self._reset()
            _unavailable(error)
            if error.code >= 500:
                # "530 Must issue a STARTTLS command first", "550 sender not allowed": the
                # server or our configuration is at fault, not this message or its recipient.
                raise ServerUnavailable(f"the server refuses our sender address: {_describe(error)}") from error
            raise TemporaryFailure(_describe(error)) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            self._drop()
            raise TemporaryFailure(f"connection lost before the message was sent: {_describe(error)}") from error
        try:
            await client.rcpt(recipient.address, encoding=encoding)
        except aiosmtplib.SMTPResponseException as error:
            await self._reset()
            _unavailable(error)
            if error.code >= 500:
                raise PermanentFailure(
                    f"recipient refused: {_describe(error)}", refusal=classify(error.code, error.message, "rcpt")
                ) from error
            raise TemporaryFailure(_describe(error)) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            self._drop()
            raise TemporaryFailure(f"connection lost before the message was sent: {_describe(error)}") from error
        if not mark_in_flight():
            await self._reset()
            raise Withdrawn("another sender holds this message")
        try:
            with _ContentWatch(client) as content:
                await client.data(message.raw.encode(encoding))
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as error:
            self._drop()
            if content.before_content:
                # The relay went away at the DATA command itself: it never had the message.
                raise TemporaryFailure(f"connection lost at DATA, before the message was sent: {_describe(error)}") from error
            dropped = isinstance(error, aiosmtplib.SMTPServerDisconnected)
            raise OutcomeUnknown(f"no answer after the message was sent: {_describe(error)}", dropped=dropped) from error
        except aiosmtplib.SMTPResponseException as error:
            # The server answered: whatever it said, we know the message was not accepted.
            await self._reset()
            _unavailable(error)
            if error.code >= 500:
                raise PermanentFailure(
                    f"message refused: {_describe(error)}", refusal=classify(error.code, error.message, "data")
                ) from error
            raise TemporaryFailure(_describe(error)) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            self._drop()
            raise OutcomeUnknown(f"no answer after the message was sent: {_describe(error)}") from error

    async def reset(self) -> None:
        self._drop()

    async def _reset(self) -> None:
        """After a refusal, clear the transaction so the connection can carry the next message."""
        if self.client is None or not self.client.is_connected:
            return
        try:
            await self.client.rset()
        except (aiosmtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self.client is not None:
            self.client.close()
        self.client = None

    async def close(self) -> None:
        if self.client is not None and self.client.is_connected:
            try:
                await self.client.quit()
            except (aiosmtplib.SMTPException, OSError):
                self.client.close()
        self.client = None


def _unavailable(error: aiosmtplib.SMTPResponseException) -> None:
    """A 421 ("service not available, closing channel") is the relay's state, not this message's:
    like a refused connection it ends the run and costs no message an attempt (charged to each, a
    relay down for hours would use up every message's attempts and fail them all)."""
    if error.code == 421:
        raise ServerUnavailable(f"the relay is not taking mail now: {_describe(error)}") from error


class _ContentWatch:
    """Watches what ``client.data`` writes, to tell a drop at the DATA command (the message never
    left) from one after the content went out (it may have been delivered).

    Only a write of the bare ``DATA`` command and nothing else proves the content never left;
    when the writes cannot be watched, every drop counts as after the content (never resent).
    """

    def __init__(self, client: aiosmtplib.SMTP):
        self.protocol = client.protocol
        self.writes: list[bytes] = []

    @property
    def before_content(self) -> bool:
        return self.writes == [b"DATA\r\n"]

    def __enter__(self) -> _ContentWatch:
        protocol = self.protocol
        if protocol is not None:
            write = protocol.write

            def watched(data: bytes) -> None:
                self.writes.append(bytes(data))
                write(data)

            protocol.write = watched  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.protocol is not None:
            self.protocol.__dict__.pop("write", None)


def _describe(error: BaseException) -> str:
    code = getattr(error, "code", None)
    text = getattr(error, "message", None) or str(error) or error.__class__.__name__
    return f"{code} {text}" if code else f"{error.__class__.__name__}: {text}"
