"""Storage: the database schema, its migrations, and opening a database ready to use."""

from sendwatch.core.storage.db import Database, open_database

__all__ = ["Database", "open_database"]
