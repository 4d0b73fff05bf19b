"""Fixtures shared by the whole suite: databases (SQLite and PostgreSQL) and config files.

PostgreSQL tests use the server named by ``SENDWATCH_TEST_POSTGRES_URL`` (default: the local
server on 127.0.0.1:5432, database ``test``, trust auth). Each test gets a fresh database of
its own, dropped afterwards; where no server is reachable those tests skip and say why.
"""

from __future__ import annotations

import compileall
import os
import queue
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sendwatch.core.config import Config, load_config
from sendwatch.core.storage import Database, open_database
from tests.support.demo_once import DemoRun, demo_run

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


def _postgres_database_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


class _Dropper:
    """Drops this process's test databases one after another in a thread of their own.

    ``DROP DATABASE`` waits on the server's own housekeeping (a second or more): done in the
    background, the next test starts meanwhile. Every database is dropped before the session
    ends (``pytest_sessionfinish``)."""

    def __init__(self) -> None:
        self._names: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def drop(self, name: str) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="drop-test-databases", daemon=True)
            self._thread.start()
        self._names.put(name)

    def _run(self) -> None:
        admin = None
        while (name := self._names.get()) is not None:
            try:
                admin = admin or _postgres_admin()
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except BaseException:  # no server any more: the database stays behind, as it would have
                admin = None

    def finish(self) -> None:
        if self._thread is not None:
            self._names.put(None)
            self._thread.join()
            self._thread = None


_DROPPER = _Dropper()
_TEMPLATE: list[str] = []  # this process's migrated template database, made on first use


def pytest_sessionfinish(session: pytest.Session) -> None:
    for name in _TEMPLATE:
        _DROPPER.drop(name)
    _DROPPER.finish()


def _new_postgres_database(template: bool) -> Iterator[str]:
    """Create a test database (empty, or a copy of this process's migrated template), yield its URL, drop it after."""
    admin = _postgres_admin()
    name = f"sendwatch_test_{uuid.uuid4().hex[:12]}"
    try:
        if template and not _TEMPLATE:
            made = f"sendwatch_template_{uuid.uuid4().hex[:12]}"
            admin.execute(f'CREATE DATABASE "{made}"')
            _TEMPLATE.append(made)
            open_database(_postgres_database_url(made)).dispose()
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE[0]}"' if template else f'CREATE DATABASE "{name}"')
    finally:
        admin.close()
    try:
        yield _postgres_database_url(name)
    finally:
        _DROPPER.drop(name)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a brand-new, empty PostgreSQL database, dropped after the test."""
    yield from _new_postgres_database(template=False)


@pytest.fixture
def migrated_postgres_url() -> Iterator[str]:
    """The URL of a new PostgreSQL database already migrated to the latest schema, dropped after the test.

    A copy (``CREATE DATABASE ... TEMPLATE``) of one database this process migrated once: the
    state ``open_database`` gives a new database, without running every migration again."""
    yield from _new_postgres_database(template=True)


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
