"""A site that is not there fails at once: no retries on refused connections or names that do not resolve."""

from __future__ import annotations

import pytest
from crawl_support import closed_port
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from twisted.internet.error import DNSLookupError

from crawler.middlewares import HostUnreachable, UnreachableHostMiddleware
from crawler.settings import scrapy_settings
from sendwatch.core.config import Crawl
from sendwatch.demo.site import sample_council


@pytest.fixture
def refusing(demo, make_config, today):
    """A config with a council whose host refuses connections, beside a healthy demo council."""
    site = demo([sample_council("healthy", "moderngov", today)])
    config = make_config(site, ["healthy"], retries=3, retry_backoff_seconds=0.05)
    gone = config.councils[0].model_copy(
        update={"slug": "gone", "name": "Gone Council", "url": f"http://127.0.0.1:{closed_port()}/"}
    )
    return config.model_copy(update={"councils": [gone, *config.councils]})


def test_a_refused_connection_fails_the_council_without_retrying(refusing, crawl):
    result = crawl(refusing)["gone"]

    assert result.outcome == "failing"
    assert "refused" in result.reason.lower()
    assert result.requests == 1  # robots.txt, refused once; nothing after it was sent


def test_the_healthy_council_beside_it_completes(refusing, crawl):
    assert crawl(refusing)["healthy"].outcome == "ok"


@pytest.mark.parametrize(
    "error", ["scrapy.exceptions.CannotResolveHostError", "scrapy.exceptions.DownloadConnectionRefusedError"]
)
def test_a_host_that_is_not_there_is_not_retried(error, tmp_path):
    assert error not in scrapy_settings(Crawl(), tmp_path)["RETRY_EXCEPTIONS"]


def test_timeouts_and_dropped_connections_are_still_retried(tmp_path):
    retried = scrapy_settings(Crawl(), tmp_path)["RETRY_EXCEPTIONS"]
    assert "scrapy.exceptions.DownloadTimeoutError" in retried and "twisted.internet.error.ConnectionLost" in retried


@pytest.mark.parametrize(
    "error",
    [
        CannotResolveHostError("no results for hostname lookup"),
        DNSLookupError("x"),
        DownloadConnectionRefusedError("111: Connection refused"),
    ],
)
def test_a_host_that_is_not_there_is_remembered(error):
    middleware = UnreachableHostMiddleware()

    middleware.process_exception(Request("https://democracy.example.gov.uk/robots.txt"), error)

    with pytest.raises(HostUnreachable):
        middleware.process_request(Request("https://democracy.example.gov.uk/mgListCommittees.aspx"))


def test_later_requests_to_that_host_fail_at_once():
    middleware = UnreachableHostMiddleware()
    middleware.process_exception(Request("https://democracy.example.gov.uk/robots.txt"), CannotResolveHostError("no results"))

    with pytest.raises(HostUnreachable, match="democracy.example.gov.uk is unreachable"):
        middleware.process_request(Request("https://democracy.example.gov.uk/mgListCommittees.aspx"))
    assert middleware.process_request(Request("https://other.example.gov.uk/mgListCommittees.aspx")) is None


def test_a_timeout_does_not_make_the_host_unreachable():
    middleware = UnreachableHostMiddleware()

    middleware.process_exception(
        Request("https://democracy.example.gov.uk/mgListCommittees.aspx"), DownloadTimeoutError("took longer than 60.0 seconds")
    )

    assert middleware.process_request(Request("https://democracy.example.gov.uk/ieListMeetings.aspx")) is None
