"""Alerts through Apprise to a real local HTTP endpoint (``json://127.0.0.1:PORT/``), with the
outbox's guarantees: queued with the events, delivered once, retried later after a 503; each URL
sent the body its service shows best (plain text, or Markdown that Apprise may turn into HTML)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from alerts_support import Papers, queue_change_alerts
from sqlalchemy import select

from alerts import queue_alerts, send_pending
from sendwatch.core.storage.models import OutboxMessage, Subscriber, utcnow
from tests.support.webhook import Webhook, running_webhook

DESK = "desk@gazette.example"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    with running_webhook() as hook:
        yield hook


def configure(smtp_config, webhook: Webhook, url_options: str = "", **subscriber):  # type: ignore[no-untyped-def]
    entry = {"councils": ["northshire"], "frequency": "immediate", "notify": [webhook.url + url_options], **subscriber}
    _, config = smtp_config(subscribers=[entry])
    assert config.mail.retry_base_seconds == 60  # the backoff the retry test counts on
    return config


def queue_change(config, database) -> None:  # type: ignore[no-untyped-def]
    from alerts import sync_subscribers

    with database.session() as session:
        sync_subscribers(session, config)
    queue_change_alerts(database, config, [])


def rows(database) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_subscriber_with_notify_gets_the_email_and_one_notification(smtp_config, database, smtp_server, webhook) -> None:  # type: ignore[no-untyped-def]
    config = configure(smtp_config, webhook, email=DESK)
    queue_change(config, database)
    email_row, notify_row = rows(database)
    assert (email_row.channel, notify_row.channel) == ("email", "apprise")
    assert notify_row.target == webhook.url and notify_row.recipient.startswith("json://127.0.0.1:")
    assert email_row.event_ids == notify_row.event_ids  # queued with the same events, in the same transaction

    summary = send_pending(config, database)
    assert summary.sent == 2
    [(status, body)] = webhook.wait_for(1)
    assert status == 200
    assert body["title"] == "Northshire County Council: now Enhanced monitoring and support"
    assert "place Northshire under enhanced monitoring and support" in body["message"]
    assert "ems-letter.pdf#page=1" in body["message"]
    [message] = smtp_server.handler.wait_for(DESK)
    assert message["Subject"] == body["title"]

    assert send_pending(config, database).sent == 0  # never twice
    assert len(webhook.requests) == 1


def test_a_channel_without_email_is_notified_and_never_mailed(smtp_config, database, smtp_server, webhook) -> None:  # type: ignore[no-untyped-def]
    config = configure(smtp_config, webhook)
    queue_change(config, database)
    [row] = rows(database)
    assert row.channel == "apprise"
    assert send_pending(config, database).sent == 1
    assert len(webhook.delivered) == 1
    assert smtp_server.handler.received == []
    with database.session() as session:
        [channel] = session.scalars(select(Subscriber)).all()
        assert channel.email.endswith(".invalid") and channel.notify == [webhook.url]


def test_an_endpoint_answering_503_is_retried_later_and_delivered_once(smtp_config, database, webhook) -> None:  # type: ignore[no-untyped-def]
    config = configure(smtp_config, webhook)
    queue_change(config, database)
    webhook.answers = [503]
    first = utcnow()
    summary = send_pending(config, database, now=first)
    assert (summary.sent, summary.deferred) == (0, 1)
    [row] = rows(database)
    assert row.state == "pending" and row.attempts == 1 and "503" in (row.last_error or "")
    assert row.next_attempt_at == first + dt.timedelta(seconds=60)

    assert send_pending(config, database, now=first + dt.timedelta(seconds=30)).attempted == 0  # not due yet
    assert len(webhook.requests) == 1

    later = send_pending(config, database, now=first + dt.timedelta(seconds=61))
    assert later.sent == 1
    assert [status for status, _ in webhook.wait_for(2)] == [503, 200]
    [row] = rows(database)
    assert row.state == "sent" and row.attempts == 2
    assert send_pending(config, database, now=first + dt.timedelta(hours=1)).sent == 0
    assert len(webhook.delivered) == 1


def test_hostile_paper_text_reaches_an_html_service_as_words_never_as_links_or_markup(smtp_config, database) -> None:  # type: ignore[no-untyped-def]
    # ?format=html: Apprise renders our Markdown to HTML, as it does for HTML services (email, Teams...).
    with running_webhook() as hook:
        _, config = smtp_config(
            subscribers=[{"councils": ["northshire"], "notify": [hook.url + "?format=html"], "figures": ["forecast"]}]
        )
        with database.session() as session:
            from alerts import sync_subscribers, update_statuses
            from sendwatch.core.registry import sync_councils

            sync_councils(session, config)
            sync_subscribers(session, config)
            papers = Papers(session)
            north = papers.council("northshire")
            north.name = "Northshire *County* Council](https://evil.example/name)"
            first = papers.document(north, "Quarter 2", meeting=dt.date(2024, 10, 10))
            papers.evidence(first, "sv_on_track", "The authority remains on track against its agreement.", page=4)
            update_statuses(session)
            later = papers.document(
                north, "Return [click](https://evil.example/title) <script>alert(1)</script>", meeting=dt.date(2025, 1, 16)
            )
            papers.evidence(
                later,
                "sv_off_track",
                "1. The council is **not** on track: see [the figures](https://evil.example/phish) "
                "<img src=x onerror=alert(1)> `code` _now_ <https://evil.example/auto>",
                page=6,
            )
            queue_alerts(session, config, update_statuses(session))
        assert send_pending(config, database).sent == 1
        [(_, body)] = hook.wait_for(1)

    html = body["message"]
    assert "evil.example" not in " ".join(re.findall(r"""(?:href|src)\s*=\s*["'][^"']*["']""", html))
    for tag in ("<script", "<img", "<em>", "<code>", "<h1", "<ol", "<li"):
        assert tag not in html.lower()
    assert re.findall(r"<strong>(.*?)</strong>", html) == [
        "Northshire *County* Council](https://evil.example/name)",
        "Safety valve: off track",
    ]
    assert "1. The council is **not** on track: see [the figures](https://evil.example/phish) &lt;img src=x" in html
    assert "`code` _now_ &lt;https://evil.example/auto&gt;" in html
    [link] = re.findall(r'<a href="([^"]+)">([^<]*)</a>', html)[:1]
    assert re.fullmatch(r"https://democracy\.northshire\.example\.gov\.uk/documents/s\d+/report\.pdf#page=6", link[0])
    assert link[1] == "Return [click](https://evil.example/title) &lt;script&gt;alert(1)&lt;/script&gt;"


# Markdown a reader would see as stray characters: escapes, strong, links, autolinks, quotes, headings.
MARKDOWN_MARKUP = re.compile(r"\\[^\s]|\*\*|\]\(|<https?:|^\s*>\s|^\s*#", re.MULTILINE)
LETTER = "https://democracy.northshire.example.gov.uk/documents/s4410/ems-letter.pdf#page=1"


@pytest.mark.parametrize("url_options", ["", "?format=text"])
def test_a_text_service_gets_plain_text_with_every_link_and_figure(smtp_config, database, webhook, url_options) -> None:  # type: ignore[no-untyped-def]
    # A generic webhook says nothing of its body's format, so it gets text unless its URL asks otherwise.
    config = configure(smtp_config, webhook, url_options)
    queue_change(config, database)
    assert send_pending(config, database).sent == 1
    [(_, body)] = webhook.wait_for(1)

    text = body["message"]
    assert MARKDOWN_MARKUP.search(text) is None, text
    assert "Enhanced monitoring and support" in text
    assert '"The Department has decided to place Northshire under enhanced monitoring and support."' in text
    assert LETTER in text.split()  # the link written out whole
    assert "forecast deficit (2024/25): £9.4m" in text
    assert "History on sendwatch: https://sendwatch.example.org/councils/northshire" in text
    assert "unsubscribe" not in text.lower()  # the email's footer is the email's


def test_a_markdown_service_still_gets_markdown(smtp_config, database, webhook) -> None:  # type: ignore[no-untyped-def]
    config = configure(smtp_config, webhook, "?format=markdown")
    queue_change(config, database)
    assert send_pending(config, database).sent == 1
    [(_, body)] = webhook.wait_for(1)

    markdown = body["message"]
    assert "**Northshire County Council**" in markdown and "**Enhanced monitoring and support**" in markdown
    assert f"[Letter from the DfE: enhanced monitoring and support](<{LETTER}>)" in markdown
    assert "(forecast deficit (2024/25): £9.4m" not in markdown and "£9.4m" in markdown
    assert "[History on sendwatch](<https://sendwatch.example.org/councils/northshire>)" in markdown


def test_paper_text_reaches_a_text_service_as_written_without_escapes(smtp_config, database, webhook) -> None:  # type: ignore[no-untyped-def]
    config = configure(smtp_config, webhook)
    quote = "The Schools Forum & the council agree the high_needs recovery plan is *behind* its <target>."
    with database.session() as session:
        from alerts import sync_subscribers, update_statuses
        from sendwatch.core.registry import sync_councils

        sync_councils(session, config)
        sync_subscribers(session, config)
        papers = Papers(session)
        north = papers.council("northshire")
        first = papers.document(north, "Quarter 2", meeting=dt.date(2024, 10, 10))
        papers.evidence(first, "sv_on_track", "The authority remains on track against its agreement.", page=4)
        update_statuses(session)
        later = papers.document(north, "Q3 return: S&V_plan", meeting=dt.date(2025, 1, 16))
        papers.evidence(later, "sv_off_track", quote, page=6)
        queue_alerts(session, config, update_statuses(session))
    assert send_pending(config, database).sent == 1
    [(_, body)] = webhook.wait_for(1)
    assert f'"{quote}"' in body["message"]
    assert "-- Q3 return: S&V_plan, page 6" in body["message"]
    assert "\\" not in body["message"] and "&amp;" not in body["message"]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("json://127.0.0.1/hook", "text"),  # generic webhooks: text unless asked
        ("form://127.0.0.1/hook", "text"),
        ("xml://127.0.0.1/hook", "text"),
        ("json://127.0.0.1/hook?format=markdown", "markdown"),
        ("json://127.0.0.1/hook?format=html", "markdown"),  # Apprise turns it into HTML
        ("syslog://", "text"),
        ("ntfy://sendwatch-alerts", "text"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#desk", "markdown"),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "markdown"),
        ("tgram://123456789:abcdefghijklmnopqrstuvwxyz123456789/1234", "markdown"),  # HTML: converted
        ("mailto://user:pass@example.com", "markdown"),  # HTML: converted
        # Declared text by Apprise, but their apps render Markdown (and would make links of plain text).
        ("mmost://mattermost.example.org/3ccdd113474722377935511fc85d3dd4", "markdown"),
        ("zulip://bot-name@apprise/abcdefghijklmnopqrstuvwxyz123456", "markdown"),
        ("mmost://mattermost.example.org/3ccdd113474722377935511fc85d3dd4?format=text", "text"),
    ],
)
def test_each_service_is_sent_the_body_it_shows_best(url: str, body: str) -> None:
    from alerts.channels import reach

    found = reach(url)
    assert found is not None and found.body == body
