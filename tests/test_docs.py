"""The README stays true: two quick-start commands, every command documented, CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

from sendwatch.commands import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("    ") and line.strip()][:2]


def test_the_quick_start_is_two_commands_install_and_demo_then_install_and_test() -> None:
    run_command, test_command = quick_start_commands()
    assert run_command.endswith("sendwatch demo") and "pip install" in run_command
    assert "pytest" in test_command and "pip install" in test_command and "[test]" in test_command


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test_command = quick_start_commands()
    ci_lines = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    assert test_command in ci_lines


def test_every_command_is_documented_in_the_readme() -> None:
    documented = set(re.findall(r"`sendwatch ([a-z-]+)", README)) | set(re.findall(r"`([a-z-]+)[ `]", README))
    assert set(COMMANDS) <= documented, set(COMMANDS) - documented


def test_ci_runs_the_checks_the_readme_names() -> None:
    ci_lines = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    assert "bash .ci/checks" in ci_lines
    checks = (ROOT / ".ci" / "checks").read_text()
    for tool in ('ruff" check', 'ruff" format --check', 'mypy"', 'lint-imports"'):
        assert tool in checks, tool
    developing = README.split("## Developing", 1)[1]
    assert "bash .ci/checks" in developing and "ruff" in developing and "mypy" in developing and "import-linter" in developing
