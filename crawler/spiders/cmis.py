"""CMIS (Civica, on DotNetNuke): month views → meeting pages → ``Document.ashx`` links.

The month view is ``…/Meetings/tabid/<t>/ctl/MeetingCalendarPublicNoJava/mid/<m>/Date/<yyyy-mm-dd>/Default.aspx``;
its day headings ("Monday, 8 June") carry no year, which comes from the month asked for. The
configured URL may already hold ``tabid``/``mid``; otherwise they are discovered from links on
the site's front page and its Meetings page. ``Document.ashx`` links are opaque and may change,
so documents are also matched by content hash when stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

from lxml import html as lxml_html
from scrapy.http import Response

from crawler.items import CommitteeFound, CrawlProblem, DocumentFound, MeetingFound
from crawler.spiders.base import PACK_TITLE, CouncilSpider, decode_page, find_date, fingerprint

_MODULE = re.compile(r"^(?P<prefix>.*?/Meetings/tabid/\d+/)ctl/\w+/mid/(?P<mid>\d+)/", re.I)
_MEETINGS_TAB = re.compile(r"/Meetings/tabid/\d+/|/Meetings\.aspx", re.I)
_MEETING_LINK = re.compile(r"/ctl/ViewMeetingPublic/mid/\d+/Meeting/(\d+)/Committee/(\d+)/", re.I)
_DAY_HEADING = re.compile(r"(\d{1,2})\s+([A-Za-z]+)")
_LEADING_TIME = re.compile(r"^\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:-\s*)?", re.I)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]


class CmisSpider(CouncilSpider):
    """One CMIS council: month views over the window, meeting pages, their documents."""

    # A CMIS meeting page shows nothing that changes when a paper is replaced under the same link.
    revalidate_in_window = True

    async def start(self) -> AsyncIterator[Any]:
        url = self.council.url or ""
        if _MODULE.search(url):
            for request in self._month_requests(url, entry=True):
                yield request
        else:
            yield self.page_request(url, self.parse_entry, entry=True, hops=0)
        for meeting in self.window.due_old_meetings(self.known):
            if meeting.url:
                yield self.page_request(meeting.url, self.parse_meeting, meeting_id=meeting.external_id,
                                        committee_id=meeting.committee_external_id, committee_title=None)
        for request in self.failed_document_retries():
            yield request

    def parse_entry(self, response: Response) -> Iterator[Any]:
        """Find the calendar module (tab and module ids) from the front page or the Meetings page."""
        problem = self.page_problem(response)
        if problem:
            yield problem
            return
        links = [urljoin(response.url, href) for href in lxml_html.fromstring(decode_page(response)).xpath("//a/@href")]
        module = next((link for link in links if _MODULE.search(link)), None)
        if module:
            yield from self._month_requests(module, entry=False)
            return
        tab = next((link for link in links if _MEETINGS_TAB.search(link)), None)
        if tab and response.meta["hops"] < 2:
            yield self.page_request(tab, self.parse_entry, entry=response.meta["entry"], hops=response.meta["hops"] + 1)
        else:
            yield CrawlProblem("error", response.url, "no CMIS meetings calendar found on the site", entry=True)

    def _month_requests(self, module_url: str, entry: bool) -> Iterator[Any]:
        found = _MODULE.search(module_url)
        assert found is not None
        month = self.window.listing_start.replace(day=1)
        while month <= self.window.end:
            url = f"{found.group('prefix')}ctl/MeetingCalendarPublicNoJava/mid/{found.group('mid')}/Date/{month.isoformat()}/Default.aspx"
            yield self.page_request(url, self.parse_month, entry=entry, month=month)
            entry = False
            month = (month + dt.timedelta(days=32)).replace(day=1)

    def parse_month(self, response: Response) -> Iterator[Any]:
        """Meetings of one month: each link names the committee after the start time."""
        problem = self.page_problem(response)
        if problem:
            yield problem
            return
        month: dt.date = response.meta["month"]
        tree = lxml_html.fromstring(decode_page(response))
        for row in tree.iter("tr"):
            heading = row.find_class("SimpleCalendarDate")
            row_day = _day_in_month(heading[0].text_content(), month) if heading else None
            for link in row.iter("a"):
                href = urljoin(response.url, link.get("href") or "")
                found = _MEETING_LINK.search(href)
                if not found:
                    continue
                text = " ".join(link.text_content().split())
                title = _LEADING_TIME.sub("", text.split(" - ", 1)[-1] if find_date(text) else text).strip()
                day = row_day or find_date(text) or find_date(link.get("title"))
                meeting_id, committee_id = found.groups()
                if not self.matches_committee(title):
                    continue
                yield CommitteeFound(committee_id, title)
                if self.window.wants(day, self.known.meetings.get(meeting_id)):
                    yield self.page_request(href, self.parse_meeting, meeting_id=meeting_id, committee_id=committee_id,
                                            committee_title=title)

    def parse_meeting(self, response: Response) -> Iterator[Any]:
        """A meeting page: committee, date, status and the document list."""
        problem = self.page_problem(response)
        if problem:
            yield problem
            return
        meta = response.meta
        meeting_id = meta["meeting_id"]
        tree = lxml_html.fromstring(decode_page(response))
        values = {_label(holder): " ".join(value.text_content().split())
                  for holder in tree.find_class("holder") for value in holder.find_class("Value")[:1]}
        day = find_date(values.get("date/time") or values.get("date"))
        title = meta.get("committee_title") or values.get("committee")
        documents: dict[str, DocumentFound] = {}
        for link in tree.iter("a"):
            href = link.get("href") or ""
            if "document.ashx" not in href.lower():
                continue
            url = urljoin(response.url, href)
            name = " ".join(link.text_content().split()) or None
            documents.setdefault(url, DocumentFound(url=url, title=name, kind="pdf", meeting_id=meeting_id,
                                                    published_date=find_date(name), is_pack=bool(PACK_TITLE.search(name or ""))))
        parsed = {"date": str(day), "status": values.get("status"),
                  "documents": [(d.url, d.title) for d in documents.values()]}
        meeting_fingerprint = fingerprint(parsed)
        yield MeetingFound(external_id=meeting_id, committee_id=meta.get("committee_id"), title=title, date=day,
                           url=response.url, status=values.get("status"), fingerprint=meeting_fingerprint,
                           in_window=self.window.in_window(day))
        yield from self.documents_of_meeting(meeting_id, meeting_fingerprint, documents.values(),
                                             in_window=self.window.in_window(day))


def _label(holder: Any) -> str:
    labels = holder.xpath(".//label")
    return " ".join(labels[0].text_content().split()).rstrip(":").lower() if labels else ""


def _day_in_month(text: str, month: dt.date) -> dt.date | None:
    """``Monday, 8 June`` in the month being read (the heading has no year)."""
    found = _DAY_HEADING.search(text or "")
    if not found:
        return None
    name = found.group(2).lower()
    number = next((index for index, full in enumerate(_MONTHS, start=1) if full.startswith(name[:3])), month.month)
    year = month.year + (1 if number < month.month - 6 else -1 if number > month.month + 6 else 0)
    try:
        return dt.date(year, number, int(found.group(1)))
    except ValueError:
        return None
