"""Errors a user can fix, with messages that say how, in a module that imports nothing heavy.

The command line catches these around every command; keeping them here means ``sendwatch
--help`` and ``--version`` need not import pydantic or SQLAlchemy just to name them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in a config file, located at a line and a key path."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ConfigError(Exception):
    """The config file is missing or invalid; ``issues`` holds one located line per problem."""

    def __init__(self, issues: list[ConfigIssue]):
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message says why in one line."""
