"""Plain listing pages: a council web page (or several) that links to its committee papers.

Which links count is configuration (``listing.include_urls`` / ``exclude_urls`` on the link's
URL, ``include_text`` / ``exclude_text`` on its text, all case-insensitive regexes); with no
include patterns every link counts. There are no meetings here: each linked paper is a document,
dated from its link text where a date is written there. Papers are re-validated on every crawl
with conditional requests, so unchanged ones cost a 304 and no body; papers whose server sends
no validator are asked for again only at the re-check horizon (``crawl.recheck_old_days``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import html as lxml_html
from scrapy.http import Response

from crawler.items import CrawlProblem, DocumentFound, Yielded
from crawler.spiders.base import PACK_TITLE, CouncilSpider, answered_page, decode_page
from crawler.when import find_date
from sendwatch.core.config import Listing
from sendwatch.core.formats import kind_of_name


class ListingSpider(CouncilSpider):
    """One council's listing page(s) and the papers they link to."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.listing = self.council.listing or Listing()
        self.pages = self.listing.pages or [self.council.url or ""]
        self.allowed_hosts |= {urlsplit(page).hostname or "" for page in self.pages}

    async def start(self) -> AsyncIterator[Yielded]:
        for index, page in enumerate(self.pages):
            yield self.page_request(page, self.parse_listing, entry=index == 0)
        for request in self.failed_document_retries():
            yield request

    @answered_page
    def parse_listing(self, response: Response) -> Iterator[Yielded]:
        tree = lxml_html.fromstring(decode_page(response))
        found = 0
        for link in tree.iter("a"):
            url = urldefrag(urljoin(response.url, link.get("href") or ""))[0]
            text = " ".join(link.text_content().split())
            if urlsplit(url).scheme not in ("http", "https") or url == response.url or not self.wanted(url, text):
                continue
            found += 1
            # A listing shows nothing that moves when a paper is replaced: re-validate those with validators.
            yield self.paper_request(
                DocumentFound(
                    url=url,
                    title=text or None,
                    kind=kind_of_name(url) or "unknown",
                    published_date=find_date(text),
                    is_pack=bool(PACK_TITLE.search(text)),
                ),
                unchanged=True,
                revalidate=True,
            )
        if not found:
            yield CrawlProblem("note", response.url, "no links on the listing page matched the configured patterns")

    def wanted(self, url: str, text: str) -> bool:
        """Whether a link passes the configured URL and text patterns."""
        listing = self.listing
        if listing.include_urls and not _any(listing.include_urls, url):
            return False
        if listing.include_text and not _any(listing.include_text, text):
            return False
        return not (_any(listing.exclude_urls, url) or _any(listing.exclude_text, text))


def _any(patterns: list[str], value: str) -> bool:
    return any(re.search(pattern, value, re.I) for pattern in patterns)
