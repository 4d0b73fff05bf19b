"""Open a database by URL, bring its schema up to date, and hand out sessions.

SQLite is the embedded default (WAL mode, foreign keys on, a busy timeout so that a second
process waits instead of failing); any SQLAlchemy URL works, PostgreSQL being how users grow.
Migrations run on every open, under a lock, so the first start creates the database and later
starts move it forward; a database newer than this code is refused rather than damaged.
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event, inspect, text
from sqlalchemy import exc as sqlalchemy_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from sendwatch.core.failures import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# PostgreSQL advisory locks (any fixed numbers, one per purpose): migrations, across processes;
# mirroring the configured councils into the database (``sendwatch.core.registry``).
_PG_MIGRATION_LOCK = 0x5E4D_0001
REGISTRY_LOCK = 0x5E4D_0002


# Failures of the database itself (disk full, locked, connection lost, read-only), not of the
# data: work that meets one is left to be done again, never recorded as the data's fault.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sqlalchemy_exc.OperationalError,
    sqlalchemy_exc.InterfaceError,
    sqlalchemy_exc.TimeoutError,
    OSError,
)


MAX_ROW_ID = 2**63 - 1  # the largest integer key either database can hold


def fits_row_id(value: int) -> bool:
    """Whether ``value`` can be a row's id (a larger number from a URL is simply no row)."""
    return 0 < value <= MAX_ROW_ID


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (what ``Session.execute`` returns for one is a
    cursor result, which counts them)."""
    return result.rowcount if isinstance(result, CursorResult) else 0


def hold_until_commit(session: Session, key: int) -> None:
    """Wait until no other transaction holds ``key``, then hold it until this one ends, so that
    transactions taking it run one after another (and read what the one before committed).

    PostgreSQL: a transaction advisory lock. SQLite: its one write lock, which this transaction
    holds already if it has written (the driver begins a transaction only at a write), else
    takes now with ``BEGIN IMMEDIATE``; ``key`` is not needed, all writers share it.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Database:
    """An engine and a session factory over one migrated database."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    """An engine with the per-dialect settings sendwatch relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(url: str) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def open_database(url: str, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at ``url``."""
    try:
        engine = make_engine(url)
        if migrate:
            upgrade(engine, url)
    except DatabaseError:
        raise
    except Exception as error:  # driver errors come in many types; the user needs one line
        raise DatabaseError(f"cannot open database {_safe(url)}: {error.__class__.__name__}: {error}".splitlines()[0]) from error
    return Database(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def head_revision() -> str:
    """The newest schema revision this sendwatch knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()  # type: ignore[return-value]


@lru_cache(maxsize=1)
def known_head() -> str | None:
    """The newest revision, read from the migration files' ``revision`` / ``down_revision`` lines
    without Alembic: importing Alembic costs every command about 0.15 s, and almost every open
    finds the database up to date. None when the files do not name exactly one newest revision
    (then Alembic decides, and says what is wrong)."""
    revisions: set[str] = set()
    earlier: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name.strip() in ("revision", "down_revision") and value.strip():
                found = ast.literal_eval(value.strip())
                named = {found} if isinstance(found, str) else set(found or ())
                (revisions if name.strip() == "revision" else earlier).update(named)
    heads = revisions - earlier
    return heads.pop() if len(heads) == 1 else None


def upgrade(engine: Engine, url: str, revision: str = "head") -> None:
    """Migrate to ``revision`` under a cross-process lock; refuse a database from newer code.

    A database already at the newest revision is left alone without taking the lock (no lock
    file beside a SQLite database for commands that only read it) and without loading Alembic.
    """
    if revision == "head" and _exists(engine, url) and known_head() is not None and current_revision(engine) == known_head():
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)
    with _migration_lock(engine, url) as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        known = {rev.revision for rev in script.walk_revisions()}
        if current is not None and current not in known:
            raise DatabaseError(
                f"database {_safe(url)} is at schema revision {current}, newer than this sendwatch knows; upgrade sendwatch"
            )
        if current == script.get_current_head() and revision == "head":
            return
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


@contextlib.contextmanager
def _migration_lock(engine: Engine, url: str) -> Iterator:
    """Hold a lock that only one migrating process can have at a time."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        lock_path = Path(parsed.database + ".migrate.lock")
        with open(lock_path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                with engine.connect() as connection:
                    yield connection
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            connection.commit()
            try:
                yield connection
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATION_LOCK})
                connection.commit()
        else:
            yield connection


def _exists(engine: Engine, url: str) -> bool:
    """Whether there is a database to look at without creating one (SQLite: the file exists)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database is not None and parsed.database not in ("", ":memory:") and Path(parsed.database).exists()
    return True


def database_exists(url: str) -> bool:
    """Whether sendwatch has made a database at ``url`` yet, found without creating anything."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _exists(None, url)  # type: ignore[arg-type]
    try:
        engine = create_engine(url, pool_pre_ping=True)
        try:
            with engine.connect() as connection:
                return _revision_on(connection) is not None
        finally:
            engine.dispose()
    except Exception as error:
        raise DatabaseError(f"cannot open database {_safe(url)}: {error.__class__.__name__}: {error}".splitlines()[0]) from error


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (Alembic's ``alembic_version`` row), None if it has none."""
    with engine.connect() as connection:
        return _revision_on(connection)


def _revision_on(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _safe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"
