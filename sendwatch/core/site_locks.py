"""One crawler per council site at a time, across every process and machine sharing the database.

Why: politeness is per site (``crawl.download_delay``), and with workers on many machines two of
them could otherwise crawl one council at once (a task delivered again while its first run is
still going). On PostgreSQL this is a session advisory lock keyed by the council's row id, held
on a connection of its own by the process that crawls and commits: the server frees it the
moment that process ends, however it ends (a SIGKILLed worker's lock is gone with its socket),
so a lock is never left behind and never taken over while its holder still runs. SQLite is one
machine's database, where the local crawl already runs each council once: there it is a no-op.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sendwatch.core.storage import Database

# The first key of the two-key advisory lock: "council sites" (any fixed number; migrations use another).
SITE_LOCK_SPACE = 0x5E4D


@contextlib.contextmanager
def council_site_lock(database: Database, council_id: int) -> Iterator[None]:
    """Hold the council's site lock while inside, waiting for whoever holds it now."""
    if database.engine.dialect.name != "postgresql":
        yield
        return
    with database.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:space, :council)"), {"space": SITE_LOCK_SPACE, "council": council_id})
        connection.commit()
        try:
            yield
        finally:
            try:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:space, :council)"), {"space": SITE_LOCK_SPACE, "council": council_id}
                )
                connection.commit()
            except DBAPIError as error:
                # The lock's connection was lost (a restart, a terminated backend): the server freed
                # the lock with it, so there is nothing to let go, and the crawl's own outcome stands.
                if not error.connection_invalidated:
                    raise
