"""``sendwatch worker`` against each broker, its heartbeat in ``status --workers``, and the config it needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from sendwatch.core.config import ConfigError, load_config
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Task, WorkerBeat
from sendwatch.distributed.dispatch import DistributedStages
from tests.support.website import served
from tests.support.workers import RABBITMQ_URL, REDIS_URL, Workers, broker_or_skip, delete_queue, fresh_queue


def _write(folder: Path, database: str, executor: dict) -> Path:
    path = folder / "config.yaml"
    data = {"database": database, "data_dir": str(folder / "data"), "executor": executor}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _sendwatch(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sendwatch.cli", "--config", str(config), *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.postgres
@pytest.mark.parametrize("broker", [RABBITMQ_URL, REDIS_URL], ids=["rabbitmq", "redis"])
def test_a_worker_on_either_broker_runs_tasks_and_shows_itself_while_it_lives(
    tmp_path: Path, postgres_url: str, broker: str
) -> None:
    broker_or_skip(broker)
    queue = fresh_queue()
    config_path = _write(
        tmp_path, postgres_url, {"kind": "distributed", "broker": broker, "queue": queue, "heartbeat_seconds": 1}
    )
    config = load_config(config_path)
    database = open_database(postgres_url)
    workers = Workers(config_path, count=1, concurrency=3)
    try:
        workers.wait_alive(postgres_url)
        stages = DistributedStages(config, database)
        try:
            stages.run_noops(20)
        finally:
            stages.close()
        with database.session() as session:
            done = session.scalars(select(Task.state).where(Task.kind == "noop")).all()
        assert done == ["done"] * 20

        shown = _sendwatch(config_path, "status", "--workers", "--json")
        assert shown.returncode == 0, shown.stderr
        health = json.loads(shown.stdout)
        (worker,) = health["workers"]
        assert worker["name"].endswith(f":{workers.processes[0].pid}") and worker["concurrency"] == 3
        assert worker["current_task"] is None and health["queue"] == {"queued": 0, "running": 0}
        table = _sendwatch(config_path, "status", "--workers")
        assert "1 live worker(s); tasks: 0 waiting, 0 running." in table.stdout and worker["name"] in table.stdout
        with served(config, database) as origin:
            answer = httpx.get(f"{origin}/healthz", timeout=20)
        assert answer.status_code == 200 and answer.json()["status"] == "ok"
        assert [shown["name"] for shown in answer.json()["workers"]] == [worker["name"]]
        assert answer.json()["queue"] == {"queued": 0, "running": 0}
    finally:
        workers.stop()
        delete_queue(broker, queue)
    with database.session() as session:
        assert session.scalars(select(WorkerBeat)).all() == [], "a worker stopped by SIGTERM takes its heartbeat with it"
    database.dispose()


@pytest.mark.postgres
def test_a_worker_whose_broker_is_unreachable_says_so_in_one_line(tmp_path: Path, postgres_url: str) -> None:
    config = _write(tmp_path, postgres_url, {"kind": "distributed", "broker": "amqp://guest:guest@127.0.0.1:1/"})
    result = _sendwatch(config, "worker")
    assert result.returncode == 1
    assert "cannot reach the broker amqp://guest:***@127.0.0.1:1/" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_distributed_executor_refuses_sqlite_with_the_line_and_key(tmp_path: Path) -> None:
    config = _write(tmp_path, f"sqlite:///{tmp_path / 'one.db'}", {"kind": "distributed", "broker": "redis://127.0.0.1:6379/0"})
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert "config.yaml:4: executor.kind: the distributed executor needs PostgreSQL" in str(refused.value)
    assert _sendwatch(config, "check-config").returncode == 2


@pytest.mark.parametrize(
    "executor, message",
    [
        ({"kind": "distributed"}, "the distributed executor needs the URL of its broker"),
        ({"kind": "distributed", "broker": "http://127.0.0.1/"}, "is not a broker URL"),
        ({"kind": "elsewhere"}, "executor.kind: 'elsewhere' is not one of local, distributed"),
    ],
)
def test_an_executor_without_a_usable_broker_is_a_config_error(tmp_path: Path, executor: dict, message: str) -> None:
    config = _write(tmp_path, "postgresql+psycopg://postgres@127.0.0.1/test", executor)
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert message in str(refused.value)


def test_with_the_local_executor_there_are_no_workers_to_list(tmp_path: Path) -> None:
    config = _write(tmp_path, f"sqlite:///{tmp_path / 'one.db'}", {"kind": "local"})
    shown = _sendwatch(config, "status", "--workers")
    assert shown.returncode == 0 and "executor: local" in shown.stdout
    as_json = json.loads(_sendwatch(config, "status", "--workers", "--json").stdout)
    assert as_json == {"executor": "local", "workers": [], "queue": {"queued": 0, "running": 0}}
    refused = _sendwatch(config, "worker")
    assert refused.returncode == 1 and "needs executor.kind: distributed" in refused.stderr


def test_the_worker_command_has_help_with_an_example() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "sendwatch.cli", "worker", "--help"], capture_output=True, text=True, env=os.environ
    )
    assert "Example: sendwatch worker --concurrency 4" in shown.stdout


def test_the_compose_trials_config_is_valid_and_distributed() -> None:
    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "compose" / "config.yaml")
    assert config.executor.kind == "distributed" and config.database.startswith("postgresql")
    compose = yaml.safe_load((root / "compose.yaml").read_text())
    assert {"postgres", "rabbitmq", "scheduler", "worker"} <= set(compose["services"])
    assert (
        "sendwatch worker" in compose["services"]["worker"]["command"]
        and "sendwatch run" in compose["services"]["scheduler"]["command"]
    )


@pytest.mark.postgres
def test_with_no_worker_running_the_cycle_gives_up_the_stalled_councils_and_a_late_worker_skips_them(
    tmp_path: Path, postgres_url: str
) -> None:
    broker = broker_or_skip(RABBITMQ_URL)
    queue = fresh_queue()
    config_path = _write(tmp_path, postgres_url, {"kind": "distributed", "broker": broker, "queue": queue, "stall_seconds": 1})
    data = yaml.safe_load(config_path.read_text())
    data["councils"] = [{"slug": "nowhere", "name": "Nowhere Council", "platform": "moderngov", "url": "http://127.0.0.1:9/"}]
    data["mail"] = {"transport": "file", "outbox_dir": str(tmp_path / "outbox")}
    config_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    try:
        cycle = _sendwatch(config_path, "run", "--once")
        assert cycle.returncode == 0, cycle.stderr
        assert (
            "failing: nowhere: no worker finished it (nothing started or finished for 1 s: is `sendwatch worker` running?)"
            in cycle.stdout
        )
        database = open_database(postgres_url)
        with database.session() as session:
            assert session.scalars(select(Task.state).where(Task.kind == "crawl")).all() == ["cancelled"]
        workers = Workers(config_path, count=1, concurrency=1)
        try:
            workers.wait_alive(postgres_url)
            # One thread taking one message at a time, in order: once a task sent after the stale
            # crawl is done, the worker has handled the crawl's message too.
            stages = DistributedStages(load_config(config_path), database)
            stages.run_noops(1)
            stages.close()
        finally:
            workers.stop()
        with database.session() as session:
            assert session.scalars(select(Task.state).where(Task.kind == "crawl")).all() == ["cancelled"], "skipped, not run"
            assert session.scalars(select(Task.attempts).where(Task.kind == "crawl")).all() == [0]
        database.dispose()
    finally:
        delete_queue(broker, queue)
