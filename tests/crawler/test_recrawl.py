"""Crawling again: nothing downloaded or added when nothing changed; changes and new meetings found."""

from __future__ import annotations

import datetime as dt

import pytest
from crawl_support import rows, table_sizes

from sendwatch.core.storage.models import Document, Meeting
from sendwatch.demo.site import FORUM, DemoDocument, DemoItem, DemoMeeting, sample_council


def snapshot(config) -> dict:
    return {d.url: (d.sha256, d.changed_at, d.fetched_at, d.text_state) for d in rows(config, Document)}


@pytest.mark.parametrize("platform", ["moderngov", "cmis", "listing"])
def test_unchanged_recrawl_downloads_no_document_and_adds_nothing(demo, make_config, crawl, today, platform):
    site = demo([sample_council("northshire", platform, today)])
    config = make_config(site, ["northshire"])
    crawl(config)
    sizes, documents = table_sizes(config), snapshot(config)
    site.reset_counts()

    result = crawl(config)["northshire"]

    assert result.outcome == "ok", result
    assert sum(site.bodies("northshire").values()) == 0, site.bodies("northshire")
    assert table_sizes(config) == sizes
    assert snapshot(config) == documents
    assert (result.documents_new, result.documents_changed) == (0, 0)


def test_unchanged_recrawl_on_postgresql_too(demo, make_config, crawl, today, postgres_url):
    site = demo([sample_council("northshire", "moderngov", today)])
    config = make_config(site, ["northshire"], database_url=postgres_url)
    first = crawl(config)["northshire"]
    sizes = table_sizes(config)
    site.reset_counts()

    second = crawl(config)["northshire"]

    assert first.outcome == second.outcome == "ok"
    assert first.documents_new == sizes["Document"] > 0
    assert sum(site.bodies("northshire").values()) == 0 and table_sizes(config) == sizes


def test_unchanged_moderngov_meetings_are_compared_not_refetched(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    config = make_config(site, ["northshire"])
    crawl(config)
    site.reset_counts()

    crawl(config)

    requested = site.requests("northshire")
    assert not [path for path in requested if "mgConvert2PDF" in path or "/documents/" in path]
    assert sum(count for path, count in requested.items() if "GetMeeting?" in path) == 3  # the window's meetings
    assert all(count == 1 for count in requested.values())


@pytest.mark.parametrize("platform", ["moderngov", "cmis", "listing"])
def test_changed_document_is_fetched_and_marked_changed(demo, make_config, crawl, today, platform):
    site = demo([sample_council("northshire", platform, today)])
    config = make_config(site, ["northshire"])
    crawl(config)
    before = snapshot(config)
    _, meeting, document = next(
        (c, m, d) for c, m, d in site.documents("northshire") if c.title == FORUM and m.date > today - dt.timedelta(days=60)
    )
    site.change_document("northshire", document.id, ["A corrected report: the DSG deficit is now £14.2m."])
    site.reset_counts()

    result = crawl(config)["northshire"]

    assert result.documents_changed == 1 and result.documents_new == 0, result
    assert sum(site.bodies("northshire").values()) == 1
    after = snapshot(config)
    changed = [url for url in after if after[url] != before[url]]
    assert len(changed) == 1
    row = rows(config, Document, url=changed[0])[0]
    assert document.title in row.title and row.text_state == "pending"
    assert row.sha256 != before[changed[0]][0] and row.changed_at > before[changed[0]][1]


@pytest.mark.parametrize("platform", ["moderngov", "cmis"])
def test_new_meeting_is_found(demo, make_config, crawl, today, platform):
    site = demo([sample_council("northshire", platform, today)])
    config = make_config(site, ["northshire"])
    crawl(config)
    meeting = site.publish_meeting(
        "northshire",
        FORUM,
        DemoMeeting(
            date=today + dt.timedelta(days=14),
            items=[
                DemoItem(
                    "Safety valve agreement: progress",
                    "<p>Report of the Director of Education.</p>",
                    documents=[DemoDocument("Safety valve monitoring return", ["The authority remains on track."])],
                )
            ],
        ),
    )

    result = crawl(config)["northshire"]

    assert str(meeting.id) in {m.external_id for m in rows(config, Meeting)}
    titles = {d.title for d in rows(config, Document)}
    assert "Safety valve monitoring return" in titles
    assert result.documents_new == (2 if platform == "moderngov" else 1)  # ModernGov adds the item's own text


def test_cmis_links_that_change_keep_the_same_documents(demo, make_config, crawl, today):
    site = demo([sample_council("eastshire", "cmis", today)])
    config = make_config(site, ["eastshire"])
    crawl(config)
    sizes = table_sizes(config)
    site.rotate_links("eastshire")

    result = crawl(config)["eastshire"]

    assert (result.documents_new, result.documents_changed) == (0, 0), result
    assert table_sizes(config) == sizes
    assert all(row.url.startswith(site.base_url("eastshire")) for row in rows(config, Document))


def test_old_meetings_are_rechecked_only_when_due(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today, old_meetings=2)])
    config = make_config(site, ["northshire"], recheck_old_days=28)
    crawl(config)
    site.reset_counts()
    crawl(config)
    assert sum(count for path, count in site.requests("northshire").items() if "GetMeeting?" in path) == 3

    soon = make_config(site, ["northshire"], recheck_old_days=1)
    due = soon.model_copy(update={"database": config.database})
    from sendwatch.core.storage import open_database

    database = open_database(config.database_url, migrate=False)
    with database.session() as session:
        for meeting in session.query(Meeting):
            meeting.last_checked_at = meeting.last_checked_at - dt.timedelta(days=2)
    database.dispose()
    site.reset_counts()

    crawl(due)

    assert sum(count for path, count in site.requests("northshire").items() if "GetMeeting?" in path) == 5
