"""``run --once`` end to end: a local council site, a real SMTP server, the CLI in real processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

from sendwatch.demo.councils import FORUM, eastmoor_off_track_meeting
from sendwatch.demo.site import DemoSite
from tests.cycle.conftest import DESK, EDITOR, REPORTER, sendwatch_command
from tests.support.waiting import wait_until


def test_a_baseline_then_a_change_sends_exactly_the_right_emails_once(
    site: DemoSite, sendwatch, smtp_server, today: dt.date
) -> None:
    first = sendwatch("run", "--once")
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
        wait_until(lambda: sum(site.requests("eastmoor").values()) > 0, message="the first cycle to reach the site")
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
