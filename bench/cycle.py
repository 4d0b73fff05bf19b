"""Benchmark: one full cycle (crawl, extract, diff, alerts) over 150 local councils.

Runs on demand, never in the test suite. Starts the demo council site with 150 councils of
realistic size (those of bench/crawl.py: mostly ModernGov, some CMIS, a few listing pages), runs a first cycle, then
times an unchanged re-run, which is what the scheduler does most of the time. Prints wall time
and peak memory (this process, and the largest child: crawls and text extraction run in
children). The download delay is 0, so the figures measure sendwatch, not politeness.

    python bench/cycle.py [--councils 150]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

import yaml

from sendwatch.core.config import load_config
from sendwatch.core.storage import open_database
from sendwatch.cycle import run_cycle
from sendwatch.demo.site import DemoSite
from sendwatch.demo.site.sample import typical_council


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--parallel", type=int, default=None, help="crawl.parallel_councils (default: all)")
    args = parser.parse_args()
    today = dt.date.today()
    councils = [typical_council(index, today) for index in range(args.councils)]
    with tempfile.TemporaryDirectory() as folder, DemoSite(councils, today=today) as site:
        site.prerender()  # the site's PDF rendering is not what we measure
        base = Path(folder)
        data = {
            "database": f"sqlite:///{base / 'sendwatch.db'}",
            "data_dir": str(base / "data"),
            "crawl": {"download_delay": 0, "autothrottle": False, "parallel_councils": args.parallel},
            "mail": {"transport": "file", "outbox_dir": str(base / "outbox")},
            "councils": [site.council_config(council.slug) for council in councils],
            "subscribers": [{"email": "desk@example.org", "councils": "all", "frequency": "immediate"}],
        }
        (base / "config.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        config = load_config(base / "config.yaml")
        database = open_database(config.database_url)
        figures = []
        for label in ("first cycle", "unchanged re-run"):
            started = time.perf_counter()
            summary = run_cycle(config, database)
            seconds = time.perf_counter() - started
            outcomes = {outcome: len(slugs) for outcome, slugs in summary.councils.items()}
            figures.append((label, seconds, summary, outcomes))
        database.dispose()
    print(f"{args.councils} councils, parallel_councils={args.parallel}, download delay 0")
    for label, seconds, summary, outcomes in figures:
        print(
            f"  {label:<17} {seconds:7.1f} s wall   outcomes {outcomes}   documents new {summary.documents_new}, "
            f"changed {summary.documents_changed}, read {summary.documents_extracted}"
        )
    print(
        f"  peak memory: this process {peak_mb(resource.RUSAGE_SELF):.0f} MB, largest child {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )


if __name__ == "__main__":
    main()
