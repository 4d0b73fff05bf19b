"""The weekly digest through a weekly subscriber's Apprise URLs, to a real local HTTP endpoint:
queued with the email in one transaction, delivered once however often the digest job runs or
the process restarts, in the body the service shows best, and as a summary with the web view's
link when the whole digest would not fit in one message."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest
from alerts_support import THREE_COUNCILS, Papers, a_busy_week
from sqlalchemy import select

from alerts import send_digest, sync_subscribers
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import Digest, DigestCopy, OutboxMessage, utcnow
from tests.support.webhook import Webhook, running_webhook
from tests.support.website import served

EDITOR = "editor@schoolsweek.example"
# Markdown a reader would see as stray characters: escapes, strong, links, autolinks.
MARKDOWN_MARKUP = re.compile(r"\\[^\s]|\*\*|\]\(|<https?:")


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    with running_webhook() as hook:
        yield hook


def weekly(smtp_config, database, *subscribers):  # type: ignore[no-untyped-def]
    """A config with these weekly subscribers, and a busy week in the database."""
    _, config = smtp_config(councils=THREE_COUNCILS, subscribers=[{"frequency": "weekly", **entry} for entry in subscribers])
    a_busy_week(database, config)
    with database.session() as session:
        sync_subscribers(session, config)
    return config


def outbox(database) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_weekly_subscriber_with_notify_gets_the_digest_once_across_a_retry_and_a_restart(  # type: ignore[no-untyped-def]
    smtp_config, smtp_server, database, database_url, webhook
) -> None:
    config = weekly(smtp_config, database, {"email": EDITOR, "notify": [webhook.url]})
    webhook.answers = [503]
    first = utcnow()
    summary = send_digest(config, database, first)
    assert (summary.sent, summary.deferred) == (1, 1)  # the email went; the endpoint was down
    email_row, notify_row = outbox(database)
    assert (email_row.kind, email_row.channel, notify_row.kind, notify_row.channel) == ("digest", "email", "digest", "apprise")
    assert notify_row.state == "pending" and "503" in (notify_row.last_error or "")
    database.dispose()

    # The scheduler restarts, and its digest job runs again the same week: nothing is queued
    # twice, and the notification left waiting is sent once it is due.
    restarted = open_database(database_url)
    try:
        assert send_digest(config, restarted, first + dt.timedelta(seconds=30)).attempted == 0  # not due yet
        assert send_digest(config, restarted, first + dt.timedelta(seconds=61)).sent == 1
        assert send_digest(config, restarted, first + dt.timedelta(hours=2)).sent == 0
        assert [row.state for row in outbox(restarted)] == ["sent", "sent"]
        with restarted.session() as session:
            assert len(session.scalars(select(Digest)).all()) == 1
    finally:
        restarted.dispose()

    assert [status for status, _ in webhook.wait_for(2)] == [503, 200]
    [body] = webhook.delivered
    [mail] = smtp_server.handler.wait_for(EDITOR)
    assert body["title"] == mail["Subject"] and body["title"].startswith("sendwatch weekly digest, week to ")
    text = body["message"]  # a generic webhook: plain text
    assert MARKDOWN_MARKUP.search(text) is None, text
    assert "Northshire County Council" in text and "Westbury Borough Council" in text
    assert '"The council is behind its agreed trajectory and is no longer on track."' in text
    assert "off track by (2024/25): £4.7m" in text
    assert re.search(r"https://democracy\.northshire\.example\.gov\.uk/documents/s\d+/report\.pdf#page=6\s", text)
    assert "Eastmoor District Council" in text and "unsubscribe" not in text.lower()


def test_a_channel_gets_the_weekly_digest_of_its_councils_in_markdown_and_is_never_mailed(  # type: ignore[no-untyped-def]
    smtp_config, smtp_server, database, webhook
) -> None:
    config = weekly(smtp_config, database, {"councils": ["northshire"], "notify": [webhook.url + "?format=markdown"]})
    assert send_digest(config, database, utcnow()).sent == 1
    [(_, body)] = webhook.wait_for(1)
    assert smtp_server.handler.received == []
    markdown = body["message"]
    assert "**Northshire County Council**: Safety valve: on track → **Safety valve: off track**" in markdown
    assert re.search(
        r"\[Safety Valve quarter 3 return\]\(<https://democracy\.northshire\.example\.gov\.uk/[^>]+#page=6>\)", markdown
    )
    assert "Westbury" not in markdown  # the channel's councils only
    assert "Eastmoor" not in markdown  # nor another council's failing site
    assert "**All councils by status** (3 watched nationally, not only yours;" in markdown


def test_a_digest_too_long_for_one_message_is_sent_as_a_summary_with_the_web_view(  # type: ignore[no-untyped-def]
    smtp_config, smtp_server, database, webhook
) -> None:
    config = weekly(smtp_config, database, {"email": EDITOR, "notify": [webhook.url]})
    with database.session() as session:  # a week of many papers: far beyond one webhook message (32,768 characters)
        papers = Papers(session)
        west = papers.council("westbury")
        for number in range(160):
            paper = papers.document(west, f"High needs recovery plan, annex {number}", meeting=dt.date(2025, 1, 9))
            papers.evidence(
                paper,
                "deficit_only",
                f"Annex {number} reports that the cumulative deficit on the high needs block grew again. " * 3,
            )
    assert send_digest(config, database, utcnow()).sent == 2
    [(_, body)] = webhook.wait_for(1)
    with database.session() as session:
        [archived] = session.scalars(select(Digest)).all()

    text = body["message"]
    assert len(text) < 1000 and MARKDOWN_MARKUP.search(text) is None, text
    assert "2 status changes:" in text
    assert "Northshire County Council: Safety valve: on track -> Safety valve: off track" in text
    assert "Westbury Borough Council: Deficit reported -> Delivering Better Value" in text
    assert "1 council sendwatch could not read." in text
    assert f"Read it on sendwatch: https://sendwatch.example.org/digests/{archived.id}" in text
    [mail] = smtp_server.handler.wait_for(EDITOR)
    assert "Annex 159 reports" in mail.get_body(("plain",)).get_content()  # the email is the whole digest


def test_a_summary_links_to_the_digest_of_its_subscribers_councils_and_a_changed_link_is_refused(  # type: ignore[no-untyped-def]
    smtp_config, smtp_server, database, webhook
) -> None:
    config = weekly(smtp_config, database, {"email": EDITOR, "councils": ["northshire", "eastmoor"], "notify": [webhook.url]})
    with database.session() as session:  # Northshire's week is far beyond one webhook message
        papers = Papers(session)
        north = papers.council("northshire")
        for number in range(160):
            paper = papers.document(north, f"Safety valve recovery plan, annex {number}", meeting=dt.date(2025, 1, 9))
            papers.evidence(paper, "deficit_only", f"Annex {number} says the high needs block deficit grew again. " * 3)
    now = utcnow()
    assert send_digest(config, database, now).sent == 2
    [(_, body)] = webhook.wait_for(1)
    [link] = re.findall(r"Read it on sendwatch: (\S+)", body["message"])
    assert "1 of your councils sendwatch could not read." in body["message"]  # Eastmoor, one of theirs
    with database.session() as session:
        [archived] = session.scalars(select(Digest)).all()
    assert link.startswith(f"https://sendwatch.example.org/digests/{archived.id}?view=")
    assert EDITOR not in link and "editor" not in link.lower()
    path = link.removeprefix("https://sendwatch.example.org")

    with served(config, database) as site:
        mine = httpx.get(site + path)
        national = httpx.get(f"{site}/digests/{archived.id}")
        token = path.partition("view=")[2]
        changed = httpx.get(f"{site}/digests/{archived.id}?view={token[:-3]}{'AAA' if token[-3:] != 'AAA' else 'BBB'}")
        other_week = httpx.get(f"{site}/digests/{archived.id + 1}?view={token}")

    assert mine.status_code == 200
    assert "Northshire County Council" in mine.text and "Annex 159 says" in mine.text
    assert "Westbury" not in mine.text  # their councils only
    assert "Your councils only: Eastmoor District Council and Northshire County Council." in mine.text
    assert national.status_code == 200 and "Westbury has joined tranche 3" in national.text  # the national link still works
    for refused in (changed, other_week):
        assert refused.status_code == 400 and "This link is not valid" in refused.text
        assert "Annex" not in refused.text and "Westbury" not in refused.text

    # The digest job running again that week keeps the copy as it was sent and queues nothing.
    assert send_digest(config, database, now + dt.timedelta(hours=1)).attempted == 0
    with database.session() as session:
        assert len(session.scalars(select(DigestCopy)).all()) == 1
