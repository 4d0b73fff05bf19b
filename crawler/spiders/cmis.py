"""CMIS (Civica, on DotNetNuke): month views → meeting pages → ``Document.ashx`` links.

The month view is ``…/<tab>/tabid/<t>/ctl/MeetingCalendarPublicNoJava/mid/<m>/Date/<yyyy-mm-dd>/Default.aspx``;
its day headings ("Monday, 8 June") carry no year, which comes from the month asked for. The
calendar's tab is ``Meetings`` on most installs but ``MeetingsCalendar``, ``CalendarofMeetings``
or ``Meetingscalendar`` on others, under any site folder (``/ccc_live/``, ``/cmis5/``). So the
calendar module (its tab path and module id) is discovered, not assumed: from the configured
URL if it holds one, else from the site's own navigation, following links whose tab or text
speaks of meetings or a calendar until a page holds the calendar module (a link to a meeting or
month view, or the module's element ids). ``Document.ashx`` links are opaque, name no format and
may change: each paper's kind comes from its bytes, and documents are also matched by content
hash when stored. CMIS pages give a start time but no finish: its meetings' ``end_time`` stays
unknown (the list view's link title repeats the start after a colon, "11:00 : 11:00", which is
not shown to be a finish and is not read as one).

Meetings that will not take place follow one rule with ModernGov (``base.papers_are_read``): one
the calendar marks cancelled or abandoned (its status after the committee, or struck through) is
recorded as cancelled and its page is not asked for; one whose own page says so ("Status:
Cancelled") is recorded as cancelled and the papers it lists are not fetched. A postponed or
deferred meeting is recorded so and read as any other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html
from scrapy.http import Response

from crawler.items import CommitteeFound, CrawlProblem, DocumentFound, MeetingFound, VariantSeen, Yielded
from crawler.spiders.base import (
    PACK_TITLE,
    CouncilSpider,
    answered_page,
    clean_text,
    decode_page,
    fingerprint,
    meeting_status,
    papers_are_read,
    struck_through,
    title_cleaner,
    with_time,
)
from crawler.when import find_date, find_date_and_time, find_time
from sendwatch.core.formats import PAPER_KINDS, kind_of_name
from sendwatch.core.vocabulary import DocumentKind

# A link into the calendar module (a meeting, a month view, the list view) names its tab and module.
_MODULE = re.compile(
    r"^(?P<prefix>.*?/(?P<tab>[^/]+)/tabid/\d+/)ctl/(?:ViewMeetingPublic|MeetingCalendar\w*)/mid/(?P<mid>\d+)/", re.I
)
_MODULE_ELEMENT = re.compile(r"dnn_ctr(\d+)_(?:MeetingCalendar|ViewMeetingPublic)", re.I)
_TAB_PAGE = re.compile(r"^(?P<prefix>.*?/(?P<tab>[^/]+)/tabid/(?P<tabid>\d+)/)", re.I)
_TAB_ID = re.compile(r"tabid[/=](\d+)", re.I)
_ABOUT_MEETINGS = re.compile(r"meeting|calendar", re.I)
_MEETING_LINK = re.compile(r"/ctl/ViewMeetingPublic/mid/\d+/Meeting/(\d+)/Committee/(\d+)/", re.I)
_MAX_HOPS = 3
# A status written after the committee in a calendar entry: "Schools Forum - CANCELLED", "(Postponed)".
_STATUS_SUFFIX = re.compile(
    r"\s*(?:[-\u2013:]\s*|\(\s*)(?:meeting\s+)?(?:cancell?ed|postponed|deferred|abandoned)\b\s*\)?\s*$", re.I
)
# Links to a meeting's papers: the document handler (any case), or a file on the site by its extension.
_DOCUMENT_HANDLER = re.compile(r"(?:^|/)document\.ashx\?", re.I)
_DAY_HEADING = re.compile(r"(\d{1,2})\s+([A-Za-z]+)")
_LEADING_TIME = re.compile(r"^\s*(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\b\.?)?|\d{1,2}\s*[ap]\.?m\b\.?|noon|midday)\s*(?:-\s*)?", re.I)
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class CmisSpider(CouncilSpider):
    """One CMIS council: month views over the window, meeting pages, their documents."""

    # A CMIS meeting page shows nothing that changes when a paper is replaced under the same link.
    revalidate_in_window = True

    async def start(self) -> AsyncIterator[Yielded]:
        url = self.council.url or ""
        if _MODULE.search(url):
            for request in self._month_requests(url, entry=True):
                yield request
        else:
            yield self.page_request(url, self.parse_entry, entry=True, hops=0, tried=[url])
        for meeting in self.window.due_old_meetings(self.known):
            if meeting.url:
                yield self.page_request(
                    meeting.url,
                    self.parse_meeting,
                    meeting_id=meeting.external_id,
                    committee_id=meeting.committee_external_id,
                    committee_title=None,
                )
        for request in self.failed_document_retries():
            yield request

    @answered_page
    def parse_entry(self, response: Response) -> Iterator[Yielded]:
        """Find the calendar module on this page, or follow the site's links towards it."""
        meta = response.meta
        text = decode_page(response)
        links = [
            (urljoin(response.url, link.get("href")), clean_text(link.text_content()))
            for link in lxml_html.fromstring(text).iter("a")
            if link.get("href")
        ]
        module = next((href for href, _ in links if _MODULE.search(href)), None) or _module_on_page(response.url, text)
        if module:
            yield from self._variants_of_module(module)
            yield from self._month_requests(module, entry=False)
            return
        waiting = [href for href in _calendar_candidates(links, response.url) if href not in meta["tried"]]
        if waiting and meta["hops"] < _MAX_HOPS:
            yield self.page_request(
                waiting[0], self.parse_entry, entry=meta["entry"], hops=meta["hops"] + 1, tried=[*meta["tried"], waiting[0]]
            )
        else:
            yield CrawlProblem(
                "error",
                response.url,
                f"no CMIS meetings calendar found on the site (looked at {len(meta['tried'])} page(s))",
                entry=True,
            )

    def _variants_of_module(self, module_url: str) -> Iterator[VariantSeen]:
        found = _MODULE.search(module_url)
        assert found is not None
        if found.group("tab").lower() != "meetings":
            yield VariantSeen(
                "calendar_tab",
                f"tab {found.group('tab')!r} at {urlsplit(found.group('prefix')).path}, module {found.group('mid')}",
            )

    def _month_requests(self, module_url: str, entry: bool) -> Iterator[Yielded]:
        found = _MODULE.search(module_url)
        assert found is not None
        month = self.window.listing_start.replace(day=1)
        while month <= self.window.end:
            url = f"{found.group('prefix')}ctl/MeetingCalendarPublicNoJava/mid/{found.group('mid')}/Date/{month.isoformat()}/Default.aspx"
            yield self.page_request(url, self.parse_month, entry=entry, month=month)
            entry = False
            month = (month + dt.timedelta(days=32)).replace(day=1)

    @answered_page
    def parse_month(self, response: Response) -> Iterator[Yielded]:
        """Meetings of one month: each link names the committee after the start time (or the row
        has a time column, read when the link is the row's only meeting)."""
        month: dt.date = response.meta["month"]
        tree = lxml_html.fromstring(decode_page(response))
        clean = title_cleaner(clean_text(link.text_content()) for link in tree.iter("a"))
        for row in tree.iter("tr"):
            heading = row.find_class("SimpleCalendarDate")
            row_day = _day_in_month(heading[0].text_content(), month) if heading else None
            links = [link for link in row.iter("a") if _MEETING_LINK.search(urljoin(response.url, link.get("href") or ""))]
            for link in links:
                href = urljoin(response.url, link.get("href") or "")
                found = _MEETING_LINK.search(href)
                assert found is not None
                text = clean(link.text_content())
                listed_day, starts = find_date_and_time(text)
                title = _LEADING_TIME.sub("", text.split(" - ", 1)[-1] if listed_day else text).strip()
                status = meeting_status(title, struck=struck_through(link))
                title = _STATUS_SUFFIX.sub("", title).strip() or title
                day = row_day or listed_day or find_date(link.get("title"))
                starts = starts or find_date_and_time(link.get("title"))[1] or (_row_time(row, link) if len(links) == 1 else None)
                meeting_id, committee_id = found.groups()
                selected = self.matches_committee(title)
                yield CommitteeFound(committee_id, title, selected=selected)
                if not selected or not self.window.wants(day, self.known.meetings.get(meeting_id)):
                    continue
                if not papers_are_read(status):
                    yield self.cancelled_meeting(meeting_id, committee_id, title, day, starts, href)
                else:
                    yield self.page_request(
                        href,
                        self.parse_meeting,
                        meeting_id=meeting_id,
                        committee_id=committee_id,
                        committee_title=title,
                        listed_time=starts,
                        listed_status=status,
                        listed_day=day,
                    )

    @answered_page
    def parse_meeting(self, response: Response) -> Iterator[Yielded]:
        """A meeting page: committee, date, status and the document list (not followed when the page
        says the meeting is cancelled: ``papers_are_read``)."""
        meta = response.meta
        meeting_id = meta["meeting_id"]
        tree = lxml_html.fromstring(decode_page(response))
        values = {
            _label(holder): " ".join(value.text_content().split())
            for holder in tree.find_class("holder")
            for value in holder.find_class("Value")[:1]
        }
        day, starts = find_date_and_time(values.get("date/time") or values.get("date"))
        starts = starts or find_time(values.get("time") or values.get("start time")) or meta.get("listed_time")
        title = meta.get("committee_title") or values.get("committee")
        status = values.get("status") or meta.get("listed_status")
        if day is None:
            day = meta.get("listed_day")
            kept = ": the calendar's date kept" if day else ""
            yield CrawlProblem(
                "note", response.url, f"no meeting date on the meeting page (a 'Date/Time:' or 'Date:' field){kept}"
            )
        if not papers_are_read(status):
            yield VariantSeen("cancelled_on_page", f"meeting {meeting_id} is {status}: its papers not fetched")
            yield self.cancelled_meeting(meeting_id, meta.get("committee_id"), title, day, starts, response.url)
            return
        documents: dict[str, DocumentFound] = {}
        links = [link for link in tree.iter("a") if _is_paper_link(urljoin(response.url, link.get("href") or ""), response.url)]
        clean = title_cleaner(clean_text(link.text_content()) for link in links)
        for link in links:
            url = urljoin(response.url, link.get("href"))
            name = clean(link.text_content()) or None
            documents.setdefault(
                url,
                DocumentFound(
                    url=url,
                    title=name,
                    kind=_icon_kind(link)
                    if _DOCUMENT_HANDLER.search(url)
                    else kind_of_name(unquote(urlsplit(url).path)) or "unknown",
                    meeting_id=meeting_id,
                    published_date=find_date(name),
                    is_pack=bool(PACK_TITLE.search(name or "")),
                ),
            )
        parsed = {"date": str(day), "status": status, "documents": [(d.url, d.title) for d in documents.values()]}
        meeting_fingerprint = fingerprint(with_time(parsed, starts))
        yield MeetingFound(
            external_id=meeting_id,
            committee_id=meta.get("committee_id"),
            title=title,
            date=day,
            start_time=starts,
            url=response.url,
            status=status,
            fingerprint=meeting_fingerprint,
            in_window=self.window.in_window(day),
        )
        yield from self.documents_of_meeting(
            meeting_id, meeting_fingerprint, documents.values(), in_window=self.window.in_window(day)
        )


def _module_on_page(url: str, text: str) -> str | None:
    """A month-view URL for a calendar module this page holds (element ids) when no link names it."""
    module = _MODULE_ELEMENT.search(text)
    tab = _TAB_PAGE.search(url)
    if module is None:
        return None
    if tab is not None:
        prefix = tab.group("prefix")
    else:  # a friendly URL, ``/cmis5/Meetings.aspx``: the tab path needs the tab id the page carries
        tab_id = _TAB_ID.search(text)
        if tab_id is None or not urlsplit(url).path.lower().endswith(".aspx"):
            return None
        prefix = f"{url.split('?', 1)[0][: -len('.aspx')]}/tabid/{tab_id.group(1)}/"
    return f"{prefix}ctl/MeetingCalendarPublicNoJava/mid/{module.group(1)}/"


def _calendar_candidates(links: list[tuple[str, str]], page_url: str) -> list[str]:
    """Links on this site that may lead to the calendar: tabs or pages named for meetings or a calendar first."""
    host = urlsplit(page_url).netloc
    by_path, by_text = [], []
    for href, text in links:
        parts = urlsplit(href)
        if parts.netloc != host or "/ctl/" in parts.path.lower() or href in by_path or href in by_text:
            continue
        tab = _TAB_PAGE.search(href)
        name = tab.group("tab") if tab else parts.path.rsplit("/", 1)[-1]
        if _ABOUT_MEETINGS.search(name):
            by_path.append(href)
        elif _ABOUT_MEETINGS.search(text) and (tab or parts.path.lower().endswith(".aspx")):
            by_text.append(href)
    return by_path + by_text


def _is_paper_link(url: str, page_url: str) -> bool:
    """A link to one of the meeting's papers: ``Document.ashx?...`` (opaque), or a paper file on this
    site by its extension (``Data/...pdf``, ``Portals/...docx``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    if _DOCUMENT_HANDLER.search(parts.path + "?" + parts.query):
        return True
    return parts.hostname == urlsplit(page_url).hostname and kind_of_name(unquote(parts.path)) in PAPER_KINDS


def _icon_kind(link: Any) -> DocumentKind:
    """The format CMIS's file-type icon beside a link shows (``pdf.gif``, ``alt="doc"``); ``unknown`` without one."""
    holder = link.getparent()
    for image in holder.iter("img") if holder is not None else []:
        icon = (image.get("src") or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        named = kind_of_name("x." + (image.get("alt") or "").strip()) or kind_of_name("x." + icon)
        if named:
            return named
    return "unknown"


def _row_time(row: Any, link: Any) -> dt.time | None:
    """The time a month row shows outside its meeting link (a time column), read from its other cells."""
    cells = [cell for cell in row.xpath("./td|./th") if link not in cell.iter("a") and not cell.find_class("SimpleCalendarDate")]
    return find_time(" ".join(clean_text(cell.text_content()) for cell in cells))


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
