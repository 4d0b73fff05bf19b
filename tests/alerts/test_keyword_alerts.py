"""Keyword alerts over a real SMTP server: a saved search quotes each new matching paper once, in
the subscriber's one email of the cycle, and never a paper that matched before it was saved."""

from __future__ import annotations

import datetime as dt

import pytest
from alerts_support import Papers
from sqlalchemy import func, select

from alerts import queue_alerts, send_pending, subscribe, sync_subscribers, update_statuses
from alerts.subscriptions import SubscriptionError
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage.models import DocumentPage, KeywordAlert, OutboxMessage, Subscriber, utcnow

REPORTER = "transport.reporter@gazette.example"
QUERY = '"home to school transport" cut*'


def run_cycle(config, database) -> None:  # type: ignore[no-untyped-def]
    """What the cycle does after extraction: diff, queue in the same transaction, then send."""
    with database.session() as session:
        events = update_statuses(session)
        sync_subscribers(session, config)
        queue_alerts(session, config, events)
    send_pending(config, database)


def add_paper(database, title: str, pages: list[str], first_seen: dt.datetime, council: str = "northshire") -> int:  # type: ignore[no-untyped-def]
    with database.session() as session:
        papers = Papers(session)
        document = papers.document(papers.council(council), title, meeting=dt.date(2025, 3, 6), first_seen=first_seen)
        for number, text in enumerate(pages, start=1):
            session.add(DocumentPage(document_id=document.id, page_number=number, text=text))
        return document.id


@pytest.fixture
def subscribed(smtp_config, database):  # type: ignore[no-untyped-def]
    """A reporter with a saved search, saved after one matching paper was already stored."""
    _, config = smtp_config()
    with database.session() as session:
        sync_councils(session, config)
    add_paper(
        database,
        "Budget consultation 2025/26",
        ["Proposals include cuts to home to school transport for post-16 students."],
        first_seen=utcnow() - dt.timedelta(days=3),
    )
    with database.session() as session:
        subscribe(session, REPORTER, queries=[QUERY])
    return config


def test_a_paper_that_matched_before_the_search_was_saved_gives_no_email(subscribed, database, smtp_server) -> None:  # type: ignore[no-untyped-def]
    run_cycle(subscribed, database)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert smtp_server.handler.to(REPORTER) == []


def test_a_new_matching_paper_gives_exactly_one_email_quoting_it_and_a_rerun_none(subscribed, database, smtp_server) -> None:  # type: ignore[no-untyped-def]
    document_id = add_paper(
        database,
        "Home to school transport policy review",
        [
            "Cabinet report",
            "The council proposes to cut home to school transport for pupils living under three miles from school. "
            "Families affected would be offered a travel pass instead.",
        ],
        first_seen=utcnow() + dt.timedelta(seconds=1),
    )
    add_paper(database, "Highways plan", ["Road resurfacing in the north of the county."], first_seen=utcnow())
    run_cycle(subscribed, database)
    [message] = smtp_server.handler.wait_for(REPORTER)
    assert message["Subject"] == 'New papers match “"home to school transport" cut*”: Northshire County Council'
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Home to school transport policy review" in text
    assert "proposes to *cut* *home to school transport* for pupils living under three miles" in text
    assert "(page 2)" in text and "report.pdf#page=2" in text
    assert "Highways plan" not in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<strong style="background:#fff3b0">home to school transport</strong>' in html
    with database.session() as session:
        [alerted] = session.scalars(select(KeywordAlert)).all()
        assert (alerted.document_id, alerted.query) == (document_id, QUERY)
        assert alerted.outbox_id == session.scalars(select(OutboxMessage.id)).one()

    run_cycle(subscribed, database)
    run_cycle(subscribed, database)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert len(smtp_server.handler.to(REPORTER)) == 1


def test_saved_searches_keep_their_start_when_subscribing_again(subscribed, database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as session:
        first = session.scalars(select(Subscriber)).one().queries
        subscribe(session, REPORTER, queries=[QUERY, "taxi*"])
        again = session.scalars(select(Subscriber)).one().queries
    assert again[0] == first[0] and again[1]["query"] == "taxi*" and again[1]["since"] > first[0]["since"]


def test_a_malformed_or_weekly_saved_search_is_refused(subscribed, database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as session, pytest.raises(SubscriptionError, match="closing quote"):
        subscribe(session, REPORTER, queries=['"home to school'])
    with database.session() as session, pytest.raises(SubscriptionError, match="immediate"):
        subscribe(session, REPORTER, queries=["taxi*"], frequency="weekly")


def test_subscribe_query_on_the_command_line_saves_the_search(smtp_config, database) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from sendwatch.cli import cli

    path, _ = smtp_config()
    result = CliRunner().invoke(cli, ["--config", str(path), "subscribe", REPORTER, "--query", QUERY, "--council", "northshire"])
    assert result.exit_code == 0, result.output
    assert f"Subscribed {REPORTER} (immediate) to northshire; new papers matching “{QUERY}”." in result.output
    with database.session() as session:
        [saved] = session.scalars(select(Subscriber.queries)).one()
    assert saved["query"] == QUERY
    refused = CliRunner().invoke(cli, ["--config", str(path), "subscribe", REPORTER, "--query", "NOT deficit"])
    assert refused.exit_code == 2 and "something to look for" in refused.output
    listed = CliRunner().invoke(cli, ["--config", str(path), "subscribers"])
    assert QUERY in listed.output
