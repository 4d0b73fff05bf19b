"""Benchmark: full-text search latency over 100,000 pages of generated council text, SQLite FTS5
against PostgreSQL (tsvector + GIN), side by side.

Builds the same pages in a SQLite file and (when one is reachable) a fresh PostgreSQL database:
153 councils, each with papers of ten pages of schools forum and budget prose generated from a
seeded vocabulary (rare phrases such as "home to school transport" on about one page in a
hundred), then times ``sendwatch.core.search.search_pages`` (the whole search: the index, the
joins and filters, and each hit's marked sentence) for several kinds of query: median and
95th-percentile milliseconds, and the PostgreSQL/SQLite ratio.

Usage: python bench/search.py [--pages 100000] [--runs 30] [--postgres URL]
(PostgreSQL default: $SENDWATCH_TEST_POSTGRES_URL, else the local server's ``test`` database;
a database of its own is made and dropped.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from sendwatch.core.search.pages import SearchFilters, search_pages
from sendwatch.core.storage import Database, open_database
from sendwatch.core.storage.models import Committee, Council, Document, DocumentPage, Meeting

COUNCILS = 153
PAGES_PER_PAPER = 10
WORDS = (
    "the council forum schools budget high needs block dedicated grant deficit plan members officers report "
    "noted agreed year forecast pressure placements specialist independent fees inflation demand pupils "
    "education health care plans tribunal mainstream inclusion early years funding formula transfer "
    "consultation academy trust maintained recovery management quarter position monitoring savings "
    "programme department local authority children families support service review proposal cabinet"
).split()
OPENINGS = [
    "The Forum noted that",
    "Officers reported that",
    "Members asked whether",
    "It was agreed that",
    "The report sets out how",
]
RARE = ["home to school transport", "safety valve agreement", "enhanced monitoring and support", "statutory override"]
QUERIES = [
    ("common word", "deficit", SearchFilters()),
    ("rare word", "override", SearchFilters()),
    ("phrase", '"home to school transport"', SearchFilters()),
    ("AND / NOT", "forecast placements NOT academy", SearchFilters()),
    ("OR", '"statutory override" OR "safety valve agreement"', SearchFilters()),
    ("prefix", "transp*", SearchFilters()),
    ("phrase + council + since", '"home to school transport"', SearchFilters(councils=("council-7",), since=dt.date(2025, 1, 1))),
]


def page_text(rng: random.Random) -> str:
    """About 150 words of council prose; now and then a rare phrase."""
    sentences = []
    for _ in range(8):
        words = rng.choices(WORDS, k=rng.randint(10, 22))
        if rng.random() < 0.0015:
            words.insert(rng.randint(0, len(words)), rng.choice(RARE))
        sentences.append(f"{rng.choice(OPENINGS)} {' '.join(words)}.")
    return " ".join(sentences)


def fill(database: Database, pages: int, seed: int = 16) -> None:
    """The same pages in any database (seeded), written in batches."""
    rng = random.Random(seed)
    papers_per_council = max(1, pages // (COUNCILS * PAGES_PER_PAPER))
    with database.session() as session:
        for number in range(COUNCILS):
            council = Council(slug=f"council-{number}", name=f"Benchshire {number} County Council", platform="moderngov")
            session.add(council)
            session.flush()
            forum = Committee(council_id=council.id, external_id="1", title="Schools Forum")
            session.add(forum)
            session.flush()
            page_rows = []
            for paper in range(papers_per_council):
                meeting = Meeting(
                    council_id=council.id,
                    committee_id=forum.id,
                    external_id=str(paper),
                    date=dt.date(2023, 1, 1) + dt.timedelta(days=(paper * 1100) // papers_per_council),
                )
                session.add(meeting)
                session.flush()
                document = Document(
                    council_id=council.id,
                    meeting_id=meeting.id,
                    url=f"https://democracy.council{number}.example.gov.uk/documents/s{paper}/report.pdf",
                    title=f"High needs budget monitoring {paper}",
                    kind="pdf",
                    fetch_state="ok",
                    text_state="ok",
                )
                session.add(document)
                session.flush()
                page_rows += [
                    {"document_id": document.id, "page_number": page, "text": page_text(rng), "text_source": "text"}
                    for page in range(1, PAGES_PER_PAPER + 1)
                ]
            session.execute(insert(DocumentPage), page_rows)


def timed(database: Database, runs: int) -> dict[str, tuple[float, float, int]]:
    """(median ms, p95 ms, hits) for each query kind."""
    results = {}
    with database.session() as session:
        for name, query, filters in QUERIES:
            hits = len(search_pages(session, query, filters))  # warm up
            times = []
            for _ in range(runs):
                begun = time.perf_counter()
                search_pages(session, query, filters)
                times.append((time.perf_counter() - begun) * 1000)
            times.sort()
            results[name] = (statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], hits)
    return results


@contextmanager
def postgres_database(url: str) -> Iterator[str | None]:
    """A fresh PostgreSQL database, dropped afterwards; None (and why) when none is reachable."""
    try:
        import psycopg
    except ImportError:
        print("PostgreSQL skipped: psycopg is not installed (pip install -e '.[postgres]')")
        yield None
        return
    parsed = make_url(url)
    try:
        admin = psycopg.connect(
            host=parsed.host,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database,
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError as error:
        print(f"PostgreSQL skipped: no server at {parsed.host}:{parsed.port or 5432} ({str(error).strip().splitlines()[0]})")
        yield None
        return
    name = f"sendwatch_bench_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SENDWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    results: dict[str, dict[str, tuple[float, float, int]]] = {}
    with tempfile.TemporaryDirectory() as folder, postgres_database(args.postgres) as pg_url:
        urls = {"SQLite FTS5": f"sqlite:///{Path(folder) / 'bench.db'}"}
        if pg_url:
            urls["PostgreSQL tsvector"] = pg_url
        for label, url in urls.items():
            database = open_database(url)
            try:
                begun = time.perf_counter()
                fill(database, args.pages)
                print(f"{label}: {args.pages:,} pages written and indexed in {time.perf_counter() - begun:.1f} s")
                results[label] = timed(database, args.runs)
            finally:
                database.dispose()
    labels = list(results)
    header = f"{'query':28} {'hits':>5}" + "".join(f" {label + ' median':>26} {'p95':>8}" for label in labels)
    print(f"\nsearch latency over {args.pages:,} pages, ms ({args.runs} runs each, up to 50 hits with their sentences)")
    print(header + ("   PG/SQLite (median)" if len(labels) == 2 else ""))
    for name, _, _ in QUERIES:
        row = f"{name:28} {results[labels[0]][name][2]:>5}"
        for label in labels:
            median, p95, _ = results[label][name]
            row += f" {median:>26.1f} {p95:>8.1f}"
        if len(labels) == 2:
            row += f"   {results[labels[1]][name][0] / max(results[labels[0]][name][0], 1e-9):>8.2f}x"
        print(row)


if __name__ == "__main__":
    main()
