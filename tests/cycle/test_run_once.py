"""``run --once`` end to end: a local council site, a real SMTP server, the CLI in real processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from sendwatch.demo.councils import FORUM, eastmoor_off_track_meeting
from sendwatch.demo.site import DemoSite
from tests.cycle.conftest import (
    DESK,
    EDITOR,
    REPORTER,
    SLUGS,
    SUBSCRIBERS,
    cycle_site,
    run_sendwatch,
    sendwatch_command,
    write_cycle_config,
)
from tests.support.smtp import SmtpServer, running_smtp_server
from tests.support.waiting import wait_until

PROGRESS = re.compile(r"progress: (\d+)/(\d+) councils, (\d+) papers fetched, (\d+) read, (\d+:\d\d) elapsed")


@dataclass
class FirstCycle:
    """A first ``run --once`` on a site, a relay and a config of the module's own."""

    site: DemoSite
    smtp_server: SmtpServer
    today: dt.date
    sendwatch: Callable[..., subprocess.CompletedProcess[str]]
    first: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def first_cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstCycle]:
    """One first cycle, whose output the progress test reads and which the baseline-then-change
    test carries on from (the only test that changes its site and database)."""
    today = dt.date.today()
    folder = tmp_path_factory.mktemp("first-cycle")
    with cycle_site(today) as site, running_smtp_server() as smtp:
        config = write_cycle_config(folder, site, smtp, SLUGS, SUBSCRIBERS)

        def sendwatch(*args: str) -> subprocess.CompletedProcess[str]:
            return run_sendwatch(config, *args)

        yield FirstCycle(site, smtp, today, sendwatch, sendwatch("run", "--once"))


def test_run_once_without_a_terminal_prints_plain_progress_lines_ending_with_the_whole_count(first_cycle: FirstCycle) -> None:
    done = first_cycle.first

    assert done.returncode == 0, done.stderr
    lines = [PROGRESS.search(line) for line in done.stderr.splitlines()]
    counts = [tuple(int(n) for n in found.groups()[:4]) for found in lines if found]
    assert counts, done.stderr
    assert counts[0][:2] == (0, 4), "the first line says how many councils there are to crawl"
    councils_done, total, fetched, read = counts[-1]
    assert (councils_done, total) == (4, 4)
    new = int(re.search(r"documents: (\d+) new", done.stdout).group(1))  # type: ignore[union-attr]
    assert fetched == new > 0, "a first cycle: every paper fetched is new"
    assert read == fetched, "every fetched paper was read by the end"
    assert all(b >= a for a, b in zip(counts, counts[1:], strict=False)), "counts only grow"
    assert "\x1b[" not in done.stderr, "no terminal control codes in a log"
    assert "brokenshire" in done.stdout and "failing: brokenshire" in done.stdout, "the summary still names failures"


def test_a_baseline_then_a_change_sends_exactly_the_right_emails_once(first_cycle: FirstCycle) -> None:
    site, sendwatch, smtp_server, today = first_cycle.site, first_cycle.sendwatch, first_cycle.smtp_server, first_cycle.today
    first = first_cycle.first
    assert first.returncode == 0, first.stderr
    assert "councils: 3 ok, 0 empty, 0 blocked, 1 failing" in first.stdout
    assert "failing: brokenshire: " in first.stdout
    assert smtp_server.handler.received == [], "a baseline cycle must not alert anyone"

    site.publish_meeting("eastmoor", FORUM, eastmoor_off_track_meeting(today))
    second = sendwatch("run", "--once")
    assert second.returncode == 0, second.stderr
    assert "eastmoor: sv_on_track -> ems" in second.stdout
    assert [received.recipients for received in smtp_server.handler.received] == [[REPORTER]]
    alert = smtp_server.handler.received[0].message
    assert "Eastmoor County Council" in alert["Subject"] and "Enhanced monitoring and support" in alert["Subject"]
    text = alert.get_body(preferencelist=("plain",)).get_content()
    assert "placed the Council under enhanced monitoring and support" in text
    assert "#page=3" in text
    assert smtp_server.handler.to(DESK) == [] and smtp_server.handler.to(EDITOR) == []

    third = sendwatch("run", "--once")
    assert third.returncode == 0, third.stderr
    assert "status changes: 0" in third.stdout
    assert "flagged for the operator, failing or empty cycle after cycle: brokenshire" in third.stdout
    assert "flagged for the operator" not in second.stdout, "flagged only after crawl.flag_after_cycles (3) failures"
    assert len(smtp_server.handler.received) == 1, "a re-run must send nothing more"

    statuses = {row["council"]: row for row in json.loads(sendwatch("status", "--json").stdout)}
    eastmoor = statuses["eastmoor"]
    assert eastmoor["status"] == "ems"
    assert eastmoor["since"] == (today - dt.timedelta(days=2)).isoformat()
    evidence = {item["page"]: item for item in eastmoor["evidence"]}
    assert "placed the Council under enhanced monitoring and support" in evidence[3]["quote"]
    assert evidence[3]["url"].startswith(site.origin("eastmoor")) and "mgConvert2PDF.aspx?ID=" in evidence[3]["url"]
    assert statuses["riverton"]["status"] == "dbv", "the HTML fallback (web service off) still finds Riverton's papers"
    assert statuses["northfield"]["status"] == "deficit_only"
    assert statuses["brokenshire"]["status"] == "none", "a failing site never changes a status"


def test_two_cycles_started_together_never_overlap(site: DemoSite, cycle_config, sendwatch) -> None:
    site.fail("eastmoor", "hang")  # keeps the first cycle busy until the failure is cleared
    env = {**os.environ, "SENDWATCH_SECRET": "test-secret"}
    first = subprocess.Popen(
        sendwatch_command(cycle_config, "run", "--once"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        wait_until(lambda: sum(site.requests("eastmoor").values()) > 0, timeout=120, message="the first cycle to reach the site")
        second = sendwatch("run", "--once")
        assert second.returncode == 1
        assert "a cycle is already running" in second.stderr
    finally:
        site.clear_failures("eastmoor")
        site.release_hanging() if hasattr(site, "release_hanging") else None
    out, err = first.communicate(timeout=180)
    assert first.returncode == 0, err
    assert "Cycle 1 finished" in out


def test_a_greylisted_alert_is_retried_within_the_same_run_once(
    site: DemoSite, sendwatch, smtp_server, cycle_config, today: dt.date
) -> None:
    import yaml

    data = yaml.safe_load(cycle_config.read_text())
    data["mail"]["linger_retry_seconds"] = 0.05  # a short first wait keeps the test fast
    cycle_config.write_text(yaml.safe_dump(data))
    assert sendwatch("run", "--once").returncode == 0
    site.publish_meeting("eastmoor", FORUM, eastmoor_off_track_meeting(today))
    smtp_server.handler.behaviour.greylist_first = 1  # "451 try again later" to the first attempt

    second = sendwatch("run", "--once")

    assert second.returncode == 0, second.stderr
    assert "emails sent: 1" in second.stdout and "waiting to retry" not in second.stdout
    assert "outbox: 1 sent" in second.stdout
    assert [received.recipients for received in smtp_server.handler.received] == [[REPORTER]]
