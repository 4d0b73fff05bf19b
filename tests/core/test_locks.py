"""The cycle lock lives in the database: one holder at a time, across processes; a dead holder's lock expires."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import update

from sendwatch.core import locks
from sendwatch.core.storage import Database
from sendwatch.core.storage.models import Lock, utcnow


def test_a_second_taker_is_told_who_holds_the_lock(database: Database) -> None:
    held = locks.acquire(database)
    with pytest.raises(locks.LockBusy, match="a cycle is already running"):
        locks.acquire(database)
    held.release()
    locks.acquire(database).release()


def test_a_lock_left_by_a_dead_process_expires(database: Database) -> None:
    locks.acquire(database)  # never released, as if the process had been killed
    with database.session() as session:
        session.execute(update(Lock).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    taken = locks.acquire(database)
    assert taken.holder
    taken.release()


def test_refresh_keeps_a_long_cycle_s_lock(database: Database) -> None:
    held = locks.acquire(database, ttl=dt.timedelta(seconds=30))
    with database.session() as session:
        session.execute(update(Lock).values(expires_at=utcnow() + dt.timedelta(seconds=1)))
    held.refresh()
    with database.session() as session:
        assert session.get(Lock, "cycle").expires_at > utcnow() + dt.timedelta(seconds=20)
    held.release()


def test_the_lock_holds_across_processes(database_url: str, database: Database) -> None:
    held = locks.acquire(database)
    script = (
        "import sys; from sendwatch.core import locks; from sendwatch.core.storage import open_database\n"
        "try:\n    locks.acquire(open_database(sys.argv[1]))\nexcept locks.LockBusy as busy:\n    print('busy:', busy); sys.exit(3)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, database_url], capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout.startswith("busy: a cycle is already running (")
    held.release()
    assert (
        subprocess.run([sys.executable, "-c", script, database_url], capture_output=True, text=True, timeout=60).returncode == 0
    )


def _holder_of_a_finished_process() -> str:
    script = "from sendwatch.core.holders import new_holder; print(new_holder())"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()


def test_a_lock_whose_holder_died_on_this_machine_is_taken_over_at_once(database: Database) -> None:

    now = utcnow()
    with database.session() as session:  # the lease has hours to run, but its process is gone
        session.add(
            Lock(name="cycle", holder=_holder_of_a_finished_process(), acquired_at=now, expires_at=now + dt.timedelta(hours=2))
        )

    locks.acquire(database).release()


def test_a_lock_held_on_another_machine_waits_for_its_lease(database: Database) -> None:

    now = utcnow()
    with database.session() as session:
        session.add(
            Lock(name="cycle", holder="elsewhere:4242:-:-:0badc0de", acquired_at=now, expires_at=now + dt.timedelta(minutes=5))
        )
    with pytest.raises(locks.LockBusy, match=r"elsewhere:4242, since"):
        locks.acquire(database)
    with database.session() as session:
        session.execute(update(Lock).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    locks.acquire(database).release()


def test_refresh_says_when_the_lock_was_lost(database: Database) -> None:
    held = locks.acquire(database, ttl=dt.timedelta(seconds=30))
    with database.session() as session:
        session.execute(update(Lock).values(holder="someone-else"))
    assert held.refresh() is False


def test_a_lock_left_by_an_older_sendwatch_on_this_host_is_recognised_as_dead() -> None:
    import socket

    from sendwatch.core import holders

    finished = holders.parse_holder(_holder_of_a_finished_process())
    older = f"{socket.gethostname()}:{finished.pid}:1a2b3c4d"  # host:pid:token, the shape before holders
    assert holders.is_dead(older) and holders.holder_label(older) == f"{socket.gethostname()}:{finished.pid}"
    assert not holders.is_dead(f"another-host:{finished.pid}:1a2b3c4d"), "elsewhere: only its lease can tell"
