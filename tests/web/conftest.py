"""Fixtures for the web tests: the app served by uvicorn on a real socket, an SMTP server, seeds.

``start_site(database_url, web={...}, settings={...})`` serves ``create_app`` on 127.0.0.1 and an ephemeral
port (in a thread of the test process: fast, and the database can be inspected directly) and
returns a ``Site`` with an httpx client that keeps cookies like a browser. The browser tests
run the real ``sendwatch serve`` command instead (see test_web_browser.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from web_support import SECRET, csrf_in, seed_councils, site_config

from sendwatch.core.config import Config
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import Database, open_database
from sendwatch.web import create_app
from tests.support.smtp import SmtpServer, running_smtp_server

CHROMIUM = os.environ.get("SENDWATCH_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless chromium (Debian's) for the whole session, driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests skipped: the playwright package is not installed (pip install -e '.[test]')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"browser tests skipped: no chromium at {CHROMIUM} (apt-get install chromium, or set SENDWATCH_TEST_CHROMIUM)"
        )
    from playwright.sync_api import Error as PlaywrightError

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.skip(f"browser tests skipped: chromium at {CHROMIUM} did not start ({str(error).splitlines()[0]})")
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def signing_secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDWATCH_SECRET", SECRET)


# --------------------------------------------------------------------------- SMTP


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


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


@pytest.fixture
def start_site(write_config, smtp):  # type: ignore[no-untyped-def]
    """A function starting the web app over a fresh, seeded database; everything stops after the test."""
    running = []

    def start(database_url: str, web: dict | None = None, seed: bool = True, settings: dict | None = None) -> Site:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]
        config = site_config(write_config, database_url, port, smtp, web, settings)
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
