"""``sendwatch demo`` run once per test session, for every test file that reads what it made.

Why: the demo is two whole cycles (tens of seconds of crawl and reader processes) and three
files check what it leaves: its own output (tests/cycle/test_demo.py), the search index it built
(tests/search) and its database in the web app (tests/web). It runs as the README's quick start
runs it: the virtual environment's script, by its path, from a folder that holds nothing else.
The first xdist worker to ask runs it under a file lock; the others wait on the lock and read
its record. A test that changes anything works on ``copy_to`` (its own copy), never on the original.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from sendwatch.demo.run import DEMO_DATABASE
from tests.support.snapshots import copy_folder


@dataclass(frozen=True)
class DemoRun:
    """What the run left: its output and exit code, and where (plain fields, as every worker reads one record)."""

    cwd: str  # where it ran: the demo must leave nothing here but its own folder
    folder: str  # its --dir
    script: str  # the command it ran as
    returncode: int
    stdout: str
    stderr: str

    @property
    def workdir(self) -> Path:
        return Path(self.folder)

    def copy_to(self, target: Path) -> Path:
        """A copy of the demo's folder at ``target`` (a new path), its papers' paths pointed at the copy."""
        copy_folder(self.workdir, target, DEMO_DATABASE)
        return target


def demo_run(config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The session's one demo run (made now if no worker has made it yet)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if hasattr(config, "workerinput") else base  # every worker's folders are under one
    record = shared / "demo-run.json"
    with open(shared / "demo-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            cwd = shared / "demo-run"
            cwd.mkdir(exist_ok=True)  # made already by a worker whose run did not finish: run again
            script = Path(sys.executable).parent / "sendwatch"
            result = subprocess.run(
                [str(script), "demo", "--dir", str(cwd / "demo")], capture_output=True, text=True, timeout=300, cwd=cwd
            )
            made = DemoRun(str(cwd), str(cwd / "demo"), str(script), result.returncode, result.stdout, result.stderr)
            record.write_text(json.dumps(asdict(made)), encoding="utf-8")
        return DemoRun(**json.loads(record.read_text(encoding="utf-8")))
