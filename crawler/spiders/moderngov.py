"""ModernGov: the public web service first, the public HTML pages when it is absent or failing.

Web service: ``mgWebService.asmx/GetCommittees`` → ``GetMeetings?lCommitteeId=&sFromDate=&sToDate=``
(both dates always sent: real servers answer 500 without them) → ``GetMeeting?lMeetingId=``.
HTML: ``mgListCommittees.aspx`` → ``ieListMeetings.aspx?CommitteeId=`` (and its other years' pages) →
``ieListDocuments.aspx?CId=&MId=&Ver=4``. Each step falls back on its own: a failing
``GetMeeting`` is replaced by that meeting's ``ieListDocuments`` page.

Documents are keyed by the canonical ``mgConvert2PDF.aspx?ID=<attachment id>`` URL under the
configured base, whichever way they were found (``documents/s<id>/<name>.pdf`` links carry the
same id), so both routes find the same documents.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from scrapy.http import Response

from crawler.items import AgendaItemFound, CommitteeFound, CrawlProblem, DocumentFound, MeetingFound
from crawler.spiders.base import (
    PACK_TITLE, CouncilSpider, decode_page, find_date, fingerprint, item_html, normalise_html, parse_uk_date,
)

_DOC_ID = re.compile(r"(?:mgConvert2PDF\.aspx\?(?:.*&)?id=|(?:^|/)documents/s)(\d+)", re.I)
_MEETING_PAPER = re.compile(r"documents/[gb]\d+/[^?#]+\.pdf", re.I)
_COMMITTEE_LINK = re.compile(r"(?:mgCommitteeDetails|ieListMeetings)\.aspx\?(?:.*&)?(?:id|committeeid|cid)=(\d+)", re.I)
_MEETING_LINK = re.compile(r"ieListDocuments\.aspx\?", re.I)
# ieListMeetings shows one (municipal) year; the other years are links on the page.
_YEAR_PAGE = re.compile(r"ieListMeetings\.aspx\?(?:.*&)?year=(\d{4})", re.I)
_TITLE_ATTRIBUTE = re.compile(r"Link to document '(.+)'\s*$", re.S)
_LINK_SUFFIX = re.compile(r"(,\s*item\s+[\w.()]+)?\s*(PDF|DOC|DOCX|HTML)\s+[\d.,]+\s*[KM]B\s*$", re.I)


class ModernGovSpider(CouncilSpider):
    """One ModernGov council: committees matching its patterns, meetings in the window, their papers."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.base = moderngov_base(self.council.url or "")

    async def start(self) -> AsyncIterator[Any]:
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

    def _meeting_xml_request(self, meeting_id: str, committee_id: str | None, committee_title: str | None) -> Any:
        return self.page_request(
            self._service("GetMeeting", lMeetingId=meeting_id), self.parse_meeting_xml,
            meeting_id=meeting_id, committee_id=committee_id, committee_title=committee_title,
        )

    # ------------------------------------------------------------------ web service

    def parse_committees_xml(self, response: Response) -> Iterator[Any]:
        """Committees from the web service, or the HTML committee list when it is not there."""
        root, problem = _xml_root(response, "committees")
        if root is None:
            yield CrawlProblem("note", response.url, f"web service unavailable ({problem}); using the HTML pages")
            yield self.page_request(f"{self.base}mgListCommittees.aspx", self.parse_committees_html, entry=True)
            return
        for node in root.iter("committee"):
            committee_id, title = _text(node, "committeeid"), _text(node, "committeetitle")
            if committee_id and title and self.matches_committee(title):
                yield CommitteeFound(committee_id, title, f"{self.base}mgCommitteeDetails.aspx?ID={committee_id}")
                yield self.page_request(
                    self._service("GetMeetings", lCommitteeId=committee_id,
                                  sFromDate=self.window.listing_start.strftime("%d/%m/%Y"),
                                  sToDate=self.window.end.strftime("%d/%m/%Y")),
                    self.parse_meetings_xml, committee_id=committee_id, committee_title=title,
                )

    def probe_failed(self, failure: Any) -> Iterator[Any]:
        """The web service could not be reached at all (reset, timeout, robots.txt): use the HTML pages."""
        for problem in self.page_failed(failure):
            yield CrawlProblem("note", problem.url, f"web service unavailable ({problem.message}); using the HTML pages")
        yield self.page_request(f"{self.base}mgListCommittees.aspx", self.parse_committees_html, entry=True)

    def parse_meetings_xml(self, response: Response) -> Iterator[Any]:
        committee_id, title = response.meta["committee_id"], response.meta["committee_title"]
        root, problem = _xml_root(response, "getmeetings")
        if root is None:
            yield CrawlProblem("note", response.url, f"GetMeetings failed ({problem}); using ieListMeetings.aspx")
            yield self._meetings_page_request(committee_id, title)
            return
        for node in root.iter("meeting"):
            meeting_id, day = _text(node, "meetingid"), parse_uk_date(_text(node, "meetingdate"))
            if meeting_id and self.window.wants(day, self.known.meetings.get(meeting_id)):
                yield self._meeting_xml_request(meeting_id, committee_id, title)

    def parse_meeting_xml(self, response: Response) -> Iterator[Any]:
        """One meeting: its agenda items (text and minutes inline) and their linked documents."""
        meta = response.meta
        meeting_id, committee_id = meta["meeting_id"], meta["committee_id"]
        root, problem = _xml_root(response, "meeting")
        if root is None:
            yield CrawlProblem("note", response.url, f"GetMeeting failed ({problem}); using ieListDocuments.aspx")
            yield self._meeting_page_request(meeting_id, committee_id)
            return
        day = parse_uk_date(_text(root, "meetingdate"))
        items, documents = [], []
        for node in root.iter("agendaitem"):
            item = AgendaItemFound(
                meeting_id=meeting_id, external_id=_text(node, "agendaitemid"), title=_text(node, "agendaitemtitle"),
                number=_text(node, "fulldisplaynumberformat") or _text(node, "agendaitemnumber") or None,
                agenda_html=normalise_html(_text(node, "agendatext")),
                minutes_html=normalise_html(_text(node, "minutesnonemptyhtmlbody")),
            )
            item.url = f"{self.base}mgAi.aspx?ID={item.external_id}"
            items.append(item)
            for doc in node.iter("linkeddoc"):
                attachment = _text(doc, "attachmentid") or _id_in(_text(doc, "url"))
                if attachment:
                    documents.append(DocumentFound(
                        url=self.document_url(attachment), title=_text(doc, "title") or None, kind="pdf",
                        meeting_id=meeting_id, agenda_item_id=item.external_id,
                        published_date=parse_uk_date(_text(doc, "publicationdate")),
                        is_pack=bool(PACK_TITLE.search(_text(doc, "title"))),
                    ))
        yield from self._emit_meeting(
            meeting_id, committee_id, meta.get("committee_title") or _text(root, "committeetitle") or None,
            day, _text(root, "meetingstatus") or None, items, documents,
            extra={"published": [(d.url, str(d.published_date)) for d in documents]},
        )

    # ------------------------------------------------------------------ HTML pages

    def parse_committees_html(self, response: Response) -> Iterator[Any]:
        problem = self.page_problem(response)
        if problem:
            yield problem
            return
        tree = lxml_html.fromstring(decode_page(response), base_url=response.url)
        seen = False
        for link in tree.iter("a"):
            found = _COMMITTEE_LINK.search(link.get("href") or "")
            title = " ".join(link.text_content().split())
            if not found or not title:
                continue
            seen = True
            if self.matches_committee(title):
                yield CommitteeFound(found.group(1), title, urljoin(response.url, link.get("href")))
                yield self._meetings_page_request(found.group(1), title)
        if not seen:
            yield CrawlProblem("error", response.url, "no committees found on the committee list page")

    def _meetings_page_request(self, committee_id: str, title: str) -> Any:
        return self.page_request(f"{self.base}ieListMeetings.aspx?CommitteeId={committee_id}", self.parse_meetings_html,
                                 committee_id=committee_id, committee_title=title)

    def _meeting_page_request(self, meeting_id: str, committee_id: str | None) -> Any:
        known = self.known.meetings.get(meeting_id)
        url = self.meeting_url(committee_id, meeting_id) if committee_id or not known or not known.url else known.url
        return self.page_request(url, self.parse_meeting_html, meeting_id=meeting_id, committee_id=committee_id)

    def parse_meetings_html(self, response: Response) -> Iterator[Any]:
        problem = self.page_problem(response)
        if problem:
            yield problem
            return
        tree = lxml_html.fromstring(decode_page(response), base_url=response.url)
        for link in tree.iter("a"):
            href = link.get("href") or ""
            year = _YEAR_PAGE.search(href)
            if year and not response.meta.get("year_page"):
                if self.window.listing_start.year - 1 <= int(year.group(1)) <= self.window.end.year:
                    yield self.page_request(urljoin(response.url, href), self.parse_meetings_html, year_page=True,
                                            committee_id=response.meta["committee_id"],
                                            committee_title=response.meta["committee_title"])
                continue
            if not _MEETING_LINK.search(href):
                continue
            query = {key.lower(): value for key, value in parse_qsl(urlsplit(href).query)}
            meeting_id = query.get("mid")
            day = find_date(link.text_content())
            if meeting_id and self.window.wants(day, self.known.meetings.get(meeting_id)):
                yield self.page_request(
                    self.meeting_url(query.get("cid") or response.meta["committee_id"], meeting_id), self.parse_meeting_html,
                    meeting_id=meeting_id, committee_id=response.meta["committee_id"],
                    committee_title=response.meta["committee_title"],
                )

    def parse_meeting_html(self, response: Response) -> Iterator[Any]:
        """``ieListDocuments.aspx``: items with their text, minutes and document links."""
        problem = self.page_problem(response)
        if problem:
            yield problem
            return
        meta = response.meta
        meeting_id, committee_id = meta["meeting_id"], meta.get("committee_id")
        tree = lxml_html.fromstring(decode_page(response), base_url=response.url)
        heading = " ".join(" ".join(node.text_content().split()) for node in tree.find_class("mgSubTitleTxt"))
        title = meta.get("committee_title") or (heading.split(" - ")[0].strip() or None)
        status = "Cancelled" if "cancelled" in heading.lower() else None
        items, documents, in_items = [], [], set()
        for row in tree.xpath("//table[contains(@class,'mgItemTable')]//tr"):
            item = self._item_from_row(row, meeting_id)
            if item is None:
                continue
            items.append(item)
            for link in row.iter("a"):
                in_items.add(id(link))
                document = self._document_from_link(link, meeting_id, item.external_id)
                if document:
                    documents.append(document)
        for link in tree.iter("a"):
            if id(link) not in in_items:
                document = self._document_from_link(link, meeting_id, None)
                if document:
                    documents.append(document)
        yield from self._emit_meeting(meeting_id, committee_id, title, find_date(heading), status, items, documents)

    def _item_from_row(self, row: Any, meeting_id: str) -> AgendaItemFound | None:
        link = next((a for a in row.iter("a") if "mgai.aspx" in (a.get("href") or "").lower()), None)
        if link is None:
            return None
        query = {key.lower(): value for key, value in parse_qsl(urlsplit(link.get("href")).query)}
        number_cell = row.find_class("mgItemNumberCell")
        paragraphs = row.find_class("mgWordPara")
        agenda, minutes = "", ""
        for paragraph in paragraphs:
            previous = paragraph.getprevious()
            is_label = previous is not None and "mgAiTitleTxt" not in (previous.get("class") or "")
            label = " ".join(previous.text_content().split()).lower() if is_label else ""
            inner = (paragraph.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in paragraph)
            if label.rstrip(":") == "minutes" or label.startswith("minutes:"):
                minutes = normalise_html(inner)
            elif not agenda:
                agenda = normalise_html(inner)
        return AgendaItemFound(
            meeting_id=meeting_id, external_id=query.get("id", ""), title=" ".join(link.text_content().split()),
            number=" ".join(number_cell[0].text_content().split()) if number_cell else None,
            url=f"{self.base}mgAi.aspx?ID={query.get('id', '')}", agenda_html=agenda, minutes_html=minutes,
        )

    def _document_from_link(self, link: Any, meeting_id: str, item_id: str | None) -> DocumentFound | None:
        """A paper from a link: an attachment (``s<id>`` / ``mgConvert2PDF``) or a meeting-level ``g<id>`` PDF."""
        href = link.get("href") or ""
        attachment = _id_in(href)
        meeting_paper = None if attachment else _MEETING_PAPER.search(href)
        if not attachment and not meeting_paper:
            return None
        named = _TITLE_ATTRIBUTE.search(link.get("title") or "")
        title = named.group(1).strip() if named else _LINK_SUFFIX.sub("", " ".join(link.text_content().split())).strip()
        # Meeting-level papers have no attachment id: key them by their path, without the ?T= view flag.
        url = self.document_url(attachment) if attachment else urljoin(self.base, meeting_paper.group(0).lstrip("/"))
        return DocumentFound(url=url, title=title or None, kind="pdf", meeting_id=meeting_id,
                             agenda_item_id=item_id, is_pack=bool(PACK_TITLE.search(title or "")))

    # ------------------------------------------------------------------ shared

    def _emit_meeting(self, meeting_id: str, committee_id: str | None, title: str | None, day: Any, status: str | None,
                      items: list[AgendaItemFound], documents: list[DocumentFound], extra: Any = None) -> Iterator[Any]:
        """Yield the meeting, its items, their HTML text sources and its documents (fetched or skipped)."""
        parsed = {
            "date": str(day), "status": status,
            "items": [(i.external_id, i.number, i.title, i.agenda_html, i.minutes_html) for i in items],
            "documents": [(d.url, d.title, d.agenda_item_id) for d in documents],
            "extra": extra,
        }
        meeting_fingerprint = fingerprint(parsed)
        known = self.known.meetings.get(meeting_id)
        yield MeetingFound(
            external_id=meeting_id, committee_id=committee_id or (known.committee_external_id if known else None),
            title=title, date=day, url=self.meeting_url(committee_id, meeting_id) if committee_id else (known.url if known else None),
            status=status, fingerprint=meeting_fingerprint, in_window=self.window.in_window(day),
        )
        sources = []
        for item in items:
            item.fingerprint = fingerprint([item.title, item.number, item.agenda_html, item.minutes_html])
            yield item
            if item.agenda_html or item.minutes_html:
                sources.append(self.html_document(
                    item.url or "", item.title, item_html(item.number, item.title, item.agenda_html or "", item.minutes_html or ""),
                    meeting_id, item.external_id,
                ))
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


def _xml_root(response: Response, expected: str) -> tuple[Any, str]:
    """The parsed XML root if this is the web service answering properly, else (None, why)."""
    if response.status != 200:
        return None, f"HTTP {response.status}"
    body = response.body.lstrip()
    if not body.startswith(b"<?xml") and not body.startswith(f"<{expected}".encode()):
        kind = (response.headers.get("Content-Type") or b"").decode("latin-1") or "no content type"
        return None, f"not XML ({kind})"
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as error:
        return None, f"malformed XML: {error}"
    for element in root.iter():  # some installs put the elements in a namespace; the names are what count
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    if root.tag.lower() != expected:
        return None, f"unexpected XML root <{root.tag}>"
    return root, ""


def _text(node: Any, tag: str) -> str:
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _id_in(url: str) -> str | None:
    found = _DOC_ID.search(url or "")
    return found.group(1) if found else None
