"""Fixtures for whole-cycle tests: the demo council site, a real SMTP server, the CLI in real processes."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from sendwatch.demo.councils import RIVERTON_WEB_SERVICE, demo_councils
from sendwatch.demo.site import DemoSite, sample_council
from tests.support.smtp import SmtpServer, running_smtp_server

REPORTER = "reporter@example.org"
DESK = "northfield-desk@example.org"
EDITOR = "editor@example.org"
SLUGS = ["eastmoor", "riverton", "northfield", "brokenshire"]
SUBSCRIBERS = [
    {"email": REPORTER, "councils": "all", "frequency": "immediate"},
    {"email": DESK, "councils": ["northfield"], "frequency": "immediate"},
    {"email": EDITOR, "councils": "all", "frequency": "weekly"},
]


@pytest.fixture
def today() -> dt.date:
    return dt.date.today()


@contextlib.contextmanager
def cycle_site(today: dt.date) -> Iterator[DemoSite]:
    """Four councils: ModernGov with its web service, ModernGov read from its pages (as the demo runs it), CMIS, and one failing."""
    councils = [*demo_councils(today), sample_council("brokenshire", "moderngov", today)]
    with DemoSite(councils, today=today) as running:
        running.set_web_service("riverton", RIVERTON_WEB_SERVICE)
        running.fail("brokenshire", "error_500")
        yield running


@pytest.fixture
def site(today: dt.date) -> Iterator[DemoSite]:
    """The four councils of ``cycle_site``, served for one test."""
    with cycle_site(today) as running:
        yield running


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def cycle_config(tmp_path: Path, site: DemoSite, smtp_server: SmtpServer) -> Path:
    """A config for the site, mailing through the test SMTP server."""
    return write_cycle_config(tmp_path, site, smtp_server, SLUGS, SUBSCRIBERS)


def write_cycle_config(folder: Path, site: DemoSite, smtp_server: SmtpServer, slugs: list[str], subscribers: list[dict]) -> Path:
    """Write ``config.yaml`` in ``folder`` for these councils of the site and these subscribers."""
    data = {
        "database": f"sqlite:///{folder / 'sendwatch.db'}",
        "data_dir": str(folder / "data"),
        "schedule": {"cycle": "0 * * * *", "digest": "0 8 * * MON", "misfire_grace_seconds": 6 * 3600},
        "crawl": {"download_delay": 0, "autothrottle": False, "retries": 0, "timeout_seconds": 10, "parallel_councils": 4},
        "mail": {
            "transport": "smtp",
            "host": smtp_server.host,
            "port": smtp_server.port,
            "from": "sendwatch <alerts@example.org>",
        },
        "councils": [site.council_config(slug) for slug in slugs],
        "subscribers": subscribers,
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def sendwatch_command(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sendwatch.cli", "--config", str(config), *args]


def run_sendwatch(config: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run the CLI against ``config`` in a real process and wait for it."""
    return subprocess.run(
        sendwatch_command(config, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "SENDWATCH_SECRET": "test-secret"},
    )


@pytest.fixture
def sendwatch(cycle_config: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the CLI against the test config in a real process and wait for it."""

    def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return run_sendwatch(cycle_config, *args, timeout=timeout)

    return run
