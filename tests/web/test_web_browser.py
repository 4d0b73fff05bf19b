"""In a real headless browser (Debian's chromium driven by Playwright, the ``browser``
fixture of conftest.py) against ``sendwatch serve``.

The server is the real command in its own process, over a SQLite file this test also writes to
(as the cycle would); mail goes to a local aiosmtpd. Screenshots of the dashboard and a council
page are written to ``test-artifacts/`` for people to look at. Skips, saying why, when chromium
or Playwright is missing.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from web_support import ARTIFACTS, change_status, link_in, seed_councils, site_config, start_serve

from alerts import queue_alerts, send_pending
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage import open_database

READER = "schools.reporter@news.example.org"


@pytest.fixture
def served(write_config, sqlite_url, smtp, tmp_path):  # type: ignore[no-untyped-def]
    """``sendwatch serve`` on an ephemeral port over a seeded SQLite file; yields (url, config)."""
    # Links in emails name the public address (behind a proxy in real life); the test maps it to the server.
    config = site_config(
        write_config, sqlite_url, 8000, smtp, web={"base_url": "http://sendwatch.test", "send_confirmations": True}
    )
    database = open_database(config.database_url)
    with database.session() as session:
        sync_councils(session, config)
        seed_councils(session)
    process, url = start_serve(tmp_path / "config.yaml")
    try:
        yield url, config, database
    finally:
        process.terminate()
        process.wait(timeout=20)
        database.dispose()


def local(link: str, url: str) -> str:
    return link.replace("http://sendwatch.test", url)


def test_dashboard_filtering_and_council_page(browser, served) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "/")
    rows = page.locator("table.councils tbody tr")
    assert rows.count() == 4
    east = page.locator('tr[data-council="eastshire"]')
    assert "Eastshire Council" in east.inner_text() and "Enhanced monitoring and support" in east.inner_text()
    assert "Safety valve: off track" in page.locator('tr[data-council="northshire"]').inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    page.select_option("#filter-status", "dbv")
    page.click("text=Show councils")
    page.wait_for_url(re.compile(r"status=dbv"))
    assert [row.get_attribute("data-council") for row in rows.all()] == ["westvale"]
    page.fill("#filter-q", "north")
    page.select_option("#filter-status", "")
    page.click("text=Show councils")
    page.wait_for_url(re.compile(r"q=north"))
    assert [row.get_attribute("data-council") for row in rows.all()] == ["northshire"]

    page.click("text=Northshire County Council")
    page.wait_for_url(url + "/councils/northshire")
    assert page.locator("svg.timeline-strip rect").count() == 2
    assert "Safety valve: agreed" in page.locator("ol.timeline").inner_text()
    quote = page.locator("blockquote.quote").first
    assert "behind its safety valve trajectory by £6.2m <img src=x" in quote.inner_text()  # shown as text
    assert page.title() != "owned"  # no scraped script or handler ran
    assert page.locator("svg.figures-chart circle").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "council.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.goto(url + "/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling
    phone.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    phone.goto(url + "/councils/northshire")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(ARTIFACTS / "council-phone.png"), full_page=True)
    phone.close()
    page.close()


def test_sign_up_confirm_alert_and_one_click_unsubscribe(browser, served, smtp) -> None:  # type: ignore[no-untyped-def]
    url, config, database = served
    page = browser.new_page()
    page.goto(url + "/councils/northshire")
    page.click("text=Get alerts for Northshire County Council")
    page.fill("#email", READER)
    assert page.is_checked("#scope-some") and page.is_checked("#council-northshire")
    page.click("text=Send me the confirmation email")
    assert "Check your email" in page.locator("h1").inner_text()

    [confirmation] = smtp.handler.wait_for(READER)
    assert confirmation["Subject"] == "Confirm your sendwatch subscription"
    page.goto(local(link_in(confirmation, "/confirm"), url))
    page.click("text=Confirm my subscription")
    assert "You're subscribed" in page.locator("h1").inner_text()

    with database.session() as session:
        event = change_status(
            session,
            "northshire",
            "sv_off_track",
            "payment_withheld",
            dt.date.today(),
            "The Department has withheld the safety valve payment due in March.",
            "north-withheld",
        )
        queued = queue_alerts(session, config, [event])
    assert [row.recipient for row in queued] == [READER]
    send_pending(config, database)
    alert = smtp.handler.wait_for(READER, count=2)[1]
    assert "Northshire County Council" in alert["Subject"] and "withheld" in alert["Subject"].lower()
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    unsubscribe = local(re.search(r"<(.+)>", alert["List-Unsubscribe"]).group(1), url)
    answer = page.request.post(unsubscribe, form={"List-Unsubscribe": "One-Click"}, max_redirects=0)
    assert answer.status == 200 and "Unsubscribed" in answer.text()

    with database.session() as session:
        later = change_status(
            session,
            "northshire",
            "payment_withheld",
            "sv_on_track",
            dt.date.today() + dt.timedelta(days=1),
            "Officers reported the council is back on track against its agreement.",
            "north-back",
        )
        assert queue_alerts(session, config, [later]) == []
    send_pending(config, database)
    assert len(smtp.handler.to(READER)) == 2  # nothing after the unsubscribe
    page.close()
