"""The commands over the alerts library: status, subscribe, unsubscribe, subscribers, digest."""

from __future__ import annotations

import datetime as dt
import json

from alerts_support import TWO_COUNCILS, Papers
from click.testing import CliRunner

from alerts import update_statuses
from alerts.mailq import MAIL_STATES
from sendwatch.cli import cli
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database

D = dt.date

COUNCILS = [
    *TWO_COUNCILS,
    # Bury's GSS code: the bundled reference list places it in the safety valve programme.
    {
        "slug": "bury",
        "name": "Bury Council",
        "gss_code": "E08000002",
        "platform": "moderngov",
        "url": "https://councildecisions.bury.example.gov.uk/",
    },
]


def invoke(config_path, *args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--config", str(config_path), *args], catch_exceptions=False)


def with_statuses(config) -> None:  # type: ignore[no-untyped-def]
    database = open_database(config.database_url)
    with database.session() as session:
        sync_councils(session, config)
        papers = Papers(session)
        north = papers.council("northshire")
        letter = papers.document(north, "DfE letter: enhanced monitoring", meeting=D(2024, 9, 12))
        papers.evidence(letter, "ems", "The Department has placed the council under enhanced monitoring and support.", page=7)
        papers.figure(letter, 6_000_000, "£6 million", "off track by", page=7)
        west = papers.council("westbury")
        budget = papers.document(west, "DSG outturn", meeting=D(2024, 7, 4))
        papers.evidence(budget, "deficit_only", "The DSG deficit carried forward is £2.6 mil.", page=3)
        update_statuses(session)
    database.dispose()


def test_status_json_is_exactly_the_documented_shape_most_serious_first(write_config, database_url):
    path, config = write_config({"database": database_url, "councils": COUNCILS})
    with_statuses(config)

    result = invoke(path, "status", "--json")

    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [row["council"] for row in rows] == ["northshire", "westbury", "bury"]
    # Beside the documented keys, each council's alerts in the outbox by state (none queued here).
    assert [row.pop("mail") for row in rows][0] == dict.fromkeys(MAIL_STATES, 0)
    detected = rows[0]["detected_at"]
    assert dt.datetime.fromisoformat(detected).tzinfo == dt.timezone.utc and detected.endswith("Z")
    assert rows[0] == {
        "council": "northshire",
        "name": "Northshire County Council",
        "status": "ems",
        "since": "2024-09-12",
        "evidence": [
            {
                "url": rows[0]["evidence"][0]["url"],
                "title": "DfE letter: enhanced monitoring",
                "date": "2024-09-12",
                "page": 7,
                "quote": "The Department has placed the council under enhanced monitoring and support.",
            }
        ],
        "figures": [{"amount_gbp": 6000000, "text": "£6 million", "label": "off track by"}],
        # The newsroom's questions: from what, detected when, last read when, and is it read at all.
        "previous": None,  # the first status found (no cycle has read it before)
        "detected_at": detected,
        "checked_at": None,
        "health": "never_checked",  # statuses written here without a crawl
        "gss_code": None,
    }
    assert rows[2] == {
        "council": "bury",
        "name": "Bury Council",
        "status": "none",
        "since": None,
        "evidence": [],
        "figures": [],
        "previous": None,
        "detected_at": None,
        "checked_at": None,
        "health": "never_checked",
        "gss_code": "E08000002",
    }


def test_status_table_shows_since_the_latest_figure_and_published_lists_as_context(write_config, database_url):
    path, config = write_config({"database": database_url, "councils": COUNCILS})
    with_statuses(config)

    result = invoke(path, "status")
    lines = result.stdout.splitlines()
    assert "no cycle has run yet" in result.stderr  # statuses written here without a cycle: said so

    assert lines[2].startswith("Northshire County Council") and "Enhanced monitoring and support" in lines[2]
    assert "2024-09-12" in lines[2] and "off track by: £6 million" in lines[2]
    bury = next(line for line in lines if line.startswith("Bury Council"))
    assert "Not checked yet" in bury and "safety valve" in bury  # never read: not "no programme news"


def test_subscribe_list_and_unsubscribe(write_config, database_url):
    path, _ = write_config(
        {
            "database": database_url,
            "councils": COUNCILS,
            "subscribers": [{"email": "from.config@example.org", "councils": "all", "frequency": "weekly"}],
        }
    )

    added = invoke(
        path,
        "subscribe",
        "reporter@example.org",
        "--council",
        "northshire",
        "--council",
        "westbury",
        "--status",
        "ems",
        "--status",
        "payment_withheld",
    )
    assert added.exit_code == 0 and "Subscribed reporter@example.org (immediate)" in added.output
    listing = invoke(path, "subscribers").output
    reporter = next(line for line in listing.splitlines() if line.startswith("reporter@example.org"))
    assert "northshire, westbury" in reporter and "ems, payment_withheld" in reporter and "active" in reporter
    assert "from.config@example.org" in listing and "config" in listing

    assert invoke(path, "unsubscribe", "reporter@example.org").exit_code == 0
    reporter = next(line for line in invoke(path, "subscribers").output.splitlines() if line.startswith("reporter@example.org"))
    assert "unsubscribed" in reporter


def test_subscribe_refuses_unknown_councils_and_unknown_addresses_to_stop(write_config, database_url):
    path, _ = write_config({"database": database_url, "councils": COUNCILS})

    unknown = invoke(path, "subscribe", "reporter@example.org", "--council", "atlantis")
    assert unknown.exit_code == 2 and "atlantis" in unknown.output
    assert invoke(path, "unsubscribe", "nobody@example.org").exit_code == 1


def test_digest_preview_writes_the_html(write_config, database_url, tmp_path):
    path, config = write_config({"database": database_url, "councils": COUNCILS})
    with_statuses(config)
    target = tmp_path / "digest.html"

    result = invoke(path, "digest", "--preview", str(target))

    assert result.exit_code == 0
    html = target.read_text(encoding="utf-8")
    assert "Councils by status" in html and "Enhanced monitoring and support" in html
    assert invoke(path, "digest").exit_code == 2


# --------------------------------------------------------------------------- the outbox, for the operator


def test_mail_lists_the_outbox_by_state_with_reasons_and_settles_rows(smtp_config, smtp_server, database):
    from alerts_support import queue_change_alerts
    from sqlalchemy import select

    from alerts import send_pending
    from sendwatch.core.storage.models import OutboxMessage, utcnow

    path, config = smtp_config()
    queue_change_alerts(database, config, ["ann@first.example", "bob@second.example", "cat@third.example"])
    smtp_server.handler.behaviour.refuse = {"bob@second.example"}
    send_pending(config, database)
    with database.session() as session:  # a drain died after handing this one over
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "cat@third.example")).one()
        row.state, row.last_error, ambiguous_id = "ambiguous", "no answer after the message was sent", row.id
        failed_id = session.scalars(select(OutboxMessage.id).where(OutboxMessage.state == "failed")).one()

    listed = invoke(path, "mail")
    assert listed.exit_code == 0
    assert listed.output.splitlines()[0] == "outbox: 1 ambiguous, 1 failed, 1 sent"
    assert "Recipient address rejected" in listed.output and "no answer after the message was sent" in listed.output
    as_json = json.loads(invoke(path, "mail", "--state", "sent", "--json").output)
    assert [row["recipient"] for row in as_json] == ["ann@first.example"] and as_json[0]["message_id"].startswith("<")

    assert invoke(path, "mail", "--mark-sent", str(ambiguous_id)).output.strip().endswith("ambiguous -> sent")
    retried = invoke(path, "mail", "--retry", str(failed_id))
    assert "failed -> pending" in retried.output and "bob@second.example is no longer suppressed" in retried.output
    smtp_server.handler.behaviour.refuse = set()
    assert send_pending(config, database, now=utcnow()).sent == 1
    assert json.loads(invoke(path, "mail", "--json").output) == []

    refused = CliRunner().invoke(cli, ["--config", str(path), "mail", "--retry", str(failed_id)])
    assert refused.exit_code == 1 and "is sent; only" in refused.output


def test_unlock_clears_a_dead_holder_s_lock_and_refuses_a_live_one(write_config, database):
    import subprocess
    import sys

    from sqlalchemy import select

    from sendwatch.core import locks
    from sendwatch.core.storage.models import Cycle, Lock, utcnow

    path, _ = write_config({"database": database.url})
    held = locks.acquire(database)  # this very process: alive
    refused = CliRunner().invoke(cli, ["--config", str(path), "unlock"])
    assert refused.exit_code == 1 and "held by a running process" in refused.output
    held.release()

    dead = subprocess.run(
        [sys.executable, "-c", "from sendwatch.core.holders import new_holder; print(new_holder())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with database.session() as session:
        now = utcnow()
        session.add(Lock(name="cycle", holder=dead, acquired_at=now, expires_at=now + locks.dt.timedelta(hours=2)))
        session.add(Cycle(started_at=now, state="running", holder=dead))

    cleared = invoke(path, "unlock")
    assert cleared.exit_code == 0 and "closed 1 cycle(s) as interrupted" in cleared.output
    with database.session() as session:
        assert session.scalars(select(Lock)).all() == []
        assert session.scalars(select(Cycle.state)).all() == ["interrupted"]
    assert invoke(path, "unlock").output.strip() == "No cycle lock is held."


def test_mail_retry_all_makes_every_failed_and_ambiguous_message_due(smtp_config, smtp_server, database):
    from alerts_support import queue_change_alerts

    from alerts import send_pending

    path, config = smtp_config()
    queue_change_alerts(database, config, ["ann@first.example", "bob@second.example"])
    smtp_server.handler.behaviour.refuse = {"ann@first.example", "bob@second.example"}
    send_pending(config, database)
    assert invoke(path, "mail", "--retry", "--all").output.count("failed -> pending") == 2
    for spelling in (["--all"], ["--retry"]):  # the same request, spelt otherwise: nothing is left to retry
        assert invoke(path, "mail", *spelling).output.strip() == "nothing to retry"
    assert invoke(path, "mail", "--state", "pending").output.startswith("outbox: 2 pending")
    bad = CliRunner().invoke(cli, ["--config", str(path), "mail", "--retry", "x1"])
    assert bad.exit_code == 2 and "is not a message id" in bad.output
