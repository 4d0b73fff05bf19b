"""Fixtures shared by the whole suite: databases (SQLite and PostgreSQL) and config files.

PostgreSQL tests use the server named by ``SENDWATCH_TEST_POSTGRES_URL`` (default: the local
server on 127.0.0.1:5432, database ``test``, trust auth). Each test gets a fresh database of
its own, dropped afterwards (tests/support/postgres.py); where no server is reachable those tests
skip and say why.
"""

from __future__ import annotations

import compileall
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sendwatch.core.config import Config, load_config
from sendwatch.core.storage import Database, open_database
from tests.support.demo_once import DemoRun, demo_run
from tests.support.postgres import drop_this_process_databases, migrated_template, postgres_database

ROOT = Path(__file__).resolve().parent.parent
# What the suite's own processes import: the CLI, crawl and sendwatch workers, readers, helpers.
PACKAGES = ("sendwatch", "crawler", "extractors", "alerts", "tests")
# The end-to-end areas, whose tests take tens of seconds each (real processes, whole cycles): run first.
LONG_FIRST = ("tests/cycle/", "tests/distributed/", "tests/web/test_web_newsroom_browser.py", "tests/web/test_web_browser.py")


def pytest_configure(config: pytest.Config) -> None:
    """Compile the project's bytecode once, before any worker or subprocess starts.

    The suite starts several hundred Python processes (``sendwatch`` commands, crawl and
    distributed workers), each importing the project. Where Python writes no bytecode
    (``PYTHONDONTWRITEBYTECODE``), each of them would compile every module from source again;
    compiled once here, they all read it. Only the controller does it (an xdist worker has
    ``workerinput``), and only stale files are compiled.
    """
    if hasattr(config, "workerinput"):
        return
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per core, because the suite mostly waits.

    Its tests wait on real servers, browsers and the processes they start, so one worker per
    core leaves the cores idle half the time (measured: 2 workers on 2 cores used about half
    their CPU). Two per core keeps them busy and halves the wall-clock time."""
    return 2 * (os.cpu_count() or 1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end tests first (a stable sort keeps every other order): sent out last, one of
    them would leave the other workers idle while it alone runs on."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))


def pytest_sessionfinish(session: pytest.Session) -> None:
    drop_this_process_databases()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a brand-new, empty PostgreSQL database, dropped after the test."""
    with postgres_database() as url:
        yield url


@pytest.fixture
def migrated_postgres_url() -> Iterator[str]:
    """The URL of a new PostgreSQL database already migrated to the latest schema, dropped after the test.

    A copy (``CREATE DATABASE ... TEMPLATE``) of one database this process migrated once: the
    state ``open_database`` gives a new database, without running every migration again."""
    with postgres_database(copy_of=migrated_template()) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sendwatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs twice: on SQLite and on PostgreSQL.

    A test that takes ``database`` has it opened (so migrated) before it starts: on PostgreSQL
    it starts from a copy of a database migrated once (``migrated_postgres_url``), the same
    state. Any other test (a first open, a migration, a race to create) gets an empty one."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("migrated_postgres_url" if "database" in request.fixturenames else "postgres_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def demo_made(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """``sendwatch demo`` as the README's quick start runs it, once for the session (see tests/support/demo_once.py)."""
    return demo_run(request.config, tmp_path_factory)


@pytest.fixture
def write_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a config file from a dict (merged over a small valid default) and load it."""

    def write(overrides: dict | None = None, name: str = "config.yaml") -> tuple[Path, Config]:
        data = {
            "database": f"sqlite:///{tmp_path / 'sendwatch.db'}",
            "data_dir": str(tmp_path / "data"),
            "mail": {"transport": "file", "outbox_dir": str(tmp_path / "outbox")},
            "councils": [
                {
                    "slug": "kirklees",
                    "name": "Kirklees Council",
                    "platform": "moderngov",
                    "url": "https://democracy.kirklees.example/",
                },
            ],
        }
        data.update(overrides or {})
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path, load_config(path)

    return write
