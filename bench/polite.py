"""Benchmark: polite crawls against their floor, and the unchanged crawl against a bare Scrapy walk.

A polite crawl can go no faster than its slowest site allows: the floor of a cycle is the
largest number of requests one council needs times the download delay. This serves councils of
realistic size (``sample.typical_council``), each on its own loopback address, so each is its
own politeness slot, and prints, in one run:

- the first crawl of 40 and of 150 councils with ``download_delay: 0.5``, beside their floor;
- the unchanged re-crawl of those 150 councils with delay 0, beside a bare Scrapy walk (no
  incremental logic, one spider, one request at a time per site) of every URL the first crawl
  fetched from the same sites, timed from starting its process to its end, as the crawl is;
- peak memory of sendwatch's whole process tree (proportional set size summed over this
  process and every crawl process) while the 150 councils are crawled.

The demo site runs in a process of its own (a multiprocessing manager), outside the measured
tree, and with its own interpreter lock, so serving 150 sites competes with the crawl only for
the CPUs, as real sites do not at all.

Run on demand (not part of the tests):

    python bench/polite.py [--small 40] [--large 150] [--delay 0.5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import tempfile
import threading
import time
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any

import yaml

from crawler import crawl_councils
from sendwatch.core.config import parse_config
from sendwatch.core.storage import open_database
from sendwatch.demo.site import DemoSite
from sendwatch.demo.site.sample import typical_council


class SiteManager(BaseManager):
    """Hosts the demo site in its own process; the bench calls it through a proxy."""


def started_site(councils: int, today: dt.date) -> DemoSite:
    site = DemoSite([typical_council(index, today) for index in range(councils)], today=today).start()
    site.prerender()
    return site


SiteManager.register("started_site", started_site)


class TreeMemory(threading.Thread):
    """Samples the memory of this process and all its descendants (PSS summed), but for the
    ``excluded`` process and its own descendants; keeps the peak."""

    def __init__(self, excluded: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.excluded = excluded
        self.interval = interval
        self.peak_bytes = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.interval):
            excluded = set(_tree(self.excluded))
            measured = [pid for pid in _tree(os.getpid()) if pid not in excluded]
            self.peak_bytes = max(self.peak_bytes, sum(_pss_bytes(pid) for pid in measured))

    def stop(self) -> float:
        self._stopped.set()
        self.join()
        return self.peak_bytes / 2**20


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as handle:
                    text = handle.read()
                parents[int(name)] = int(text[text.rfind(")") + 2 :].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _pss_bytes(pid: int) -> int:
    """Proportional set size: resident memory with pages shared between processes (forked from
    one server, as crawl processes are) counted once across the tree, not once per process."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def make_config(base: Path, site: Any, slugs: list[str], delay: float, today: dt.date) -> Any:
    return parse_config(
        yaml.safe_dump(
            {
                "database": f"sqlite:///{base / 'bench.db'}",
                "data_dir": str(base / "data"),
                "crawl": {"download_delay": delay, "since": (today - dt.timedelta(days=365)).isoformat()},
                "councils": [site.council_config(slug) for slug in slugs],
            }
        ),
        base_dir=base,
    )


def timed_crawl(config: Any, site: Any, slugs: list[str]) -> tuple[float, dict[str, int], dict[str, int]]:
    """Crawl every council of ``config``: wall seconds, requests per council, outcomes."""
    site.reset_counts()
    database = open_database(config.database_url)
    try:
        started = time.perf_counter()
        results = crawl_councils(config, database)
        wall = time.perf_counter() - started
    finally:
        database.dispose()
    outcomes: dict[str, int] = {}
    for result in results:
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    return wall, {slug: sum(site.requests(slug).values()) for slug in slugs}, outcomes


def bare_walk(urls: list[str]) -> None:
    """Fetch every URL with a plain Scrapy spider: one request at a time per site, no delay."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Walk(scrapy.Spider):
        name = "walk"

        async def start(self):  # type: ignore[no-untyped-def]
            for url in urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response):  # type: ignore[no-untyped-def]
            return None

    process = CrawlerProcess(
        {
            "LOG_ENABLED": False,
            "ROBOTSTXT_OBEY": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS": 64,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
            "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False,
            "DOWNLOAD_MAXSIZE": 0,
        }
    )
    process.crawl(Walk)
    process.start()


def timed_bare_walk(urls: list[str]) -> float:
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    process = context.Process(target=bare_walk, args=(urls,))
    process.start()
    process.join()
    return time.perf_counter() - started


def polite_line(label: str, wall: float, requests: dict[str, int], delay: float, outcomes: dict[str, int]) -> str:
    floor = max(requests.values()) * delay
    return (
        f"{label:<34} {wall:7.1f} s   floor {floor:5.1f} s ({max(requests.values())} requests x {delay:g} s)   "
        f"ratio {wall / floor:5.2f}   {sum(requests.values())} requests   outcomes {outcomes}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=40)
    parser.add_argument("--large", type=int, default=150)
    parser.add_argument("--delay", type=float, default=0.5)
    args = parser.parse_args()
    today = dt.date.today()
    manager = SiteManager()
    manager.start()
    site: Any = manager.started_site(args.large, today)  # type: ignore[attr-defined]
    slugs = [f"council-{index:03d}" for index in range(args.large)]
    lines = [f"{os.cpu_count()} CPUs; councils of bench's typical size, each site on its own address"]
    try:
        with tempfile.TemporaryDirectory(prefix="sendwatch-polite-") as small_folder:
            small = slugs[: args.small]
            wall, requests, outcomes = timed_crawl(make_config(Path(small_folder), site, small, args.delay, today), site, small)
            lines.append(polite_line(f"polite first crawl, {len(small)} councils", wall, requests, args.delay, outcomes))
        with tempfile.TemporaryDirectory(prefix="sendwatch-polite-") as large_folder:
            base = Path(large_folder)
            memory = TreeMemory(excluded=manager._process.pid)  # type: ignore[attr-defined]
            memory.start()
            wall, requests, outcomes = timed_crawl(make_config(base, site, slugs, args.delay, today), site, slugs)
            urls = [site.origin(slug) + path for slug in slugs for path in site.requests(slug)]
            lines.append(polite_line(f"polite first crawl, {len(slugs)} councils", wall, requests, args.delay, outcomes))
            unchanged, requests, outcomes = timed_crawl(make_config(base, site, slugs, 0, today), site, slugs)
            peak = memory.stop()
            walk = timed_bare_walk(urls)
            lines.append(
                f"{'unchanged crawl, ' + str(len(slugs)) + ' councils, delay 0':<34} {unchanged:7.1f} s   "
                f"{sum(requests.values())} requests   outcomes {outcomes}"
            )
            lines.append(f"{'bare Scrapy walk of the same sites':<34} {walk:7.1f} s   {len(urls)} requests")
            lines.append(f"{'unchanged / bare walk':<34} {unchanged / walk:7.2f}")
            lines.append(f"{'peak memory, crawl process tree':<34} {peak:7.0f} MB PSS (both {len(slugs)}-council crawls)")
    finally:
        site.stop()
        manager.shutdown()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
