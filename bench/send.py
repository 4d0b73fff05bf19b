"""Benchmark: deliver 1,000 immediate alerts to a local SMTP server over one connection.

Queues one change event's alert for N subscribers (rendered, signed, in the outbox), then times
``send_pending`` draining them to an aiosmtpd server on 127.0.0.1, run in a process of its own
(in the same process the two would fight over the GIL and the figure would measure that).
Prints messages per second and how many connections the server saw (the target is one).
Set BENCH_PROFILE=1 to print a profile of the sending.

Usage: python bench/send.py [--messages 1000] [--database URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from aiosmtpd.controller import Controller
from sqlalchemy import select

from alerts import queue_alerts, send_pending, subscribe
from sendwatch.core.config import load_config
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import ChangeEvent, Council


class CountingHandler:
    """Accepts everything; counts messages and connections."""

    def __init__(self) -> None:
        self.messages = 0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages += 1
        return "250 2.0.0 OK"


class EphemeralController(Controller):
    def _trigger_server(self):  # type: ignore[no-untyped-def]
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def serve_smtp() -> None:
    """The SMTP server side, run as its own process so it does not share the sender's GIL.

    Prints its port, waits for a line on stdin, then prints "messages connections".
    """
    handler = CountingHandler()
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    print(controller.port, flush=True)
    sys.stdin.readline()
    controller.stop()
    print(handler.messages, handler.connections, flush=True)


def start_smtp_process() -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve-smtp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    return server, int(server.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--serve-smtp", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_smtp:
        serve_smtp()
        return
    os.environ.setdefault("SENDWATCH_SECRET", "bench-secret")

    server, port = start_smtp_process()
    with tempfile.TemporaryDirectory() as folder:
        config_path = Path(folder) / "config.yaml"
        config_path.write_text(
            yaml.safe_dump(
                {
                    "database": args.database or f"sqlite:///{folder}/bench.db",
                    "mail": {"transport": "smtp", "host": "127.0.0.1", "port": port, "from": "sendwatch <alerts@example.org>"},
                    "councils": [
                        {
                            "slug": "northshire",
                            "name": "Northshire County Council",
                            "platform": "moderngov",
                            "url": "https://democracy.northshire.example.gov.uk/",
                        }
                    ],
                }
            )
        )
        config = load_config(config_path)
        database = open_database(config.database_url)
        started = time.perf_counter()
        with database.session() as session:
            sync_councils(session, config)
            for number in range(args.messages):
                subscribe(session, f"reader{number}@newsroom.example", councils=["northshire"])
            council = session.scalars(select(Council)).one()
            event = ChangeEvent(
                event_key=f"bench-{time.time_ns()}",
                council_id=council.id,
                old_status="sv_on_track",
                new_status="sv_off_track",
                since=dt.date(2025, 1, 16),
                is_baseline=False,
                evidence=[
                    {
                        "url": "https://democracy.northshire.example.gov.uk/documents/s1/q3.pdf",
                        "title": "Quarter 3 return",
                        "date": "2025-01-16",
                        "page": 6,
                        "quote": "The council is behind its agreed trajectory.",
                        "link": "https://democracy.northshire.example.gov.uk/documents/s1/q3.pdf#page=6",
                    }
                ],
                figures=[{"amount_gbp": 4700000, "text": "£4.7m", "label": "off track by"}],
            )
            session.add(event)
            session.flush()
            queued = len(queue_alerts(session, config, [event]))
        queue_seconds = time.perf_counter() - started

        started, cpu_started = time.perf_counter(), time.process_time()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            summary = profiler.runcall(send_pending, config, database)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        else:
            summary = send_pending(config, database)
        send_seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        database.dispose()
    server.stdin.write("done\n")
    server.stdin.flush()
    messages, connections = map(int, server.stdout.readline().split())
    server.wait(timeout=30)

    print(f"database: {'SQLite' if not args.database else args.database.split(':')[0]}")
    print(f"queued {queued} alerts in {queue_seconds:.2f} s ({queued / queue_seconds:.0f}/s, rendering and signing included)")
    print(f"sent {summary.sent} in {send_seconds:.2f} s: {summary.sent / send_seconds:.0f} messages/s")
    print(
        f"sender CPU: {cpu_seconds:.2f} s ({summary.sent / cpu_seconds:.0f} messages per CPU-second; load average {os.getloadavg()[0]:.1f})"
    )
    print(f"server received {messages} messages over {connections} connection(s)")


if __name__ == "__main__":
    main()
