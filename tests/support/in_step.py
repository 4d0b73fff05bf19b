"""Actors doing the same write at once: threads on their own engines, or whole processes.

``in_step``: each actor opens the database itself (as a second command would) and runs ``work`` in one
session; its first ``INSERT INTO <table>`` waits at a barrier until the other actor is about to
insert too. Both have then read what is there and decided what is missing before either writes:
the race that "read, then insert what is missing" loses, met every time rather than by chance.

``processes_at_once``: Python processes that each get ready (imports done), say so, and wait
for one "go" sent to all of them, so their real work starts together.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from sendwatch.core.storage import open_database


def in_step(url: str, table: str, work: Callable[[Session], object], actors: int = 2) -> list[BaseException]:
    """Run ``work`` in ``actors`` threads held together at their first insert into ``table``;
    return what they raised (empty when every actor succeeded)."""
    both_inserting = threading.Barrier(actors, timeout=30)
    errors: list[BaseException] = []

    def actor() -> None:
        database = open_database(url)
        waited = threading.Event()

        def hold_first_insert(connection, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            if not waited.is_set() and statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
                waited.set()
                both_inserting.wait()

        event.listen(database.engine, "before_cursor_execute", hold_first_insert)
        try:
            with database.session() as session:
                work(session)
        except BaseException as error:  # reported by the test, in the actor's words
            errors.append(error)
            both_inserting.abort()
        finally:
            database.dispose()

    threads = [threading.Thread(target=actor, name=f"actor-{n}") for n in range(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"an actor never finished writing {table}")
    return errors


def processes_at_once(script: str, args: list[str], count: int = 2, timeout: float = 120) -> list[tuple[int, str, str]]:
    """Run ``count`` copies of ``python -c script *args`` started together; each (return code,
    stdout, stderr). ``script`` prints a line once it is ready, then reads a line from stdin (the
    go) before its real work."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for process in processes:  # every one ready (its imports done) before any is told to go
            assert process.stdout is not None
            process.stdout.readline()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=timeout) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return [(process.returncode, out, err) for process, (out, err) in zip(processes, outputs)]
