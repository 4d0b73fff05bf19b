"""Who waits for a council's site lock, as the server's lock table shows it, for tests that wait on that.

``pg_locks`` lists the advisory locks of every database on the server, and other tests (other
test databases) take the same site locks at the same time: counted server-wide, a waiter of
theirs would pass for one of ours, or hide ours. Only this database's waiters count here.
"""

from __future__ import annotations

from sqlalchemy import text

from sendwatch.core.site_locks import SITE_LOCK_SPACE
from sendwatch.core.storage import Database


def site_lock_waiters(database: Database, council_id: int | None = None) -> int:
    """Connections of this database waiting for a site lock (for this council's, if named)."""
    with database.engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = :space"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND (CAST(:council AS integer) IS NULL OR objid = :council)"
            ),
            {"space": SITE_LOCK_SPACE, "council": council_id},
        ).scalar_one()
