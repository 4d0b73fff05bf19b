"""``sendwatch demo`` runs the whole cycle offline and shows the alert with its evidence."""

from __future__ import annotations

import email
import email.policy
import sys
from pathlib import Path

from sendwatch.commands.demo import this_command
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
