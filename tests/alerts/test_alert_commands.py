"""The commands over the alerts library: status, subscribe, unsubscribe, subscribers, digest."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from alerts import update_statuses
from alerts_support import Papers
from sendwatch.cli import cli
from sendwatch.registry import sync_councils
from sendwatch.storage import open_database

D = dt.date

COUNCILS = [
    {"slug": "northshire", "name": "Northshire County Council", "platform": "moderngov", "url": "https://democracy.northshire.example.gov.uk/"},
    {"slug": "westbury", "name": "Westbury Borough Council", "platform": "moderngov", "url": "https://democracy.westbury.example.gov.uk/"},
    # Bury's GSS code: the bundled reference list places it in the safety valve programme.
    {"slug": "bury", "name": "Bury Council", "gss_code": "E08000002", "platform": "moderngov", "url": "https://councildecisions.bury.example.gov.uk/"},
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
    assert rows[0] == {
        "council": "northshire", "name": "Northshire County Council", "status": "ems", "since": "2024-09-12",
        "evidence": [{"url": rows[0]["evidence"][0]["url"], "title": "DfE letter: enhanced monitoring", "date": "2024-09-12",
                      "page": 7, "quote": "The Department has placed the council under enhanced monitoring and support."}],
        "figures": [{"amount_gbp": 6000000, "text": "£6 million", "label": "off track by"}],
    }
    assert rows[2] == {"council": "bury", "name": "Bury Council", "status": "none", "since": None, "evidence": [], "figures": []}


def test_status_table_shows_since_the_latest_figure_and_published_lists_as_context(write_config, database_url):
    path, config = write_config({"database": database_url, "councils": COUNCILS})
    with_statuses(config)

    lines = invoke(path, "status").output.splitlines()

    assert lines[2].startswith("Northshire County Council") and "Enhanced monitoring and support" in lines[2]
    assert "2024-09-12" in lines[2] and "off track by: £6 million" in lines[2]
    bury = next(line for line in lines if line.startswith("Bury Council"))
    assert "No programme news" in bury and "safety valve" in bury


def test_subscribe_list_and_unsubscribe(write_config, database_url):
    path, _ = write_config({
        "database": database_url, "councils": COUNCILS,
        "subscribers": [{"email": "from.config@example.org", "councils": "all", "frequency": "weekly"}],
    })

    added = invoke(path, "subscribe", "reporter@example.org", "--council", "northshire", "--council", "westbury",
                   "--status", "ems", "--status", "payment_withheld")
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
