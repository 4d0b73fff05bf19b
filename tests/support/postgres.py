"""Test databases on the PostgreSQL server named by ``SENDWATCH_TEST_POSTGRES_URL``.

Default: the local server on 127.0.0.1:5432, database ``test``, trust auth. Each database made
here is dropped afterwards, in the background (see ``_Dropper``); where no server is reachable,
the test asking for one skips and says why.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import uuid
from collections.abc import Iterator

import pytest

from sendwatch.core.storage import open_database

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


def postgres_database_url(name: str) -> str:
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


def drop_this_process_databases() -> None:
    """At the end of the session: the template too, and wait until every database is dropped."""
    for name in _TEMPLATE:
        _DROPPER.drop(name)
    _DROPPER.finish()


def migrated_template() -> str:
    """The name of this process's database migrated to the latest schema (made on first use), to copy."""
    if not _TEMPLATE:
        admin = _postgres_admin()
        try:
            name = f"sendwatch_template_{uuid.uuid4().hex[:12]}"
            admin.execute(f'CREATE DATABASE "{name}"')
            _TEMPLATE.append(name)
        finally:
            admin.close()
        open_database(postgres_database_url(name)).dispose()
    return _TEMPLATE[0]


def database_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


def terminate_connections(url: str) -> int:
    """End every server process connected to the database at ``url`` (``pg_terminate_backend``),
    as a database restart or an administrator would; return how many there were."""
    admin = _postgres_admin()
    try:
        cursor = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database_name(url),),
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 0
    finally:
        admin.close()


@contextlib.contextmanager
def postgres_database(copy_of: str | None = None) -> Iterator[str]:
    """A new test database (empty, or a copy of the database named ``copy_of``, which nobody may be
    connected to); yields its URL and drops it afterwards."""
    admin = _postgres_admin()
    name = f"sendwatch_test_{uuid.uuid4().hex[:12]}"
    try:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{copy_of}"' if copy_of else ""))
    finally:
        admin.close()
    try:
        yield postgres_database_url(name)
    finally:
        _DROPPER.drop(name)
