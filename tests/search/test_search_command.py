"""``sendwatch search`` in a real process, over the papers the demo's own cycle crawled and read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.demo_once import DemoRun


def sendwatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sendwatch.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def demo_dir(demo_made: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what the session's demo made: its crawl and extract stages stored (and so indexed) every paper."""
    assert demo_made.returncode == 0, demo_made.stdout + demo_made.stderr
    return demo_made.copy_to(tmp_path_factory.mktemp("search-demo") / "demo")


def test_the_extract_stage_indexes_what_it_reads_and_search_json_prints_the_hits(demo_dir: Path) -> None:
    result = sendwatch("--config", "config.yaml", "search", '"enhanced monitoring" revised', "--json", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    # The report (a PDF, page 3) and the item's minutes (an HTML paper: no page).
    assert {(hit["council"], hit["title"], hit["page"]) for hit in hits} == {
        ("eastmoor", "DSG Management Plan Quarter 2 Update", 3),
        ("eastmoor", "Dedicated Schools Grant and Safety Valve: Quarter 2", None),
    }
    [report] = [hit for hit in hits if hit["page"] == 3]
    assert report["link"] == report["url"] + "#page=3"
    assert all("**enhanced monitoring**" in hit["snippet"] for hit in hits)


def test_the_human_listing_names_council_paper_page_and_link(demo_dir: Path) -> None:
    result = sendwatch("--config", "config.yaml", "search", "cumulative", "--council", "northfield", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    assert "Northfield City Council: High Needs Block Budget Monitoring" in result.stdout
    assert "**cumulative** DSG deficit" in result.stdout
    assert result.stdout.rstrip().endswith("1 hit(s).")


def test_a_malformed_query_exits_2_with_one_line(demo_dir: Path) -> None:
    result = sendwatch("--config", "config.yaml", "search", '"home to school', cwd=demo_dir)
    assert result.returncode == 2
    assert "closing quote" in result.stderr and result.stdout == ""


def test_reindex_rebuilds_and_search_still_answers(demo_dir: Path) -> None:
    result = sendwatch("--config", "config.yaml", "search", "--reindex", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Search index rebuilt: ") and "pages" in result.stdout
    again = sendwatch("--config", "config.yaml", "search", "workstream*", "--json", cwd=demo_dir)
    assert {hit["council"] for hit in json.loads(again.stdout)} == {"riverton"}
