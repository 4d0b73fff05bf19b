"""Insert rows keyed by a unique column unless they are there already, safely under concurrency.

"Read which rows exist, then add the missing ones" fails when two processes do it at once (two
commands starting together on a new database, two crawls of one council): both read "missing",
both insert, and the later one fails on the unique constraint. ``insert_missing`` asks the
database instead: ``INSERT ... ON CONFLICT DO NOTHING`` on PostgreSQL and SQLite, where a row
inserted meanwhile by another transaction (committed, or still open: then this one waits for it)
is simply left as it is. Callers then read the rows back, finding theirs and the other's alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def insert_missing(session: Session, model: type[Any], rows: Iterable[Mapping[str, Any]], key: Sequence[str]) -> None:
    """Insert each of ``rows`` (column values by attribute name) whose ``key`` columns, a unique
    constraint of ``model``'s table, match no row yet; a row that is there already is untouched
    (and of rows sharing a key, only the first is inserted).

    Rows go in in key order, so two transactions inserting overlapping sets wait for each other
    one way only (never a deadlock). Any other database: one savepoint per row, a duplicate's
    IntegrityError rolled back to it and passed over.
    """
    by_key: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in rows:  # one row per key (the first): a statement never meets its own duplicate
        by_key.setdefault(tuple(str(row[column]) for column in key), dict(row))
    ordered = [by_key[found] for found in sorted(by_key)]
    if not ordered:
        return
    session.flush()  # pending objects of the session go first, as they would at any statement
    skipping = _insert_skipping_duplicates(session, model, key)
    if skipping is not None:
        session.execute(skipping, ordered)
        return
    for row in ordered:
        _insert_in_savepoint(session, model, row)


def insert_new(session: Session, model: type[Any], row: Mapping[str, Any], key: Sequence[str]) -> bool:
    """Insert one row unless a row with its ``key`` is there (committed, or being inserted by
    another transaction, which this one then waits for); whether this call inserted it. For a
    caller that counts or builds on what it added itself, never on another's row. An empty
    ``key``: a row matching it on any unique column (for a table whose unique columns are all
    derived from one, which PostgreSQL may check first)."""
    session.flush()
    skipping = _insert_skipping_duplicates(session, model, key)
    if skipping is None:
        return _insert_in_savepoint(session, model, row)
    primary_key = model.__table__.primary_key.columns  # a row comes back only when inserted
    return session.execute(skipping.values(**row).returning(*primary_key)).first() is not None


def _insert_skipping_duplicates(session: Session, model: type[Any], key: Sequence[str]) -> Any | None:
    """``INSERT ... ON CONFLICT (key) DO NOTHING`` where the database has it, else None."""
    name = session.get_bind().dialect.name
    if name not in ("postgresql", "sqlite"):
        return None
    dialect_insert = postgresql.insert if name == "postgresql" else sqlite.insert
    return dialect_insert(model).on_conflict_do_nothing(index_elements=list(key) or None)


def _insert_in_savepoint(session: Session, model: type[Any], row: Mapping[str, Any]) -> bool:
    """One row in a savepoint, a duplicate's IntegrityError rolled back to it: any other database."""
    try:
        with session.begin_nested():
            session.execute(insert(model), [dict(row)])
    except IntegrityError:
        return False
    return True
