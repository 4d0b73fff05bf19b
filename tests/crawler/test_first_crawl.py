"""A first crawl finds every meeting, item and paper of the configured committees, and nothing else."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import yaml
from crawl_support import rows

from crawler import crawl_councils
from sendwatch.core.config import parse_config
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import AgendaItem, Committee, Council, CrawlRun, Document, Meeting
from sendwatch.demo.site import FORUM, DemoSite, sample_council


@pytest.fixture(scope="module")
def northshire(tmp_path_factory):
    """One ModernGov council crawled once, shared by the tests that only read the result."""
    today = dt.date.today()
    site = DemoSite([sample_council("northshire", "moderngov", today)]).start()
    base = tmp_path_factory.mktemp("northshire")
    config = parse_config(
        yaml.safe_dump(
            {
                "database": f"sqlite:///{base / 'sendwatch.db'}",
                "data_dir": str(base / "data"),
                "crawl": {"download_delay": 0, "contact": "newsdesk@example.org"},
                "councils": [site.council_config("northshire")],
            }
        ),
        base_dir=base,
    )
    database = open_database(config.database_url)
    result = crawl_councils(config, database)[0]
    database.dispose()
    yield site, config, result
    site.stop()


def forum_meetings(site: DemoSite, slug: str) -> list:
    return next(c for c in site.council(slug).committees if c.title == FORUM).meetings


def expected_moderngov_documents(site: DemoSite, slug: str) -> set[str]:
    base = site.base_url(slug)
    urls = set()
    for meeting in forum_meetings(site, slug):
        for item in meeting.items:
            urls |= {f"{base}mgConvert2PDF.aspx?ID={doc.id}" for doc in item.documents}
            if item.agenda_html or item.minutes_html:
                urls.add(f"{base}mgAi.aspx?ID={item.id}")
    return urls


@pytest.mark.parametrize("mount", ["/", "/moderngov/"])
def test_moderngov_first_crawl_finds_the_forum_and_nothing_else(demo, make_config, crawl, today, mount):
    site = demo([sample_council("northshire", "moderngov", today, mount=mount)])
    config = make_config(site, ["northshire"])

    result = crawl(config)["northshire"]

    assert result.outcome == "ok", result
    meetings = forum_meetings(site, "northshire")
    assert {m.external_id for m in rows(config, Meeting)} == {str(m.id) for m in meetings}
    assert {c.title for c in rows(config, Committee)} == {FORUM}
    assert {i.external_id for i in rows(config, AgendaItem)} == {str(i.id) for m in meetings for i in m.items}
    documents = rows(config, Document)
    assert {d.url for d in documents} == expected_moderngov_documents(site, "northshire")
    assert result.documents_new == len(documents) and result.documents_changed == 0
    assert result.meetings == len(meetings) and result.items == sum(len(m.items) for m in meetings)


def test_every_fetched_paper_is_stored_once_by_its_hash(northshire):
    site, config, _ = northshire

    for document in rows(config, Document):
        body = Path(document.file_path).read_bytes()
        assert hashlib.sha256(body).hexdigest() == document.sha256
        assert Path(document.file_path).name.startswith(document.sha256)
        assert Path(document.file_path).is_relative_to(config.resolve(config.data_dir))
        assert document.fetch_state == "ok" and document.text_state == "pending"
        assert document.changed_at is not None and document.fetched_at is not None
        assert document.meeting_id is not None and document.agenda_item_id is not None
        if document.kind == "pdf":
            assert body.startswith(b"%PDF-") and document.etag and document.last_modified
            assert document.http_status == 200 and document.content_type == "application/pdf"
        else:
            assert document.kind == "html" and b"<h1>" in body


def test_inline_minutes_are_kept_on_the_agenda_item(northshire):
    site, config, _ = northshire

    items = {i.title: i for i in rows(config, AgendaItem) if i.minutes_html}
    dsg = [i for i in rows(config, AgendaItem) if i.title == "Dedicated Schools Grant monitoring" and i.minutes_html]
    assert dsg and all("£" in item.minutes_html and "deficit" in item.minutes_html for item in dsg)
    assert all(item.url and "mgAi.aspx?ID=" in item.url for item in items.values())


def test_meetings_outside_since_and_the_window_are_not_fetched(demo, make_config, crawl, today):
    council = sample_council("northshire", "moderngov", today, old_meetings=2)
    site = demo([council])
    old = forum_meetings(site, "northshire")[-1]
    config = make_config(site, ["northshire"], since=(old.date + dt.timedelta(days=1)).isoformat())

    crawl(config)

    found = {m.external_id for m in rows(config, Meeting)}
    assert str(old.id) not in found
    assert len(found) == len(forum_meetings(site, "northshire")) - 1


def test_cmis_first_crawl_walks_month_views_to_the_forum_papers(demo, make_config, crawl, today):
    site = demo([sample_council("eastshire", "cmis", today)])
    config = make_config(site, ["eastshire"])

    result = crawl(config)["eastshire"]

    assert result.outcome == "ok", result
    meetings = forum_meetings(site, "eastshire")
    stored = rows(config, Meeting)
    assert {m.external_id for m in stored} == {str(m.id) for m in meetings}
    assert {m.date for m in stored} == {m.date for m in meetings}
    assert all(m.title == FORUM for m in stored)
    documents = rows(config, Document)
    assert len(documents) == sum(len(m.all_documents()) for m in meetings)
    assert all("Document.ashx?" in d.url and d.kind == "pdf" and d.meeting_id for d in documents)
    assert {d.title for d in documents} == {doc.title for m in meetings for doc in m.all_documents()}


def test_cmis_pack_is_the_parent_of_the_meetings_reports(demo, make_config, crawl, today):
    from sendwatch.demo.site import DemoDocument

    site = demo([sample_council("eastshire", "cmis", today)])
    meeting = forum_meetings(site, "eastshire")[0]
    pack = site.publish_document("eastshire", meeting.id, DemoDocument("Agenda Reports Pack", ["All the reports."]))
    config = make_config(site, ["eastshire"])

    crawl(config)

    documents = {
        d.title: d
        for d in rows(config, Document, meeting_id=next(m.id for m in rows(config, Meeting) if m.external_id == str(meeting.id)))
    }
    pack_row = documents[pack.title]
    assert pack_row.parent_id is None
    assert documents["DSG monitoring report"].parent_id == pack_row.id


def test_listing_first_crawl_keeps_only_matching_links(demo, make_config, crawl, today):
    site = demo([sample_council("westshire", "listing", today)])
    config = make_config(site, ["westshire"])

    result = crawl(config)["westshire"]

    assert result.outcome == "ok", result
    forum_docs = {doc.id for m in forum_meetings(site, "westshire") for doc in m.all_documents()}
    documents = rows(config, Document)
    assert {int(d.url.split("/downloads/file/")[1].split("/")[0]) for d in documents} == forum_docs
    assert all(d.kind == "pdf" and d.published_date is not None for d in documents)


def test_crawl_records_a_run_and_the_councils_health(northshire):
    site, config, result = northshire

    run = rows(config, CrawlRun)[0]
    assert (run.outcome, run.meetings_found, run.documents_new, run.requests) == (
        "ok",
        result.meetings,
        result.documents_new,
        result.requests,
    )
    assert run.requests > 0 and run.finished_at >= run.started_at
    council = rows(config, Council, slug="northshire")[0]
    assert council.last_outcome == "ok" and council.last_success_at is not None
    assert council.consecutive_failures == 0 and council.last_error is None


def test_requests_are_polite(northshire):
    site, config, _ = northshire

    agents = site.user_agents("northshire")
    assert len(agents) == 1 and "newsdesk@example.org" in agents.pop()
    assert site.requests("northshire")["/robots.txt"] == 1
    assert site.cookies_received("northshire") == 0
