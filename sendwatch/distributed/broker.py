"""The task engine: Dramatiq, over RabbitMQ (``amqp://``) or Redis (``redis://``), named by ``executor.broker``.

Why Dramatiq: a message is acknowledged only once its task has finished, so a task whose worker
dies is delivered again (at once by RabbitMQ, when the worker's connection drops; by Redis once
the worker has been silent for ``executor.redis_redelivery_seconds``), and its workers are plain threads in a process we start ourselves, so the
worker is an ordinary sendwatch command. Dramatiq is an optional extra (``.[distributed]``):
the local executor never imports it.

Every task is one message to one actor, whose only argument is the id of its row in the
``tasks`` table, where the scheduler wrote what the task is (``sendwatch.distributed.tasks``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sendwatch.core.vocabulary import TaskKind

if TYPE_CHECKING:
    from dramatiq import Broker

# One actor per kind of task; their messages carry nothing but the task's id.
ACTOR_NAMES: dict[TaskKind, str] = {kind: f"sendwatch_{kind}" for kind in ("crawl", "read", "send", "noop")}
# A task that raised (its database was unreachable, say) is tried again this many times, then
# recorded failed by its last worker: the scheduler never waits on a task nobody will run.
MAX_RETRIES = 3
RETRY_BACKOFF_MS = 1_000
# Dramatiq's own time limit per task is off: crawls and readers bound themselves (council
# timeout, reader child limits), and a thread killed from outside could leave a child behind.
NO_TIME_LIMIT_MS = 7 * 24 * 3600 * 1000
# Redis only. A live worker's broker stamps its heartbeat on every poll of a queue (its delay
# queue's consumer polls every second even while all its threads are busy), so a long task is
# never taken from a worker that still runs it. A dead worker's tasks are put back by the
# "maintenance" step Dramatiq runs on a random share of commands, for the queue named in that
# command; at Dramatiq's default (one in a thousand) and an idle worker polling about once a
# second, a killed worker's crawl would wait some fifteen minutes beyond the timeout. One in ten
# puts it back within seconds; the step is two range reads of small sorted sets when nobody died.
REDIS_MAINTENANCE_PER_MILLION = 100_000


class DistributedUnavailable(Exception):
    """The distributed executor cannot run here (Dramatiq missing, broker unreachable); says why."""


def make_broker(url: str, redis_redelivery_seconds: float = 60.0) -> Broker:
    """A Dramatiq broker for ``url`` (nothing is connected until it is used); with Redis, a task
    whose worker has been silent for ``redis_redelivery_seconds`` is delivered again."""
    try:
        from dramatiq.brokers.rabbitmq import RabbitmqBroker
        from dramatiq.brokers.redis import RedisBroker
    except ImportError as error:
        raise DistributedUnavailable(
            f"executor.kind distributed needs Dramatiq, which is not installed ({error}): pip install 'sendwatch[distributed]'"
        ) from None
    if url.startswith(("amqp://", "amqps://")):
        return RabbitmqBroker(url=url, confirm_delivery=True)
    return RedisBroker(
        url=url,
        heartbeat_timeout=int(redis_redelivery_seconds * 1000),
        maintenance_chance=REDIS_MAINTENANCE_PER_MILLION,
    )


def declare_actors(broker: Broker, queue: str, handlers: dict[TaskKind, Any]) -> None:
    """Declare one actor per kind of task on ``broker``'s ``queue``, each running its handler."""
    import dramatiq

    for kind, handler in handlers.items():
        dramatiq.Actor(
            handler,
            broker=broker,
            actor_name=ACTOR_NAMES[kind],
            queue_name=queue,
            priority=0,
            options={"max_retries": MAX_RETRIES, "min_backoff": RETRY_BACKOFF_MS, "time_limit": NO_TIME_LIMIT_MS},
        )


def send_task(broker: Broker, queue: str, kind: TaskKind, task_id: str) -> None:
    """Put one task's message on the queue (its row must be committed first)."""
    from dramatiq import Message

    broker.declare_queue(queue)
    broker.enqueue(Message(queue_name=queue, actor_name=ACTOR_NAMES[kind], args=(task_id,), kwargs={}, options={}))
