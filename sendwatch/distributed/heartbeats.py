"""Which workers are alive and what each is doing, from their heartbeats and the ``tasks`` table.

A worker writes its heartbeat every ``executor.heartbeat_seconds``; one not heard from for three
of them is gone (killed, or its machine lost). Its current tasks are the ``running`` rows that
name it. The queue's depth is counted on the same table: tasks the scheduler sent that no worker
has started yet, so it reads the same whichever broker carries the messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sendwatch.core.storage import Database
from sendwatch.core.storage.models import Task, WorkerBeat, utcnow

MISSED_BEATS = 3  # heartbeats a worker may miss before it is reported gone


@dataclass
class WorkerStatus:
    """One live worker: ``host:pid``, since when, last heard from, and its running tasks."""

    name: str
    started_at: dt.datetime
    last_seen: dt.datetime
    concurrency: int
    tasks: list[str] = field(default_factory=list)  # "crawl eastmoor", "read 17"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "started_at": self.started_at.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "concurrency": self.concurrency,
            "tasks": list(self.tasks),
            "current_task": self.tasks[0] if self.tasks else None,
        }


def beat(database: Database, name: str, concurrency: int) -> None:
    """Record that this worker is alive now."""
    with database.session() as session:
        row = session.get(WorkerBeat, name)
        if row is None:
            session.add(WorkerBeat(name=name, started_at=utcnow(), last_seen=utcnow(), concurrency=concurrency))
        else:
            row.last_seen = utcnow()
            row.concurrency = concurrency


def forget(database: Database, name: str) -> None:
    """A worker that stops cleanly takes its heartbeat with it."""
    with database.session() as session:
        session.execute(delete(WorkerBeat).where(WorkerBeat.name == name))


def live_workers(session: Session, heartbeat_seconds: float, now: dt.datetime | None = None) -> list[WorkerStatus]:
    """The workers heard from lately, by name, each with its running tasks."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=heartbeat_seconds * MISSED_BEATS)
    rows = session.scalars(select(WorkerBeat).where(WorkerBeat.last_seen >= cutoff).order_by(WorkerBeat.name)).all()
    workers = {row.name: WorkerStatus(row.name, row.started_at, row.last_seen, row.concurrency) for row in rows}
    if workers:
        running = session.execute(
            select(Task.worker, Task.kind, Task.key)
            .where(Task.state == "running", Task.worker.in_(list(workers)))
            .order_by(Task.started_at)
        ).all()
        for worker, kind, key in running:
            if worker in workers:
                workers[worker].tasks.append(f"{kind} {key}")
    return list(workers.values())


def queue_counts(session: Session) -> dict[str, int]:
    """Tasks waiting for a worker (``queued``) and being worked on (``running``)."""
    counts = dict(
        session.execute(select(Task.state, func.count()).where(Task.state.in_(("queued", "running"))).group_by(Task.state)).all()
    )
    return {"queued": int(counts.get("queued", 0)), "running": int(counts.get("running", 0))}


def executor_health(session: Session, heartbeat_seconds: float) -> dict[str, Any]:
    """Workers and queue depth in one JSON-ready object, for ``status --workers --json`` and ``/healthz``."""
    return {
        "workers": [worker.as_dict() for worker in live_workers(session, heartbeat_seconds)],
        "queue": queue_counts(session),
    }
