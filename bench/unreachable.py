"""Benchmark: an offline cycle, every council's site refusing connections or not resolving.

Configures ``--councils`` councils (ModernGov, CMIS and listing in the national mix) whose hosts
refuse connections (closed loopback ports) and, with ``--dns``, names under ``.invalid`` (which
asks the system's resolver), then crawls them all with the default retries and prints the wall
time, the time per council and the requests sent. Run on demand (not part of the tests):

    python bench/unreachable.py [--councils 147] [--parallel N] [--dns]
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
from pathlib import Path

import yaml

from crawler import crawl_councils
from sendwatch.core.config import parse_config
from sendwatch.core.storage import open_database


def closed_ports(count: int) -> list[int]:
    """Loopback ports nothing listens on (bound, then released together)."""
    sockets = [socket.socket() for _ in range(count)]
    for probe in sockets:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in sockets]
    for probe in sockets:
        probe.close()
    return ports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=147)
    parser.add_argument("--parallel", type=int, default=None, help="crawl.parallel_councils (default: all)")
    parser.add_argument("--dns", action="store_true", help="half the councils on names that do not resolve")
    args = parser.parse_args()
    ports = closed_ports(args.councils)
    councils = []
    for index, port in enumerate(ports):
        platform = "cmis" if index % 14 == 0 else "listing" if index % 25 == 1 else "moderngov"
        host = f"democracy.council-{index:03d}.invalid" if args.dns and index % 2 else f"127.0.0.1:{port}"
        councils.append(
            {"slug": f"council-{index:03d}", "name": f"Council {index:03d}", "platform": platform, "url": f"http://{host}/"}
        )
    with tempfile.TemporaryDirectory(prefix="sendwatch-bench-") as folder:
        base = Path(folder)
        config = parse_config(
            yaml.safe_dump(
                {
                    "database": f"sqlite:///{base / 'bench.db'}",
                    "data_dir": str(base / "data"),
                    "crawl": {"download_delay": 0, "parallel_councils": args.parallel},
                    "councils": councils,
                }
            ),
            base_dir=base,
        )
        database = open_database(config.database_url)
        started = time.perf_counter()
        results = crawl_councils(config, database)
        wall = time.perf_counter() - started
        database.dispose()
    failing = sum(result.outcome == "failing" for result in results)
    requests = sum(result.requests for result in results)
    print(
        f"{args.councils} unreachable councils, parallel {args.parallel}, {os.cpu_count()} CPUs, "
        f"retries {config.crawl.retries}, dns {'on' if args.dns else 'off'}"
    )
    print(f"offline cycle  {wall:7.1f} s  {wall / args.councils:5.2f} s a council  {requests:5d} requests  {failing} failing")


if __name__ == "__main__":
    main()
