"""``sendwatch worker``: run a worker of the distributed executor on this machine."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from sendwatch.core.storage import open_database
from sendwatch.distributed.broker import DistributedUnavailable
from sendwatch.distributed.worker import run_worker


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=2,
    show_default=True,
    help="Tasks run at once (threads; crawls and reads each run in a child process).",
)
@click.pass_obj
def worker(runtime, concurrency: int) -> None:
    """Take the cycle's tasks (crawl a council, read a paper, send mail) from the broker until stopped.

    Needs executor.kind: distributed, executor.broker and a PostgreSQL database in the config;
    any number of workers may run, on any machines that have the config and can reach the
    broker, the database and data_dir. The scheduler (`sendwatch run`) hands out the work and
    waits for it. SIGINT or SIGTERM stops the worker cleanly: running tasks get 30 s to finish,
    the rest go back to the broker for another worker. A worker killed outright loses nothing:
    its tasks are delivered again.

    Example: sendwatch worker --concurrency 4
    """
    config = runtime.config
    if config.executor.kind != "distributed":
        raise click.ClickException("sendwatch worker needs executor.kind: distributed (and executor.broker) in the config")
    stop = threading.Event()

    def ask_to_stop(signum: int, frame: Any) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, ask_to_stop)
    # Opened as it is, without mirroring the councils from the config as other commands do:
    # the scheduler mirrors them before it hands out any crawl, so a worker has nothing to add.
    database = open_database(config.database_url)
    try:
        run_worker(
            config,
            database,
            concurrency,
            stop,
            on_ready=lambda name: click.echo(f"worker {name}: taking tasks from queue {config.executor.queue!r}", err=True),
        )
    except DistributedUnavailable as error:
        raise click.ClickException(str(error)) from None
    finally:
        database.dispose()
    click.echo("worker stopped.", err=True)
