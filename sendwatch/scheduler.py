"""The daemon behind ``sendwatch run``: cycles and the weekly digest on cron schedules.

APScheduler 3 with a persistent job store in the sendwatch database, so that a cycle missed
while the machine was off runs once on the next start (coalesced; skipped if it is older than
``schedule.misfire_grace_seconds``). Never two cycles at once: ``max_instances=1`` inside one
process and the database cycle lock across processes. SIGINT/SIGTERM set a stop event that the
cycle honours at safe points, then the scheduler waits for the running job and exits. A small
interval job delivers mail that a server deferred, so a greylisted alert does not wait for the
next cycle.

APScheduler stores jobs by reference to an importable function. The functions below find the
running daemon through ``_RUNNING``, set once in ``Daemon.run``: the one place this module keeps
state, because the job store can only persist a function's name and plain arguments.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from sendwatch.core import locks
from sendwatch.core.config import Config
from sendwatch.core.storage import Database

log = logging.getLogger("sendwatch.scheduler")

JOB_TABLE = "apscheduler_jobs"
CYCLE_JOB = "cycle"
DIGEST_JOB = "digest"
MAIL_JOB = "mail"

_RUNNING: Daemon | None = None


@dataclass
class Daemon:
    """Runs the scheduler until a signal (or ``stop``) asks it to finish."""

    config: Config
    database: Database
    stop_event: threading.Event = field(default_factory=threading.Event)
    cycles_run: int = 0
    _signalled: bool = False

    def run(self) -> None:
        """Start the schedule and block until stopped; returns after a clean shutdown."""
        global _RUNNING
        _RUNNING = self
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=self.config.database_url, tablename=JOB_TABLE)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": self.config.schedule.misfire_grace_seconds},
            timezone=self.config.schedule.timezone,
        )
        previous = self._install_signal_handlers()
        try:
            # Start paused so that jobs missed while we were off keep their old next run time.
            scheduler.start(paused=True)
            self._ensure_job(scheduler, CYCLE_JOB, scheduled_cycle, "cycle")
            self._ensure_job(scheduler, DIGEST_JOB, scheduled_digest, "digest")
            self._ensure_job(
                scheduler,
                MAIL_JOB,
                scheduled_mail,
                IntervalTrigger(minutes=self.config.schedule.retry_mail_minutes, timezone=self.config.schedule.timezone),
            )
            for job in scheduler.get_jobs():
                log.info("scheduled", extra={"event": "scheduled", "job": job.id, "next_run": str(job.next_run_time)})
            scheduler.resume()
            self._wait_for_stop()
            log.info("stopping", extra={"event": "stopping"})
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=True)
            self._restore_signal_handlers(previous)
            _RUNNING = None
            log.info("stopped", extra={"event": "stopped", "cycles": self.cycles_run})

    def stop(self) -> None:
        self.stop_event.set()

    def _wait_for_stop(self) -> None:
        """Block until a signal or ``stop()``; then tell the running cycle to stop.

        The signal handler only sets a plain attribute: setting an Event takes a lock, and a
        handler that runs while the main thread holds that very lock (inside ``Event.wait``)
        would deadlock. So the main thread looks at the attribute on a short tick instead.
        """
        tick = threading.Event()  # never set: only its timed wait is used
        while not (self._signalled or self.stop_event.is_set()):
            tick.wait(0.25)
        self.stop_event.set()

    def _ensure_job(self, scheduler: BackgroundScheduler, job_id: str, func, schedule: str | IntervalTrigger) -> None:
        """Add the job, or keep the stored one (and its pending run) if its schedule is unchanged.

        ``schedule`` names a cron schedule of the config (``cycle``, ``digest``) or is a trigger.
        """
        trigger = self.config.schedule.trigger(schedule) if isinstance(schedule, str) else schedule
        existing = scheduler.get_job(job_id)
        if existing is not None and str(existing.trigger) == str(trigger):
            return
        if existing is not None:
            scheduler.reschedule_job(job_id, trigger=trigger)
            return
        scheduler.add_job(func, trigger=trigger, id=job_id, name=job_id, replace_existing=True)

    def _install_signal_handlers(self) -> dict[int, object]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous: dict[int, object] = {}
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, self._on_signal)
        return previous

    def _on_signal(self, signum: int, frame: object) -> None:
        self._signalled = True  # no locks in a signal handler: see _wait_for_stop

    @staticmethod
    def _restore_signal_handlers(previous: dict[int, object]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


def scheduled_cycle() -> None:
    """The periodic job: one cycle, unless another process is running one."""
    from sendwatch.cycle import run_cycle

    daemon = _RUNNING
    if daemon is None or daemon.stop_event.is_set():
        return
    try:
        summary = run_cycle(daemon.config, daemon.database, progress=_log_progress, stop=daemon.stop_event)
    except locks.LockBusy as busy:
        log.warning("cycle skipped", extra={"event": "cycle_skipped", "reason": str(busy)})
        return
    daemon.cycles_run += 1
    log.info("cycle done", extra={"event": "cycle_done", **summary.as_dict()})


def scheduled_digest() -> None:
    """The weekly job: build and send the digest to weekly subscribers."""
    from alerts import send_digest

    daemon = _RUNNING
    if daemon is None or daemon.stop_event.is_set():
        return
    result = send_digest(daemon.config, daemon.database)
    log.info("digest sent", extra={"event": "digest_sent", "result": str(result)})


def scheduled_mail() -> None:
    """Between cycles: deliver mail a server deferred (4xx) once its retry time has come."""
    from alerts import send_pending

    daemon = _RUNNING
    if daemon is None or daemon.stop_event.is_set():
        return
    result = send_pending(daemon.config, daemon.database)
    if result.attempted or result.recovered or result.reclaimed or result.paused:
        log.info(
            "mail retried",
            extra={
                "event": "mail_retried",
                "sent": result.sent,
                "deferred": result.deferred,
                "failed": result.failed,
                "ambiguous": result.ambiguous,
                "suppressed": result.suppressed,
                "recovered": result.recovered,
                "reclaimed": result.reclaimed,
                "paused": result.paused,
            },
        )


def _log_progress(event: str, data: dict) -> None:
    if event == "progress":  # live counts, several a second: for displays, not for the log
        return
    log.info(event, extra={"event": event, **{k: v for k, v in data.items() if k not in {"message", "args"}}})
