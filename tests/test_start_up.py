"""Validation at start-up, one-line errors, and nothing destroyed or created by mistake (real processes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sendwatch.demo.run import MARKER, DemoFolderError, prepare_folder


def sendwatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sendwatch.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) >= 1
    return result.stderr


def write(folder: Path, data: dict) -> Path:
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the config, checked up front


@pytest.mark.parametrize(
    "schedule, expected",
    [
        ({"cycle": "99 * * * *"}, "schedule.cycle: '99 * * * *' is not a valid cron expression"),
        ({"digest": "0 0 31 2 *"}, "schedule.digest: '0 0 31 2 *' never fires"),
        ({"timezone": "Europe/Londn"}, "schedule.timezone: 'Europe/Londn' is not a time zone name"),
    ],
)
def test_a_schedule_the_daemon_could_not_run_fails_check_config(tmp_path: Path, schedule: dict, expected: str) -> None:
    result = sendwatch("check-config", cwd=write(tmp_path, {"schedule": schedule}).parent)
    assert result.returncode == 2 and expected in one_line_error(result)
    assert "config.yaml:2:" in result.stderr, "the line is named"


def test_check_config_shows_when_the_cycle_and_the_digest_next_run(tmp_path: Path) -> None:
    write(tmp_path, {"schedule": {"cycle": "30 5 * * *", "digest": "0 8 * * MON", "timezone": "Europe/London"}})
    result = sendwatch("check-config", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "next cycle" in result.stdout and "05:30" in result.stdout and "next digest Mon" in result.stdout


def test_a_missing_ca_file_is_named_at_start_up(tmp_path: Path) -> None:
    write(tmp_path, {"mail": {"transport": "smtp", "ca_file": "relay-ca.pem"}})
    result = sendwatch("check-config", cwd=tmp_path)
    assert result.returncode == 2 and "mail.ca_file" in one_line_error(result) and "relay-ca.pem" in result.stderr


def test_serve_with_an_impossible_port_or_data_dir_says_so_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("a file where the data folder should be")
    write(tmp_path, {"database": f"sqlite:///{tmp_path / 'sw.db'}", "data_dir": "not-a-folder"})
    port = sendwatch("serve", "--port", "99999", cwd=tmp_path)
    assert port.returncode == 2 and "99999 is not in the range" in one_line_error(port)
    folder = sendwatch("serve", "--port", "0", cwd=tmp_path)
    assert folder.returncode == 1 and "data_dir" in one_line_error(folder)
    run = sendwatch("run", "--once", cwd=tmp_path)
    assert run.returncode == 1 and "data_dir" in one_line_error(run) and not (tmp_path / "sw.db").exists()


# --------------------------------------------------------------------------- nothing created, nothing destroyed


def test_status_where_nothing_has_run_creates_no_database_and_no_file(tmp_path: Path) -> None:
    write(tmp_path, {})
    before = sorted(path.name for path in tmp_path.iterdir())
    results = {
        " ".join(args): sendwatch(*args, cwd=tmp_path) for args in (["status"], ["status", "--json"], ["mail"], ["unlock"])
    }
    for result in results.values():
        assert result.returncode == 0, result.stderr
    assert results["status --json"].stdout.strip() == "[]"
    preview = sendwatch("digest", "--preview", "digest.html", cwd=tmp_path)
    assert preview.returncode == 1 and "no database yet" in one_line_error(preview)
    assert sorted(path.name for path in tmp_path.iterdir()) == before


def test_demo_refuses_a_folder_it_did_not_make_and_changes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "notes.txt").write_text("mine")
    result = sendwatch("demo", "--dir", str(project), cwd=tmp_path)
    assert result.returncode == 2 and "was not made by sendwatch demo" in one_line_error(result)
    assert sorted(path.name for path in project.iterdir()) == [".git", "notes.txt"]
    dot = sendwatch("demo", "--dir", ".", cwd=project)
    assert dot.returncode == 2 and (project / ".git").is_dir()


def test_a_folder_the_demo_made_is_reused_removing_only_the_demo_s_own_files(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    prepare_folder(folder)
    (folder / "outbox").mkdir()
    (folder / "sendwatch-demo.db").write_text("old")
    (folder / "my-notes.txt").write_text("kept")

    prepare_folder(folder)

    assert sorted(path.name for path in folder.iterdir()) == [MARKER, "my-notes.txt"]
    with pytest.raises(DemoFolderError):
        prepare_folder(folder / MARKER)  # a file, not a folder


def test_a_sender_address_the_relay_cannot_carry_is_refused_at_start_up(tmp_path: Path) -> None:
    write(tmp_path, {"mail": {"transport": "smtp", "from": "Desk <désk@example.org>"}})
    result = sendwatch("check-config", cwd=tmp_path)
    assert result.returncode == 2 and "mail.from" in one_line_error(result)
    write(tmp_path, {"mail": {"transport": "smtp", "from": "Desk <désk@example.org>", "smtputf8": True}})
    assert sendwatch("check-config", cwd=tmp_path).returncode == 0
