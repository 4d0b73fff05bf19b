"""A cycle's state (its SQLite database and the papers it stored) made once and copied for each test.

Why: several end-to-end tests start from the same cycles (a first cycle, the demo's two), and
those are the slow part (real crawl and reader processes). Made once and copied, each test still
gets a database and papers folder of its own. Papers are stored by absolute path, so the copy's
rows are pointed at the copied folder: nothing a test does reaches the original or another test.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text


def copy_cycle_state(source: Path, target: Path, database: str = "sendwatch.db", data: str = "data") -> None:
    """Copy ``source``'s database and papers folder into ``target``, the papers' paths rewritten to the copy."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / data, target / data)
    copy_database(source / database, target / database, source / data, target / data)


def copy_folder(source: Path, target: Path, database: str, data: str = "data") -> None:
    """Copy the whole of ``source`` (a config, its database, papers, outbox...) to ``target``, as ``copy_cycle_state``."""
    shutil.copytree(source, target, ignore=lambda _folder, names: [name for name in names if name.startswith(database)])
    copy_database(source / database, target / database, source / data, target / data)


def copy_database(source: Path, target: Path, papers: Path, copied_papers: Path) -> None:
    """Copy an SQLite database, its papers' paths under ``papers`` moved to ``copied_papers``."""
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        original.backup(copy)  # consistent whatever the original's write-ahead log still holds
    finally:
        original.close()
        copy.close()
    repoint_papers(f"sqlite:///{target}", papers, copied_papers)


def repoint_papers(database_url: str, papers: Path, copied_papers: Path) -> None:
    """In a copied database (SQLite or PostgreSQL), the papers stored under ``papers`` are now under ``copied_papers``."""
    old, new = str(papers), str(copied_papers)
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            moved = connection.execute(
                text(
                    "UPDATE documents SET file_path = :new || substr(file_path, :rest) WHERE substr(file_path, 1, :length) = :old"
                ),
                {"new": new, "rest": len(old) + 1, "length": len(old), "old": old},
            ).rowcount
    finally:
        engine.dispose()
    assert moved > 0, f"no stored paper under {old}: the copy would share the original's files"
