"""Fixtures for the alerts tests: a real SMTP server, and configs that point at it.

(Rows of papers and evidence are written with ``alerts_support.Papers``.)
``smtp_server`` is aiosmtpd on
127.0.0.1 and an ephemeral port, with a handler that can greylist (451), refuse an address
(550) or hang at RCPT or DATA on a chosen message, so tests can kill a sender at a known point.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alerts_support import TWO_COUNCILS

from tests.support.smtp import SmtpServer, running_smtp_server
from tests.support.tls import self_signed_certificate

LOGINS = {"sendwatch": "correct horse battery staple"}


def _check_login(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    """Accept the one account in LOGINS (AUTH PLAIN / LOGIN)."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(auth_data, LoginPassword) and LOGINS.get(auth_data.login.decode()) == auth_data.password.decode()
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    # AUTH is offered without TLS here only because the test runs on loopback.
    with running_smtp_server(auth_require_tls=False, authenticator=_check_login) as server:
        yield server


@pytest.fixture
def smtp_config(write_config, database_url, smtp_server, monkeypatch):  # type: ignore[no-untyped-def]
    """Write a config using the test database and SMTP server; returns a function taking overrides."""
    monkeypatch.setenv("SENDWATCH_SECRET", "test-secret-not-for-production")

    def make(**overrides):  # type: ignore[no-untyped-def]
        data = {
            "database": database_url,
            "mail": {
                "transport": "smtp",
                "host": smtp_server.host,
                "port": smtp_server.port,
                "from": "sendwatch <alerts@sendwatch.example.org>",
                "timeout_seconds": 10,
            },
            "web": {"base_url": "https://sendwatch.example.org"},
            "councils": TWO_COUNCILS,
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
    return self_signed_certificate(tmp_path, common_name="sendwatch test relay", as_ca=True)


@pytest.fixture
def starttls_server(tls_files) -> Iterator[SmtpServer]:  # type: ignore[no-untyped-def]
    """aiosmtpd that refuses mail until the client has issued STARTTLS."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, tls_files))
    with running_smtp_server(tls_context=context, require_starttls=True) as server:
        yield server
