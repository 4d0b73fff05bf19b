"""``sendwatch crawl`` runs just the crawl stage and prints a line per council."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner, Result

from sendwatch.cli import cli
from sendwatch.demo.site import sample_council


def sendwatch(config_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config_path), *args])


def write(tmp_path: Path, site, slugs: list[str]) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "database": f"sqlite:///{tmp_path / 'sendwatch.db'}",
                "data_dir": "data",
                "crawl": {"download_delay": 0, "retries": 0},
                "councils": [site.council_config(slug) for slug in slugs],
            }
        ),
        encoding="utf-8",
    )
    return path


def test_crawl_one_council_prints_its_summary(demo, tmp_path, today):
    site = demo([sample_council("northshire", "moderngov", today), sample_council("eastshire", "cmis", today)])
    site.fail("eastshire", "robots_disallow")
    config_path = write(tmp_path, site, ["northshire", "eastshire"])

    done = sendwatch(config_path, "crawl", "--council", "northshire")

    assert done.exit_code == 0, done.output
    line = next(line for line in done.output.splitlines() if line.startswith("northshire"))
    assert line.split()[1] == "ok"
    assert "eastshire" not in done.output and sum(site.requests("eastshire").values()) == 0
    assert "1 ok, 0 empty, 0 blocked, 0 failing of 1 councils." in done.output
    assert (tmp_path / "data").is_dir()  # data_dir resolved beside the config file


def test_crawl_reports_failing_councils_by_name_and_still_exits_0(demo, tmp_path, today):
    site = demo([sample_council("northshire", "moderngov", today), sample_council("eastshire", "cmis", today)])
    site.fail("eastshire", "robots_disallow")
    config_path = write(tmp_path, site, ["northshire", "eastshire"])

    done = sendwatch(config_path, "crawl")

    assert done.exit_code == 0, done.output
    blocked = next(line for line in done.output.splitlines() if line.startswith("eastshire"))
    assert "blocked" in blocked and "robots.txt" in blocked
    councils = sendwatch(config_path, "councils")
    assert "blocked" in next(line for line in councils.output.splitlines() if line.startswith("eastshire"))


def test_an_unknown_council_is_a_clear_error(demo, tmp_path, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    done = sendwatch(write(tmp_path, site, ["northshire"]), "crawl", "--council", "nowhere")
    assert done.exit_code == 2  # a usage error, worded as every command words it (tests/test_cli.py)
    assert "no council 'nowhere' in the config" in done.output
