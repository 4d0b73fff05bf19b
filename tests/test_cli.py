"""The command line lists every command the team's interfaces name, each with help and an example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sendwatch.cli import cli, command_help
from sendwatch.commands import COMMANDS

INTERFACE_COMMANDS = ["run", "status", "digest", "evaluate", "demo", "serve", "crawl", "extract", "councils", "check-config"]


def sendwatch(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command line in a real process, as a user would."""
    return subprocess.run([sys.executable, "-m", "sendwatch.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_lists_every_command_of_the_interfaces() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert set(INTERFACE_COMMANDS) <= listed


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_that_ends_with_an_example(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command.help and len(command.help.split()) >= 5
    assert "Example: sendwatch" in command.help


def test_a_simple_command_does_not_import_the_crawler_or_the_pdf_engines(write_config) -> None:
    path, _ = write_config()
    probe = (
        "import sys; from sendwatch.cli import main; sys.argv = ['sendwatch', '--config', sys.argv[1], 'councils'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('scrapy', 'pypdfium2', 'aiosmtplib', 'starlette') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_listing_the_commands_imports_none_of_them_nor_the_database_layer() -> None:
    probe = (
        "import sys; from sendwatch.cli import main; sys.argv = ['sendwatch', '--help'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sendwatch.commands.', 'scrapy', 'sqlalchemy', 'pydantic'))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert "check-config" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_summary_is_the_one_the_command_itself_gives(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert click.Command(name, help=command_help(COMMANDS[name])).get_short_help_str(60) == command.get_short_help_str(60)


def test_the_config_can_come_from_the_environment(tmp_path: Path, write_config, monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = write_config()
    monkeypatch.setenv("SENDWATCH_CONFIG", str(path))
    result = CliRunner().invoke(cli, ["check-config"])
    assert result.exit_code == 0, result.output
    assert f"{path}: valid" in result.output


def test_check_config_summarises_what_will_be_watched(write_config) -> None:
    path, _ = write_config({"subscribers": [{"email": "desk@example.org", "councils": ["kirklees"], "frequency": "weekly"}]})
    result = sendwatch("--config", str(path), "check-config")
    assert result.returncode == 0, result.stderr
    assert "councils: 1 configured, 1 enabled (1 moderngov), 0 disabled" in result.stdout
    assert "subscribers: 1 in the file (1 weekly)" in result.stdout


def test_councils_lists_platform_enabled_and_crawl_health(write_config) -> None:
    path, _ = write_config(
        {
            "councils": [
                {"slug": "kirklees", "name": "Kirklees Council", "platform": "moderngov", "url": "https://kirklees.example/"},
                {"slug": "hartlepool", "name": "Hartlepool Council", "enabled": False},
            ]
        }
    )
    result = sendwatch("--config", str(path), "councils")
    assert result.returncode == 0, result.stderr
    header, _, *rows = result.stdout.splitlines()
    assert header.split()[:5] == ["council", "platform", "enabled", "last", "outcome"]
    assert rows[0].split()[:3] == ["hartlepool", "-", "no"]
    assert rows[1].split()[:3] == ["kirklees", "moderngov", "yes"]
    assert "never crawled" in rows[1]
    listed = json.loads(sendwatch("--config", str(path), "councils", "--json").stdout)
    assert [(row["slug"], row["enabled"], row["outcome"], row["flagged"]) for row in listed] == [
        ("hartlepool", False, None, False),
        ("kirklees", True, None, False),
    ]


def test_the_database_is_created_on_first_use(write_config, tmp_path: Path) -> None:
    path, config = write_config()
    assert not (tmp_path / "sendwatch.db").exists()
    assert sendwatch("--config", str(path), "councils").returncode == 0
    assert (tmp_path / "sendwatch.db").exists()


def test_a_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    result = sendwatch("--config", str(tmp_path / "nowhere.yaml"), "councils")
    assert result.returncode == 2
    assert result.stderr.strip() == f"{tmp_path / 'nowhere.yaml'}: file not found"


# --------------------------------------------------------------------------- naming councils

TWO = [
    {"slug": "kirklees", "name": "Kirklees Council", "platform": "moderngov", "url": "https://democracy.kirklees.example/"},
    {
        "slug": "leeds",
        "name": "Leeds City Council",
        "aliases": ["Leeds"],
        "platform": "moderngov",
        "url": "https://democracy.leeds.example/",
    },
]


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "--council", "kirklee"],
        ["extract", "--council", "kirklee"],
        ["run", "--once", "--council", "kirklee"],
        ["probe", "--council", "kirklee"],
        ["subscribe", "desk@example.org", "--council", "kirklee"],
    ],
)
def test_an_unknown_council_gets_one_wording_one_exit_code_and_the_nearest_slugs(write_config, args) -> None:
    path, _ = write_config({"councils": TWO})
    result = CliRunner().invoke(cli, ["--config", str(path), *args])
    assert result.exit_code == 2, result.output
    assert "no council 'kirklee' in the config; did you mean kirklees?" in result.output


def test_council_slugs_match_in_any_case_and_by_name(write_config) -> None:
    path, _ = write_config({"councils": TWO})
    result = CliRunner().invoke(cli, ["--config", str(path), "subscribe", "desk@example.org", "--council", "KIRKLEES"])
    assert result.exit_code == 0 and "to kirklees" in result.output
    result = CliRunner().invoke(cli, ["--config", str(path), "subscribe", "desk@example.org", "--council", "leeds city council"])
    assert result.exit_code == 0 and "to leeds" in result.output
    nothing_near = CliRunner().invoke(cli, ["--config", str(path), "crawl", "--council", "zzz"])
    assert nothing_near.exit_code == 2 and "`sendwatch councils` lists them" in nothing_near.output


@pytest.mark.parametrize("args", [["councils"], ["subscribers"], ["check-config"], ["status"], ["mail"]])
def test_commands_that_report_print_json_on_request(write_config, args) -> None:
    path, _ = write_config({"councils": TWO})
    result = CliRunner().invoke(cli, ["--config", str(path), *args, "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
