"""Scrapy settings for one council's crawl, built from the ``crawl:`` section of the config.

Politeness is the default, not an option: robots.txt obeyed, an honest User-Agent naming a
contact, one request at a time per host, a delay between requests (AutoThrottle on top when the
delay is not zero), no cookies, bounded timeouts and retries with backoff (a ``Retry-After`` honoured, up to
``retry_after_max_seconds``) (none for a host that
does not resolve or refuses connections: those fail in seconds), size caps (pages
``max_html_bytes``; documents ``max_pdf_bytes``, set per request), certificates verified, and
only http(s) download handlers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.settings.default_settings import RETRY_EXCEPTIONS

from sendwatch.core.config import Crawl

ROBOTS_NAME = "sendwatch"
# Retrying a name that does not resolve, or a port that refuses, meets the same answer seconds later.
NOT_RETRIED = ("scrapy.exceptions.CannotResolveHostError", "scrapy.exceptions.DownloadConnectionRefusedError")


def user_agent(crawl: Crawl) -> str:
    """The configured User-Agent with the operator's contact address added."""
    return f"{crawl.user_agent} (contact: {crawl.contact})"


def scrapy_settings(
    crawl: Crawl, data_dir: Path | str, log_level: str | None = None, data_options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Scrapy's settings for one council's crawl; bodies go to ``data_dir`` (a folder or an object
    store's URL, with its ``data_options``)."""
    throttle = crawl.autothrottle and crawl.download_delay > 0
    return {
        "BOT_NAME": ROBOTS_NAME,
        "USER_AGENT": user_agent(crawl),
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "ROBOTSTXT_USER_AGENT": ROBOTS_NAME,
        "COOKIES_ENABLED": False,
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        # What one response yields is handled by this many asyncio tasks: Scrapy's 100 cost 100
        # tasks per response (a fifth of a crawl worker's CPU), for a pipeline that never waits.
        "CONCURRENT_ITEMS": 4,
        # Scrapy re-parses a callback's source on each response to warn about ``return`` in a
        # generator; with a spider per council that is every response, for a developer's warning.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": throttle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, crawl.download_delay),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": crawl.timeout_seconds,
        "RETRY_ENABLED": crawl.retries > 0,
        "RETRY_TIMES": crawl.retries,
        "RETRY_EXCEPTIONS": [exception for exception in RETRY_EXCEPTIONS if exception not in NOT_RETRIED],
        "SENDWATCH_RETRY_BACKOFF": crawl.retry_backoff_seconds,
        "SENDWATCH_RETRY_AFTER_MAX": crawl.retry_after_max_seconds,
        "DOWNLOAD_MAXSIZE": crawl.max_html_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_VERIFY_CERTIFICATES": True,
        "DOWNLOAD_HANDLERS": {"file": None, "s3": None, "ftp": None, "data": None},
        "REDIRECT_MAX_TIMES": 5,
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy 2.19's remote control runs code sent to a local HTTP port and leaves a job file
        # (port and token) in the user's profile: not for an unattended crawler, nor a probe that
        # promises to write nothing.
        "REMOTE_CONTROL_ENABLED": False,
        "CLOSESPIDER_ERRORCOUNT": 50,
        "LOG_ENABLED": log_level is not None,
        "LOG_LEVEL": log_level or "WARNING",
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.destinations.OwnSitesMiddleware": 45,
            "crawler.middlewares.SameSiteMiddleware": 50,
            # Right after robots.txt (100): the request robots.txt held back is stopped too.
            "crawler.middlewares.UnreachableHostMiddleware": 101,
            # Answers pass it before Scrapy's retries (550): a 429 with Retry-After waits as asked.
            "crawler.middlewares.RetryAfterMiddleware": 555,
            "crawler.middlewares.RetryBackoffMiddleware": 560,
            "crawler.destinations.RedirectLoopMiddleware": 610,
        },
        "ITEM_PIPELINES": {"crawler.pipelines.BodyStorePipeline": 100},
        "SENDWATCH_DATA_DIR": str(data_dir),
        "SENDWATCH_DATA_OPTIONS": dict(data_options or {}),
    }
