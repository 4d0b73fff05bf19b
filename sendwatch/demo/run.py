"""``sendwatch demo``: the whole cycle, offline, on a bundled local council site.

It starts the demo council site on 127.0.0.1 (three fictional councils: two on ModernGov, one
of them with a web service that lists no committees so the HTML pages are read, and one on CMIS,
between them showing shapes real sites have: ``sendwatch.demo.councils``), writes
a config that points sendwatch at it with a journalist subscribed to immediate alerts and an
editor to the weekly digest, and then runs the real cycle twice: a baseline, and, after the site
publishes the papers that put one council under enhanced monitoring, a second cycle that
detects the change and writes the alert email to the outbox folder. Nothing is faked between
the site and the mailbox: the crawler, extractor, diff engine, outbox and file transport are the
ones ``sendwatch run --once`` uses.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import build_digest, current_statuses
from alerts.transports import FileTransport
from sendwatch.core.config import Config, load_config
from sendwatch.core.formatting import status_label
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import OutboxMessage
from sendwatch.cycle import CycleSummary, run_cycle
from sendwatch.demo.councils import FORUM, RIVERTON_WEB_SERVICE, demo_councils, eastmoor_off_track_meeting
from sendwatch.demo.site import DemoSite

JOURNALIST = "reporter@example.org"
MARKER = ".sendwatch-demo"
DEMO_DATABASE = "sendwatch-demo.db"
DEMO_FILES = {MARKER, "config.yaml", "data", "outbox", "digest-preview.html"}
EDITOR = "editor@example.org"


@dataclass
class DemoResult:
    """What the demo produced, for printing and for tests."""

    workdir: Path
    baseline: CycleSummary
    second: CycleSummary
    statuses: list = field(default_factory=list)
    alert_files: list[Path] = field(default_factory=list)
    digest_file: Path | None = None


def write_demo_config(site: DemoSite, workdir: Path) -> Path:
    """A config.yaml pointing at the running demo site, with file mail in ``workdir/outbox``."""
    config = {
        "database": f"sqlite:///{DEMO_DATABASE}",
        "data_dir": "data",
        "crawl": {
            "download_delay": 0,
            "autothrottle": False,
            "parallel_councils": 3,
            "retries": 1,
            "timeout_seconds": 20,
            "contact": "demo@example.org",
        },
        "mail": {"transport": "file", "outbox_dir": "outbox", "from": "sendwatch demo <alerts@example.org>"},
        "web": {"base_url": "http://127.0.0.1:8000"},
        "councils": [site.council_config(council.slug) for council in site_councils(site)],
        "subscribers": [
            {"email": JOURNALIST, "councils": "all", "frequency": "immediate"},
            {"email": EDITOR, "councils": "all", "frequency": "weekly"},
        ],
    }
    path = workdir / "config.yaml"
    path.write_text(
        "# Written by `sendwatch demo`: points sendwatch at the local demo council site.\n"
        + yaml.safe_dump(config, sort_keys=False),
        encoding="utf-8",
    )
    return path


def site_councils(site: DemoSite) -> list:
    return [site.council(slug) for slug in ("eastmoor", "riverton", "northfield")]


class DemoFolderError(ValueError):
    """The folder given for the demo holds things the demo did not make: it is left alone."""


def prepare_folder(workdir: Path) -> None:
    """Make ``workdir`` ready: new, empty, or one an earlier demo made (its marker file says so),
    from which only the demo's own files are removed. Anything else is refused, never emptied."""
    if workdir.exists() and not workdir.is_dir():
        raise DemoFolderError(f"{workdir} is a file, not a folder")
    if workdir.exists():
        entries = list(workdir.iterdir())
        if entries and not (workdir / MARKER).exists():
            raise DemoFolderError(
                f"{workdir} is not empty and was not made by sendwatch demo; choose a new or empty folder (nothing was changed)"
            )
        for entry in entries:
            if entry.name in DEMO_FILES or entry.name.startswith(DEMO_DATABASE):
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / MARKER).write_text(
        "Made by `sendwatch demo`, which may empty this folder's demo files when it runs again.\n", encoding="utf-8"
    )


def run_demo(workdir: Path, say: Callable[[str], None] = print, today: dt.date | None = None) -> DemoResult:
    """Run the demo in ``workdir`` (see ``prepare_folder``) and return what it produced."""
    today = today or dt.date.today()
    prepare_folder(workdir)
    with DemoSite(demo_councils(today), today=today) as site:
        site.set_web_service("riverton", RIVERTON_WEB_SERVICE)
        config = load_config(write_demo_config(site, workdir))
        database = open_database(config.database_url)
        try:
            with database.session() as session:
                sync_councils(session, config)
            say("Round 1: a baseline cycle over three councils (no alerts are sent for a baseline).")
            baseline = run_cycle(config, database, progress=_progress(say))
            say(_cycle_line(baseline))
            say("\nThe Eastmoor site now publishes the minutes and report of a new Schools Forum meeting.")
            site.publish_meeting("eastmoor", FORUM, eastmoor_off_track_meeting(today))
            say("Round 2: the next cycle.")
            second = run_cycle(config, database, progress=_progress(say))
            say(_cycle_line(second))
            with database.session() as session:
                statuses = current_statuses(session)
                alert_files = _alert_files(session, config)
                html, _text = build_digest(session, config)
            digest_file = workdir / "digest-preview.html"
            digest_file.write_text(html, encoding="utf-8")
        finally:
            database.dispose()
    return DemoResult(workdir, baseline, second, statuses, alert_files, digest_file)


def _alert_files(session: Session, config: Config) -> list[Path]:
    """The .eml files the file transport wrote for immediate alerts."""
    transport = FileTransport(config.resolve(config.mail.outbox_dir))
    sent = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert", OutboxMessage.state == "sent"))
    return [transport.path_for(message) for message in sent]


def _progress(say: Callable[[str], None]):
    def report(event: str, data: dict) -> None:
        if event == "council":
            new = data["documents_new"]
            say(f"  crawled {data['slug']:<12} {data['outcome']:<8} {new} new document{'' if new == 1 else 's'}")

    return report


def _cycle_line(summary: CycleSummary) -> str:
    """The cycle's changes in the words people read ('Safety valve: on track -> Enhanced ...')."""
    changes = (
        "; ".join(f"{c['council']}: {status_label(c['old'] or 'none')} -> {status_label(c['new'])}" for c in summary.changes)
        or "none"
    )
    return f"  status changes: {changes}; emails sent: {summary.emails_sent}"
