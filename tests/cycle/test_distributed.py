"""The distributed executor over the demo site: 3 real ``sendwatch worker`` processes, real RabbitMQ,
real PostgreSQL. It gives what the local executor gives, and a worker SIGKILLed mid-council or
mid-paper costs nothing: the cycle completes, nothing is written or sent twice."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select, text

from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import (
    ChangeEvent,
    Council,
    CrawlRun,
    Cycle,
    Document,
    DocumentPage,
    Evidence,
    OutboxMessage,
    Task,
)
from sendwatch.demo.councils import FORUM, eastmoor_off_track_meeting
from sendwatch.demo.site import DemoSite
from tests.cycle.conftest import REPORTER, SLUGS, SUBSCRIBERS, cycle_site, run_sendwatch, sendwatch_command, write_cycle_config
from tests.support.object_store import ObjectStore, running_object_store
from tests.support.postgres import database_name, postgres_database
from tests.support.site_locks import site_lock_waiters
from tests.support.smtp import SmtpServer, running_smtp_server
from tests.support.snapshots import repoint_papers
from tests.support.waiting import wait_until
from tests.support.workers import RABBITMQ_URL, Workers, broker_or_skip, own_queue, running_task

pytestmark = pytest.mark.postgres

Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def object_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[ObjectStore]:
    with running_object_store(monkeypatch) as store:
        yield store


def _runner(config: Path) -> Runner:
    def run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        return run_sendwatch(config, *args, timeout=timeout)

    return run


@pytest.fixture
def rabbitmq_queue() -> Iterator[tuple[str, str]]:
    """The local RabbitMQ (or a skip saying why) and a queue of this test's own, deleted afterwards."""
    with own_queue(RABBITMQ_URL) as queue:
        yield queue


def _distributed(config: Path, folder: Path, database_url: str, rabbitmq_queue: tuple[str, str]) -> Path:
    """A copy of ``config`` in ``folder``, with this PostgreSQL database and the distributed executor on this queue."""
    broker, queue = rabbitmq_queue
    data = yaml.safe_load(config.read_text())
    data["database"] = database_url
    data["data_dir"] = str(folder / "data")
    data["executor"] = {"kind": "distributed", "broker": broker, "queue": queue, "stall_seconds": 120, "heartbeat_seconds": 1}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def distributed_config(tmp_path: Path, cycle_config: Path, postgres_url: str, rabbitmq_queue: tuple[str, str]) -> Path:
    """The whole-cycle test's config, with PostgreSQL and the distributed executor on a queue of its own."""
    folder = tmp_path / "distributed"
    folder.mkdir()
    return _distributed(cycle_config, folder, postgres_url, rabbitmq_queue)


@contextlib.contextmanager
def _running_workers(config: Path, postgres_url: str) -> Iterator[Workers]:
    running = Workers(config, count=3, concurrency=2)
    try:
        running.wait_alive(postgres_url)
        yield running
    finally:
        running.stop()


@pytest.fixture
def workers(distributed_config: Path, postgres_url: str) -> Iterator[Workers]:
    with _running_workers(distributed_config, postgres_url) as running:
        yield running


@pytest.fixture
def patient_workers(distributed_config: Path, postgres_url: str) -> Iterator[Workers]:
    """The workers of ``workers``, whose crawls wait on a hanging page until the test lets it go:
    with the whole-cycle config's 10 s download timeout, the page's timeout (not the test) would
    end the hang, and a test slowed down by a busy machine would see a failed crawl instead."""
    data = yaml.safe_load(distributed_config.read_text())
    data["crawl"]["timeout_seconds"] = 300
    distributed_config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with _running_workers(distributed_config, postgres_url) as running:
        yield running


@dataclass
class FirstCycle:
    """The module's one first cycle: its site (since changed), folder, database and the statuses it gave."""

    site: DemoSite
    folder: Path
    database: str
    statuses: dict[str, dict]


@pytest.fixture(scope="module")
def first_cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstCycle]:
    """A first cycle on PostgreSQL by the local executor, run once for the module on a site of its
    own: the statuses it gives (what a distributed first cycle must give too), then, after papers
    that change Eastmoor's status, its papers folder and database (never connected to again),
    which the kill tests copy. What they try is a distributed second cycle; the distributed
    first cycle is the first test's."""
    broker_or_skip(RABBITMQ_URL)
    today = dt.date.today()
    folder = tmp_path_factory.mktemp("first-cycle")
    with cycle_site(today) as site, running_smtp_server() as smtp, postgres_database() as url:
        config = write_cycle_config(folder, site, smtp, SLUGS, SUBSCRIBERS)
        data = yaml.safe_load(config.read_text())
        data["database"] = url
        config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        first = run_sendwatch(config, "run", "--once")
        assert first.returncode == 0, first.stderr
        assert "councils: 3 ok, 0 empty, 0 blocked, 1 failing" in first.stdout, first.stdout
        assert smtp.handler.received == [], "a first cycle alerts no one"
        statuses = _statuses(_runner(config))
        site.publish_meeting("eastmoor", FORUM, eastmoor_off_track_meeting(today))
        yield FirstCycle(site, folder, database_name(url), statuses)


@dataclass
class AfterFirstCycle:
    """A test's own copy of the first cycle (database and papers), its 3 workers, its relay."""

    site: DemoSite
    config: Path
    database_url: str
    workers: Workers


@pytest.fixture
def after_first(
    first_cycle: FirstCycle, tmp_path: Path, smtp_server: SmtpServer, rabbitmq_queue: tuple[str, str]
) -> Iterator[AfterFirstCycle]:
    site, folder = first_cycle.site, first_cycle.folder
    with postgres_database(copy_of=first_cycle.database) as url:
        shutil.copytree(folder / "data", tmp_path / "data")
        repoint_papers(url, folder / "data", tmp_path / "data")
        config = _distributed(write_cycle_config(tmp_path, site, smtp_server, SLUGS, SUBSCRIBERS), tmp_path, url, rabbitmq_queue)
        site.reset_counts()
        running = Workers(config, count=3, concurrency=2)
        try:
            running.wait_alive(url)
            yield AfterFirstCycle(site, config, url, running)
        finally:
            running.stop()
            site.clear_failures("eastmoor")  # the shared site as the next test expects it, whatever this one left


def _statuses(run: Runner) -> dict[str, dict]:
    shown = run("status", "--json")
    assert shown.returncode == 0, shown.stderr
    return {
        row["council"]: {
            "status": row["status"],
            "since": row["since"],
            "evidence": sorted((item["title"], item["page"], item["quote"]) for item in row["evidence"]),
            "figures": sorted((item["amount_gbp"], item["text"]) for item in row["figures"]),
        }
        for row in json.loads(shown.stdout)
    }


def _events(database_url: str) -> list[tuple[str, str | None, str, str | None]]:
    database = open_database(database_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Council.slug, ChangeEvent.old_status, ChangeEvent.new_status, ChangeEvent.since)
                .join(Council, ChangeEvent.council_id == Council.id)
                .order_by(Council.slug, ChangeEvent.id)
            ).all()
            return [(slug, old, new, since.isoformat() if since else None) for slug, old, new, since in rows]
    finally:
        database.dispose()


def _mail(received: list) -> list[tuple[tuple[str, ...], str]]:
    return sorted((tuple(item.recipients), item.message["Subject"]) for item in received)


def _nothing_twice(database_url: str) -> None:
    """No document, page, evidence or outbox row is there twice, and every cycle crawled each council once."""
    database = open_database(database_url)
    try:
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(Cycle).where(Cycle.state != "done")) == 0
            duplicated = {
                "documents": select(Document.council_id, Document.url).group_by(Document.council_id, Document.url),
                "pages": select(DocumentPage.document_id, DocumentPage.page_number).group_by(
                    DocumentPage.document_id, DocumentPage.page_number
                ),
                "evidence": select(Evidence.document_id, Evidence.page, Evidence.status, Evidence.quote).group_by(
                    Evidence.document_id, Evidence.page, Evidence.status, Evidence.quote
                ),
                "outbox": select(OutboxMessage.recipient, OutboxMessage.subject).group_by(
                    OutboxMessage.recipient, OutboxMessage.subject
                ),
                "crawl runs": select(CrawlRun.council_id, CrawlRun.cycle_id).group_by(CrawlRun.council_id, CrawlRun.cycle_id),
            }
            for what, query in duplicated.items():
                twice = session.execute(query.having(func.count() > 1)).all()
                assert twice == [], f"{what} written twice: {twice}"
            assert session.scalars(select(Document).where(Document.text_state == "pending")).all() == []
    finally:
        database.dispose()


def test_three_workers_give_the_statuses_events_and_emails_of_the_local_executor(
    site: DemoSite, smtp_server, cycle_config: Path, distributed_config: Path, workers: Workers, postgres_url: str, today: dt.date
) -> None:
    local, distributed = _runner(cycle_config), _runner(distributed_config)
    local_config = yaml.safe_load(cycle_config.read_text())
    for run in (local, distributed):
        first = run("run", "--once")
        assert first.returncode == 0, first.stderr
        assert "councils: 3 ok, 0 empty, 0 blocked, 1 failing" in first.stdout, first.stdout
    assert smtp_server.handler.received == []
    site.publish_meeting("eastmoor", FORUM, eastmoor_off_track_meeting(today))

    second_local = local("run", "--once")
    local_mail = list(smtp_server.handler.received)
    second_distributed = distributed("run", "--once")
    distributed_mail = smtp_server.handler.received[len(local_mail) :]

    assert second_local.returncode == 0 and second_distributed.returncode == 0, second_distributed.stderr
    assert "eastmoor: sv_on_track -> ems" in second_distributed.stdout
    assert _statuses(distributed) == _statuses(local)
    assert _events(postgres_url) == _events(local_config["database"])
    assert _mail(distributed_mail) == _mail(local_mail) != []
    _nothing_twice(postgres_url)
    database = open_database(postgres_url)
    try:
        with database.session() as session:
            by_worker = session.execute(select(Task.worker, func.count()).group_by(Task.worker)).all()
    finally:
        database.dispose()
    assert len(by_worker) >= 2, f"the work was spread over the workers: {by_worker}"
    shown = distributed("status", "--workers", "--json")
    assert shown.returncode == 0, shown.stderr
    health = json.loads(shown.stdout)
    assert sorted(worker["name"].rsplit(":", 1)[1] for worker in health["workers"]) == sorted(
        str(process.pid) for process in workers.processes
    )
    assert health["queue"] == {"queued": 0, "running": 0}


def _start_cycle(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        sendwatch_command(config, "run", "--once"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SENDWATCH_SECRET": "test-secret"},
    )


def _pid_of(task: Task) -> int:
    assert task.worker is not None
    return int(task.worker.rsplit(":", 1)[1])


def test_a_worker_killed_mid_council_has_its_crawl_done_once_by_another(after_first: AfterFirstCycle, smtp_server) -> None:
    site, postgres_url = after_first.site, after_first.database_url
    site.fail("eastmoor", "hang")  # the crawl of Eastmoor is under way, and stays so
    cycle = _start_cycle(after_first.config)
    try:
        wait_until(
            lambda: running_task(postgres_url, "crawl", "eastmoor") is not None and sum(site.requests("eastmoor").values()) > 0,
            timeout=120,
            message="a worker to be crawling Eastmoor",
        )
        task = running_task(postgres_url, "crawl", "eastmoor")
        assert task is not None
        after_first.workers.kill(_pid_of(task))
        site.clear_failures("eastmoor")
        out, err = cycle.communicate(timeout=240)
    finally:
        if cycle.poll() is None:
            cycle.kill()
    assert cycle.returncode == 0, err
    assert "eastmoor: sv_on_track -> ems" in out, out
    assert "councils: 3 ok, 0 empty, 0 blocked, 1 failing" in out, out
    database = open_database(postgres_url)
    try:
        with database.session() as session:
            crawl = session.scalars(select(Task).where(Task.kind == "crawl", Task.key == "eastmoor", Task.id == task.id)).one()
            assert crawl.state == "done" and crawl.attempts == 2 and crawl.worker != task.worker
    finally:
        database.dispose()
    _nothing_twice(postgres_url)
    alerts = collections.Counter(received.message_id for received in smtp_server.handler.to(REPORTER))
    assert list(alerts.values()) == [1], "the alert reached the reporter exactly once"


def test_a_worker_killed_mid_paper_has_the_paper_read_once_by_another(after_first: AfterFirstCycle, smtp_server) -> None:
    postgres_url = after_first.database_url
    database = open_database(postgres_url)
    holding = database.engine.connect()
    try:
        # Every paper's results wait at their commit while this lock is held: a worker is then
        # mid-paper (read, not yet stored) for as long as the test needs.
        holding.execute(text("LOCK TABLE document_pages IN SHARE MODE"))
        cycle = _start_cycle(after_first.config)
        try:
            wait_until(
                lambda: running_task(postgres_url, "read") is not None, timeout=180, message="a worker to be reading a paper"
            )
            task = running_task(postgres_url, "read")
            assert task is not None
            after_first.workers.kill(_pid_of(task))
            holding.rollback()
            out, err = cycle.communicate(timeout=240)
        finally:
            if cycle.poll() is None:
                cycle.kill()
    finally:
        holding.close()
    assert cycle.returncode == 0, err
    assert "eastmoor: sv_on_track -> ems" in out, out
    with database.session() as session:
        read = session.get(Task, task.id)
        assert read is not None and read.state == "done" and read.attempts == 2 and read.worker != task.worker
    database.dispose()
    _nothing_twice(postgres_url)
    alerts = collections.Counter(received.message_id for received in smtp_server.handler.to(REPORTER))
    assert list(alerts.values()) == [1], "the alert reached the reporter exactly once"


def test_two_deliveries_of_one_councils_crawl_never_crawl_its_site_at_once_nor_twice(
    site: DemoSite, distributed_config: Path, patient_workers: Workers, postgres_url: str
) -> None:
    from sendwatch.core.config import load_config
    from sendwatch.core.registry import sync_councils
    from sendwatch.core.storage.models import utcnow
    from sendwatch.distributed.broker import make_broker, send_task

    config = load_config(distributed_config)
    database = open_database(postgres_url)
    with database.session() as session:
        sync_councils(session, config)
        cycle = Cycle(started_at=utcnow(), state="running")
        session.add(cycle)
        session.flush()
        cycle_id = cycle.id
        session.add_all(Task(id=f"twice-{n}", cycle_id=cycle_id, kind="crawl", key="eastmoor", state="queued") for n in (1, 2))
        eastmoor = session.scalars(select(Council.id).where(Council.slug == "eastmoor")).one()
    site.fail("eastmoor", "hang")
    broker = make_broker(config.executor.broker or "")
    for n in (1, 2):  # as when a broker delivers a task again while its first worker still runs it
        send_task(broker, config.executor.queue, "crawl", f"twice-{n}")
    broker.close()

    def second_waits_for_the_site() -> bool:
        pages = [path for path in site.requests("eastmoor") if path != "/robots.txt"]
        return site_lock_waiters(database, eastmoor) == 1 and bool(pages)

    wait_until(second_waits_for_the_site, timeout=120, message="one crawl on the site and the other waiting for it")
    site.clear_failures("eastmoor")

    def both_done() -> bool:
        with database.session() as session:
            return session.scalars(select(Task.state).where(Task.id.in_(["twice-1", "twice-2"]))).all() == ["done", "done"]

    wait_until(both_done, timeout=120, message="both deliveries to finish")
    with database.session() as session:
        runs = session.scalars(select(CrawlRun).where(CrawlRun.cycle_id == cycle_id)).all()
        results = [task.result for task in session.scalars(select(Task).where(Task.id.in_(["twice-1", "twice-2"])))]
    database.dispose()
    assert len(runs) == 1 and runs[0].outcome == "ok", "the council was crawled and committed once"
    assert results[0] is not None and results[1] is not None
    assert results[0]["outcome"] == results[1]["outcome"] == "ok"
    assert results[0] == results[1], "the second delivery reports the crawl the first committed"
    assert results[0]["documents_new"] == runs[0].documents_new > 0


def test_a_crawl_still_running_when_the_scheduler_stops_commits_nothing_under_the_interrupted_cycle(
    site: DemoSite, distributed_config: Path, patient_workers: Workers, postgres_url: str
) -> None:
    from crawler.runner import INTERRUPTED

    site.fail("eastmoor", "hang")
    cycle = _start_cycle(distributed_config)
    try:
        wait_until(
            lambda: (
                running_task(postgres_url, "crawl", "eastmoor") is not None
                and any(path != "/robots.txt" for path in site.requests("eastmoor"))
            ),
            timeout=120,
            message="a worker to be crawling Eastmoor",
        )
        task = running_task(postgres_url, "crawl", "eastmoor")
        assert task is not None
        cycle.send_signal(signal.SIGTERM)  # as systemd stops the scheduler
        cycle.communicate(timeout=120)
    finally:
        if cycle.poll() is None:
            cycle.kill()
    database = open_database(postgres_url)
    try:
        with database.session() as session:
            assert session.get(Cycle, task.cycle_id).state == "interrupted"  # type: ignore[union-attr]
        site.clear_failures("eastmoor")  # the worker's crawl could now go on and commit

        def finished() -> bool:
            with database.session() as session:
                row = session.get(Task, task.id)
                return row is not None and row.state != "running"

        wait_until(finished, timeout=120, message="the worker to finish Eastmoor's task")
        with database.session() as session:
            row = session.get(Task, task.id)
            runs = session.scalars(
                select(CrawlRun.outcome)
                .join(Council, CrawlRun.council_id == Council.id)
                .where(Council.slug == "eastmoor", CrawlRun.cycle_id == task.cycle_id)
            ).all()
    finally:
        database.dispose()
    assert runs == [], "nothing of Eastmoor's crawl was committed under the interrupted cycle"
    assert row is not None and row.result is not None and row.result["reason"] == INTERRUPTED


def test_papers_kept_in_an_object_store_are_read_by_whichever_worker_gets_them(
    first_cycle: FirstCycle, distributed_config: Path, postgres_url: str, object_store: ObjectStore
) -> None:
    data = yaml.safe_load(distributed_config.read_text())
    data["data_dir"] = f"s3://{object_store.bucket}/sendwatch"
    data["data_options"] = object_store.options
    distributed_config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    distributed = _runner(distributed_config)
    running = Workers(distributed_config, count=3, concurrency=2)
    try:
        running.wait_alive(postgres_url)
        cycle = distributed("run", "--once")
    finally:
        running.stop()

    assert cycle.returncode == 0, cycle.stderr
    assert "councils: 3 ok, 0 empty, 0 blocked, 1 failing" in cycle.stdout, cycle.stdout
    assert _statuses(distributed) == first_cycle.statuses, "the local executor's first cycle's statuses"
    database = open_database(postgres_url)
    try:
        with database.session() as session:
            stored = session.execute(select(Document.sha256, Document.file_path).where(Document.file_path.is_not(None))).all()
            states = collections.Counter(session.scalars(select(Document.text_state).where(Document.file_path.is_not(None))))
    finally:
        database.dispose()
    assert stored and all(path.startswith(f"s3://{object_store.bucket}/sendwatch/{sha[:2]}/{sha}") for sha, path in stored)
    assert set(object_store.keys()) == {path.removeprefix("s3://") for _, path in stored}
    assert "pending" not in states and states["ok"] > 0
    assert not (distributed_config.parent / "data").exists() or not any((distributed_config.parent / "data").rglob("*.pdf"))
