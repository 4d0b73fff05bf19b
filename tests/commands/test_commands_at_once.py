"""Two sendwatch commands started together on a new database both succeed: the schema is made
once, and each configured council and subscriber is one row, however their starts interleave."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Council, Subscriber
from tests.support.in_step import processes_at_once
from tests.support.postgres import postgres_database

# A command's own start, with its imports done before the go: the config, the database (made
# and migrated), the councils and the config's subscribers mirrored, then the list printed.
_SUBSCRIBERS_WHEN_TOLD = (
    "import sys; from sendwatch.cli import main; import sendwatch.commands.subscriptions; "
    "print('ready', flush=True); sys.stdin.readline(); "
    "sys.argv = ['sendwatch', '--config', sys.argv[1], 'subscribers', '--json']; main()"
)

SUBSCRIBERS = [
    {"email": "editor@gazette.example", "councils": "all", "frequency": "weekly"},
    {"email": "reporter@gazette.example", "councils": ["kirklees"]},
]


def _started_together_on(url: str, write_config, name: str) -> None:  # type: ignore[no-untyped-def]
    path, _ = write_config({"database": url, "subscribers": SUBSCRIBERS}, name=name)
    results = processes_at_once(_SUBSCRIBERS_WHEN_TOLD, [str(path)])
    assert [code for code, _, _ in results] == [0, 0], results
    for _, out, _ in results:
        assert sorted(row["email"] for row in json.loads(out)) == ["editor@gazette.example", "reporter@gazette.example"]
    database = open_database(url)
    try:
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(Council)) == 1
            assert session.scalar(select(func.count()).select_from(Subscriber)) == 2
    finally:
        database.dispose()


def test_two_commands_started_together_on_a_new_sqlite_database_both_succeed(write_config, tmp_path) -> None:
    for round_ in range(2):
        _started_together_on(f"sqlite:///{tmp_path / f'round-{round_}.db'}", write_config, f"round-{round_}.yaml")


@pytest.mark.postgres
def test_two_commands_started_together_on_a_new_postgresql_database_both_succeed(write_config) -> None:
    for round_ in range(2):
        with postgres_database() as url:
            _started_together_on(url, write_config, f"round-{round_}.yaml")
