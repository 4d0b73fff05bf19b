"""The small rules the spiders and the store rely on: dates, windows, outcomes, bodies, links."""

from __future__ import annotations

import datetime as dt

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, XmlResponse

from crawler.items import CrawlProblem
from crawler.known import KnownMeeting, KnownState
from crawler.middlewares import SameSiteMiddleware
from crawler.result import decide_outcome
from crawler.settings import scrapy_settings, user_agent
from crawler.spiders.base import (
    TOO_LARGE,
    check_body,
    decode_page,
    escaped_twice,
    normalise_html,
    title_cleaner,
    unescape_once,
)
from crawler.spiders.cmis import _day_in_month
from crawler.spiders.moderngov import _COMMITTEE_LINK, _id_in, _xml_root, moderngov_base
from crawler.when import find_date, parse_uk_date
from crawler.window import CrawlWindow
from sendwatch.core.config import Crawl
from sendwatch.core.formats import decide_kind

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10 Feb 2026 10.00 am", dt.date(2026, 2, 10)),
        ("Schools Forum - Tuesday, 10th February, 2026 10.00 am", dt.date(2026, 2, 10)),
        ("3 Aug 2026 - 10:00", dt.date(2026, 8, 3)),
        ("Minutes 31 September 2025", None),
        ("no date here", None),
    ],
)
def test_dates_as_committee_sites_write_them(text, expected):
    assert find_date(text) == expected


def test_web_service_dates_are_day_first():
    assert parse_uk_date("02/03/2026") == dt.date(2026, 3, 2)
    assert parse_uk_date("") is None and parse_uk_date("31/02/2026") is None


@pytest.mark.parametrize("text", ["02/03/2026 00:00:00", "2026-03-02", "2026-03-02T00:00:00"])
def test_web_service_dates_with_a_time_or_in_iso_form_are_read(text):
    assert parse_uk_date(text) == dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("03/03/2026", dt.date(2026, 3, 3)),
        ("3/3/2026 2.00 pm", dt.date(2026, 3, 3)),
        ("Date: 2026-03-03", dt.date(2026, 3, 3)),
        ("v1.2.2026", None),
        ("£10.02.2026m", None),
    ],
)
def test_numeric_dates_are_read_day_first(text, expected):
    assert find_date(text) == expected


@pytest.mark.parametrize(
    "heading, month, expected",
    [
        ("Monday, 8 June", dt.date(2026, 6, 1), dt.date(2026, 6, 8)),
        ("Wednesday, 31 December", dt.date(2026, 1, 1), dt.date(2025, 12, 31)),  # a month view spilling back a year
        ("Friday, 1 January", dt.date(2025, 12, 1), dt.date(2026, 1, 1)),
    ],
)
def test_cmis_day_headings_take_their_year_from_the_month_view(heading, month, expected):
    assert _day_in_month(heading, month) == expected


@pytest.mark.parametrize(
    "href, attachment",
    [
        ("mgConvert2PDF.aspx?ID=60860", "60860"),
        ("https://democracy.example.gov.uk/mgConvert2PDF.aspx?id=60860&ISATT=1", "60860"),
        ("documents/s60860/Minutes.pdf", "60860"),
        ("/moderngov/documents/s60860/Minutes%20Audit.pdf?$LO$=1", "60860"),
        ("documents/g4967/Public%20reports%20pack.pdf", None),
        ("mgAi.aspx?ID=18831", None),
    ],
)
def test_moderngov_document_links_reduce_to_their_attachment_id(href, attachment):
    assert _id_in(href) == attachment


@pytest.mark.parametrize(
    "href",
    [
        "mgCommitteeDetails.aspx?ID=144",
        "ieListMeetings.aspx?CommitteeId=144",
        "ieListMeetings.aspx?CId=144&Year=0",
        "mgCommitteeDetails.aspx?Id=144",
    ],
)
def test_committee_links_in_any_case(href):
    assert _COMMITTEE_LINK.search(href).group(1) == "144"


@pytest.mark.parametrize(
    "configured, base",
    [
        ("https://democracy.example.gov.uk", "https://democracy.example.gov.uk/"),
        ("https://democracy.example.gov.uk/", "https://democracy.example.gov.uk/"),
        ("https://www.example.gov.uk/moderngov", "https://www.example.gov.uk/moderngov/"),
        ("https://www.example.gov.uk/moderngov/mgListCommittees.aspx", "https://www.example.gov.uk/moderngov/"),
        ("https://democracy.example.gov.uk/ieListMeetings.aspx?CommitteeId=144", "https://democracy.example.gov.uk/"),
    ],
)
def test_the_moderngov_folder_comes_from_the_configured_url(configured, base):
    assert moderngov_base(configured) == base


def window(known: KnownState | None = None, **crawl) -> CrawlWindow:
    return CrawlWindow.for_crawl(Crawl(since=dt.date(2025, 1, 1), **crawl), known or KnownState(1, never_crawled=False), NOW)


def test_the_window_reaches_back_and_ahead():
    w = window(window_days_back=120, window_days_ahead=60)
    assert w.start == dt.date(2025, 11, 1) and w.end == dt.date(2026, 4, 30)
    assert w.wants(dt.date(2026, 1, 5), None) and not w.wants(dt.date(2026, 6, 1), None)
    assert not w.wants(dt.date(2024, 12, 31), None)  # before ``since``


def test_old_meetings_are_fetched_once_then_rechecked_when_due():
    w = window(recheck_old_days=28)
    old = dt.date(2025, 3, 1)
    assert w.wants(old, None)  # listed and unknown: fetch it
    fresh = KnownMeeting("1", old, "u", "f", NOW - dt.timedelta(days=3))
    stale = KnownMeeting("2", old, "u", "f", NOW - dt.timedelta(days=40))
    assert not w.wants(old, fresh) and w.wants(old, stale)
    known = KnownState(1, never_crawled=False, meetings={"1": fresh, "2": stale})
    assert [m.external_id for m in w.due_old_meetings(known)] == ["2"]


def test_an_old_meeting_with_a_failed_paper_is_due_at_once():
    failed = KnownMeeting("3", dt.date(2025, 3, 1), "u", None, NOW - dt.timedelta(days=1))
    assert window(recheck_old_days=28).is_due(failed)


def test_a_first_crawl_lists_from_since():
    assert window(KnownState(1, never_crawled=True)).listing_start == dt.date(2025, 1, 1)
    assert window().listing_start == window().start


def test_outcomes():
    blocked = CrawlProblem("blocked", "http://x/", "disallowed by robots.txt", entry=True)
    error = CrawlProblem("error", "http://x/", "HTTP 500")
    assert decide_outcome("moderngov", [blocked], 3, 10, "")[0] == "blocked"
    assert decide_outcome("moderngov", [error], 0, 0, "")[0] == "failing"
    assert decide_outcome("moderngov", [error], 2, 5, "") == ("ok", None)
    assert decide_outcome("moderngov", [], 0, 0, "from a to b") == ("empty", "no meetings of matching committees from a to b")
    assert decide_outcome("listing", [], 0, 4, "")[0] == "ok"


def test_bodies_are_checked_before_they_are_kept():
    pdf = b"%PDF-1.4\n...\n%%EOF\n"
    assert decide_kind(pdf, "application/octet-stream", "http://x/Document.ashx?a") == "pdf"
    assert check_body(pdf, "pdf", "application/pdf", "pdf", 100) is None
    assert "truncated" in check_body(pdf[:10], "pdf", "application/pdf", "pdf", 100)
    html = b"<html><body>Error</body></html>"
    assert decide_kind(html, "application/pdf", "http://x/a.pdf") == "pdf"
    assert "not a PDF" in check_body(html, "pdf", "application/pdf", "pdf", 100)
    assert decide_kind(html, "text/html", "http://x/page") == "html"
    assert check_body(html * 10, "html", "text/html", "html", 100) == TOO_LARGE


def test_a_pdf_whose_header_follows_a_few_stray_bytes_is_kept_as_its_kind_says():
    pdf = b"\x00\x0d\x0aJUNK%PDF-1.4\n...\n%%EOF\n"  # readers accept a header within the first kilobyte
    assert decide_kind(pdf, "application/pdf") == "pdf"
    assert check_body(pdf, "pdf", "application/pdf", "pdf", 100) is None


def test_the_bytes_of_a_paper_decide_its_kind_before_the_declared_type_or_the_link():
    from sendwatch.demo.site import papers

    docx = papers.write("docx", "Report", ["The Forum met."])
    assert decide_kind(docx, "application/octet-stream", "http://x/Document.ashx?a") == "docx"
    assert check_body(docx, "docx", "application/octet-stream", "pdf", 100) is None
    assert decide_kind(papers.write("odt", "Report", ["x"]), "application/pdf", "http://x/a.pdf") == "odt"
    assert decide_kind(papers.write("rtf", "Report", ["x"]), None, "http://x/page") == "rtf"
    publisher = b"\xe8\xac\x00\x2c binary of a format nobody reads"
    assert decide_kind(publisher, "application/octet-stream", "http://x/Document.ashx?a") == "other"
    # A link that promised a PDF decides nothing: bytes of no known format are kept as other
    # (recorded unsupported once), not failed as a PDF and fetched again every crawl.
    assert decide_kind(publisher, "application/octet-stream", "http://x/documents/s1/Report.pdf") == "other"
    assert decide_kind(publisher, None, "http://x/Document.ashx?a") == "other"


def test_html_is_compared_without_layout_whitespace():
    assert normalise_html("<p>The   Forum\nnoted</p>\n") == normalise_html("<p>The Forum noted</p>")
    assert normalise_html("") == "" and normalise_html("plain words") == "plain words"


class _Spider:
    allowed_hosts = {"democracy.example.gov.uk"}


class _Crawler:
    spider = _Spider()


@pytest.mark.parametrize(
    "url, meta, allowed",
    [
        ("https://democracy.example.gov.uk/mgListCommittees.aspx", {}, True),
        ("https://files.example.net/report.pdf", {"allow_other_host": True}, True),
        ("https://elsewhere.example.net/page", {}, False),
        (
            "https://elsewhere.example.net/page",
            {"allow_other_host": True, "redirect_urls": ["https://democracy.example.gov.uk/x"]},
            False,
        ),
        ("ftp://democracy.example.gov.uk/report.pdf", {}, False),
    ],
)
def test_requests_stay_on_the_councils_site(url, meta, allowed):
    middleware = SameSiteMiddleware(_Crawler())
    if allowed:
        assert middleware.process_request(Request(url, meta=meta)) is None
    else:
        with pytest.raises(IgnoreRequest):
            middleware.process_request(Request(url, meta=meta))


def test_settings_are_polite_by_default(tmp_path):
    crawl = Crawl(contact="desk@example.org")
    settings = scrapy_settings(crawl, tmp_path)
    assert "desk@example.org" in user_agent(crawl) == settings["USER_AGENT"]
    assert settings["ROBOTSTXT_OBEY"] and not settings["COOKIES_ENABLED"]
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and settings["DOWNLOAD_DELAY"] == 1.0
    assert settings["AUTOTHROTTLE_ENABLED"] and settings["DOWNLOAD_VERIFY_CERTIFICATES"]
    assert settings["DOWNLOAD_MAXSIZE"] == crawl.max_html_bytes
    assert all(settings["DOWNLOAD_HANDLERS"][scheme] is None for scheme in ("file", "ftp", "s3", "data"))


def test_no_control_server_is_opened_and_no_job_file_written(tmp_path):
    settings = scrapy_settings(Crawl(), tmp_path)
    assert settings["TELNETCONSOLE_ENABLED"] is False and settings["REMOTE_CONTROL_ENABLED"] is False


@pytest.mark.parametrize(
    "body, usable",
    [
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n<committees><committee><committeeid>7</committeeid></committee></committees>',
            True,
        ),
        (
            b'<?xml version="1.0"?><committees xmlns="http://moderngov.example/ns"><committee><committeeid>7</committeeid>'
            b"</committee></committees>",
            True,
        ),
        (b'<?xml version="1.0"?><committees><committee><committeeid>7</commi', False),
        (b"<html><body>Service unavailable</body></html>", False),
        (b'<?xml version="1.0"?><error>Access denied</error>', False),
    ],
)
def test_web_service_answers_are_used_only_when_they_are_the_xml_asked_for(body, usable):
    root, why = _xml_root(XmlResponse("http://x/mgWebService.asmx/GetCommittees", body=body), "committees")
    assert (root is not None) == usable
    if usable:
        assert [node.findtext("committeeid") for node in root.iter("committee")] == ["7"]
    else:
        assert why


def test_titles_escaped_twice_are_told_by_the_whole_answer():
    assert escaped_twice(["Chair&#39;s Communications", "Fees &amp; Charges"])
    assert not escaped_twice(["Fees & Charges", "Research &amp; Development"])  # a bare & : escaped once
    assert not escaped_twice(["Schools Forum", "Minutes"])


def test_unescaping_happens_once_and_only_for_whole_entities():
    assert unescape_once("Fees &amp;amp; Charges") == "Fees &amp; Charges"
    assert unescape_once("Chair&#39;s report") == "Chair's report"
    assert unescape_once("Fees &notes &amp charges") == "Fees &notes &amp charges"  # no semicolon, no entity


def test_a_title_really_saying_amp_is_kept_when_the_answer_escapes_once():
    clean = title_cleaner(["Fees & Charges", "The &amp; entity in HTML"])
    assert clean("The &amp; entity in HTML") == "The &amp; entity in HTML"
    assert title_cleaner(["Fees &amp; Charges"])("  Fees &amp;\n Charges ") == "Fees & Charges"


@pytest.mark.parametrize(
    "body, header",
    [
        ("Schools’ Forum: a deficit of £5m".encode(), "text/html; charset=windows-1252"),  # UTF-8 served as 1252
        ("Schools’ Forum: a deficit of £5m".encode(), "text/html; charset=iso-8859-1"),
        ("Schools’ Forum: a deficit of £5m".encode(), "text/html; charset=utf-8"),
        ("Schools’ Forum: a deficit of £5m".encode("cp1252"), "text/html; charset=windows-1252"),
        ("Schools’ Forum: a deficit of £5m".encode("cp1252"), "text/html; charset=utf-8"),  # 1252 served as UTF-8
    ],
    ids=["utf8-as-1252", "utf8-as-latin1", "utf8", "1252", "1252-as-utf8"],
)
def test_a_page_reads_right_whatever_its_header_says_its_encoding_is(body: bytes, header: str) -> None:
    response = HtmlResponse("https://democracy.example.gov.uk/ieListDocuments.aspx", body=body, headers={"Content-Type": header})
    assert decode_page(response) == "Schools’ Forum: a deficit of £5m"
