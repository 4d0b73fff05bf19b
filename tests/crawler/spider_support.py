"""Calling a spider's callbacks on saved-shape pages, without a network (City Bureau's habit).

``spider_for`` builds one council's spider with its window fixed at ``NOW``; ``answer`` hands one
of its callbacks a response holding a saved page from ``tests/crawler/pages/`` and returns what
the callback yielded, split into requests and items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse

from crawler.known import KnownState
from crawler.spiders import SPIDERS, CouncilSpider
from crawler.window import CrawlWindow
from sendwatch.core.config import Council, Crawl

PAGES = Path(__file__).parent / "pages"
NOW = dt.datetime(2026, 8, 20, 9, tzinfo=dt.timezone.utc)


@dataclass
class Answer:
    requests: list[Request] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)

    def of(self, kind: type) -> list[Any]:
        return [item for item in self.items if isinstance(item, kind)]


def spider_for(platform: str, url: str, since: dt.date = dt.date(2025, 6, 1), **crawl: Any) -> CouncilSpider:
    council = Council(slug="riverton", name="Riverton City Council", platform=platform, url=url)
    settings = Crawl(since=since, **crawl)
    known = KnownState(1, never_crawled=True)
    return SPIDERS[platform](
        council=council, crawl_config=settings, known=known, window=CrawlWindow.for_crawl(settings, known, NOW)
    )


def answer(spider: CouncilSpider, callback: str, url: str, page: str, status: int = 200, **meta: Any) -> Answer:
    """What ``spider.<callback>`` yields for the saved page ``page`` served at ``url``."""
    body = (PAGES / page).read_bytes()
    kind = XmlResponse if page.endswith(".xml") else HtmlResponse
    response = kind(url=url, body=body, status=status, encoding="utf-8", request=Request(url, meta=meta))
    result = Answer()
    for output in getattr(spider, callback)(response):
        (result.requests if isinstance(output, Request) else result.items).append(output)
    return result
