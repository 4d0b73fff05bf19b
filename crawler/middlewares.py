"""Downloader middlewares that keep a council's crawl on its own site and back off on retries.

``SameSiteMiddleware`` refuses any request that is not http(s), and any request to a host that
is not the council's own, unless a page of the council links to it directly (a document on a
file host): a redirect to another host is always refused, so a moved or hijacked domain is
reported rather than crawled. Robots.txt fetches pass through.

``RetryBackoffMiddleware`` waits before each retry that Scrapy's ``RetryMiddleware`` schedules:
``SENDWATCH_RETRY_BACKOFF`` seconds, doubled for each further retry.

``RetryAfterMiddleware`` honours a ``429`` or ``503`` answer's ``Retry-After`` (seconds or an
HTTP date): every request to that host waits that long, then the refused one is asked again,
up to ``RETRY_TIMES`` times. A site that asks for longer than ``SENDWATCH_RETRY_AFTER_MAX``
seconds is not asked again in this crawl (the request fails, saying so), rather than being
hammered by retries it asked us not to send. An answer without ``Retry-After`` is left to
Scrapy's retries.

``UnreachableHostMiddleware`` makes a site that does not resolve, or refuses connections, fail
in seconds: once a host has failed so, every further request to it in this crawl fails at once
instead of waiting for its own lookup or connection (it sits right after the robots.txt
middleware, so the request that waited for robots.txt is stopped too). The settings leave those
failures out of ``RETRY_EXCEPTIONS`` (a retry seconds later meets the same answer); timeouts and
dropped connections are still retried.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, IgnoreRequest, NotConfigured
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import DNSLookupError, NoRouteError

from sendwatch.core.formatting import http_date

# Failures that say the host is not there (no name, nothing listening, no route): retrying cannot help.
UNREACHABLE = (CannotResolveHostError, DownloadConnectionRefusedError, DNSLookupError, TxConnectionRefusedError, NoRouteError)


class SameSiteMiddleware:
    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SameSiteMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise IgnoreRequest(f"refused: only http(s) URLs are fetched, not {parts.scheme}:")
        if request.meta.get("dont_obey_robotstxt") and parts.path == "/robots.txt":
            return None
        allowed: set[str] = getattr(self.crawler.spider, "allowed_hosts", set())
        host = parts.hostname or ""
        if host in allowed:
            return None
        redirected = request.meta.get("redirect_urls")
        if redirected:
            raise IgnoreRequest(f"refused: {redirected[0]} redirects to another host ({host})")
        if request.meta.get("allow_other_host"):
            return None
        raise IgnoreRequest(f"refused: {request.url} is on another host ({host})")


class RetryBackoffMiddleware:
    def __init__(self, backoff: float):
        self.backoff = backoff

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryBackoffMiddleware:
        backoff = crawler.settings.getfloat("SENDWATCH_RETRY_BACKOFF", 0.0)
        if backoff <= 0:
            raise NotConfigured
        return cls(backoff)

    async def process_request(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        if retries:
            await asyncio.sleep(self.backoff * 2 ** (retries - 1))
        return None


class Throttled(IgnoreRequest):
    """A request given up because its site asked us to wait longer than we will (``Retry-After``)."""


THROTTLE_STATUSES = (429, 503)


class RetryAfterMiddleware:
    def __init__(self, max_wait: float, max_times: int):
        self.max_wait = max_wait
        self.max_times = max_times
        self.resume_at: dict[str, float] = {}  # host:port -> time.monotonic() before which it is not asked

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        return cls(crawler.settings.getfloat("SENDWATCH_RETRY_AFTER_MAX", 300.0), crawler.settings.getint("RETRY_TIMES", 2))

    async def process_request(self, request: Request) -> None:
        wait = self.resume_at.get(urlsplit(request.url).netloc, 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        return None

    def process_response(self, request: Request, response: Any) -> Any:
        if response.status not in THROTTLE_STATUSES:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            return response
        times = request.meta.get("retry_after_times", 0)
        if wait > self.max_wait:
            raise Throttled(
                f"HTTP {response.status}: the site asks us to wait {wait:g} s (Retry-After), longer than"
                f" crawl.retry_after_max_seconds ({self.max_wait:g} s); not asked again in this crawl"
            )
        if times >= self.max_times:
            raise Throttled(f"HTTP {response.status}: still asked to wait after {times} waits (Retry-After)")
        site = urlsplit(request.url).netloc
        self.resume_at[site] = max(self.resume_at.get(site, 0.0), time.monotonic() + wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = times + 1
        return retry


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """A ``Retry-After`` header's wait in seconds (delta-seconds or an HTTP date), None if absent or unreadable."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    when = http_date(text)
    if when is None:
        return None
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


class HostUnreachable(IgnoreRequest):
    """A request not sent because its host already failed to resolve or refused a connection."""


class UnreachableHostMiddleware:
    def __init__(self) -> None:
        self.unreachable: dict[str, str] = {}  # host:port -> why, for this crawl

    @classmethod
    def from_crawler(cls, crawler: Any) -> UnreachableHostMiddleware:
        return cls()

    def process_request(self, request: Request) -> None:
        site = urlsplit(request.url).netloc
        if site in self.unreachable:
            raise HostUnreachable(f"{site} is unreachable ({self.unreachable[site]}); not asked again in this crawl")
        return None

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, UNREACHABLE):
            self.unreachable.setdefault(urlsplit(request.url).netloc, str(exception).strip()[:200] or type(exception).__name__)
        return None
