"""Benchmark the distributed executor: reading 2,000 generated papers with 1, 2 and 4 worker
processes, beside the local executor, and the executor's own cost per task (a no-op round trip).

Run on demand (never in the suite), with RabbitMQ and PostgreSQL on 127.0.0.1 (or the URLs in
``SENDWATCH_BENCH_BROKER`` / ``SENDWATCH_TEST_POSTGRES_URL``):

    python bench/distributed.py [--papers 2000] [--workers 1,2,4]

The papers are council-style PDFs from ``bench/extract.py``'s generator (a few dozen distinct
packs, stored once by hash, each referenced by many document rows, so every row is a full read
of a real PDF). Each run starts from every paper pending, in a fresh PostgreSQL database made
for the run and dropped after it. Workers run with ``--concurrency 1``: one process, one reader,
so N workers use N cores; this machine has the cores it has, and the table says how many.
The no-op figures are a batch of tasks sent at once (the executor's throughput: a row, a
message, a claim and a result per task) and one task at a time (its latency, which includes the
scheduler polling the tasks table every 0.2 s).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import yaml
from sqlalchemy import delete, select, update
from sqlalchemy.engine import make_url

from bench.extract import build_pdfs
from extractors.pipeline import extract_documents
from sendwatch.core.config import load_config
from sendwatch.core.documents import DocumentStore
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Council, Document, DocumentPage, Evidence, Figure, WorkerBeat
from sendwatch.distributed.dispatch import DistributedStages

POSTGRES_URL = os.environ.get("SENDWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BROKER_URL = os.environ.get("SENDWATCH_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--distinct", type=int, default=40, help="distinct PDF packs generated (2 pages each)")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--noops", type=int, default=500)
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    admin_url = make_url(POSTGRES_URL)
    name = f"sendwatch_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=admin_url.host, port=admin_url.port or 5432, user=admin_url.username, dbname=admin_url.database, autocommit=True
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    queue = f"sendwatch-bench-{uuid.uuid4().hex[:8]}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder)
            config_path = base / "config.yaml"
            data = {
                "database": admin_url.set(database=name).render_as_string(hide_password=False),
                "data_dir": str(base / "data"),
                "executor": {"kind": "distributed", "broker": BROKER_URL, "queue": queue, "heartbeat_seconds": 1},
                "councils": [
                    {
                        "slug": "benchshire",
                        "name": "Benchshire County Council",
                        "platform": "moderngov",
                        "url": "http://127.0.0.1:9/",
                    }
                ],
            }
            config_path.write_text(yaml.safe_dump(data), encoding="utf-8")
            config = load_config(config_path)
            database = open_database(config.database_url)
            _seed(config, database, base, args.papers, args.distinct)
            rows = []
            _reset(database)
            started = time.perf_counter()
            local = extract_documents(config, database)
            rows.append(("local executor (2 reader threads)", local.processed, time.perf_counter() - started))
            for count in counts:
                _reset(database)
                workers = _start_workers(config_path, count)
                try:
                    _wait_for_beats(database, count)
                    stages = DistributedStages(config, database)
                    started = time.perf_counter()
                    summary = stages.extract_documents(config, database)
                    seconds = time.perf_counter() - started
                    stages.close()
                finally:
                    _stop(workers)
                rows.append((f"distributed, {count} worker process{'es' if count > 1 else ''}", summary.processed, seconds))
            workers = _start_workers(config_path, 1)
            try:
                _wait_for_beats(database, 1)
                stages = DistributedStages(config, database)
                stages.run_noops(20)  # warm: connections, the queue
                started = time.perf_counter()
                stages.run_noops(args.noops)
                batch = (time.perf_counter() - started) / args.noops
                started = time.perf_counter()
                for _ in range(20):
                    stages.run_noops(1)
                single = (time.perf_counter() - started) / 20
                stages.close()
            finally:
                _stop(workers)
            database.dispose()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        _delete_queue(queue)

    print(f"reading {args.papers} papers ({args.distinct} distinct 2-page PDFs), {os.cpu_count()} cores on this machine")
    print(f"{'executor':<40} {'papers':>7} {'seconds':>8} {'papers/s':>9} {'vs 1 worker':>12}")
    one = next((papers / seconds for label, papers, seconds in rows if label.endswith(" 1 worker process")), None)
    for label, papers, seconds in rows:
        rate = papers / seconds
        ratio = f"{rate / one:.2f}x" if one else "-"
        print(f"{label:<40} {papers:>7} {seconds:>8.1f} {rate:>9.1f} {ratio:>12}")
    print(f"no-op task, {args.noops} sent at once (1 worker): {batch * 1000:.1f} ms per task (throughput)")
    print(f"no-op task, one at a time (round trip):        {single * 1000:.1f} ms per task (latency, incl. 0.2 s polling)")


def _seed(config, database, base: Path, papers: int, distinct: int) -> None:  # type: ignore[no-untyped-def]
    generated = base / "generated"
    generated.mkdir()
    store = DocumentStore(config.documents_root)
    packs = [store.put(path.read_bytes(), "pdf") for path in build_pdfs(generated, distinct * 2, pages_per_document=2)]
    rng = random.Random(3)
    with database.session() as session:
        sync_councils(session, config)
        council = session.scalars(select(Council).where(Council.slug == "benchshire")).one()
        for number in range(papers):
            sha, location = rng.choice(packs)
            session.add(
                Document(
                    council_id=council.id,
                    url=f"http://127.0.0.1:9/paper-{number}.pdf",
                    title=f"Schools Forum paper {number}",
                    kind="pdf",
                    fetch_state="ok",
                    sha256=sha,
                    file_path=location,
                )
            )


def _reset(database) -> None:  # type: ignore[no-untyped-def]
    """Every paper pending again, as after a crawl that found them all new."""
    with database.session() as session:
        for table in (DocumentPage, Evidence, Figure):
            session.execute(delete(table))
        session.execute(
            update(Document).values(text_state="pending", extracted_sha256=None, extractor_version=None, extracted_at=None)
        )


def _start_workers(config_path: Path, count: int) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "sendwatch.cli", "--config", str(config_path), "worker", "--concurrency", "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(count)
    ]


def _wait_for_beats(database, count: int) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with database.session() as session:
            if len(session.scalars(select(WorkerBeat.name)).all()) >= count:
                return
        time.sleep(0.1)
    raise SystemExit(f"{count} workers did not start within 60 s")


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for process in workers:
        process.send_signal(signal.SIGTERM)
    for process in workers:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _delete_queue(queue: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(BROKER_URL))
    channel = connection.channel()
    for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
        channel.queue_delete(name)
    connection.close()


if __name__ == "__main__":
    main()
