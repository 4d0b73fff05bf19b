"""Which committee platform a site runs, from what its pages show (for ``sendwatch probe``).

Signatures (platforms.md): ModernGov pages link ``mg*.aspx`` / ``ie*.aspx`` pages and often
carry the ``Modern.gov Reverse CMS`` comment; its web service answers ``GetCommittees`` with
XML. CMIS is DotNetNuke: tab links ``…/<tab>/tabid/<n>/…``, ``ModCMIS…`` modules, CMIS skins,
``Document.ashx`` papers. A page that is neither but links papers is a listing page. The
detector asks for the page given, then (when the page says nothing or fails) ModernGov's web
service and committee list under it, and stops at the first answer.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.items import CrawlProblem
from crawler.spiders.base import PAGE_STATUSES, decode_page, describe_failure
from crawler.spiders.moderngov import moderngov_base
from sendwatch.core.config import Council
from sendwatch.core.formats import PAPER_KINDS, kind_of_name

_MODERNGOV = re.compile(
    r"Modern\.gov Reverse CMS|\b(?:mg|ie)(?:WhatsNew|DocHome|ListMeetings|ListCommittees|CommitteeDetails|CalendarMonthView"
    r"|ListDocuments|DocSearch|Ai|Convert2PDF|UserInfo|MemberIndex)\.aspx|mgWebService\.asmx",
    re.I,
)
_CMIS = re.compile(r"ModCMIS|CMIS_ModuleWrapper|/ctl/ViewMeetingPublic/|MeetingCalendarPublic|Skins/CMIS|Document\.ashx\?", re.I)
_DNN_TAB = re.compile(r"/[^/\"'\s]+/tabid/\d+/", re.I)
_LINK = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)


@dataclass
class PlatformGuess:
    """The platform a site runs (None when no signature was seen) and what showed it."""

    platform: str | None
    evidence: str


def guess_platform(text: str) -> PlatformGuess | None:
    """The platform a page's HTML shows, or None when it shows none."""
    if _MODERNGOV.search(text):
        return PlatformGuess("moderngov", "ModernGov pages (mg*/ie* links, Modern.gov markers)")
    if _CMIS.search(text):
        return PlatformGuess("cmis", "CMIS modules or Document.ashx papers")
    if len(_DNN_TAB.findall(text)) >= 2:
        return PlatformGuess("cmis", "DotNetNuke tab navigation (tabid links), as CMIS sites have")
    papers = [href for href in _LINK.findall(text) if kind_of_name(href) in PAPER_KINDS]
    if papers:
        return PlatformGuess("listing", f"a page linking {len(papers)} paper(s) directly")
    return None


class PlatformDetector(scrapy.Spider):
    """Asks a site's page, then ModernGov's web service and committee list, until one shows a platform."""

    name = "detect"

    def __init__(self, council: Council, **kwargs: Any):
        super().__init__(**kwargs)
        self.council = council  # the hosts it names are the only ones asked (``crawler.destinations``)
        self.url = council.url or ""
        self.base = moderngov_base(self.url)
        self.allowed_hosts = {urlsplit(self.url).hostname or ""}  # for SameSiteMiddleware: this site only

    async def start(self) -> AsyncIterator[Any]:
        yield self._ask(self.url, self.parse_page, step=0)

    def _ask(self, url: str, callback: Any, step: int) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.failed,
            dont_filter=True,
            meta={"handle_httpstatus_list": PAGE_STATUSES, "step": step, "dont_retry": step > 0},
        )

    def _next(self, step: int) -> Iterator[Any]:
        """The next place to look (after step ``step``), or the verdict that nothing showed a platform."""
        if step == 0:
            yield self._ask(f"{self.base}mgWebService.asmx/GetCommittees", self.parse_service, step=1)
        elif step == 1:
            yield self._ask(f"{self.base}mgListCommittees.aspx", self.parse_page, step=2)
        else:
            yield PlatformGuess(None, "no sign of ModernGov or CMIS, and no papers linked, on the page or under it")

    def parse_page(self, response: Response) -> Iterator[Any]:
        guess = guess_platform(decode_page(response)) if response.status < 300 else None
        if guess is None:
            yield from self._next(response.meta["step"])
        else:
            yield guess

    def parse_service(self, response: Response) -> Iterator[Any]:
        try:
            root = etree.fromstring(response.body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
            answered = response.status == 200 and etree.QName(root).localname.lower() == "committees"
        except etree.XMLSyntaxError:
            answered = False
        if answered:
            yield PlatformGuess("moderngov", "the ModernGov web service (mgWebService.asmx) answers")
        else:
            yield from self._next(response.meta["step"])

    def failed(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        robots = failure.check(IgnoreRequest) and "robots.txt" in str(failure.value)
        yield CrawlProblem(
            "blocked" if robots else "error",
            request.url,
            "disallowed by robots.txt" if robots else describe_failure(failure),
            entry=request.meta["step"] == 0,
        )
        if not robots:
            yield from self._next(request.meta["step"])
