"""The search page: the form, marked sentences with links to the page, clear words for a bad query;
linked from the dashboard and every council page; and the same in a real browser."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from sqlalchemy import select
from test_web_browser import served  # noqa: F401  (the served site, shared; the browser is conftest's)
from web_support import csrf_in, link_in

from sendwatch.core.storage.models import OutboxMessage, Subscriber
from tests.search.search_support import store_demo_papers


@pytest.fixture
def site(start_site, sqlite_url):  # type: ignore[no-untyped-def]
    site = start_site(sqlite_url)
    with site.database.session() as session:
        site.extra["papers"] = store_demo_papers(session)
    return site


def test_a_search_shows_each_matching_page_with_its_words_marked_and_a_link_to_the_page(site) -> None:  # type: ignore[no-untyped-def]
    response = site.client.get("/search", params={"q": '"enhanced monitoring" revised'})
    assert response.status_code == 200
    report = site.extra["papers"]["DSG Management Plan Quarter 2 Update"]
    assert f'href="{report.url}#page=3"' in response.text
    assert "<mark>enhanced monitoring</mark>" in response.text and "<mark>revised</mark>" in response.text
    assert "1 page match" in response.text
    assert 'href="/subscribe?query=%22enhanced+monitoring%22+revised"' in response.text


def test_filters_narrow_the_hits(site) -> None:  # type: ignore[no-untyped-def]
    every = site.client.get("/search", params={"q": "deficit"}).text
    only = site.client.get("/search", params={"q": "deficit", "council": "northfield"}).text
    assert 'data-council="eastmoor"' in every and 'data-council="northfield"' in every
    assert 'data-council="eastmoor"' not in only and 'data-council="northfield"' in only
    assert "not a date" in site.client.get("/search", params={"q": "deficit", "since": "last week"}).text


def test_the_committee_box_finds_the_committee_however_its_title_is_typed(site) -> None:  # type: ignore[no-untyped-def]
    # Northfield's committee is "Schools\u2019 Forum", with a typographic apostrophe.
    for typed in ("schools forum", "Schools' Forum", "SCHOOLS\u2019  FORUM"):
        text = site.client.get("/search", params={"q": "outturn", "committee": typed}).text
        assert 'data-council="northfield"' in text, typed
    assert 'data-council="northfield"' not in site.client.get("/search", params={"q": "outturn", "committee": "cabinet"}).text


def test_a_malformed_query_gets_the_page_back_with_what_is_wrong(site) -> None:  # type: ignore[no-untyped-def]
    response = site.client.get("/search", params={"q": '"home to school'})
    assert response.status_code == 400
    assert "That search cannot be run: a phrase is missing its closing quote" in response.text
    assert 'value="&#34;home to school"' in response.text or 'value="&quot;home to school"' in response.text


def test_scraped_text_in_a_hit_stays_text(site) -> None:  # type: ignore[no-untyped-def]
    from sendwatch.core.storage.models import DocumentPage

    with site.database.session() as session:
        document = site.extra["papers"]["High Needs Block Budget Monitoring"]
        session.add(DocumentPage(document_id=document.id, page_number=9, text="Transport <script>alert(1)</script> costs."))
    response = site.client.get("/search", params={"q": "transport"})
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text


def test_the_dashboard_and_every_council_page_link_to_search(site) -> None:  # type: ignore[no-untyped-def]
    assert 'action="/search"' in site.client.get("/").text
    assert 'href="/search?council=northshire"' in site.client.get("/councils/northshire").text


def test_searching_in_a_browser_from_the_dashboard(browser, served) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, _, database = served
    with database.session() as session:
        store_demo_papers(session)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "/")
    page.fill("#paper-q", '"cumulative DSG deficit"')
    page.click("form.paper-search button")
    page.wait_for_url(re.compile(r"/search\?q="))
    hits = page.locator("li.hit")
    assert sorted(hit.get_attribute("data-council") or "" for hit in hits.all()) == ["eastmoor", "northfield"]
    assert page.locator("li.hit mark").first.inner_text() == "cumulative DSG deficit"
    # The PDF opens at its page; the Word paper (no page to open at) links to itself.
    assert page.locator("li.hit[data-council='eastmoor'] a[href$='.pdf#page=2']").count() == 1
    assert page.locator("li.hit[data-council='northfield'] a[href$='.docx']").count() == 1

    page.select_option("#search-council", "northfield")
    page.click("main form[action='/search'] button")
    page.wait_for_url(re.compile(r"council=northfield"))
    assert [hit.get_attribute("data-council") for hit in hits.all()] == ["northfield"]

    page.fill("#search-q", "deficit OR")
    page.click("main form[action='/search'] button")
    page.wait_for_url(re.compile(r"q=deficit\+OR"))
    assert "OR needs a word" in page.locator("#search-error").inner_text()
    page.close()


def test_alert_me_on_this_search_signs_up_through_the_double_opt_in(site) -> None:  # type: ignore[no-untyped-def]
    form = site.client.get("/subscribe", params={"query": '"home to school transport"'})
    assert form.status_code == 200 and ">&#34;home to school transport&#34;</textarea>" in form.text
    data = {
        "csrf_token": csrf_in(form.text),
        "email": "transport.desk@news.example.org",
        "scope": "all",
        "frequency": "immediate",
        "queries": '"home to school transport"',
    }
    assert site.client.post("/subscribe", data=data).status_code == 200
    with site.database.session() as session:
        assert session.scalars(select(Subscriber.queries).where(Subscriber.email == data["email"])).one() is None  # not yet
        raw = session.scalars(select(OutboxMessage.raw).where(OutboxMessage.kind == "confirm")).one()
    message = email.message_from_string(raw, policy=email.policy.default)
    assert 'matches the search: "home to school transport"' in message.get_body(preferencelist=("plain",)).get_content()
    link = link_in(message, "/confirm")
    page = site.client.get(link)
    site.client.post("/confirm", data={"csrf_token": csrf_in(page.text), "token": link.split("token=", 1)[1]})
    with site.database.session() as session:
        [saved] = session.scalars(select(Subscriber.queries).where(Subscriber.email == data["email"])).one()
    assert saved["query"] == '"home to school transport"'

    bad = site.client.post("/subscribe", data={**data, "csrf_token": csrf_in(form.text), "queries": "deficit OR"})
    assert bad.status_code == 400 and "cannot be saved: OR needs" in bad.text
