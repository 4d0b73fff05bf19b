"""A named lock in the database, so that two processes never run a cycle at the same time.

Works across processes and machines sharing one database, on SQLite and PostgreSQL alike: the
lock is a row whose primary key is the lock's name. Taking it is an INSERT that fails if the
row exists. A holder that died is found out two ways: one on this machine whose process is gone
(``sendwatch.core.holders``) is taken over at once; one elsewhere when its ``expires_at`` has passed.
A long cycle keeps its lock fresh with ``refresh``, which also says when the lock was lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from sendwatch.core import holders
from sendwatch.core.storage import Database
from sendwatch.core.storage.db import rows_matched
from sendwatch.core.storage.models import Lock, utcnow

CYCLE_LOCK = "cycle"


class LockBusy(Exception):
    """Someone else holds the lock; the message says who and since when."""


@dataclass
class HeldLock:
    name: str
    holder: str
    ttl: dt.timedelta
    database: Database

    def refresh(self) -> bool:
        """Push the expiry forward (call this more often than ``ttl``); False if the lock is no longer ours."""
        with self.database.session() as session:
            result = session.execute(
                update(Lock).where(Lock.name == self.name, Lock.holder == self.holder).values(expires_at=utcnow() + self.ttl)
            )
            return bool(rows_matched(result))

    def release(self) -> None:
        with self.database.session() as session:
            session.execute(delete(Lock).where(Lock.name == self.name, Lock.holder == self.holder))


def describe_holder() -> str:
    """Who is taking a lock (see ``sendwatch.core.holders``)."""
    return holders.new_holder()


def describe(lock: Lock) -> str:
    """'host:1234, since 2026-11-25 10:00:00 UTC': who holds a lock, for messages."""
    return f"{holders.holder_label(lock.holder)}, since {lock.acquired_at.strftime('%Y-%m-%d %H:%M:%S UTC')}"


def is_abandoned(lock: Lock, now: dt.datetime | None = None) -> bool:
    """The holder is provably dead on this machine, or (anywhere) its lease has run out."""
    return lock.expires_at < (now or utcnow()) or holders.is_dead(lock.holder)


def acquire(database: Database, name: str = CYCLE_LOCK, ttl: dt.timedelta = dt.timedelta(minutes=30)) -> HeldLock:
    """Take the lock or raise LockBusy. An abandoned lock (its holder died) is taken over."""
    holder = describe_holder()
    for _ in range(3):  # the row may come and go between our statements
        now = utcnow()
        with database.session() as session:
            current = session.scalars(select(Lock).where(Lock.name == name)).first()
            if current is not None and is_abandoned(current, now):
                session.execute(delete(Lock).where(Lock.name == name, Lock.holder == current.holder))
        try:
            with database.session() as session:
                session.add(Lock(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
        except IntegrityError:
            with database.session() as session:
                current = session.scalars(select(Lock).where(Lock.name == name)).first()
            if current is None or is_abandoned(current):
                continue
            raise LockBusy(f"a cycle is already running ({describe(current)})") from None
        return HeldLock(name=name, holder=holder, ttl=ttl, database=database)
    raise LockBusy(f"the {name} lock keeps changing hands; try again")


def current_holder(database: Database, name: str = CYCLE_LOCK) -> Lock | None:
    """The lock's row as it stands, or None when nobody holds it."""
    with database.session() as session:
        row = session.scalars(select(Lock).where(Lock.name == name)).first()
        if row is not None:
            session.expunge(row)
        return row


def clear(database: Database, name: str = CYCLE_LOCK, force: bool = False) -> Lock | None:
    """Remove the lock unless its holder is alive on this machine (or, without ``force``, holds
    an unexpired lease elsewhere); return the row removed, or None when there was none.

    Raises LockBusy saying why when it will not.
    """
    row = current_holder(database, name)
    if row is None:
        return None
    if holders.is_local(row.holder) and not holders.is_dead(row.holder):
        raise LockBusy(f"the {name} lock is held by a running process ({describe(row)}); stop that process instead")
    if not force and not is_abandoned(row):
        raise LockBusy(
            f"the {name} lock is held on another machine ({describe(row)}), lease until "
            f"{row.expires_at.strftime('%Y-%m-%d %H:%M:%S UTC')}; if that machine is gone, run again with --force"
        )
    with database.session() as session:
        session.execute(delete(Lock).where(Lock.name == name, Lock.holder == row.holder))
    return row
