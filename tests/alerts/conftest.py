"""Fixtures for the alerts tests: a real SMTP server, and configs that point at it.

(Rows of papers and evidence are written with ``alerts_support.Papers``.)
``smtp_server`` is aiosmtpd on
127.0.0.1 and an ephemeral port, with a handler that can greylist (451), refuse an address
(550) or hang at RCPT or DATA on a chosen message, so tests can kill a sender at a known point.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller



# --------------------------------------------------------------------------- SMTP server


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


class RecordingHandler:
    """An aiosmtpd handler that records accepted messages and misbehaves on request."""

    def __init__(self) -> None:
        self.behaviour = MailBehaviour()
        self.received: list[Received] = []
        self.rcpt_count = 0
        self.data_count = 0
        self.greylisted = 0
        self.connections = 0  # EHLO greetings: one per connection
        self.hung = threading.Event()
        self._lock = threading.Lock()

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
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
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


class EphemeralController(Controller):
    """aiosmtpd's Controller on port 0: the kernel picks a free port, read back after binding."""

    def _trigger_server(self):  # type: ignore[no-untyped-def]
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


LOGINS = {"sendwatch": "correct horse battery staple"}


def _check_login(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    """Accept the one account in LOGINS (AUTH PLAIN / LOGIN)."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(auth_data, LoginPassword) and LOGINS.get(auth_data.login.decode()) == auth_data.password.decode()
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    # AUTH is offered without TLS here only because the test runs on loopback.
    controller = EphemeralController(
        handler, hostname="127.0.0.1", port=0, ready_timeout=10, auth_require_tls=False, authenticator=_check_login,
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_config(write_config, database_url, smtp_server, monkeypatch):  # type: ignore[no-untyped-def]
    """Write a config using the test database and SMTP server; returns a function taking overrides."""
    monkeypatch.setenv("SENDWATCH_SECRET", "test-secret-not-for-production")

    def make(**overrides):  # type: ignore[no-untyped-def]
        data = {
            "database": database_url,
            "mail": {
                "transport": "smtp", "host": smtp_server.host, "port": smtp_server.port,
                "from": "sendwatch <alerts@sendwatch.example.org>", "timeout_seconds": 10,
            },
            "web": {"base_url": "https://sendwatch.example.org"},
            "councils": [
                {"slug": "northshire", "name": "Northshire County Council", "platform": "moderngov", "url": "https://democracy.northshire.example.gov.uk/"},
                {"slug": "westbury", "name": "Westbury Borough Council", "platform": "moderngov", "url": "https://democracy.westbury.example.gov.uk/"},
            ],
        }
        data.update(overrides)
        return write_config(data)

    return make


@pytest.fixture
def unused_port() -> int:
    """A port nothing listens on: bound, read back, closed."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def tls_files(tmp_path):  # type: ignore[no-untyped-def]
    """A self-signed certificate for 127.0.0.1 (and its key), written as PEM files."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sendwatch test relay")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "relay.pem", tmp_path / "relay.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def starttls_server(tls_files) -> Iterator[SmtpServer]:  # type: ignore[no-untyped-def]
    """aiosmtpd that refuses mail until the client has issued STARTTLS."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, tls_files))
    handler = RecordingHandler()
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0, ready_timeout=10, tls_context=context, require_starttls=True)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()
