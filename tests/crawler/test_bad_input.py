"""Bad sites and bad bodies: each council's outcome is recorded, the others complete, nothing is half-written.

Every test crawls a broken council next to a healthy one (``healthy``), and checks both.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from crawl_support import rows

from sendwatch.core.storage.models import AgendaItem, Committee, Council, CrawlRun, Document, Meeting
from sendwatch.demo.site import sample_council
from tests.support.waiting import wait_until


@pytest.fixture
def pair(demo, today):
    """A demo site with a council to break (``broken``) and one left alone (``healthy``)."""
    return demo([sample_council("broken", "moderngov", today), sample_council("healthy", "moderngov", today)])


def assert_healthy_completed(config, results) -> None:
    assert results["healthy"].outcome == "ok", results["healthy"]
    assert results["healthy"].documents_new > 0
    healthy = rows(config, Council, slug="healthy")[0]
    assert len(rows(config, Meeting, council_id=healthy.id)) == results["healthy"].meetings


def assert_nothing_written(config, slug: str) -> None:
    council = rows(config, Council, slug=slug)[0]
    for model in (Committee, Meeting, Document):
        assert rows(config, model, council_id=council.id) == [], model.__name__


def converted_papers(config, slug: str = "broken") -> list[Document]:
    """The council's papers served through ModernGov's mgConvert2PDF links."""
    council = rows(config, Council, slug=slug)[0]
    return [d for d in rows(config, Document, council_id=council.id) if "mgConvert2PDF" in d.url]


def the_run(config, slug: str) -> CrawlRun:
    council = rows(config, Council, slug=slug)[0]
    runs = rows(config, CrawlRun, council_id=council.id)
    assert len(runs) == 1
    return runs[0]


@pytest.mark.parametrize("kind", ["error_500", "reset"])
def test_a_site_that_fails_every_request_is_failing(pair, make_config, crawl, kind):
    pair.fail("broken", kind)
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "failing" and results["broken"].reason
    assert_healthy_completed(config, results)
    assert_nothing_written(config, "broken")
    council = rows(config, Council, slug="broken")[0]
    assert council.last_outcome == "failing" and council.consecutive_failures == 1 and council.last_error
    assert the_run(config, "broken").outcome == "failing"


def test_retries_a_failing_request_with_backoff_before_giving_up(pair, make_config, crawl):
    pair.fail("broken", "error_500")
    config = make_config(pair, ["broken"], retries=2, retry_backoff_seconds=0.05)
    crawl(config)
    assert pair.requests("broken")["/mgListCommittees.aspx"] == 3


def test_robots_disallow_is_blocked_not_empty(pair, make_config, crawl):
    pair.fail("broken", "robots_disallow")
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "blocked"
    assert "robots.txt" in results["broken"].reason
    assert set(pair.requests("broken")) == {"/robots.txt"}
    assert_healthy_completed(config, results)
    assert_nothing_written(config, "broken")
    assert rows(config, Council, slug="broken")[0].consecutive_failures == 1


def test_access_refused_is_blocked(pair, make_config, crawl):
    pair.fail("broken", "forbidden")
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "blocked" and "403" in results["broken"].reason
    assert_healthy_completed(config, results)


@pytest.mark.parametrize("kind, message", [("truncated_pdf", "truncated PDF"), ("not_pdf", "not a PDF")])
def test_a_broken_pdf_is_recorded_and_fetched_again_later(pair, make_config, crawl, kind, message):
    pair.fail("broken", kind)
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "ok"
    assert_healthy_completed(config, results)
    council = rows(config, Council, slug="broken")[0]
    pdfs = [d for d in rows(config, Document, council_id=council.id) if d.kind == "pdf"]
    assert pdfs and all(d.fetch_state == "error" and message in d.fetch_error for d in pdfs)
    assert all(d.sha256 is None and d.file_path is None for d in pdfs)
    assert rows(config, AgendaItem)  # the meetings and items around the bad papers are kept

    pair.clear_failures("broken")
    again = crawl(config, slugs=["broken"])["broken"]

    assert again.documents_new == len(pdfs)
    refreshed = [d for d in rows(config, Document, council_id=council.id) if d.kind == "pdf"]
    assert all(d.fetch_state == "ok" and d.sha256 and d.fetch_error is None for d in refreshed)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed-without-length"])
def test_an_oversized_file_is_recorded_as_too_large(pair, make_config, crawl, declared):
    pair.fail("broken", "oversized", size=400_000)
    if not declared:  # the cap must hold on the bytes as they come, not only on what the header promises
        pair.fail("broken", "unsized", path="mgConvert2PDF")
    config = make_config(pair, ["broken", "healthy"], max_pdf_bytes=200_000)

    results = crawl(config)

    assert results["broken"].outcome == "ok"
    assert_healthy_completed(config, results)
    council = rows(config, Council, slug="broken")[0]
    pdfs = [d for d in rows(config, Document, council_id=council.id) if d.kind == "pdf"]
    assert pdfs and all(d.fetch_state == "too_large" and d.text_state == "too_large" for d in pdfs)
    assert all(d.file_path is None for d in pdfs)


def test_html_in_a_mangled_encoding_is_read(pair, make_config, crawl):
    pair.set_web_service("broken", "not_found")
    pair.fail("broken", "mangled_encoding")
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "ok", results["broken"]
    assert_healthy_completed(config, results)
    council = rows(config, Council, slug="broken")[0]
    meetings = {m.id for m in rows(config, Meeting, council_id=council.id)}
    minutes = [i.minutes_html for i in rows(config, AgendaItem) if i.meeting_id in meetings and i.minutes_html]
    assert any("£" in text for text in minutes)
    assert not any("\ufffd" in text for text in minutes)


@pytest.mark.parametrize(
    "failure, reason",
    [
        ("redirect_other_host", "another host"),
        ("redirect_loop", "redirect loop"),  # Scrapy's duplicate filter would drop it silently: "empty"
    ],
)
def test_a_redirect_to_another_host_is_refused(pair, make_config, crawl, failure, reason):
    pair.fail("broken", failure)
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "failing"
    assert reason in results["broken"].reason
    assert_healthy_completed(config, results)
    assert_nothing_written(config, "broken")


def test_a_redirect_to_another_host_for_one_paper_loses_only_that_paper(pair, make_config, crawl):
    document = next(d for _, _, d in pair.documents("broken"))
    pair.fail("broken", "redirect_other_host", path=f"mgConvert2PDF.aspx?ID={document.id}")
    config = make_config(pair, ["broken"])

    result = crawl(config)["broken"]

    assert result.outcome == "ok"
    row = rows(config, Document, url=f"{pair.base_url('broken')}mgConvert2PDF.aspx?ID={document.id}")[0]
    assert row.fetch_state == "error" and "another host" in row.fetch_error
    assert sum(1 for d in rows(config, Document) if d.fetch_state == "ok") == result.documents - 1


def test_a_hanging_site_times_out_and_keeps_nothing(pair, make_config, crawl):
    pair.fail("broken", "hang", path="GetMeeting?")
    config = make_config(pair, ["broken", "healthy"], council_timeout_seconds=5, timeout_seconds=30)

    results = crawl(config)

    assert results["broken"].outcome == "failing" and "timed out" in results["broken"].reason
    assert_healthy_completed(config, results)
    assert_nothing_written(config, "broken")
    assert the_run(config, "broken").errors == [results["broken"].reason]


def test_stop_ends_the_crawl_and_rolls_back_running_councils(pair, make_config, crawl):
    pair.fail("broken", "hang", path="GetMeeting?")
    config = make_config(pair, ["broken", "healthy"])
    stop = threading.Event()

    results = crawl(config, stop=stop, on_result=lambda result: stop.set())

    assert results["healthy"].outcome == "ok"
    assert results["broken"].reason.startswith("interrupted")
    assert_nothing_written(config, "broken")
    assert rows(config, CrawlRun, council_id=rows(config, Council, slug="broken")[0].id) == []


def test_no_new_council_starts_after_stop(demo, make_config, crawl, today):
    site = demo([sample_council(f"council-{n}", "listing", today) for n in range(3)])
    config = make_config(site, [f"council-{n}" for n in range(3)], parallel_councils=1)
    stop = threading.Event()

    results = crawl(config, stop=stop, on_result=lambda result: stop.set())

    assert list(results) == ["council-0"]
    assert sum(site.requests("council-1").values()) == sum(site.requests("council-2").values()) == 0


def test_a_council_with_no_meetings_in_the_window_is_empty(demo, make_config, crawl, today):
    council = sample_council("quiet", "moderngov", today, meetings_in_window=0, old_meetings=1)
    site = demo([council])
    config = make_config(site, ["quiet"])

    result = crawl(config)["quiet"]

    assert result.outcome == "empty" and "no meetings" in result.reason
    assert rows(config, Council, slug="quiet")[0].consecutive_empty == 1
    assert len(rows(config, Meeting)) == 1  # the old meeting is still back-filled


def test_no_matching_committee_is_empty_not_failing(demo, make_config, crawl, today):
    site = demo([sample_council("elsewhere", "moderngov", today)])
    entry = site.council_config("elsewhere", committees=["children'?s services scrutiny"])
    config = make_config(site, ["elsewhere"])
    config = config.model_copy(update={"councils": [config.councils[0].model_copy(update={"committees": entry["committees"]})]})

    result = crawl(config)["elsewhere"]

    assert result.outcome == "empty"
    assert rows(config, Meeting) == []


def test_an_unknown_council_slug_is_a_clear_error(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    config = make_config(site, ["northshire"])
    with pytest.raises(ValueError, match="no council with slug 'nowhere'"):
        crawl(config, slugs=["nowhere"])


def test_window_dates_are_sent_to_getmeetings(pair, make_config, crawl, today):
    config = make_config(pair, ["healthy"], since="2024-01-01")
    crawl(config)
    asked = [path for path in pair.requests("healthy") if "GetMeetings" in path]
    end = (today + dt.timedelta(days=config.crawl.window_days_ahead)).strftime("%d/%m/%Y")
    assert asked and all(f"sFromDate=01/01/2024&sToDate={end}" in path for path in asked)


def test_a_body_that_cannot_be_stored_is_a_failed_fetch_retried_next_time(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    config = make_config(site, ["northshire"])
    data_dir = config.resolve(config.data_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.write_text("a file where the data folder should be")

    result = crawl(config)["northshire"]

    # Health counts it: the papers never reached us, so the crawl is failing, not ok.
    assert result.outcome == "failing" and "could not be stored" in result.reason and rows(config, Meeting)
    documents = rows(config, Document)
    assert documents and all(d.fetch_state == "error" and "could not store" in d.fetch_error for d in documents)

    data_dir.unlink()
    again = crawl(config)["northshire"]

    assert again.documents_new == len(documents)
    assert all(d.fetch_state == "ok" and d.file_path for d in rows(config, Document))


def test_clearing_a_hang_lets_the_waiting_crawl_finish(demo, make_config, crawl, today):
    site = demo([sample_council("northshire", "moderngov", today)])
    site.fail("northshire", "hang", path="GetCommittees")
    config = make_config(site, ["northshire"])
    results: dict = {}
    crawling = threading.Thread(target=lambda: results.update(crawl(config)))
    crawling.start()
    wait_until(lambda: site.requests("northshire")["/mgWebService.asmx/GetCommittees"] > 0)

    site.clear_failures("northshire")
    crawling.join(60)

    assert results["northshire"].outcome == "ok"
    assert not [
        e for e in [*results["northshire"].errors, *results["northshire"].notes] if "web service" in e
    ]  # answered, not given up on


def test_a_429_with_retry_after_is_waited_for_before_asking_again(pair, make_config, crawl):
    pair.fail("broken", "throttled", path="GetCommittees", size=1)
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "ok", results["broken"]
    assert not [note for note in results["broken"].notes if "web service" in note]  # waited for, not given up on
    asked = [s for s in pair.served() if s.slug == "broken" and "GetCommittees" in s.path]
    assert len(asked) == 2 and asked[1].arrived - asked[0].answered >= 1.0
    after = [s for s in pair.served() if s.slug == "broken" and s.arrived > asked[0].answered and s is not asked[1]]
    assert all(s.arrived >= asked[0].answered + 1.0 for s in after)  # the whole site waited, not just that page
    assert_healthy_completed(config, results)


def test_a_site_asking_to_wait_longer_than_the_cap_is_not_asked_again_this_crawl(pair, make_config, crawl):
    pair.fail("broken", "throttled", path="mgConvert2PDF", size=3600)
    config = make_config(pair, ["broken", "healthy"], retry_after_max_seconds=5)

    results = crawl(config)

    assert results["broken"].outcome == "ok"
    council = rows(config, Council, slug="broken")[0]
    pdfs = [d for d in rows(config, Document, council_id=council.id) if d.kind == "pdf"]
    assert pdfs and all(d.fetch_state == "error" and "Retry-After" in d.fetch_error and "3600" in d.fetch_error for d in pdfs)
    assert all(count == 1 for path, count in pair.requests("broken").items() if "mgConvert2PDF" in path)
    assert_healthy_completed(config, results)

    again = crawl(config, slugs=["broken"])["broken"]  # the next crawl asks again (each path was throttled once)
    assert again.documents_new == len(pdfs)


def test_a_sign_in_page_answering_a_pdf_link_is_a_failed_fetch_retried_next_time(pair, make_config, crawl):
    pair.set_web_service("broken", "not_found")  # the pages link each paper by its file name (…/Report.pdf)
    pair.fail("broken", "login_page", path="/documents/")
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "ok"
    assert_healthy_completed(config, results)
    papers = converted_papers(config)
    assert papers and all(d.fetch_state == "error" and d.sha256 is None and d.kind == "pdf" for d in papers)
    assert all("promised a PDF" in d.fetch_error and "'Sign in'" in d.fetch_error for d in papers)

    pair.clear_failures("broken")
    again = crawl(config, slugs=["broken"])["broken"]

    assert again.documents_new == len(papers)
    refetched = converted_papers(config)
    assert refetched and all(d.fetch_state == "ok" and d.kind == "pdf" and d.sha256 for d in refetched)


def test_a_download_cut_short_by_a_dropped_connection_says_so_and_is_fetched_again_later(pair, make_config, crawl):
    pair.fail("broken", "dropped", path="mgConvert2PDF")
    config = make_config(pair, ["broken", "healthy"])

    results = crawl(config)

    assert results["broken"].outcome == "ok"
    assert_healthy_completed(config, results)
    papers = converted_papers(config)
    assert papers and all(d.fetch_state == "error" and d.sha256 is None for d in papers)
    assert all("closed before the whole body arrived" in d.fetch_error for d in papers)

    pair.clear_failures("broken")
    assert crawl(config, slugs=["broken"])["broken"].documents_new == len(papers)


def test_an_empty_body_is_a_failed_fetch_retried_next_time_not_a_paper_of_no_known_format(demo, make_config, crawl, today):
    site = demo([sample_council("broken", "cmis", today)])
    for _, _, document in site.documents("broken"):
        document.served_as = "application/octet-stream"  # as CMIS serves every paper
    site.fail("broken", "empty_paper")
    config = make_config(site, ["broken"])

    result = crawl(config)["broken"]

    assert result.outcome == "ok"
    papers = [d for d in rows(config, Document) if "Document.ashx" in d.url]
    assert papers and all(d.fetch_state == "error" and "empty body" in d.fetch_error and d.sha256 is None for d in papers)

    site.clear_failures("broken")
    assert crawl(config)["broken"].documents_new == len(papers)
    assert all(d.fetch_state == "ok" and d.kind == "pdf" for d in rows(config, Document) if "Document.ashx" in d.url)
