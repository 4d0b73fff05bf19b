"""ModernGov: the public web service first, the public HTML pages when it is absent or failing.

Web service: ``mgWebService.asmx/GetCommittees`` → ``GetMeetings?lCommitteeId=&sFromDate=&sToDate=``
(both dates always sent: real servers answer 500 without them; ``GetAllMeetingsByDate`` when
``GetMeetings`` fails) → ``GetMeeting?lMeetingId=``. HTML: ``mgListCommittees.aspx`` →
``ieListMeetings.aspx?CommitteeId=`` (and the pages of other years, or of "Earlier meetings",
back to ``crawl.since``) → ``ieListDocuments.aspx?CId=&MId=&Ver=4``. Each step falls back on its
own: a failing ``GetMeeting`` is replaced by that meeting's ``ieListDocuments`` page. Only
``GetMeeting`` gives a planned finish time (``meetingplannedfinishtime``, often empty); the
lists and pages show starts only, and the actual start and finish fields are not read.

Real sites vary (``crawler.variants``): titles escaped twice, restricted (exempt) papers, items
without ids, raw HTML inside the XML; on the pages, item titles that link straight to their
report, item text in plain paragraphs, cancelled meetings marked on the list, and
``CeListDocuments`` links. Items without an id are keyed by position, so none is lost.

Meetings that will not take place follow one rule with CMIS (``base.papers_are_read``): one
cancelled or abandoned (on the list, struck through, or by its ``meetingstatus`` in
``GetMeetings``) is recorded as cancelled and its details are not asked for; one whose own page
or ``GetMeeting`` says so is recorded as cancelled with no items and no papers. A postponed or
deferred meeting is recorded so and read as any other.

Documents are keyed by the canonical ``mgConvert2PDF.aspx?ID=<attachment id>`` URL under the
configured base, whichever way they were found (``documents/s<id>/<name>.pdf`` links carry the
same id, and are fetched as linked), so both routes find the same documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from scrapy.http import Response

from crawler.items import (
    EXEMPT,
    FETCHED,
    AgendaItemFound,
    CommitteeFound,
    CrawlProblem,
    DocumentFound,
    MeetingFound,
    VariantSeen,
    Yielded,
)
from crawler.spiders.base import (
    PACK_TITLE,
    CouncilSpider,
    answered_page,
    clean_text,
    decode_page,
    fingerprint,
    inner_html,
    item_html,
    meeting_status,
    normalise_html,
    papers_are_read,
    struck_through,
    title_cleaner,
    unescape_once,
    with_time,
)
from crawler.when import find_date_and_time, parse_time, parse_uk_date
from sendwatch.core.formats import EXTENSIONS, PAPER_KINDS, kind_of_name

_DOC_ID = re.compile(r"(?:mgConvert2PDF\.aspx\?(?:.*&)?id=|(?:^|/)documents/s)(\d+)", re.I)
_MEETING_PAPER = re.compile(r"documents/[gb]\d+/[^?#]+\.\w{2,5}", re.I)
_COMMITTEE_LINK = re.compile(r"(?:mgCommitteeDetails|ieListMeetings)\.aspx\?(?:.*&)?(?:id|committeeid|cid)=(\d+)", re.I)
_MEETING_LINK = re.compile(r"(?:ie|ce)ListDocuments\.aspx\?", re.I)
# ieListMeetings shows one (municipal) year, or the recent meetings; the rest are links on the page.
_YEAR_PAGE = re.compile(r"ieListMeetings\.aspx\?(?:.*&)?year=(\d{4})", re.I)
_EARLIER_PAGE = re.compile(r"ieListMeetings\.aspx\?(?:.*&)?act=(?:earlier|prev\w*)\b", re.I)
_EARLIER_TEXT = re.compile(r"^(?:earlier|previous|older) meetings\b", re.I)
_TITLE_ATTRIBUTE = re.compile(r"Link to document '(.+)'(?:\s+\w+\s+file)?\s*$", re.S | re.I)
_FORMAT_WORDS = "|".join(word.upper() for word in EXTENSIONS)
_LINK_SUFFIX = re.compile(rf"(,\s*item\s+[\w.()]+)?\s*\b({_FORMAT_WORDS})\s+[\d.,]+\s*[KM]B\s*$", re.I)
# A cookieless ASP.NET session in a path: ``/(S(wm5gga55b130f045qoanjja5))/``.
_SESSION_SEGMENT = re.compile(r"/\([A-Z]\([^)/]*\)\)/", re.I)
_ITEM_ANCHOR = re.compile(r"^AI(\d+)$", re.I)
_LABEL = re.compile(r"^[A-Za-z][A-Za-z ']{1,40}:?$")
_LINK_SECTIONS = (
    "documents",
    "additional documents",
    "supporting documents",
    "attachments",
    "background papers",
    "appendices",
    "enclosures",
)
# Fields of GetMeeting that hold HTML (escaped, or raw elements on some installs).
_HTML_FIELDS = (b"agendatext", b"minutesnonemptyhtmlbody", b"decisiontext", b"minutestext")
_RAW_HTML_FIELD = re.compile(rb"<(" + b"|".join(_HTML_FIELDS) + rb")>(.*?)</\1>", re.S)


class ModernGovSpider(CouncilSpider):
    """One ModernGov council: committees matching its patterns, meetings in the window, their papers."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.base = moderngov_base(self.council.url or "")

    async def start(self) -> AsyncIterator[Yielded]:
        probe = self.page_request(self._service("GetCommittees"), self.parse_committees_xml, dont_retry=True)
        yield probe.replace(errback=self.probe_failed)
        for meeting in self.window.due_old_meetings(self.known):
            yield self._meeting_xml_request(meeting.external_id, meeting.committee_external_id, None)
        for request in self.failed_document_retries():
            yield request

    # ------------------------------------------------------------------ URLs

    def _service(self, method: str, **query: str) -> str:
        tail = "&".join(f"{key}={value}" for key, value in query.items())
        return f"{self.base}mgWebService.asmx/{method}" + (f"?{tail}" if tail else "")

    def meeting_url(self, committee_id: str | None, meeting_id: str) -> str:
        return f"{self.base}ieListDocuments.aspx?CId={committee_id or ''}&MId={meeting_id}&Ver=4"

    def document_url(self, attachment_id: str) -> str:
        return f"{self.base}mgConvert2PDF.aspx?ID={attachment_id}"

    def _meeting_xml_request(
        self, meeting_id: str, committee_id: str | None, committee_title: str | None, listed_time: dt.time | None = None
    ) -> Any:
        return self.page_request(
            self._service("GetMeeting", lMeetingId=meeting_id),
            self.parse_meeting_xml,
            meeting_id=meeting_id,
            committee_id=committee_id,
            committee_title=committee_title,
            listed_time=listed_time,
        )

    def _meetings_xml_request(self, method: str, committee_id: str, title: str) -> Any:
        query = {
            "lCommitteeId": committee_id,
            "sFromDate": self.window.listing_start.strftime("%d/%m/%Y"),
            "sToDate": self.window.end.strftime("%d/%m/%Y"),
        }
        if method == "GetAllMeetingsByDate":
            query["bIsAscendingDateOrder"] = "true"
        return self.page_request(
            self._service(method, **query),
            self.parse_meetings_xml,
            committee_id=committee_id,
            committee_title=title,
            method=method,
        )

    # ------------------------------------------------------------------ web service

    def parse_committees_xml(self, response: Response) -> Iterator[Yielded]:
        """Committees from the web service, or the HTML committee list when it is not there."""
        root, problem = _xml_root(response, "committees")
        if root is None:
            yield CrawlProblem("note", response.url, f"web service unavailable ({problem}); using the HTML pages")
            yield VariantSeen("html_pages", problem)
            yield self.page_request(f"{self.base}mgListCommittees.aspx", self.parse_committees_html, entry=True)
            return
        nodes = list(root.iter("committee"))
        if not nodes:
            yield CrawlProblem("note", response.url, "web service lists no committees; using the HTML pages")
            yield VariantSeen("html_pages", "GetCommittees listed no committees")
            yield self.page_request(f"{self.base}mgListCommittees.aspx", self.parse_committees_html, entry=True)
            return
        yield VariantSeen("web_service")
        clean = title_cleaner(_text(node, "committeetitle") for node in nodes)
        for node in nodes:
            committee_id, title = _text(node, "committeeid"), clean(_text(node, "committeetitle"))
            if not committee_id or not title:
                continue
            selected = self.matches_committee(title)
            yield CommitteeFound(committee_id, title, f"{self.base}mgCommitteeDetails.aspx?ID={committee_id}", selected)
            if selected:
                yield self._meetings_xml_request("GetMeetings", committee_id, title)

    def probe_failed(self, failure: Any) -> Iterator[Yielded]:
        """The web service could not be reached at all (reset, timeout, robots.txt): use the HTML pages."""
        for problem in self.page_failed(failure):
            yield CrawlProblem("note", problem.url, f"web service unavailable ({problem.message}); using the HTML pages")
            yield VariantSeen("html_pages", problem.message)
        yield self.page_request(f"{self.base}mgListCommittees.aspx", self.parse_committees_html, entry=True)

    def parse_meetings_xml(self, response: Response) -> Iterator[Yielded]:
        """A committee's meetings in the window (``GetMeetings``, or ``GetAllMeetingsByDate`` after it failed)."""
        committee_id, title, method = response.meta["committee_id"], response.meta["committee_title"], response.meta["method"]
        root, problem = _xml_root(response, "getmeetings" if method == "GetMeetings" else None)
        if root is None and method == "GetMeetings":
            yield CrawlProblem("note", response.url, f"GetMeetings failed ({problem}); trying GetAllMeetingsByDate")
            yield self._meetings_xml_request("GetAllMeetingsByDate", committee_id, title)
            return
        if root is None:
            yield CrawlProblem("note", response.url, f"{method} failed ({problem}); using ieListMeetings.aspx")
            yield self._meetings_page_request(committee_id, title)
            return
        if method != "GetMeetings":
            yield VariantSeen("getallmeetingsbydate")
        for node in root.iter("meeting"):
            meeting_id, day = _text(node, "meetingid"), parse_uk_date(_text(node, "meetingdate"))
            listed_committee = _text(node, "committeeid")
            if listed_committee and listed_committee != committee_id:
                continue  # an answer covering every committee: only this one's meetings
            if not meeting_id or not self.window.wants(day, self.known.meetings.get(meeting_id)):
                continue
            status, starts = _text(node, "meetingstatus"), parse_time(_text(node, "meetingtime"))
            if not papers_are_read(status):
                yield VariantSeen("cancelled_in_service", f"meeting {meeting_id} is {status}: GetMeeting not asked")
                yield self.cancelled_meeting(
                    meeting_id, committee_id, title, day, starts, self.meeting_url(committee_id, meeting_id)
                )
            else:
                yield self._meeting_xml_request(meeting_id, committee_id, title, starts)

    def parse_meeting_xml(self, response: Response) -> Iterator[Yielded]:
        """One meeting: its agenda items (text and minutes inline) and their linked documents."""
        meta = response.meta
        meeting_id, committee_id = meta["meeting_id"], meta["committee_id"]
        root, note = _xml_root(response, "meeting")
        if root is not None and not (_text(root, "meetingid") or _text(root, "meetingdate")):
            root, note = None, "the answer names no meeting" + (f": {_text(root, 'error')}" if _text(root, "error") else "")
        if root is None:
            yield CrawlProblem("note", response.url, f"GetMeeting failed ({note}); using ieListDocuments.aspx")
            yield self._meeting_page_request(meeting_id, committee_id, listed_time=meta.get("listed_time"))
            return
        if note:
            yield VariantSeen("raw_html_agendatext", note)
        clean = title_cleaner(element.text or "" for element in root.iter() if str(element.tag).endswith("title"))
        yield from self._variants_of_meeting_xml(root, clean)
        items: list[AgendaItemFound] = []
        documents: list[DocumentFound] = []
        for position, node in enumerate(root.iter("agendaitem"), start=1):
            item = self._parse_item_xml(node, meeting_id, position, {i.external_id for i in items}, clean)
            items.append(item)
            restricted_item = _text(node, "isrestricted").lower() == "true"
            for doc in node.iter("linkeddoc"):
                document = self._parse_linked_doc(doc, meeting_id, item.external_id, restricted_item, clean)
                if document:
                    documents.append(document)
        yield from self._emit_meeting(
            meeting_id,
            committee_id,
            meta.get("committee_title") or clean(_text(root, "committeetitle")) or None,
            day=parse_uk_date(_text(root, "meetingdate")),
            starts=parse_time(_text(root, "meetingtime")) or meta.get("listed_time"),
            ends=parse_time(_text(root, "meetingplannedfinishtime")),
            status=_text(root, "meetingstatus") or None,
            items=items,
            documents=documents,
            extra={"published": [(d.url, str(d.published_date), d.fetch_state) for d in documents]},
        )

    def _variants_of_meeting_xml(self, root: Any, clean: Callable[[str | None], str]) -> Iterator[VariantSeen]:
        """The web-service shapes this answer shows (escaping, missing ids, restricted papers, raw HTML)."""
        titles = [element.text or "" for element in root.iter() if str(element.tag).endswith("title")]
        if any(clean(title) != clean_text(title) for title in titles):
            yield VariantSeen("titles_escaped_twice")
        if any(not _text(node, "agendaitemid") for node in root.iter("agendaitem")):
            yield VariantSeen("items_without_ids")
        if any(_text(doc, "isrestricted").lower() == "true" for doc in root.iter("linkeddoc")):
            yield VariantSeen("exempt_papers")
        if any(len(field) for name in _HTML_FIELDS for field in root.iter(name.decode())):
            yield VariantSeen("raw_html_agendatext", "raw HTML elements in the XML")

    def _parse_item_xml(
        self, node: Any, meeting_id: str, position: int, taken: set[str], clean: Callable[[str | None], str]
    ) -> AgendaItemFound:
        """An ``<agendaitem>``: keyed by its id, or by its position when it has none (or repeats one)."""
        given = _text(node, "agendaitemid")
        external_id = given if given and given not in taken else f"item-{position}"
        item = AgendaItemFound(
            meeting_id=meeting_id,
            external_id=external_id,
            title=clean(_text(node, "agendaitemtitle")),
            number=_text(node, "fulldisplaynumberformat") or _text(node, "agendaitemnumber") or None,
            agenda_html=normalise_html(_html_field(node, "agendatext")),
            minutes_html=normalise_html(_html_field(node, "minutesnonemptyhtmlbody")),
        )
        item.url = self.item_url(meeting_id, external_id, position)
        return item

    def _parse_linked_doc(
        self, doc: Any, meeting_id: str, item_id: str, restricted_item: bool, clean: Callable[[str | None], str]
    ) -> DocumentFound | None:
        """A ``<linkeddoc>``: a paper to fetch, or an exempt one to record and leave alone."""
        attachment = _text(doc, "attachmentid") or _id_in(_text(doc, "url"))
        if not attachment:
            return None
        title = clean(_text(doc, "title")) or None
        restricted = restricted_item or _text(doc, "isrestricted").lower() == "true"
        given = _text(doc, "url")
        same_site = urlsplit(given).scheme in ("http", "https") and urlsplit(given).netloc == urlsplit(self.base).netloc
        return DocumentFound(
            url=self.document_url(attachment),
            title=title,
            kind=kind_of_name(given) or "pdf",
            meeting_id=meeting_id,
            agenda_item_id=item_id,
            published_date=parse_uk_date(_text(doc, "publicationdate")),
            is_pack=bool(PACK_TITLE.search(title or "")),
            fetch_state=EXEMPT if restricted else FETCHED,
            fetch_url=given if same_site and given != self.document_url(attachment) else None,
        )

    def item_url(self, meeting_id: str, item_id: str, position: int) -> str:
        """``mgAi.aspx?ID=`` for an item with an id; its place on the meeting page for one without."""
        if item_id.isdigit():
            return f"{self.base}mgAi.aspx?ID={item_id}"
        return f"{self.base}ieListDocuments.aspx?MId={meeting_id}&Ver=4#item-{position}"

    # ------------------------------------------------------------------ HTML pages

    @answered_page
    def parse_committees_html(self, response: Response) -> Iterator[Yielded]:
        tree = lxml_html.fromstring(decode_page(response), base_url=response.url)
        found: dict[str, tuple[str, str]] = {}
        for link in tree.iter("a"):
            matched = _COMMITTEE_LINK.search(link.get("href") or "")
            title = clean_text(link.text_content())
            if matched and title:
                found.setdefault(matched.group(1), (title, urljoin(response.url, link.get("href"))))
        if not found:
            yield CrawlProblem("error", response.url, "no committees found on the committee list page")
        clean = title_cleaner(title for title, _ in found.values())
        for committee_id, (title, url) in found.items():
            selected = self.matches_committee(clean(title))
            yield CommitteeFound(committee_id, clean(title), url, selected)
            if selected:
                yield self._meetings_page_request(committee_id, clean(title))

    def _meetings_page_request(self, committee_id: str, title: str, url: str | None = None, listing: str = "first") -> Any:
        return self.page_request(
            url or f"{self.base}ieListMeetings.aspx?CommitteeId={committee_id}",
            self.parse_meetings_html,
            committee_id=committee_id,
            committee_title=title,
            listing=listing,
        )

    def _meeting_page_request(
        self,
        meeting_id: str,
        committee_id: str | None,
        committee_title: str | None = None,
        listed_url: str | None = None,
        listed_time: dt.time | None = None,
        listed_status: str | None = None,
        listed_day: dt.date | None = None,
    ) -> Any:
        known = self.known.meetings.get(meeting_id)
        url = self.meeting_url(committee_id, meeting_id) if committee_id or not known or not known.url else known.url
        return self.page_request(
            url,
            self.parse_meeting_html,
            meeting_id=meeting_id,
            committee_id=committee_id,
            committee_title=committee_title,
            listed_url=listed_url,
            listed_time=listed_time,
            listed_status=listed_status,
            listed_day=listed_day,
        )

    @answered_page
    def parse_meetings_html(self, response: Response) -> Iterator[Yielded]:
        """``ieListMeetings.aspx``: meetings of one committee, and the pages of older ones."""
        meta = response.meta
        tree = lxml_html.fromstring(decode_page(response), base_url=response.url)
        listed = [meeting for meeting in (self._parse_listed_meeting(link) for link in tree.iter("a")) if meeting]
        for meeting_id, committee_id, day, starts, status, href in listed:
            committee_id = committee_id or meta["committee_id"]
            if not self.window.wants(day, self.known.meetings.get(meeting_id)):
                continue
            if not papers_are_read(status):
                yield VariantSeen("cancelled_on_list")
                url = self.meeting_url(committee_id, meeting_id)
                yield self.cancelled_meeting(meeting_id, committee_id, meta["committee_title"], day, starts, url)
            else:
                if "celistdocuments" in href.lower():
                    yield VariantSeen("ce_list_documents")
                if status:
                    yield VariantSeen(
                        "status_on_list", f"meeting {meeting_id} marked {status} on the list: its page is still read"
                    )
                yield self._meeting_page_request(
                    meeting_id,
                    committee_id,
                    meta["committee_title"],
                    listed_url=urljoin(response.url, href),
                    listed_time=starts,
                    listed_status=status,
                    listed_day=day,
                )
        earliest = min((day for _, _, day, _, _, _ in listed if day), default=None)
        yield from self._older_listing_pages(tree, response, earliest)

    def _parse_listed_meeting(self, link: Any) -> tuple[str, str | None, dt.date | None, dt.time | None, str | None, str] | None:
        """A meeting link on the list: ids, date (link text, else ``DF=``), start time, the status the list
        marks it with ("- CANCELLED", "(Postponed)", struck through; else None)."""
        href = link.get("href") or ""
        if not _MEETING_LINK.search(href):
            return None
        query = {key.lower(): value for key, value in parse_qsl(urlsplit(href).query)}
        meeting_id = query.get("mid") or query.get("meetingid")
        if not meeting_id:
            return None
        text = clean_text(link.text_content())
        listed_day, starts = find_date_and_time(text)
        day = listed_day or _date_parameter(query.get("df"))
        holder = link.getparent()
        alone = holder is not None and sum(1 for a in holder.iter("a") if _MEETING_LINK.search(a.get("href") or "")) == 1
        around = clean_text(holder.text_content()) if alone else f"{text} {clean_text(link.tail)}"
        status = meeting_status(around, struck=struck_through(link))
        return meeting_id, query.get("cid") or query.get("committeeid"), day, starts, status, href

    def _older_listing_pages(self, tree: Any, response: Response, earliest: dt.date | None) -> Iterator[Yielded]:
        """Other years' pages (from the first page only) and "Earlier meetings" pages, back to ``since``."""
        meta = response.meta
        for link in tree.iter("a"):
            href = link.get("href") or ""
            year = _YEAR_PAGE.search(href)
            if year and meta["listing"] == "first":
                if self.window.listing_start.year - 1 <= int(year.group(1)) <= self.window.end.year:
                    yield VariantSeen("year_pages")
                    yield self._meetings_page_request(
                        meta["committee_id"], meta["committee_title"], urljoin(response.url, href), listing="year"
                    )
            elif meta["listing"] != "year" and (
                _EARLIER_PAGE.search(href)
                or ("ielistmeetings" in href.lower() and _EARLIER_TEXT.match(clean_text(link.text_content())))
            ):
                query = {key.lower(): value for key, value in parse_qsl(urlsplit(href).query)}
                boundary = _date_parameter(query.get("d")) or earliest
                yield VariantSeen("earlier_meetings")
                if boundary is not None and boundary > self.window.listing_start:
                    yield self._meetings_page_request(
                        meta["committee_id"], meta["committee_title"], urljoin(response.url, href), listing="earlier"
                    )

    def parse_meeting_html(self, response: Response) -> Iterator[Yielded]:
        """``ieListDocuments.aspx``: items with their text, minutes and document links."""
        meta = response.meta
        listed = meta.get("listed_url")
        if response.status in (404, 410) and listed and listed != response.url:
            # Found through a CeListDocuments link on a site without ieListDocuments: read the page linked.
            yield self.page_request(
                listed,
                self.parse_meeting_html,
                meeting_id=meta["meeting_id"],
                committee_id=meta["committee_id"],
                committee_title=meta["committee_title"],
                listed_time=meta.get("listed_time"),
                listed_status=meta.get("listed_status"),
                listed_day=meta.get("listed_day"),
            )
            return
        yield from self._parse_meeting_page(response)

    @answered_page
    def _parse_meeting_page(self, response: Response) -> Iterator[Yielded]:
        """The items of an ``ieListDocuments.aspx`` page that answered."""
        meta = response.meta
        meeting_id, committee_id = meta["meeting_id"], meta.get("committee_id")
        tree = lxml_html.fromstring(decode_page(response), base_url=response.url)
        heading = " ".join(clean_text(node.text_content()) for node in tree.find_class("mgSubTitleTxt"))
        rows = [row for table in _item_tables(tree) for row in table.xpath("./tr|./tbody/tr")]
        clean = title_cleaner(clean_text(node.text_content()) for node in tree.find_class("mgAiTitleTxt"))
        items: list[AgendaItemFound] = []
        documents: list[DocumentFound] = []
        in_items: set[Any] = set()  # the elements themselves: holding them keeps lxml's proxies (and identities) alive
        for row in rows:
            item = self._parse_item_row(row, meeting_id, len(items) + 1, {i.external_id for i in items}, clean)
            if item is None:
                continue
            items.append(item)
            yield from self._variants_of_item_row(row)
            for link in row.iter("a"):
                in_items.add(link)
                document = self._document_from_link(link, response.url, meeting_id, item.external_id, clean)
                if document:
                    documents.append(document)
        for link in tree.iter("a"):
            if link not in in_items:
                document = self._document_from_link(link, response.url, meeting_id, None, clean)
                if document:
                    documents.append(document)
        title = meta.get("committee_title") or (heading.split(" - ")[0].strip() or None)
        status = meeting_status(heading) or meta.get("listed_status")
        day, starts = find_date_and_time(heading)
        if day is None and meta.get("listed_day"):
            day = meta["listed_day"]
            yield CrawlProblem(
                "note", response.url, "no meeting date in the page heading (h2.mgSubTitleTxt): the list's date kept"
            )
        elif day is None:
            yield CrawlProblem("note", response.url, "no meeting date in the page heading (h2.mgSubTitleTxt)")
        if not rows:
            yield CrawlProblem(
                "note", response.url, "no agenda items table (table.mgItemTable) on the meeting page: its links read as papers"
            )
        yield from self._emit_meeting(
            meeting_id, committee_id, title, day, status, items, documents, starts=starts or meta.get("listed_time")
        )

    def _parse_item_row(
        self, row: Any, meeting_id: str, position: int, taken: set[str], clean: Callable[[str | None], str]
    ) -> AgendaItemFound | None:
        """One row of the items table: id (``mgAi.aspx`` link, else ``AI<id>`` anchor, else position), title, text."""
        cells = row.xpath("./td|./th")
        number_cells = [cell for cell in cells if "mgItemNumberCell" in (cell.get("class") or "")]
        content = next((cell for cell in reversed(cells) if cell not in number_cells), None)
        if content is None:
            return None
        heading = _item_heading(content, numbered=bool(number_cells))
        given = _item_id(row)
        if heading is None and given is None:
            return None  # a header or spacer row
        external_id = given if given and given not in taken else f"item-{position}"
        item_link = next((a for a in row.iter("a") if "mgai.aspx" in (a.get("href") or "").lower()), None)
        title_block = heading if heading is not None else item_link if item_link is not None else content
        title = clean(_LINK_SUFFIX.sub("", clean_text(title_block.text_content())))
        agenda, minutes = _item_texts(content, heading)
        number = clean_text(number_cells[0].text_content()) if number_cells else None
        return AgendaItemFound(
            meeting_id=meeting_id,
            external_id=external_id,
            title=title,
            number=number or None,
            url=self.item_url(meeting_id, external_id, position),
            agenda_html=agenda,
            minutes_html=minutes,
        )

    def _variants_of_item_row(self, row: Any) -> Iterator[VariantSeen]:
        """The page shapes one item row shows (title linking to its report, text in plain paragraphs)."""
        if not any("mgai.aspx" in (a.get("href") or "").lower() for a in row.iter("a")):
            heading_links = [a for heading in row.find_class("mgAiTitleTxt") for a in heading.iter("a")]
            if any(_id_in(a.get("href") or "") for a in heading_links):
                yield VariantSeen("items_link_to_reports")
        if not row.find_class("mgWordPara") and any(
            "mgAiTitleTxt" not in (p.get("class") or "") and _label_of(p) is None and clean_text(p.text_content())
            for p in row.iter("p")
        ):
            yield VariantSeen("plain_paragraphs")

    def _document_from_link(
        self, link: Any, page_url: str, meeting_id: str, item_id: str | None, clean: Callable[[str | None], str]
    ) -> DocumentFound | None:
        """A paper from a link: an attachment (``s<id>`` / ``mgConvert2PDF``), a meeting-level ``g<id>``
        paper, or a file on the site linked by its path (``Data/<committee>/<date>/...``, ``olddocuments/``)."""
        href = (link.get("href") or "").strip()
        attachment = _id_in(href)
        meeting_paper = None if attachment else _MEETING_PAPER.search(href)
        file_url = None if attachment or meeting_paper else self._file_on_site(href, page_url)
        if not attachment and not meeting_paper and not file_url:
            return None
        named = _TITLE_ATTRIBUTE.search(link.get("title") or "")
        shown = clean_text(link.text_content())
        title = clean(named.group(1).strip() if named else _LINK_SUFFIX.sub("", shown).strip())
        suffix = _LINK_SUFFIX.search(shown)
        kind = (EXTENSIONS.get(suffix.group(2).lower()) if suffix else None) or kind_of_name(href) or "pdf"
        # Meeting-level papers have no attachment id: key them by their path, without the ?T= view flag.
        if attachment:
            url = self.document_url(attachment)
        elif meeting_paper:
            url = urljoin(self.base, meeting_paper.group(0).lstrip("/"))
        elif file_url:
            url = file_url
        else:
            return None
        fetch_url = urljoin(page_url, href) if attachment and "mgconvert2pdf" not in href.lower() else None
        return DocumentFound(
            url=url,
            title=title or None,
            kind=kind,
            meeting_id=meeting_id,
            agenda_item_id=item_id,
            is_pack=bool(PACK_TITLE.search(title or "")),
            fetch_url=fetch_url,
        )

    def _file_on_site(self, href: str, page_url: str) -> str | None:
        """A link to a paper file on this site (by its extension), as a URL under the configured base's
        scheme and host, without its fragment; None for pages, pictures and other sites' files."""
        absolute = urljoin(page_url, href)
        parts, base = urlsplit(absolute), urlsplit(self.base)
        if parts.scheme not in ("http", "https") or (parts.hostname or "") != (base.hostname or ""):
            return None
        if kind_of_name(unquote(parts.path)) not in PAPER_KINDS:
            return None
        path = _SESSION_SEGMENT.sub("/", parts.path)  # a cookieless session's segment would change the key every visit
        return parts._replace(scheme=base.scheme, netloc=base.netloc, path=path, fragment="").geturl()

    # ------------------------------------------------------------------ shared

    def _emit_meeting(
        self,
        meeting_id: str,
        committee_id: str | None,
        title: str | None,
        day: Any,
        status: str | None,
        items: list[AgendaItemFound],
        documents: list[DocumentFound],
        extra: Any = None,
        starts: dt.time | None = None,
        ends: dt.time | None = None,
    ) -> Iterator[Yielded]:
        """Yield the meeting, its items, their HTML text sources and its documents (fetched or skipped);
        only the meeting when its page (or ``GetMeeting``) says it is cancelled (``papers_are_read``)."""
        known = self.known.meetings.get(meeting_id)
        url = self.meeting_url(committee_id, meeting_id) if committee_id else (known.url if known else None)
        committee_id = committee_id or (known.committee_external_id if known else None)
        if not papers_are_read(status):
            yield VariantSeen("cancelled_on_page", f"meeting {meeting_id} is {status}: its papers not fetched")
            yield self.cancelled_meeting(meeting_id, committee_id, title, day, starts, url)
            return
        parsed = with_time(
            {
                "date": str(day),
                "status": status,
                "items": [(i.external_id, i.number, i.title, i.agenda_html, i.minutes_html) for i in items],
                "documents": [(d.url, d.title, d.agenda_item_id) for d in documents],
                "extra": extra,
            },
            starts,
            ends,
        )
        meeting_fingerprint = fingerprint(parsed)
        yield MeetingFound(
            external_id=meeting_id,
            committee_id=committee_id,
            title=title,
            date=day,
            start_time=starts,
            end_time=ends,
            url=url,
            status=status,
            fingerprint=meeting_fingerprint,
            in_window=self.window.in_window(day),
        )
        sources = []
        for item in items:
            item.fingerprint = fingerprint([item.title, item.number, item.agenda_html, item.minutes_html])
            yield item
            if item.agenda_html or item.minutes_html:
                sources.append(
                    self.html_document(
                        item.url or "",
                        item.title,
                        item_html(item.number, item.title, item.agenda_html or "", item.minutes_html or ""),
                        meeting_id,
                        item.external_id,
                    )
                )
        unique = {document.url: document for document in documents}
        yield from self.documents_of_meeting(meeting_id, meeting_fingerprint, [*sources, *unique.values()])


def moderngov_base(url: str) -> str:
    """The folder holding ``mgWebService.asmx``, also when the config names a page in it."""
    parts = urlsplit(url)
    path = parts.path
    if not path.endswith("/"):
        last = path.rsplit("/", 1)[-1]
        path = path[: len(path) - len(last)] if "." in last else path + "/"
    return f"{parts.scheme}://{parts.netloc}{path or '/'}"


def _xml_root(response: Response, expected: str | None) -> tuple[Any, str]:
    """The parsed XML root if this is the web service answering properly, else (None, why).

    Some installs put raw (even malformed) HTML inside the HTML fields: when the answer does not
    parse, those fields are read as text (wrapped in CDATA) before giving up, and the second
    value then says so. ``expected`` None accepts any root element.
    """
    if response.status != 200:
        return None, f"HTTP {response.status}"
    body = response.body.lstrip()
    if not body.startswith(b"<?xml") and not (expected and body.startswith(f"<{expected}".encode())):
        kind = (response.headers.get("Content-Type") or b"").decode("latin-1") or "no content type"
        return None, f"not XML ({kind})"
    note = ""
    try:
        root = _parse_xml(body)
    except etree.XMLSyntaxError as error:
        wrapped = _RAW_HTML_FIELD.sub(_as_cdata, body)
        try:
            root = _parse_xml(wrapped) if wrapped != body else None
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            return None, f"malformed XML: {error}"
        note = "raw HTML in the XML read as text"
    for element in root.iter():  # some installs put the elements in a namespace; the names are what count
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    if expected and root.tag.lower() != expected:
        return None, f"unexpected XML root <{root.tag}>"
    return root, note


def _parse_xml(body: bytes) -> Any:
    return etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))


def _as_cdata(found: re.Match[bytes]) -> bytes:
    name, content = found.group(1), found.group(2)
    if b"<" not in content or content.lstrip().startswith(b"<![CDATA["):
        return found.group(0)
    return b"<%s><![CDATA[%s]]></%s>" % (name, content.replace(b"]]>", b"]]]]><![CDATA[>"), name)


def _html_field(node: Any, tag: str) -> str:
    """An HTML field of the XML: escaped HTML (the usual), raw elements, or HTML escaped twice."""
    child = node.find(tag)
    if child is None:
        return ""
    if len(child):
        return inner_html(child)
    text = child.text or ""
    if "<" not in text and re.search(r"&lt;\s*/?\s*[a-z]", text, re.I):
        text = unescape_once(text)  # escaped twice, like the titles of some installs
    return text


def _item_heading(content: Any, numbered: bool) -> Any:
    """An item's title block: its ``mgAiTitleTxt`` paragraph, else (in a numbered row) its first block with text."""
    heading = next(iter(content.find_class("mgAiTitleTxt")), None)
    if heading is None and numbered:
        heading = next(
            (
                child
                for child in content.iterchildren()
                if isinstance(child.tag, str) and clean_text(child.text_content()) and _label_of(child) is None
            ),
            None,
        )
    return heading


def _item_id(row: Any) -> str | None:
    """The item's own id: from its ``mgAi.aspx?ID=`` link, else its ``<a name="AI<id>">`` anchor."""
    for link in row.iter("a"):
        if "mgai.aspx" in (link.get("href") or "").lower():
            query = {key.lower(): value for key, value in parse_qsl(urlsplit(link.get("href")).query)}
            if query.get("id"):
                return query["id"]
    for link in row.iter("a"):
        found = _ITEM_ANCHOR.match(link.get("name") or link.get("id") or "")
        if found:
            return found.group(1)
    return None


def _item_tables(tree: Any) -> list[Any]:
    """The agenda items table(s): ``table.mgItemTable`` or ``table#mgItemTable``."""
    return tree.xpath("//table[contains(concat(' ', normalize-space(@class), ' '), ' mgItemTable ') or @id='mgItemTable']")


def _item_texts(content: Any, heading: Any) -> tuple[str, str]:
    """An item's agenda text and minutes, from ``div.mgWordPara`` blocks or plain paragraphs.

    Blocks follow their label ("Minutes:" starts the minutes; "Documents:" and the like hold only
    links); blocks before any label are the agenda text.
    """
    parts: dict[str, list[str]] = {"agenda": [], "minutes": [], "links": []}
    section = "agenda"
    for child in content.iterchildren():
        if not isinstance(child.tag, str) or child is heading or "mgAiTitleTxt" in (child.get("class") or ""):
            continue  # the title, not the text
        label = _label_of(child)
        if label is not None:
            section = "minutes" if label.startswith("minutes") else "links" if label in _LINK_SECTIONS else "agenda"
            continue
        if child.tag in ("ul", "ol") and any(_is_paper_link(a.get("href") or "") for a in child.iter("a")):
            continue  # a list of papers: read as documents, not text
        block = inner_html(child) if "mgWordPara" in (child.get("class") or "") else _outer_html(child)
        parts[section].append(block)
    return normalise_html("".join(parts["agenda"])), normalise_html("".join(parts["minutes"]))


def _label_of(element: Any) -> str | None:
    """The label an element is ("minutes", "documents"...), lower-case without the colon, or None."""
    text = clean_text(element.text_content())
    if "mgSubItemTitleTxt" in (element.get("class") or "") or (text.endswith(":") and _LABEL.match(text)):
        return text.rstrip(":").strip().lower()
    return None


def _outer_html(element: Any) -> str:
    return lxml_html.tostring(element, encoding="unicode", with_tail=False)


def _date_parameter(value: str | None) -> dt.date | None:
    """A date in a query parameter: ``D=202501150000`` (Earlier meetings) or ``DF=15%2f01%2f2025``."""
    value = unquote(value or "").strip()
    for pattern, width in (("%Y%m%d", 8), ("%d/%m/%Y", 10)):
        try:
            return dt.datetime.strptime(value[:width], pattern).date()
        except ValueError:
            continue
    return None


def _text(node: Any, tag: str) -> str:
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _is_paper_link(href: str) -> bool:
    """Whether a link is to a paper: an attachment id, a meeting paper, or a file by its extension."""
    return bool(_id_in(href) or _MEETING_PAPER.search(href) or kind_of_name(unquote(urlsplit(href).path)) in PAPER_KINDS)


def _id_in(url: str) -> str | None:
    found = _DOC_ID.search(url or "")
    return found.group(1) if found else None
