"""``sendwatch demo`` runs the whole cycle offline and shows the alert with its evidence."""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
from pathlib import Path


def test_the_demo_detects_the_change_and_writes_the_alert_and_digest(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "sendwatch.cli", "demo", "--dir", str(workdir)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "status changes: eastmoor: Safety valve: on track -> Enhanced monitoring and support; emails sent: 1" in result.stdout
    )  # words, not codes
    assert "1 new documents" not in result.stdout and "1 new document\n" in result.stdout
    assert f"sendwatch --config {workdir / 'config.yaml'} serve" in result.stdout  # how to open it in the web app
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
    assert sorted(path.name for path in tmp_path.iterdir()) == ["demo"]
