"""The dashboard and council pages, over HTTP: what they show, filtering, and inert scraped text."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def site(start_site, sqlite_url):  # type: ignore[no-untyped-def]
    return start_site(sqlite_url)


def test_pages_read_the_same_on_sqlite_and_postgresql(start_site, database_url) -> None:  # type: ignore[no-untyped-def]
    site = start_site(database_url)
    assert rows_of(site.client.get("/").text) == ["eastshire", "northshire", "westvale", "southbrook"]
    council = site.client.get("/councils/northshire")
    assert council.status_code == 200 and "Safety valve: off track" in council.text


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr data-council="([a-z-]+)"', html)


def test_dashboard_lists_every_council_most_serious_first_with_status_words(site) -> None:
    response = site.client.get("/")
    assert response.status_code == 200
    assert rows_of(response.text) == ["eastshire", "northshire", "westvale", "southbrook"]
    for words in ("Enhanced monitoring and support", "Safety valve: off track", "Delivering Better Value", "Not checked yet"):
        assert words in response.text
    assert "4 councils by status" in response.text
    assert "£6.2m" in response.text  # Northshire's latest figure


def test_dashboard_filters_by_status_and_searches_names(site) -> None:
    assert rows_of(site.client.get("/", params={"status": "ems"}).text) == ["eastshire"]
    assert rows_of(site.client.get("/", params={"q": "VALE"}).text) == ["westvale"]
    assert rows_of(site.client.get("/", params={"status": "dbv", "q": "north"}).text) == []
    # An unknown status is ignored rather than an error.
    assert len(rows_of(site.client.get("/", params={"status": "<b>bogus</b>"}).text)) == 4


def test_dashboard_sorts_by_name_or_by_most_recent_change(site) -> None:
    assert rows_of(site.client.get("/", params={"sort": "name"}).text) == ["eastshire", "northshire", "southbrook", "westvale"]
    assert rows_of(site.client.get("/", params={"sort": "recent"}).text) == ["eastshire", "northshire", "westvale", "southbrook"]
    assert len(rows_of(site.client.get("/", params={"sort": "'; drop table councils"}).text)) == 4


def test_dashboard_flags_failing_and_unchecked_crawls(site) -> None:
    html = site.client.get("/").text
    assert "crawl failing" in html and "last check failed" in html  # Eastshire: a status found before, unread now
    assert "Not checked yet" in html and "No programme news" not in html  # Southbrook was never read


def test_council_page_shows_timeline_changes_evidence_figures_papers_and_health(site) -> None:
    response = site.client.get("/councils/northshire")
    assert response.status_code == 200
    html = response.text
    assert 'class="chart timeline-strip"' in html and "Safety valve: agreed from 16 March 2023" in html
    assert "16 March 2023</time> to <time" in html  # the earlier period, ended by the change
    assert "Northshire signed a safety valve agreement" in html
    assert "documents/s2202/DSG%20Management%20Plan.pdf#page=7" in html  # PDF evidence opens at its page
    assert 'class="chart figures-chart"' in html and "£44.9m" in html and "cumulative deficit" in html
    assert "Schools Forum agenda pack" in html
    assert "Failures in a row" in html and "31" in html


def test_scraped_markup_is_inert_and_only_http_links_survive(site) -> None:
    for path in ("/", "/councils/northshire"):
        html = site.client.get(path).text
        assert "<script>" not in html and "<img src=x" not in html
        assert "javascript:" not in html
    html = site.client.get("/councils/northshire").text
    assert "&lt;script&gt;document.title=&#34;owned&#34;&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html


def test_pages_forbid_scripts_and_referrers(site) -> None:
    response = site.client.get("/")
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_unknown_council_and_page_get_a_clear_404(site) -> None:
    response = site.client.get("/councils/atlantis")
    assert response.status_code == 404 and "Council not found" in response.text
    assert site.client.get("/no/such/page").status_code == 404


def test_stylesheet_is_served_locally(site) -> None:
    response = site.client.get("/static/sendwatch.css")
    assert response.status_code == 200 and ".status-ems" in response.text
    assert "http" not in site.client.get("/").text.split("</head>")[0].replace("http-equiv", "")


def test_a_fresh_install_shows_every_council_as_not_yet_checked(start_site, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    site = start_site(sqlite_url, seed=False)
    dashboard = site.client.get("/")
    assert dashboard.status_code == 200 and len(rows_of(dashboard.text)) == 4
    statuses = re.findall(r'<td data-label="Status"><span class="status [^"]*">.*?</span>([^<]+)</span>', dashboard.text)
    assert statuses == ["Not checked yet"] * 4 and "No programme news" not in dashboard.text
    council = site.client.get("/councils/westvale")
    assert council.status_code == 200
    assert "has not found anything about this council's position" in council.text
    assert "No papers collected yet" in council.text
    assert site.client.get("/feeds/changes.atom").status_code == 200
    assert site.client.get("/export/statuses.json").json()[0]["status"] == "none"


def test_robots_keep_personal_links_out_of_search_engines(site) -> None:
    robots = site.client.get("/robots.txt").text
    assert "Disallow: /manage" in robots and "Disallow: /unsubscribe" in robots and "Disallow: /confirm" in robots


def test_evidence_read_by_ocr_from_a_scan_says_so_on_the_council_page(site) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from web_support import council, evidence

    from sendwatch.core.storage.models import StatusRecord

    with site.database.session() as session:
        south = council(session, "southbrook")
        scanned = {
            **evidence(
                "https://committees.southbrook.example.gov.uk/documents/s77/Letter.pdf",
                "Letter from the DfE",
                "2025-02-03",
                2,
                "The Department has placed the council under enhanced monitoring and support.",
            ),
            "ocr": True,
        }
        session.add(
            StatusRecord(
                council_id=south.id, status="ems", since=dt.date(2025, 2, 3), evidence=[scanned], figures=[], is_current=True
            )
        )
    south_page = site.client.get("/councils/southbrook").text
    assert "Letter from the DfE</a>, page 2" in south_page and "(read by OCR)" in south_page
    assert "read by OCR" not in site.client.get("/councils/northshire").text
