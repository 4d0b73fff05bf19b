"""``sendwatch worker``: one process taking the cycle's tasks from the broker, ``concurrency`` at a time.

The worker is Dramatiq's own ``Worker`` (consumer and worker threads) inside this process, with
a heartbeat thread beside it. It prefetches no more messages than it has threads, so a worker
that dies holds back only the tasks it was running: the broker hands them to another at once.
Crawls and paper reads run in child processes of the worker that die with it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sendwatch.core.config import Config
from sendwatch.core.storage import Database
from sendwatch.distributed.broker import DistributedUnavailable, declare_actors, make_broker
from sendwatch.distributed.heartbeats import beat, forget
from sendwatch.distributed.tasks import TaskRunner

if TYPE_CHECKING:
    from dramatiq import Broker

log = logging.getLogger("sendwatch.worker")

STOP_GRACE_SECONDS = 30  # on SIGTERM, how long running tasks may finish before the rest are handed back


def worker_name() -> str:
    """How a worker is named in status and in the tasks it runs: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(
    config: Config,
    database: Database,
    concurrency: int,
    stop: threading.Event,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Take tasks until ``stop`` is set, then finish (or hand back) what is running and return."""
    import dramatiq

    if config.executor.kind != "distributed" or not config.executor.broker:
        raise DistributedUnavailable("sendwatch worker needs executor.kind: distributed and executor.broker in the config")
    broker = make_broker(config.executor.broker, config.executor.redis_redelivery_seconds)
    check_broker(broker, config.executor.broker, config.executor.queue)
    name = worker_name()
    runner = TaskRunner(config, database, name)
    declare_actors(broker, config.executor.queue, runner.handlers())
    worker = dramatiq.Worker(broker, worker_threads=concurrency)
    worker.queue_prefetch = concurrency
    beat(database, name, concurrency)
    heart = threading.Thread(
        target=_beating, args=(database, name, concurrency, config.executor.heartbeat_seconds, stop), daemon=True
    )
    heart.start()
    worker.start()
    try:
        if on_ready is not None:
            on_ready(name)
        stop.wait()
    finally:
        worker.stop(timeout=STOP_GRACE_SECONDS * 1000)
        broker.close()
        runner.close()
        try:
            forget(database, name)
        except Exception:  # the database is gone too: the heartbeat simply ages out
            log.warning("worker_heartbeat_not_removed", extra={"event": "worker_heartbeat_not_removed"})


def check_broker(broker: Broker, url: str, queue: str) -> None:
    """Fail now, in one line, if the broker cannot be reached (rather than in a consumer thread's log)."""
    from dramatiq.brokers.rabbitmq import RabbitmqBroker
    from dramatiq.brokers.redis import RedisBroker
    from sqlalchemy.engine import make_url

    try:
        if isinstance(broker, RabbitmqBroker):
            broker.declare_queue(queue, ensure=True)
        else:
            if isinstance(broker, RedisBroker):
                broker.client.ping()
            broker.declare_queue(queue)
    except Exception as error:
        shown = url
        try:
            shown = make_url(url).render_as_string(hide_password=True)
        except Exception:
            shown = url.split("@")[-1]
        raise DistributedUnavailable(
            f"cannot reach the broker {shown}: {error.__class__.__name__}: {error}".splitlines()[0]
        ) from None


def _beating(database: Database, name: str, concurrency: int, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            beat(database, name, concurrency)
        except Exception:  # a transient database error: the next beat tries again
            log.warning("worker_heartbeat_failed", extra={"event": "worker_heartbeat_failed"})
