"""What every platform spider shares: committee matching, page checks, and document fetching.

Documents are fetched with conditional requests (If-None-Match / If-Modified-Since from the last
fetch), typed from their bytes first and then their declared type (``sendwatch.core.formats``),
checked (a body served as PDF must be a whole PDF), size-capped (too large is recorded, not
fatal) and reported as ``DocumentFound``; the pipeline stores their bodies. A meeting whose
fingerprint is unchanged has its documents reported as skipped, except those that failed last
time or were last fetched before the re-check horizon; platforms whose pages do not show a
replaced paper (CMIS) re-validate the window's papers instead, which costs a 304 each (papers
whose server sent no validator cannot be re-validated cheaply and are treated like the rest).
Papers whose last fetch failed are asked for again on every crawl; exempt papers never are.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from lxml import html as lxml_html
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import (
    BLOCKED,
    ERROR,
    EXEMPT,
    FETCHED,
    GONE,
    NOT_MODIFIED,
    SKIPPED,
    TOO_LARGE,
    WOULD_FETCH,
    CrawlProblem,
    DocumentFound,
    MeetingFound,
    Yielded,
)
from crawler.known import KnownState
from crawler.window import CrawlWindow
from sendwatch.core.config import Council, Crawl
from sendwatch.core.documents import sha256_of
from sendwatch.core.formats import decide_kind, describe, is_pdf, kind_of_content_type, kind_of_name

# Statuses the spiders want to see themselves rather than have Scrapy drop (redirects still follow).
PAGE_STATUSES = list(range(400, 600))
DOCUMENT_STATUSES = [304, *PAGE_STATUSES]
# Apostrophes as titles write them (right and left single quotes, prime, backtick, acute accent).
_APOSTROPHES = re.compile("[\u2018\u2019\u201b\u2032`\u00b4]")
PACK_TITLE = re.compile(r"\b(agenda|public|supplementary)\b.*\b(reports?\s+)?pack\b|^(final\s+)?agenda\s+reports?\b", re.I)


Spider = TypeVar("Spider", bound="CouncilSpider")
PageCallback = Callable[[Spider, Response], Iterator[Yielded]]


def answered_page(callback: PageCallback[Spider]) -> PageCallback[Spider]:
    """For a callback of a page request: a page that did not answer 2xx, or answered with nothing
    in its body, yields its problem (``CouncilSpider.page_problem``) and is not parsed."""

    @functools.wraps(callback)
    def checked(spider: Spider, response: Response) -> Iterator[Yielded]:
        problem = spider.page_problem(response)
        if problem:
            yield problem
            return
        yield from callback(spider, response)

    return checked


class CouncilSpider(scrapy.Spider):
    """Base for the platform spiders; one instance crawls one council.

    With ``probe=True`` (``crawler.probe``) papers are not fetched: each is reported as a crawl
    would fetch it, after a HEAD request when its link names no format.
    """

    revalidate_in_window = False

    def __init__(
        self, council: Council, crawl_config: Crawl, known: KnownState, window: CrawlWindow, probe: bool = False, **kwargs: Any
    ):
        super().__init__(name=f"{council.platform}-{council.slug}", **kwargs)
        self.council = council
        self.crawl_config = crawl_config
        self.known = known
        self.window = window
        self.probe = probe
        self.committee_patterns = [re.compile(pattern, re.I) for pattern in council.committees]
        self.allowed_hosts = {urlsplit(council.url or "").hostname or ""}

    # ------------------------------------------------------------------ small helpers

    def matches_committee(self, title: str) -> bool:
        """Whether a committee's title matches the council's patterns, as written or with its
        typographic apostrophes and spacing made plain ("Schools’  Forum" is "Schools' Forum")."""
        plain = clean_text(_APOSTROPHES.sub("'", title))
        return any(pattern.search(title) or pattern.search(plain) for pattern in self.committee_patterns)

    def page_request(self, url: str, callback: Any, entry: bool = False, **meta: Any) -> scrapy.Request:
        """A request for an HTML/XML page; failures come back as problems, not exceptions."""
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.page_failed,
            meta={"handle_httpstatus_list": PAGE_STATUSES, "entry": entry, **meta},
        )

    def page_problem(self, response: Response) -> CrawlProblem | None:  # see ``answered_page``
        """A problem for a page that did not answer 2xx, or answered an empty body, else None."""
        entry = bool(response.meta.get("entry"))
        if response.status < 300:
            if response.body.strip():
                return None
            return CrawlProblem("error", response.url, f"HTTP {response.status} with an empty page", entry=entry)
        if response.status in (401, 403):
            return CrawlProblem("blocked", response.url, f"HTTP {response.status} (access refused)", entry=entry)
        return CrawlProblem("error", response.url, f"HTTP {response.status}", entry=entry)

    def page_failed(self, failure: Failure) -> Iterator[CrawlProblem]:
        request = failure.request  # type: ignore[attr-defined]
        entry = bool(request.meta.get("entry"))
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            yield CrawlProblem("blocked", request.url, "disallowed by robots.txt", entry=entry)
        else:
            yield CrawlProblem("error", request.url, describe_failure(failure), entry=entry)

    # ------------------------------------------------------------------ meetings

    def cancelled_meeting(
        self,
        meeting_id: str,
        committee_id: str | None,
        title: str | None,
        day: dt.date | None,
        starts: dt.time | None,
        url: str | None,
    ) -> MeetingFound:
        """A meeting whose papers are not read (``papers_are_read``): recorded as cancelled, with a
        fingerprint of its date, time and status alone, which its reading once reinstated cannot match."""
        return MeetingFound(
            external_id=meeting_id,
            committee_id=committee_id,
            title=title,
            date=day,
            start_time=starts,
            url=url,
            status="Cancelled",
            fingerprint=fingerprint(with_time({"date": str(day), "status": "Cancelled"}, starts)),
            in_window=self.window.in_window(day),
        )

    # ------------------------------------------------------------------ documents

    def documents_of_meeting(
        self, meeting_id: str, fingerprint: str, documents: Iterable[DocumentFound], in_window: bool = False
    ) -> Iterator[Yielded]:
        """Requests for a meeting's documents, or skipped records when the meeting is unchanged.

        Platforms whose pages show nothing that moves when a paper is replaced at the same URL
        (``revalidate_in_window``) re-validate the window's papers with conditional requests instead.
        """
        known_meeting = self.known.meetings.get(meeting_id)
        unchanged = known_meeting is not None and known_meeting.fingerprint == fingerprint
        revalidate = in_window and self.revalidate_in_window
        for document in documents:
            if document.body is not None:  # composed here (item HTML): nothing to fetch
                known = self.known.documents.get(document.url)
                same = known is not None and known.sha256 == sha256_of(document.body)
                yield replace(document, fetch_state=SKIPPED, body=None) if same else document
            elif document.fetch_state == EXEMPT:
                yield document
            else:
                yield self.paper_request(document, unchanged, revalidate)

    def paper_request(self, document: DocumentFound, unchanged: bool, revalidate: bool) -> Any:
        """A request for a paper, or a skipped record when nothing says it may have changed.

        ``unchanged``: the page listing it is as before. ``revalidate``: ask anyway, conditionally,
        if the paper's server sent a validator (an answer then costs a 304, not a body).
        """
        if unchanged and not (revalidate and self._has_validator(document.url)) and not self._due_again(document.url):
            return replace(document, fetch_state=SKIPPED)
        return self.document_request(document)

    def failed_document_retries(self) -> Iterator[Yielded]:
        """Papers whose last fetch failed (and that have no body yet), asked for again on every crawl.

        Their meetings may not be visited this time (older meetings are re-checked rarely), and a
        paper that failed once must not wait weeks for its next chance.
        """
        for known in self.known.documents.values():
            if known.fetch_state == ERROR and known.sha256 is None and known.kind != "html":
                yield self.document_request(DocumentFound(url=known.url, title=known.title, kind=known.kind))

    def _has_validator(self, url: str) -> bool:
        """Whether the paper's last answer carried an ETag or Last-Modified (so a re-check costs a 304)."""
        known = self.known.documents.get(url)
        return known is not None and bool(known.etag or known.last_modified)

    def _due_again(self, url: str) -> bool:
        known = self.known.documents.get(url)
        if known is None or known.fetch_state not in (FETCHED, NOT_MODIFIED) or known.sha256 is None:
            return True
        return known.fetched_at is None or known.fetched_at < self.window.recheck_before

    def document_request(self, document: DocumentFound) -> scrapy.Request | DocumentFound:
        """A conditional request for a paper (in a probe: the paper as it would be fetched)."""
        if self.probe:
            return self._probe_paper(document)
        headers = {}
        known = self.known.documents.get(document.url)
        if known is not None and known.sha256:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return scrapy.Request(
            document.fetch_url or document.url,
            headers=headers,
            callback=self.document_fetched,
            errback=self.document_failed,
            meta={
                "handle_httpstatus_list": DOCUMENT_STATUSES,
                "document": document,
                "download_maxsize": self.crawl_config.max_pdf_bytes,
                "allow_other_host": True,
            },
        )

    def document_fetched(self, response: Response) -> Iterator[DocumentFound]:
        document: DocumentFound = replace(response.meta["document"], http_status=response.status)
        document.etag = _header(response, "ETag") or None
        document.last_modified = _header(response, "Last-Modified") or None
        if response.status == 304:
            yield replace(document, fetch_state=NOT_MODIFIED)
            return
        if response.status in (401, 403):
            yield replace(document, fetch_state=BLOCKED, fetch_error=f"HTTP {response.status}")
            return
        if response.status in (404, 410):
            yield replace(document, fetch_state=GONE, fetch_error=f"HTTP {response.status}")
            return
        if response.status >= 300:
            yield replace(document, fetch_state=ERROR, fetch_error=f"HTTP {response.status}")
            return
        body = response.body
        content_type = _header(response, "Content-Type") or None
        kind = decide_kind(body, content_type, _file_name(response))
        # What the link's own name promises (``….pdf``); not a platform's guess for a link that names nothing.
        promised = kind_of_name(urlsplit(document.fetch_url or document.url).path) or "unknown"
        document = replace(document, kind=kind, content_type=content_type, size_bytes=len(body))
        problem = check_body(body, kind, content_type, promised, self.crawl_config.max_html_bytes)
        if problem == TOO_LARGE:
            yield replace(document, fetch_state=TOO_LARGE, fetch_error=f"{len(body)} bytes is over the HTML size cap")
        elif problem:
            # Kept as the kind the link promised, so the retry of a failed fetch expects it again.
            keep = promised if promised != "unknown" else kind
            yield replace(document, kind=keep, fetch_state=ERROR, fetch_error=problem)
        else:
            yield replace(document, fetch_state=FETCHED, body=body)

    def document_failed(self, failure: Failure) -> Iterator[DocumentFound]:
        request = failure.request  # type: ignore[attr-defined]
        document: DocumentFound = request.meta["document"]
        if failure.check(DownloadCancelledError):
            yield replace(
                document,
                fetch_state=TOO_LARGE,
                fetch_error=f"larger than the {self.crawl_config.max_pdf_bytes}-byte document cap",
            )
        elif failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            yield replace(document, fetch_state=BLOCKED, fetch_error="disallowed by robots.txt")
        else:
            yield replace(document, fetch_state=ERROR, fetch_error=describe_failure(failure))

    def _probe_paper(self, document: DocumentFound) -> scrapy.Request | DocumentFound:
        if document.kind != "unknown":
            return replace(document, fetch_state=WOULD_FETCH)
        return scrapy.Request(
            document.fetch_url or document.url,
            method="HEAD",
            callback=self.paper_probed,
            errback=self.paper_probe_failed,
            meta={"handle_httpstatus_list": DOCUMENT_STATUSES, "document": document, "allow_other_host": True},
        )

    def paper_probed(self, response: Response) -> Iterator[DocumentFound]:
        """The format a paper's server declares for it (a probe's HEAD request)."""
        content_type = _header(response, "Content-Type") or None
        kind = kind_of_content_type(content_type) if response.status < 300 else None
        yield replace(
            response.meta["document"],
            fetch_state=WOULD_FETCH,
            kind=kind or "unknown",
            content_type=content_type,
            http_status=response.status,
        )

    def paper_probe_failed(self, failure: Failure) -> Iterator[DocumentFound]:
        document: DocumentFound = failure.request.meta["document"]  # type: ignore[attr-defined]
        yield replace(document, fetch_state=WOULD_FETCH, fetch_error=describe_failure(failure))

    def html_document(
        self, url: str, title: str, body_html: str, meeting_id: str | None, agenda_item_id: str | None = None
    ) -> DocumentFound:
        """A text source composed from what was parsed (an agenda item's text and minutes)."""
        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>' + html.escape(title) + "</title></head>\n"
            "<body>\n" + body_html + "\n</body></html>\n"
        )
        body = page.encode("utf-8")
        return DocumentFound(
            url=url,
            title=title,
            kind="html",
            meeting_id=meeting_id,
            agenda_item_id=agenda_item_id,
            fetch_state=FETCHED,
            content_type="text/html; charset=utf-8",
            size_bytes=len(body),
            body=body,
        )


# --------------------------------------------------------------------------- functions


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def clean_text(text: str | None) -> str:
    """Text as shown: layout whitespace (and no-break spaces) collapsed to single spaces."""
    return " ".join((text or "").split())


# How lists and headings mark a meeting that will not take place as planned ("- CANCELLED",
# "(Postponed)", "Meeting deferred"), most final first.
_MEETING_STATUSES = (
    ("Cancelled", re.compile(r"\b(?:cancell?ed|abandoned)\b", re.I)),
    ("Postponed", re.compile(r"\b(?:postponed|deferred)\b", re.I)),
)
_STRUCK = ("s", "strike", "del")
_LINE_THROUGH = re.compile(r"text-decoration[^;\"']*line-through", re.I)


def meeting_status(text: str | None, struck: bool = False) -> str | None:
    """``Cancelled`` or ``Postponed`` when a list entry or heading says so (or is struck through:
    cancelled), else None: the status a meeting's own page or the web service gives then stands."""
    for status, pattern in _MEETING_STATUSES:
        if pattern.search(text or ""):
            return status
    return "Cancelled" if struck else None


def papers_are_read(status: str | None) -> bool:
    """Whether a meeting's page and papers are read, by the status it is known by (its list entry,
    the web service or its own page): every meeting's but a cancelled (or abandoned) one's.

    A cancelled meeting's business was dropped, yet councils often leave its withdrawn proposals
    linked: read, they would alert on a position the council never took. A postponed or deferred
    meeting's papers stand, only their discussion moves, so they are read; listed again under the
    new date they are the same papers, stored once by URL (or by content hash, when the old
    meeting no longer lists them). Either way the status is recorded, and a cancelled meeting is
    fingerprinted by its date and status alone, so once reinstated it is read as changed.
    """
    return meeting_status(status) != "Cancelled"


def struck_through(element: Any, levels: int = 3) -> bool:
    """Whether an element (a meeting link) is struck through: inside ``<s>``/``<strike>``/``<del>``,
    holding one around all its text, or styled ``line-through``, itself or within ``levels`` parents."""
    inner = [child for child in element if isinstance(child.tag, str)]
    if inner and all(child.tag in _STRUCK for child in inner) and not (element.text or "").strip():
        return True
    node = element
    for _ in range(levels + 1):
        if node is None:
            return False
        if node.tag in _STRUCK or _LINE_THROUGH.search(node.get("style") or ""):
            return True
        node = node.getparent()
    return False


def escaped_twice(texts: Iterable[str]) -> bool:
    """Whether titles from one answer were escaped twice: entities are left in them, and no bare ``&``.

    A server that escapes once writes "Fees & Charges" with a bare ampersand once parsed; one
    that escapes twice leaves "Fees &amp; Charges". Deciding per answer, not per title, keeps a
    title that really says "&amp;" intact on a server that escapes once.
    """
    joined = "\n".join(texts)
    return bool(_ENTITY.search(joined)) and "&" not in _ENTITY.sub("", joined)


def unescape_once(text: str) -> str:
    """Replace each complete entity (``&#39;``, ``&amp;``) once; never the result again."""
    return _ENTITY.sub(lambda found: html.unescape(found.group(0)), text)


def title_cleaner(texts: Iterable[str]) -> Callable[[str | None], str]:
    """A function that cleans the titles of one answer: whitespace always, entities once if escaped twice."""
    twice = escaped_twice([text for text in texts if text])
    return lambda text: clean_text(unescape_once(text or "") if twice else text)


def inner_html(element: Any) -> str:
    """An element's content as HTML: its text and every child (raw HTML inside XML, or a page's div)."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=False))
        if child.tail:
            parts.append(html.escape(child.tail, quote=False))
    return "".join(parts)


def fingerprint(value: Any) -> str:
    """A stable hash of parsed content (JSON with sorted keys)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def with_time(parsed: dict[str, Any], starts: dt.time | None, ends: dt.time | None = None) -> dict[str, Any]:
    """A meeting's parsed content with its start and planned finish times where they are known: a
    moved time changes the fingerprint as a moved date does, and a meeting with no time (or no
    finish) keeps the fingerprint it had before times (or finishes) were read."""
    timed = {**parsed, "time": starts.isoformat(timespec="minutes")} if starts is not None else parsed
    return {**timed, "ends": ends.isoformat(timespec="minutes")} if ends is not None else timed


def normalise_html(fragment: str | None) -> str:
    """An HTML fragment re-serialised without layout whitespace, so XML and page copies compare equal."""
    if not fragment or not fragment.strip():
        return ""
    try:
        parts = lxml_html.fragments_fromstring(fragment)
    except Exception:  # lxml raises several types on junk; the text itself is still worth keeping
        return html.escape(re.sub(r"\s+", " ", fragment).strip())
    out = []
    for part in parts:
        if isinstance(part, str):
            text = re.sub(r"\s+", " ", part).strip()
            if text:
                out.append(html.escape(text))
            continue
        for element in part.iter():
            if element.text:
                element.text = re.sub(r"\s+", " ", element.text)
            if element.tail:
                element.tail = re.sub(r"\s+", " ", element.tail)
        out.append(lxml_html.tostring(part, encoding="unicode").strip())
    return "\n".join(out)


def item_html(number: str | None, title: str, agenda_html: str, minutes_html: str) -> str:
    """The stored text source for an agenda item: its heading, agenda text and minutes."""
    parts = [f"<h1>{html.escape(((number or '') + ' ' + title).strip())}</h1>"]
    if agenda_html:
        parts.append(f'<div class="agenda">{agenda_html}</div>')
    if minutes_html:
        parts.append(f'<h2>Minutes</h2>\n<div class="minutes">{minutes_html}</div>')
    return "\n".join(parts)


def decode_page(response: Response) -> str:
    """The page's text: its declared encoding, or Windows-1252 when the bytes are not that.

    Bytes beyond ASCII that are valid UTF-8 are read as UTF-8 whatever the header says: a page
    saved as UTF-8 and served as Windows-1252 or Latin-1 (a server's default) would otherwise read
    "Â£5m" and "Schoolsâ€™ Forum", and text in a single-byte encoding is almost never valid UTF-8.
    """
    body = response.body
    declared = getattr(response, "encoding", None) or "utf-8"
    if not body.isascii():
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return body.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return body.decode("cp1252", errors="replace")


def check_body(body: bytes, kind: str, content_type: str | None, expected: str, max_html_bytes: int) -> str | None:
    """Why this body cannot be kept (TOO_LARGE or a message), or None when it is fine."""
    if not body:
        # No paper is empty: a server's fault, to ask again (kept, it would be "unsupported" until it changed).
        return f"the server answered with an empty body ({content_type or 'no type'})"
    if kind == "pdf":
        if not is_pdf(body):
            start = body[:20].decode("latin-1", errors="replace").strip()
            return f"served as PDF ({content_type or 'no type'}) but the body is not a PDF (starts {start!r})"
        if b"%%EOF" not in body[-2048:]:
            return f"truncated PDF ({len(body)} bytes, no %%EOF trailer)"
    elif kind == "html" and expected not in _PAGE_PROMISES:
        # A link to a PDF or a Word file answered with a web page: a sign-in, cookie or error page
        # standing in for the paper. Kept, it would pass for the paper until the paper changed.
        return f"the link promised {describe(expected)} but the server answered with an HTML page{_titled(body)}"
    elif kind == "html" and len(body) > max_html_bytes:
        return TOO_LARGE
    return None


# What a link may promise and still be answered with an HTML page: a page, or no promise at all.
_PAGE_PROMISES = frozenset({"html", "text", "csv", "unknown", "other"})
_TITLE = re.compile(rb"<title[^>]*>([^<]{1,200})", re.I)


def _titled(body: bytes) -> str:
    """`` ('Sign in')``: the page's title, for the message; empty when it has none."""
    found = _TITLE.search(body[:8192])
    title = clean_text(found.group(1).decode("utf-8", errors="replace")) if found else ""
    return f" ({title!r})" if title else ""


def describe_failure(failure: Failure) -> str:
    """The failure in a line: its type and message, or what it means where its message says nothing."""
    value = failure.value
    text = str(value).strip()
    if not text or text == value.__class__.__name__:
        text = _MEANINGS.get(value.__class__.__name__, value.__class__.__name__)
    return f"{value.__class__.__name__}: {text}"[:500]


# Failures whose messages are only their names.
_MEANINGS = {
    "ResponseDataLossError": "the connection closed before the whole body arrived (shorter than its Content-Length)",
    "DownloadTimeoutError": "no answer within crawl.timeout_seconds",
    "DownloadFailedError": "the download failed before an answer arrived",
}


def _header(response: Response, name: str) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""


_DISPOSITION_NAME = re.compile(r"""filename\*?=(?:UTF-8'[^']*')?"?([^";]+)""", re.I)


def _file_name(response: Response) -> str:
    """The name the server gives the file (Content-Disposition), else the URL's."""
    found = _DISPOSITION_NAME.search(_header(response, "Content-Disposition"))
    return found.group(1).strip() if found else response.url
