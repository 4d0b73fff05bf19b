"""Benchmark: how fast ``sendwatch serve`` answers its main pages over a national-sized database.

Builds a SQLite database with 153 councils, each with a two-period status history, a change
event, 30 papers and their figures, starts the real ``sendwatch serve`` in a process of its own,
and times each page over keep-alive HTTP: median and 95th-percentile latency, then requests per
second for the dashboard with several clients at once.

Usage: python bench/web.py [--councils 153] [--requests 200] [--clients 8]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

from sendwatch.core.config import load_config
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import ChangeEvent, Council, Document, Figure, Meeting, StatusRecord, utcnow
from sendwatch.core.vocabulary import STATUSES

PAGES = [
    "/",
    "/?status=ems",
    "/?q=shire",
    "/councils/council-7",
    "/feeds/changes.atom",
    "/export/statuses.csv",
    "/export/statuses.json",
]


def build(folder: Path, councils: int) -> Path:
    config_path = folder / "config.yaml"
    config_path.write_text(
        yaml.safe_dump(
            {
                "database": f"sqlite:///{folder / 'bench.db'}",
                "data_dir": str(folder / "data"),
                "councils": [
                    {
                        "slug": f"council-{n}",
                        "name": f"Benchshire {n} County Council",
                        "platform": "moderngov",
                        "url": f"https://democracy.council{n}.example.gov.uk/",
                    }
                    for n in range(councils)
                ],
            }
        ),
        encoding="utf-8",
    )
    config = load_config(config_path)
    database = open_database(config.database_url)
    now = utcnow()
    with database.session() as session:
        sync_councils(session, config)
        for index, council in enumerate(session.query(Council).order_by(Council.id)):
            old, new = STATUSES[index % 5 + 1], STATUSES[index % 9 + 1]
            documents = []
            for paper in range(30):
                meeting = Meeting(
                    council_id=council.id,
                    external_id=f"{paper}",
                    title="Schools Forum",
                    date=dt.date(2023, 1, 1) + dt.timedelta(days=30 * paper),
                )
                session.add(meeting)
                session.flush()
                document = Document(
                    council_id=council.id,
                    meeting_id=meeting.id,
                    url=f"{council.base_url}documents/s{paper}/Report.pdf",
                    title=f"Dedicated Schools Grant update {paper}",
                    kind="pdf",
                    fetch_state="ok",
                    text_state="ok",
                )
                session.add(document)
                documents.append(document)
            session.flush()
            for paper, document in enumerate(documents):
                session.add(
                    Figure(
                        document_id=document.id,
                        council_id=council.id,
                        amount_gbp=20e6 + paper * 1e6,
                        text="£20m",
                        label="cumulative deficit",
                        page=3,
                    )
                )
            evidence = [
                {
                    "url": documents[-1].url,
                    "title": "Dedicated Schools Grant update",
                    "date": "2025-05-01",
                    "page": 4,
                    "quote": "The council remains behind its agreed trajectory.",
                }
            ]
            session.add_all(
                [
                    StatusRecord(
                        council_id=council.id,
                        status=old,
                        since=dt.date(2023, 2, 1),
                        evidence=evidence,
                        figures=[],
                        is_current=False,
                    ),
                    StatusRecord(
                        council_id=council.id,
                        status=new,
                        since=dt.date(2025, 5, 1),
                        evidence=evidence,
                        figures=[{"amount_gbp": 6e6, "text": "£6m", "label": "off track by"}],
                        is_current=True,
                    ),
                    ChangeEvent(
                        event_key=f"bench-{index}",
                        council_id=council.id,
                        old_status=old,
                        new_status=new,
                        since=dt.date(2025, 5, 1),
                        evidence=evidence,
                        figures=[],
                        detected_at=now,
                    ),
                ]
            )
    database.dispose()
    return config_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=153)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        config_path = build(Path(folder), args.councils)
        print(f"built {args.councils} councils in {time.perf_counter() - started:.1f} s")
        process = subprocess.Popen(
            [sys.executable, "-m", "sendwatch.cli", "--config", str(config_path), "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "SENDWATCH_SECRET": "bench"},
        )
        try:
            url = process.stdout.readline().split()[3].rstrip("/")
            with httpx.Client(base_url=url, timeout=30) as client:
                for path in PAGES:
                    client.get(path).raise_for_status()  # warm up
                    times = []
                    for _ in range(max(20, args.requests // 5)):
                        begun = time.perf_counter()
                        response = client.get(path)
                        times.append((time.perf_counter() - begun) * 1000)
                    times.sort()
                    print(
                        f"{path:28} {len(response.content) / 1024:7.1f} KiB  median {statistics.median(times):6.1f} ms  p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms"
                    )

            def fetch(_: int) -> None:
                with httpx.Client(base_url=url, timeout=30) as client:
                    for _ in range(args.requests // args.clients):
                        client.get("/").raise_for_status()

            begun = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(fetch, range(args.clients)))
            elapsed = time.perf_counter() - begun
            total = args.requests // args.clients * args.clients
            print(
                f"dashboard with {args.clients} clients: {total / elapsed:.0f} requests/s ({total} requests in {elapsed:.2f} s)"
            )
        finally:
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
