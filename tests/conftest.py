"""Fixtures shared by the whole suite: databases (SQLite and PostgreSQL) and config files.

PostgreSQL tests use the server named by ``SENDWATCH_TEST_POSTGRES_URL`` (default: the local
server on 127.0.0.1:5432, database ``test``, trust auth). Each test gets a fresh database of
its own, dropped afterwards; where no server is reachable those tests skip and say why.
"""

from __future__ import annotations

import compileall
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sendwatch.core.config import Config, load_config
from sendwatch.core.storage import Database, open_database

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end tests first (a stable sort keeps every other order): sent out last, one of
    them would leave the other workers idle while it alone runs on."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))


POSTGRES_URL = os.environ.get("SENDWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_admin():  # type: ignore[no-untyped-def]
    """A psycopg connection to the maintenance database, or a skip with the reason."""
    try:
        import psycopg
    except ImportError:
        pytest.skip("PostgreSQL tests skipped: psycopg is not installed (pip install -e '.[test]')")
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    try:
        return psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError as error:
        pytest.skip(
            f"PostgreSQL tests skipped: no server reachable at {url.host}:{url.port or 5432} ({str(error).strip().splitlines()[0]})"
        )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a brand-new, empty PostgreSQL database, dropped after the test."""
    from sqlalchemy.engine import make_url

    admin = _postgres_admin()
    name = f"sendwatch_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sendwatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs twice: on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.dispose()


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
