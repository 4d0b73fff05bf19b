"""With Redis, a long task stays with the live worker running it however long it runs, while a
killed worker's task is delivered to another within seconds of ``executor.redis_redelivery_seconds``.

Real ``sendwatch worker`` processes over the local Redis and PostgreSQL, crawling demo councils
whose sites hang until the test lets them go, so each crawl lasts exactly as long as the test
needs and no longer; the redelivery timeout is set short (5 s) so that nothing waits a minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from sendwatch.core.config import load_config
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import Database, open_database
from sendwatch.core.storage.models import Council, CrawlRun, Cycle, Task, utcnow
from sendwatch.demo.councils import demo_councils
from sendwatch.demo.site import DemoSite
from sendwatch.distributed.broker import make_broker, send_task
from tests.support.waiting import wait_until
from tests.support.workers import REDIS_URL, Workers, own_queue

pytestmark = pytest.mark.postgres

REDELIVERY_SECONDS = 5.0
LIVE, KILLED = "eastmoor", "northfield"  # the council whose worker lives, and the one whose worker is killed


@pytest.fixture
def hanging_site() -> Iterator[DemoSite]:
    """Two demo councils whose every page (not robots.txt) hangs until its failure is cleared."""
    with DemoSite(demo_councils(dt.date.today()), today=dt.date.today()) as site:
        for slug in (LIVE, KILLED):
            site.fail(slug, "hang")
        yield site


@pytest.fixture
def redis_queue() -> Iterator[tuple[str, str]]:
    with own_queue(REDIS_URL) as queue:
        yield queue


def _config(folder: Path, site: DemoSite, database_url: str, redis_queue: tuple[str, str]) -> Path:
    broker, queue = redis_queue
    data = {
        "database": database_url,
        "data_dir": str(folder / "data"),
        # A page waits for the test, not for a download timeout: a crawl ends when it is let go.
        "crawl": {"download_delay": 0, "autothrottle": False, "retries": 0, "timeout_seconds": 300},
        "councils": [site.council_config(slug) for slug in (LIVE, KILLED)],
        "executor": {
            "kind": "distributed",
            "broker": broker,
            "queue": queue,
            "heartbeat_seconds": 1,
            "redis_redelivery_seconds": REDELIVERY_SECONDS,
        },
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _task(database: Database, task_id: str) -> Task:
    with database.session() as session:
        task = session.get(Task, task_id)
        assert task is not None
        session.expunge(task)
        return task


def _crawling(site: DemoSite, database: Database, task_id: str, slug: str, attempt: int) -> bool:
    """The task's ``attempt``-th delivery is running and its crawl is waiting on the hanging site."""
    task = _task(database, task_id)
    pages = [path for path in site.requests(slug) if path != "/robots.txt"]
    return task.state == "running" and task.attempts == attempt and bool(pages)


def _pid(worker_name: str | None) -> int:
    assert worker_name is not None
    return int(worker_name.rsplit(":", 1)[1])


def test_a_live_workers_long_crawl_is_never_redelivered_and_a_killed_workers_is_within_seconds(
    tmp_path: Path, hanging_site: DemoSite, postgres_url: str, redis_queue: tuple[str, str]
) -> None:
    config_path = _config(tmp_path, hanging_site, postgres_url, redis_queue)
    config = load_config(config_path)
    database = open_database(postgres_url)
    workers = Workers(config_path, count=3, concurrency=1)
    try:
        workers.wait_alive(postgres_url)
        with database.session() as session:
            sync_councils(session, config)
            cycle = Cycle(started_at=utcnow(), state="running")
            session.add(cycle)
            session.flush()
            cycle_id = cycle.id
            session.add_all(Task(id=slug, cycle_id=cycle_id, kind="crawl", key=slug, state="queued") for slug in (LIVE, KILLED))
        broker = make_broker(redis_queue[0], REDELIVERY_SECONDS)
        try:
            # One after the other, so the live worker has held its task longest: a claim that
            # were not kept alive would be the first one taken back.
            send_task(broker, redis_queue[1], "crawl", LIVE)
            wait_until(lambda: _crawling(hanging_site, database, LIVE, LIVE, 1), timeout=120, message="the live worker's crawl")
            send_task(broker, redis_queue[1], "crawl", KILLED)
            wait_until(lambda: _crawling(hanging_site, database, KILLED, KILLED, 1), timeout=120, message="the doomed crawl")
        finally:
            broker.close()
        live_worker, killed_worker = _task(database, LIVE).worker, _task(database, KILLED).worker
        assert live_worker != killed_worker
        workers.kill(_pid(killed_worker))

        wait_until(
            lambda: _crawling(hanging_site, database, KILLED, KILLED, 2),
            timeout=60,
            message=f"the killed worker's crawl to be delivered again ({REDELIVERY_SECONDS:g} s redelivery)",
        )
        redelivered, live = _task(database, KILLED), _task(database, LIVE)
        assert redelivered.worker not in (killed_worker, live_worker)
        assert live.state == "running" and live.attempts == 1 and live.worker == live_worker, "the live worker kept its task"
        assert live.started_at is not None and (utcnow() - live.started_at).total_seconds() > REDELIVERY_SECONDS
        assert hanging_site.requests(LIVE)["/robots.txt"] == 1, "the live council's site was crawled once, by one worker"

        for slug in (LIVE, KILLED):
            hanging_site.clear_failures(slug)

        def both_done() -> bool:
            return [_task(database, slug).state for slug in (LIVE, KILLED)] == ["done", "done"]

        wait_until(both_done, timeout=120, message="both crawls to finish")
        with database.session() as session:
            runs = session.execute(
                select(Council.slug, CrawlRun.outcome)
                .join(Council, CrawlRun.council_id == Council.id)
                .where(CrawlRun.cycle_id == cycle_id)
                .order_by(Council.slug)
            ).all()
        assert [tuple(run) for run in runs] == [(LIVE, "ok"), (KILLED, "ok")], "each council crawled and committed once"
        assert _task(database, LIVE).attempts == 1
    finally:
        workers.stop()
        database.dispose()
