"""What every command needs: the validated config and the open database.

Commands receive a ``Runtime`` from click's context; they never read files or globals
themselves. The database is opened (and migrated) only by commands that use it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from sendwatch.core.config import Config, load_config
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import Database, open_database
from sendwatch.core.storage.db import database_exists


@dataclass
class Runtime:
    """The config file's path, loaded lazily, and the database opened on first use."""

    config_path: Path
    _config: Config | None = None
    _database: Database | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    @property
    def database(self) -> Database:
        """The migrated database, with councils mirrored from the config."""
        if self._database is None:
            self._database = open_database(self.config.database_url)
            with self._database.session() as session:
                sync_councils(session, self.config)
        return self._database

    @property
    def existing_database(self) -> Database | None:
        """The database if sendwatch has made one, else None: for commands that only read, which
        must never create a database (or files beside it) where none was."""
        if self._database is None and not database_exists(self.config.database_url):
            return None
        return self.database

    def check_folders(self, *, mail: bool = False) -> None:
        """Say now, in one line, if a folder the command will write to cannot be written: data_dir,
        and with ``mail`` the file transport's outbox_dir."""
        config = self.config
        folders = [("data_dir", config.local_dir)]  # an object store's bucket is checked by its first write
        if mail and config.mail.transport == "file":
            folders.append(("mail.outbox_dir", config.resolve(config.mail.outbox_dir)))
        for key, folder in folders:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryFile(dir=folder):
                    pass
            except OSError as error:
                raise click.ClickException(f"{key} {folder} is not a writable folder: {error.strerror or error}") from None

    def validate_if_present(self) -> None:
        """Validate the config file if there is one (commands that can run without one)."""
        if self.config_path.exists():
            _ = self.config  # loading validates it, and keeps it for the command

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None
