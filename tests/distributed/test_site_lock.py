"""A council's site lock: one holder at a time across processes, freed the moment its holder dies."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import pytest

from sendwatch.core.site_locks import council_site_lock
from sendwatch.core.storage import Database, open_database
from tests.support.postgres import terminate_connections
from tests.support.site_locks import site_lock_waiters
from tests.support.waiting import wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres(postgres_url: str):  # type: ignore[no-untyped-def]
    database = open_database(postgres_url)
    yield database
    database.dispose()


def test_a_second_crawler_of_the_same_site_waits_until_the_first_lets_go(postgres: Database) -> None:
    first_done = threading.Event()
    order: list[str] = []

    def second() -> None:
        with council_site_lock(postgres, 7):
            order.append("second" if first_done.is_set() else "second, too early")

    with council_site_lock(postgres, 7):
        thread = threading.Thread(target=second)
        thread.start()
        wait_until(lambda: site_lock_waiters(postgres, 7) == 1, message="the second crawler to wait for the site")
        with council_site_lock(postgres, 8):  # another council's site is free meanwhile
            order.append("other site")
        first_done.set()
    thread.join(timeout=30)
    assert order == ["other site", "second"]


def test_a_holder_killed_outright_frees_the_site_at_once(postgres: Database, postgres_url: str) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from sendwatch.core.storage import open_database\n"
            "from sendwatch.core.site_locks import council_site_lock\n"
            f"with council_site_lock(open_database({postgres_url!r}), 7):\n"
            "    print('held', flush=True)\n"
            "    sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        taken = threading.Event()
        thread = threading.Thread(target=lambda: (council_site_lock(postgres, 7).__enter__(), taken.set()), daemon=True)
        thread.start()
        wait_until(lambda: site_lock_waiters(postgres, 7) == 1, message="the crawler to wait for the held site")
        assert not taken.is_set()
        holder.send_signal(signal.SIGKILL)
        assert taken.wait(timeout=10), "the dead holder's site lock was never freed"
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_sqlite_has_one_machine_and_no_site_lock_to_wait_for(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    try:
        with council_site_lock(database, 7), council_site_lock(database, 7):
            pass
    finally:
        database.dispose()


def test_a_lock_whose_connection_the_server_ended_lets_go_quietly_and_the_site_is_free(
    postgres: Database, postgres_url: str
) -> None:
    with council_site_lock(postgres, 9):
        assert terminate_connections(postgres_url) >= 1  # a database restart, or an administrator

    with council_site_lock(postgres, 9):  # free again: the server let go of it with the connection
        pass
