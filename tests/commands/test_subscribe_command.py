"""``sendwatch subscribe --notify URL``: a subscriber's Apprise targets from the command line,
checked by Apprise before anything is saved, listed by ``subscribers`` and used by the next alert."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from alerts import send_pending, sync_subscribers
from sendwatch.cli import cli
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import OutboxMessage, Subscriber
from tests.alerts.alerts_support import TWO_COUNCILS, queue_change_alerts
from tests.support.webhook import Webhook, running_webhook

READER = "reporter@gazette.example"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    with running_webhook() as hook:
        yield hook


@pytest.fixture
def configured(write_config, database_url, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SENDWATCH_SECRET", "test-secret-not-for-production")
    return write_config({"database": database_url, "councils": TWO_COUNCILS})


def invoke(path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--config", str(path), *args])


def stored(database_url: str) -> list[tuple[str, list | None, list | None]]:
    database = open_database(database_url)
    try:
        with database.session() as session:
            return [(row.email, row.councils, row.notify) for row in session.scalars(select(Subscriber).order_by(Subscriber.id))]
    finally:
        database.dispose()


def test_each_notify_url_is_saved_listed_without_its_tokens_and_notified(configured, database_url, webhook) -> None:  # type: ignore[no-untyped-def]
    path, config = configured
    second = webhook.url.replace("/hook", "/desk-room")
    added = invoke(path, "subscribe", READER, "--council", "northshire", "--notify", webhook.url, "--notify", second)
    assert added.exit_code == 0, added.output
    assert "also notifying json://127.0.0.1:" in added.output
    assert stored(database_url) == [(READER, ["northshire"], [webhook.url, second])]

    listing = invoke(path, "subscribers").output
    reader = next(line for line in listing.splitlines() if line.startswith(READER))
    host = webhook.url.split("/")[2]
    assert f"json://{host}/…, json://{host}/…" in reader and "/hook" not in listing
    [entry] = json.loads(invoke(path, "subscribers", "--json").output)
    assert entry["notify"] == f"json://{host}/…, json://{host}/…"

    database = open_database(database_url)
    try:
        queue_change_alerts(database, config, [])
        with database.session() as session:
            targets = session.scalars(select(OutboxMessage.target).where(OutboxMessage.channel == "apprise")).all()
        assert sorted(targets) == sorted([webhook.url, second])
        assert send_pending(config, database).sent == 3  # the email and both notifications
    finally:
        database.dispose()
    assert len(webhook.wait_for(2)) == 2


@pytest.mark.parametrize("url", ["not a url", "nosuchservice://somewhere/x", "json://", "slack://"])
def test_a_url_apprise_cannot_use_is_refused_and_nothing_is_saved(configured, database_url, webhook, url: str) -> None:  # type: ignore[no-untyped-def]
    path, _ = configured
    refused = invoke(path, "subscribe", READER, "--notify", webhook.url, "--notify", url)
    assert refused.exit_code == 2
    assert "is not a notification URL Apprise can use" in refused.output
    assert stored(database_url) == []

    assert invoke(path, "subscribe", READER, "--council", "westbury", "--notify", webhook.url).exit_code == 0
    again = invoke(path, "subscribe", READER, "--council", "northshire", "--notify", url)
    assert again.exit_code == 2
    assert stored(database_url) == [(READER, ["westbury"], [webhook.url])]  # the earlier choices stand


def test_a_weekly_subscriber_may_have_notify_urls_for_the_digest(configured, database_url, webhook) -> None:  # type: ignore[no-untyped-def]
    path, _ = configured
    added = invoke(path, "subscribe", READER, "--frequency", "weekly", "--notify", webhook.url)
    assert added.exit_code == 0, added.output
    assert "(weekly)" in added.output and "also notifying json://127.0.0.1:" in added.output
    assert stored(database_url) == [(READER, None, [webhook.url])]


def test_subscribing_again_without_notify_replaces_the_targets_like_every_other_choice(configured, database_url, webhook) -> None:  # type: ignore[no-untyped-def]
    path, config = configured
    assert invoke(path, "subscribe", READER, "--notify", webhook.url).exit_code == 0
    assert invoke(path, "subscribe", READER, "--council", "northshire").exit_code == 0
    assert stored(database_url) == [(READER, ["northshire"], None)]
    database = open_database(database_url)
    try:
        with database.session() as session:
            sync_subscribers(session, config)  # a CLI subscriber is not the config's to change
        assert stored(database_url) == [(READER, ["northshire"], None)]
    finally:
        database.dispose()
