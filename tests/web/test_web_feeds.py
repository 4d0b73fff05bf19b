"""Atom feeds, the CSV/JSON exports of current statuses, and the digest archive."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree

import pytest

from sendwatch.core.storage.models import utcnow

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(start_site, sqlite_url):  # type: ignore[no-untyped-def]
    return start_site(sqlite_url)


def test_changes_feed_is_valid_atom_with_each_change_and_first_sightings_marked_as_such(site) -> None:
    response = site.client.get("/feeds/changes.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    kinds = [(e.findtext(f"{ATOM}title"), e.find(f"{ATOM}category").get("term")) for e in entries]
    assert kinds == [  # newest first; a first sighting is not a change, and says so
        ("Northshire County Council: Safety valve: agreed → Safety valve: off track", "change"),
        ("Eastshire Council: first seen as Enhanced monitoring and support", "first-seen"),
        ("Northshire County Council: first seen as Safety valve: agreed", "first-seen"),
    ]
    entry = entries[0]
    assert entry.findtext(f"{ATOM}id") == "tag:sendwatch,2024:change:north-off-track"
    links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
    assert links["alternate"] == f"{site.url}/councils/northshire"
    assert links["related"].endswith("DSG%20Management%20Plan.pdf#page=7")
    summary = entry.findtext(f"{ATOM}summary")
    assert "<img src=x onerror=" in summary  # plain text in a text construct: shown, never run
    assert "javascript:" not in response.text


def test_council_feed_has_only_that_council(site) -> None:
    north = ElementTree.fromstring(site.client.get("/councils/northshire/feed.atom").content)
    assert len(north.findall(f"{ATOM}entry")) == 2
    east = ElementTree.fromstring(site.client.get("/councils/eastshire/feed.atom").content)
    assert [entry.find(f"{ATOM}category").get("term") for entry in east.findall(f"{ATOM}entry")] == ["first-seen"]
    assert east.findtext(f"{ATOM}title") == "sendwatch: Eastshire Council status changes"
    assert site.client.get("/councils/atlantis/feed.atom").status_code == 404


def test_feed_survives_control_characters_in_scraped_text(site) -> None:
    from web_support import change_status

    with site.database.session() as session:
        change_status(
            session,
            "westvale",
            "dbv",
            "sv_negotiating",
            utcnow().date(),
            "Officers\x0b are\x00 negotiating\x1b a safety valve agreement.",
            "west-neg",
        )
    feed = ElementTree.fromstring(site.client.get("/feeds/changes.atom").content)
    assert "Officers are negotiating a safety valve agreement." in feed.findtext(f"{ATOM}entry/{ATOM}summary")


def test_json_export_matches_status_json(site) -> None:
    rows = site.client.get("/export/statuses.json").json()
    assert [row["council"] for row in rows] == ["eastshire", "northshire", "westvale", "southbrook"]
    north = rows[1]
    assert set(north) == {
        *("council", "name", "status", "since", "evidence", "figures"),
        *("previous", "detected_at", "checked_at", "health", "gss_code"),
    }
    assert north["previous"] == "sv_agreed" and north["health"] == "ok" and north["detected_at"].endswith("Z")
    assert north["status"] == "sv_off_track" and north["since"] == "2024-09-12"
    assert set(north["evidence"][0]) == {"url", "title", "date", "page", "quote"}
    assert north["figures"] == [{"amount_gbp": 6200000, "text": "£6.2m", "label": "off track by"}]


def test_csv_export_has_a_row_per_council_and_no_live_formulas(site) -> None:
    response = site.client.get("/export/statuses.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["council"] for row in rows] == ["eastshire", "northshire", "westvale", "southbrook"]
    north = rows[1]
    assert north["status_label"] == "Safety valve: off track" and north["figure_gbp"] == "6200000"
    assert north["evidence_quote"].startswith("Members noted") or north["evidence_quote"].startswith("The authority")
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())
    assert rows[3]["status"] == "none" and rows[3]["since"] == ""


def test_digest_archive_lists_and_shows_past_digests(site) -> None:
    archive = site.client.get("/digests")
    assert archive.status_code == 200 and "Week to" in archive.text
    page = site.client.get("/digests/1")
    assert "<h1>Weekly digest</h1>" in page.text and "All weekly digests" in page.text  # the email's own HTML
    emailed = site.client.get("/digests/1/email")
    assert "<h1>Weekly digest</h1>" in emailed.text
    assert "script-src" not in emailed.headers["content-security-policy"]
    assert site.client.get("/digests/999").status_code == 404
