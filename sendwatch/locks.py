"""A named lock in the database, so that two processes never run a cycle at the same time.

Works across processes and machines sharing one database, on SQLite and PostgreSQL alike: the
lock is a row whose primary key is the lock's name. Taking it is an INSERT that fails if the
row exists; a holder that died leaves a row whose ``expires_at`` has passed, and the next
taker replaces it. A long cycle keeps its lock fresh with ``refresh``.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from sendwatch.storage import Database
from sendwatch.storage.models import Lock, utcnow

CYCLE_LOCK = "cycle"


class LockBusy(Exception):
    """Someone else holds the lock; the message says who and since when."""


@dataclass
class HeldLock:
    name: str
    holder: str
    ttl: dt.timedelta
    database: Database

    def refresh(self) -> None:
        """Push the expiry forward; call this more often than ``ttl``."""
        with self.database.session() as session:
            session.execute(
                update(Lock).where(Lock.name == self.name, Lock.holder == self.holder).values(expires_at=utcnow() + self.ttl)
            )

    def release(self) -> None:
        with self.database.session() as session:
            session.execute(delete(Lock).where(Lock.name == self.name, Lock.holder == self.holder))


def describe_holder() -> str:
    """Who is taking a lock: host, process id and a random part so restarts differ."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(database: Database, name: str = CYCLE_LOCK, ttl: dt.timedelta = dt.timedelta(minutes=30)) -> HeldLock:
    """Take the lock or raise LockBusy. An expired lock (its holder died) is taken over."""
    holder = describe_holder()
    now = utcnow()
    with database.session() as session:
        session.execute(delete(Lock).where(Lock.name == name, Lock.expires_at < now))
    try:
        with database.session() as session:
            session.add(Lock(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
    except IntegrityError:
        with database.session() as session:
            current = session.scalars(select(Lock).where(Lock.name == name)).first()
        if current is None:  # released between our two statements: try once more
            return acquire(database, name, ttl)
        since = current.acquired_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        raise LockBusy(f"a cycle is already running ({current.holder}, since {since})") from None
    return HeldLock(name=name, holder=holder, ttl=ttl, database=database)
