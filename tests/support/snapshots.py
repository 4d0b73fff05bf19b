"""A cycle's state (its SQLite database and the papers it stored) made once and copied for each test.

Why: several end-to-end tests start from the same first cycle, and that cycle is the slow part
(real crawl and reader processes). Made once per module and copied, each test still gets a
database and papers folder of its own. Papers are stored by absolute path, so the copy's rows
are pointed at the copied folder: nothing a test does reaches the original or another test.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path


def copy_cycle_state(source: Path, target: Path, database: str = "sendwatch.db", data: str = "data") -> None:
    """Copy ``source``'s database and papers folder into ``target``, the papers' paths rewritten to the copy."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / data, target / data)
    old, new = str(source / data), str(target / data)
    original, copy = sqlite3.connect(source / database), sqlite3.connect(target / database)
    try:
        original.backup(copy)  # consistent whatever the original's write-ahead log still holds
        with copy:
            copy.execute(
                "UPDATE documents SET file_path = ? || substr(file_path, ?) WHERE substr(file_path, 1, ?) = ?",
                (new, len(old) + 1, len(old), old),
            )
    finally:
        original.close()
        copy.close()
