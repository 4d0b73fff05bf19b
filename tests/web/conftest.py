"""Fixtures for the web tests: the app served by uvicorn on a real socket, an SMTP server, seeds.

``start_site(database_url, web={...})`` serves ``create_app`` on 127.0.0.1 and an ephemeral
port (in a thread of the test process: fast, and the database can be inspected directly) and
returns a ``Site`` with an httpx client that keeps cookies like a browser. The browser tests
run the real ``sendwatch serve`` command instead (see test_web_browser.py).
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller

from sendwatch.config import Config
from sendwatch.registry import sync_councils
from sendwatch.storage import Database, open_database
from web_support import COUNCILS, seed_councils
from sendwatch.web import create_app

SECRET = "web-test-secret-not-for-production"


@pytest.fixture(autouse=True)
def signing_secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDWATCH_SECRET", SECRET)


# --------------------------------------------------------------------------- SMTP


class Mailbox:
    """An aiosmtpd handler keeping every message; tests wait on its condition, never sleep."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.changed:
            self.messages.append(message)
            self.changed.notify_all()
        return "250 2.0.0 OK queued"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.changed:
            return [message for message in self.messages if address.lower() in str(message["To"]).lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20) -> list[email.message.EmailMessage]:
        """Block until ``address`` has received ``count`` messages; fail after ``timeout`` seconds."""
        with self.changed:
            arrived = self.changed.wait_for(lambda: len(self.to_unlocked(address)) >= count, timeout=timeout)
            found = self.to_unlocked(address)
        assert arrived, f"expected {count} message(s) to {address}, got {len(found)}"
        return found

    def to_unlocked(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.messages if address.lower() in str(message["To"]).lower()]


class EphemeralController(Controller):
    """aiosmtpd's Controller on port 0: the kernel picks a free port, read back after binding."""

    def _trigger_server(self):  # type: ignore[no-untyped-def]
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Smtp:
    host: str
    port: int
    mailbox: Mailbox


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    mailbox = Mailbox()
    controller = EphemeralController(mailbox, hostname="127.0.0.1", port=0, ready_timeout=10)
    controller.start()
    try:
        yield Smtp("127.0.0.1", controller.port, mailbox)
    finally:
        controller.stop()


def text_part(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: email.message.EmailMessage, path: str) -> str:
    """The first link to ``path`` (e.g. '/confirm') in a message's plain-text part."""
    found = re.search(r"https?://\S+" + re.escape(path) + r"\?token=[A-Za-z0-9_.=-]+", text_part(message))
    assert found, f"no {path} link in:\n{text_part(message)}"
    return found.group(0)


# --------------------------------------------------------------------------- the site


@dataclass
class Site:
    url: str
    config: Config
    database: Database
    client: httpx.Client
    extra: dict = field(default_factory=dict)

    def form_token(self, path: str = "/subscribe") -> str:
        """GET a page with a form (setting the CSRF cookie) and return its CSRF token."""
        response = self.client.get(path)
        assert response.status_code == 200, response.text
        return csrf_in(response.text)


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def site_config(write_config, database_url: str, port: int, smtp: Smtp | None, web: dict | None = None) -> Config:  # type: ignore[no-untyped-def]
    mail = {"transport": "smtp", "host": smtp.host, "port": smtp.port, "timeout_seconds": 10} if smtp else {"transport": "file"}
    mail["from"] = "sendwatch <alerts@sendwatch.example.org>"
    _, config = write_config(
        {
            "database": database_url,
            "mail": mail,
            "web": {"base_url": f"http://127.0.0.1:{port}", "send_confirmations": False, **(web or {})},
            "councils": COUNCILS,
        }
    )
    return config


@pytest.fixture
def start_site(write_config, smtp):  # type: ignore[no-untyped-def]
    """A function starting the web app over a fresh, seeded database; everything stops after the test."""
    running = []

    def start(database_url: str, web: dict | None = None, seed: bool = True) -> Site:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]
        config = site_config(write_config, database_url, port, smtp, web)
        database = open_database(config.database_url)
        with database.session() as session:
            sync_councils(session, config)
            if seed:
                seed_councils(session)
        server = uvicorn.Server(uvicorn.Config(create_app(config, database), log_level="warning", lifespan="off"))
        # The socket is already listening: requests queue in its backlog until uvicorn accepts them.
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False, timeout=20)
        site = Site(f"http://127.0.0.1:{port}", config, database, client, {"smtp": smtp})
        running.append((server, thread, client, database, listener))
        return site

    yield start
    for server, thread, client, database, listener in running:
        client.close()
        server.should_exit = True
        thread.join(timeout=10)
        database.dispose()
        listener.close()
