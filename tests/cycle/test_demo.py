"""``sendwatch demo`` runs the whole cycle offline and shows the alert with its evidence."""

from __future__ import annotations

import email
import email.policy
import sys
from pathlib import Path

from sqlalchemy import select

from sendwatch.commands.demo import this_command
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Committee, Council, Document, Meeting
from sendwatch.demo.run import DEMO_DATABASE
from sendwatch.demo.site.sample import WITHDRAWN_REPORT
from tests.support.demo_once import DemoRun


def test_the_demo_detects_the_change_and_writes_the_alert_and_digest(demo_made: DemoRun) -> None:
    # As the README's quick start runs it: the virtual environment's script, by its path, not activated
    # (run once for the session's tests, from a folder of its own: see tests/support/demo_once.py).
    result, workdir, script = demo_made, demo_made.workdir, Path(demo_made.script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "status changes: eastmoor: Safety valve: on track -> Enhanced monitoring and support; emails sent: 1" in result.stdout
    )  # words, not codes
    assert "1 new documents" not in result.stdout and "1 new document\n" in result.stdout
    # How to open it in the web app, as a command this shell can run (the venv is not on its PATH).
    assert f"  {script} --config {workdir / 'config.yaml'} serve" in result.stdout
    alerts = sorted((workdir / "outbox").glob("*.eml"))
    assert len(alerts) == 1
    assert f"Alert email written to {alerts[0]}" in result.stdout
    message = email.message_from_bytes(alerts[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == "reporter@example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "placed the Council under enhanced monitoring and support" in text
    assert "placed the Council under enhanced monitoring and support" in result.stdout
    digest = workdir / "digest-preview.html"
    assert digest.exists() and "Eastmoor County Council" in digest.read_text(encoding="utf-8")
    # It cleaned up: no demo server is left listening, and nothing was written outside its folder.
    assert sorted(path.name for path in Path(demo_made.cwd).iterdir()) == ["demo"]


def test_the_command_to_run_next_is_one_this_shell_can_run(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "venv" / "bin" / "sendwatch"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert this_command(str(script)) == str(script)  # not on the PATH: the path it was started by
    monkeypatch.setenv("PATH", str(script.parent))
    assert this_command(str(script)) == "sendwatch"  # the PATH finds this very program: its name
    assert this_command(str(tmp_path / "cli.py")) == f"{sys.executable} -m sendwatch.cli"


def demo_rows(demo_made: DemoRun) -> tuple[list[tuple[str, Meeting]], list[tuple[str, Document]], list[tuple[str, Committee]]]:
    """The meetings, papers and committees the demo stored, each with its council's slug (read, not changed)."""
    database = open_database(f"sqlite:///{demo_made.workdir / DEMO_DATABASE}", migrate=False)
    try:
        with database.session() as session:
            meetings = list(session.execute(select(Council.slug, Meeting).join(Meeting, Meeting.council_id == Council.id)))
            papers = list(session.execute(select(Council.slug, Document).join(Document, Document.council_id == Council.id)))
            committees = list(
                session.execute(select(Council.slug, Committee).join(Committee, Committee.council_id == Council.id))
            )
            session.expunge_all()
    finally:
        database.dispose()
    return [tuple(row) for row in meetings], [tuple(row) for row in papers], [tuple(row) for row in committees]  # type: ignore[misc]


def test_the_demo_crawls_the_shapes_its_councils_show(demo_made: DemoRun) -> None:
    # Which council shows which shape: sendwatch/demo/councils.py.
    assert demo_made.returncode == 0, demo_made.stdout + demo_made.stderr
    meetings, papers, committees = demo_rows(demo_made)
    statuses = sorted((slug, meeting.status) for slug, meeting in meetings if meeting.status in ("Postponed", "Cancelled"))
    assert statuses == [
        ("eastmoor", "Postponed"),
        ("northfield", "Cancelled"),
        ("riverton", "Cancelled"),
        ("riverton", "Postponed"),
    ]
    not_held = {meeting.id for _, meeting in meetings if meeting.status in ("Postponed", "Cancelled")}
    assert not [paper.url for _, paper in papers if paper.meeting_id in not_held]
    # The withdrawn reports of Riverton's struck-through meeting and of Northfield's cancelled one.
    assert WITHDRAWN_REPORT not in {paper.title for _, paper in papers}
    assert all(meeting.date is not None for _, meeting in meetings)  # numeric, ISO and timed dates all read
    [by_path] = [paper for slug, paper in papers if "/Data/" in paper.url]
    assert by_path.title == "Letter from the Department for Education" and by_path.fetch_state == "ok"
    assert ("northfield", "Schools\u2019 Forum") in {(slug, committee.title) for slug, committee in committees}
    # Only Eastmoor's change is news: nothing a postponed or cancelled meeting listed moved a status.
    # (The withdrawn reports, were they read, would put Riverton and Northfield in the safety valve programme.)
    assert "status changes: none;" in demo_made.stdout
    [riverton] = [line for line in demo_made.stdout.splitlines() if line.startswith("Riverton Borough Council ")]
    assert "Delivering Better Value" in riverton and "safety valve" not in riverton.lower()
    [northfield] = [line for line in demo_made.stdout.splitlines() if line.startswith("Northfield City Council ")]
    assert "Deficit reported" in northfield and "safety valve" not in northfield.lower()
