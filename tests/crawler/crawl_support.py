"""Helpers for crawler tests that read what a crawl wrote (imported by the test modules)."""

from __future__ import annotations

import socket
from typing import Any

from sqlalchemy import func, select

from sendwatch.core.config import Config
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import AgendaItem, Committee, Document, Meeting


def rows(config: Config, model: type, **filters: Any) -> list[Any]:
    """Every row of ``model`` (optionally filtered by column values), read in a fresh session."""
    database = open_database(config.database_url, migrate=False)
    try:
        with database.session() as session:
            query = select(model)
            for name, value in filters.items():
                query = query.where(getattr(model, name) == value)
            return list(session.scalars(query))
    finally:
        database.dispose()


def table_sizes(config: Config) -> dict[str, int]:
    database = open_database(config.database_url, migrate=False)
    try:
        with database.session() as session:
            return {
                model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (Committee, Meeting, AgendaItem, Document)
            }
    finally:
        database.dispose()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
