"""Benchmark: crawl 150 local councils of realistic size, first time and again unchanged.

Serves 150 councils from the demo site (the platform mix of the real list: mostly ModernGov,
some CMIS, a few listing pages), each with a Schools Forum of six meetings a year (three in the
crawl window), four agenda items and twelve papers a meeting, among forty other committees.
Crawls them all with ``crawl_councils`` (download delay 0), then again with nothing changed,
and prints wall time, requests and document bodies served for each pass.

Run on demand (not part of the tests):

    python bench/crawl.py [--councils 150] [--parallel N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import yaml

from crawler import crawl_councils
from sendwatch.core.config import parse_config
from sendwatch.core.storage import open_database
from sendwatch.demo.site import DemoSite
from sendwatch.demo.site.sample import typical_council


def run_pass(label: str, config, database, site: DemoSite, slugs: list[str]) -> None:
    site.reset_counts()
    started = time.perf_counter()
    results = crawl_councils(config, database)
    wall = time.perf_counter() - started
    outcomes: dict[str, int] = {}
    for result in results:
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    requests = sum(sum(site.requests(slug).values()) for slug in slugs)
    bodies = sum(sum(site.bodies(slug).values()) for slug in slugs)
    print(
        f"{label:<18} {wall:7.1f} s  {requests:6d} requests ({requests / wall:6.1f}/s)  "
        f"{bodies:5d} document bodies  {sum(r.documents_new for r in results):5d} new  "
        f"{sum(r.documents_changed for r in results):3d} changed  outcomes {outcomes}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--parallel", type=int, default=None, help="crawl.parallel_councils (default: all)")
    args = parser.parse_args()
    today = dt.date.today()
    site = DemoSite([typical_council(index, today) for index in range(args.councils)]).start()
    site.prerender()
    slugs = [f"council-{index:03d}" for index in range(args.councils)]
    with tempfile.TemporaryDirectory(prefix="sendwatch-bench-") as folder:
        base = Path(folder)
        config = parse_config(
            yaml.safe_dump(
                {
                    "database": f"sqlite:///{base / 'bench.db'}",
                    "data_dir": str(base / "data"),
                    "crawl": {
                        "download_delay": 0,
                        "parallel_councils": args.parallel,
                        "since": (today - dt.timedelta(days=365)).isoformat(),
                    },
                    "councils": [site.council_config(slug) for slug in slugs],
                }
            ),
            base_dir=base,
        )
        database = open_database(config.database_url)
        platforms = {p: sum(site.council(s).platform == p for s in slugs) for p in ("moderngov", "cmis", "listing")}
        print(f"{args.councils} councils {platforms}, parallel {args.parallel}, {os.cpu_count()} CPUs, download delay 0")
        run_pass("first crawl", config, database, site, slugs)
        run_pass("unchanged re-crawl", config, database, site, slugs)
        database.dispose()
    site.stop()


if __name__ == "__main__":
    main()
