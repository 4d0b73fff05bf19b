"""The running demo site: one small HTTP server per council, each on its own loopback address.

Each council gets its own address (127.0.x.y, ephemeral port) because politeness, robots.txt
and connection slots are per host in any crawler; sharing one host would let one council's
robots.txt or failure leak into another's crawl. A separate "stranger" server plays the other
host that redirects point to.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import itertools
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from sendwatch.core.config import DEFAULT_COMMITTEES
from sendwatch.demo.site import cmis_pages, moderngov_pages, pages
from sendwatch.demo.site.papers import content_type, render_paper
from sendwatch.demo.site.spec import DemoCommittee, DemoCouncil, DemoDocument, DemoItem, DemoMeeting

FAILURES = (
    "error_500",  # every page answers 500
    "forbidden",  # every page answers 403, as sites that refuse non-browser clients do
    "reset",  # connections are reset before any response
    "hang",  # requests are accepted and never answered (until the failure is cleared)
    "robots_disallow",  # robots.txt disallows everything
    "truncated_pdf",  # documents are cut short (honest Content-Length, no %%EOF)
    "not_pdf",  # documents are an HTML error page served as application/pdf
    "oversized",  # documents are padded to ``size`` bytes
    "mangled_encoding",  # HTML declares UTF-8 but is sent as Windows-1252
    "malformed_xml",  # web service XML is cut off mid-element
    "redirect_other_host",  # every page redirects to another host
    "redirect_loop",  # every page redirects to itself, as a misconfigured site does
    "slow",  # every answer waits ``size`` milliseconds first, as an overloaded server's do
    "poison",  # pages carry the POISON_HEADER: hostile content, for tests whose crawler crashes on it
    "dropped",  # answers promise their whole Content-Length, send half and close the connection
    "throttled",  # the first request of each path answers 429 with Retry-After: ``size`` seconds
    "empty_paper",  # documents answer 200 with an empty body (their Content-Type kept)
    "login_page",  # documents answer 200 with an HTML sign-in page, as a session-guarded site does
    "unsized",  # answers carry no Content-Length: the body ends when the connection closes
)
# The header a "poison" page carries. Nothing in sendwatch reads it: tests that need a crawl to
# crash its process (as a native parser's bug would on hostile bytes) add a Scrapy middleware
# that crashes on it.
POISON_HEADER = "X-Demo-Poison"


@dataclass(frozen=True)
class Served:
    """One request as the demo site saw it: when it arrived and when its answer was sent."""

    slug: str
    path: str
    arrived: float  # time.monotonic()
    answered: float


# How ModernGov's web service answers: ``on``; or of no use, so the crawler reads the pages:
# ``not_found`` (404), ``error`` (500), ``html`` (a page, not XML), ``no_committees`` (GetCommittees
# answers well-formed XML listing none, as some installs do).
WEB_SERVICE_MODES = ("on", "not_found", "error", "html", "no_committees")


class DemoSite:
    """Serve councils from a spec; change and break them at runtime. See the package docstring."""

    def __init__(self, councils: list[DemoCouncil], today: dt.date | None = None):
        self.today = today or dt.date.today()
        self._lock = threading.RLock()
        self._ids = {
            kind: itertools.count(start)
            for kind, start in (("committee", 100), ("meeting", 5000), ("item", 20000), ("document", 60000))
        }
        self._councils: dict[str, DemoCouncil] = {}
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._web_service: dict[str, str] = {}
        self._failures: dict[str, list[tuple[str, str | None, int]]] = {}
        self._hits: dict[str, Counter[str]] = {}
        self._served: list[Served] = []
        self._bodies: dict[str, Counter[str]] = {}
        self._agents: dict[str, set[str]] = {}
        self._cookies: dict[str, int] = {}
        self._token_salt: dict[str, int] = {}
        self._hang_release: dict[str, threading.Event] = {}
        self._throttled: dict[str, set[str]] = {}
        self._paper_cache: dict[tuple[str, str, tuple[str, ...]], bytes] = {}
        self._saved: dict[str, dict[str, tuple[bytes, str]]] = {}
        self._released = threading.Event()
        self._stranger: ThreadingHTTPServer | None = None
        for council in councils:
            self.add_council(council)

    # ------------------------------------------------------------------ lifecycle

    def add_council(self, council: DemoCouncil) -> DemoCouncil:
        """Register a council (ids are given out here); started at once if the site is running."""
        with self._lock:
            if council.slug in self._councils:
                raise ValueError(f"council {council.slug!r} is already on the demo site")
            for committee in council.committees:
                self._number_committee(committee)
            self._councils[council.slug] = council
            self._web_service[council.slug] = "on"
            self._failures[council.slug] = []
            self._hits[council.slug] = Counter()
            self._bodies[council.slug] = Counter()
            self._agents[council.slug] = set()
            self._cookies[council.slug] = 0
            self._token_salt[council.slug] = 0
            self._hang_release[council.slug] = threading.Event()
            self._throttled[council.slug] = set()
            self._saved[council.slug] = {}
            if self._stranger is not None:
                self._serve(council.slug)
        return council

    def start(self) -> DemoSite:
        """Start one server per council (and the stranger host) on loopback addresses."""
        self._released.clear()
        self._stranger = self._bind(_StrangerHandler, 999)
        for slug in list(self._councils):
            self._serve(slug)
        return self

    def stop(self) -> None:
        """Stop every server and release hanging requests."""
        self._released.set()
        self.release_hanging()
        for server in [*self._servers.values(), *([self._stranger] if self._stranger else [])]:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        self._stranger = None

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ------------------------------------------------------------------ addresses

    def origin(self, slug: str) -> str:
        return _origin(self._servers[slug])

    def base_url(self, slug: str) -> str:
        """The URL to configure: the folder holding mgWebService.asmx, the CMIS site or the listing page."""
        return self.origin(slug) + self._councils[slug].mount

    def stranger_origin(self) -> str:
        assert self._stranger is not None, "the demo site is not running"
        return _origin(self._stranger)

    def council_config(self, slug: str, committees: list[str] | None = None) -> dict[str, Any]:
        """The ``councils:`` entry of config.yaml that points sendwatch at this council."""
        council = self._councils[slug]
        patterns = committees or list(DEFAULT_COMMITTEES)
        entry: dict[str, Any] = {
            "slug": slug,
            "name": council.name,
            "platform": council.platform,
            "url": self.base_url(slug),
            "committees": patterns,
        }
        if council.platform == "listing":
            entry["listing"] = {"pages": [self.base_url(slug)], "include_text": patterns, "include_urls": [r"/downloads/file/"]}
        return entry

    def config_entries(self, committees: list[str] | None = None) -> list[dict[str, Any]]:
        """The ``councils:`` entries for every council on the site, in the order they were added."""
        return [self.council_config(slug, committees) for slug in self._councils]

    # ------------------------------------------------------------------ publishing

    def council(self, slug: str) -> DemoCouncil:
        return self._councils[slug]

    def publish_meeting(self, slug: str, committee_title: str, meeting: DemoMeeting) -> DemoMeeting:
        """Add a meeting (with its items and documents) to a committee, creating the committee if new."""
        with self._lock:
            council = self._councils[slug]
            committee = next((c for c in council.committees if c.title == committee_title), None)
            if committee is None:
                committee = self._number_committee(DemoCommittee(committee_title))
                council.committees.append(committee)
            self._number_meeting(meeting)
            committee.meetings.append(meeting)
        return meeting

    def publish_document(self, slug: str, meeting_id: int, document: DemoDocument, item_id: int | None = None) -> DemoDocument:
        """Attach a new document to a meeting, or to one of its agenda items."""
        with self._lock:
            _, meeting = self._meeting(slug, meeting_id)
            self._number_document(document)
            if item_id is None:
                meeting.documents.append(document)
            else:
                next(item for item in meeting.items if item.id == item_id).documents.append(document)
        return document

    def change_document(self, slug: str, document_id: int, pages_text: list[str]) -> DemoDocument:
        """New content at the same URL, as when an officer re-uploads a corrected report.

        ModernGov shows the new publication date in the web service, as it does for re-uploads.
        """
        with self._lock:
            document = self.document(slug, document_id)
            document.pages = list(pages_text)
            document.modified = document.modified + dt.timedelta(seconds=1)
            document.published = self.today
        return document

    def document(self, slug: str, document_id: int) -> DemoDocument:
        for committee in self._councils[slug].committees:
            for meeting in committee.meetings:
                for document in meeting.all_documents():
                    if document.id == document_id:
                        return document
        raise KeyError(document_id)

    def documents(self, slug: str) -> Iterator[tuple[DemoCommittee, DemoMeeting, DemoDocument]]:
        for committee in self._councils[slug].committees:
            for meeting in committee.meetings:
                for document in meeting.all_documents():
                    yield committee, meeting, document

    def serve_saved(self, slug: str, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        """Answer ``path`` (with its query, matched case-insensitively as IIS does) with these bytes:
        a page written in a real site's shape, served in place of what the spec would render."""
        with self._lock:
            self._saved[slug][path.lower()] = (body, content_type)

    def rotate_links(self, slug: str) -> None:
        """Give every CMIS ``Document.ashx`` link a new opaque token, as some CMIS sites do."""
        with self._lock:
            self._token_salt[slug] += 1

    # ------------------------------------------------------------------ breaking

    def set_web_service(self, slug: str, mode: str) -> None:
        """``on``, or switch ModernGov's web service off: ``not_found``, ``error`` (500), ``html`` or ``no_committees``."""
        if mode not in WEB_SERVICE_MODES:
            raise ValueError(f"web service mode must be one of {WEB_SERVICE_MODES}")
        self._web_service[slug] = mode

    def fail(self, slug: str, kind: str, path: str | None = None, size: int = 0) -> None:
        """Inject a failure (see FAILURES), optionally only on paths containing ``path``."""
        if kind not in FAILURES:
            raise ValueError(f"failure must be one of {FAILURES}")
        with self._lock:
            self._failures[slug].append((kind, path, size))

    def clear_failures(self, slug: str) -> None:
        """Remove this council's failures; requests left hanging are then answered normally."""
        with self._lock:
            self._failures[slug] = []
            self._hang_release[slug].set()
            self._hang_release[slug] = threading.Event()

    def release_hanging(self) -> None:
        """Answer every hanging request of every council (those whose failure remains lose their connection)."""
        with self._lock:
            for slug, event in list(self._hang_release.items()):
                event.set()
                self._hang_release[slug] = threading.Event()

    # ------------------------------------------------------------------ observing

    def requests(self, slug: str) -> Counter[str]:
        """How many requests each path (with query) of this council received."""
        with self._lock:
            return Counter(self._hits[slug])

    def bodies(self, slug: str) -> Counter[str]:
        """How many times each document path was answered with its full body (not 304)."""
        with self._lock:
            return Counter(self._bodies[slug])

    def user_agents(self, slug: str) -> set[str]:
        """Every User-Agent header this council's server has seen."""
        with self._lock:
            return set(self._agents[slug])

    def cookies_received(self, slug: str) -> int:
        """How many requests came back with a Cookie header (pages set an ASP.NET session cookie)."""
        with self._lock:
            return self._cookies[slug]

    def served(self) -> list[Served]:
        """Every request of every council since the last ``reset_counts``, in order of arrival."""
        with self._lock:
            return sorted(self._served, key=lambda request: request.arrived)

    def reset_counts(self) -> None:
        with self._lock:
            for counter in [*self._hits.values(), *self._bodies.values()]:
                counter.clear()
            self._served.clear()

    # ------------------------------------------------------------------ internals

    def _number_committee(self, committee: DemoCommittee) -> DemoCommittee:
        committee.id = committee.id or next(self._ids["committee"])
        for meeting in committee.meetings:
            self._number_meeting(meeting)
        return committee

    def _number_meeting(self, meeting: DemoMeeting) -> None:
        meeting.id = meeting.id or next(self._ids["meeting"])
        for item in meeting.items:
            item.id = item.id or next(self._ids["item"])
            for document in item.documents:
                self._number_document(document)
        for document in meeting.documents:
            self._number_document(document)

    def _number_document(self, document: DemoDocument) -> None:
        document.id = document.id or next(self._ids["document"])

    def _serve(self, slug: str) -> None:
        index = list(self._councils).index(slug)
        handler = type("CouncilHandler", (_CouncilHandler,), {"site": self, "slug": slug})
        self._servers[slug] = self._bind(handler, index)

    def _bind(self, handler: type, index: int) -> ThreadingHTTPServer:
        host = f"127.0.{40 + index // 250}.{index % 250 + 1}"
        server = ThreadingHTTPServer((host, 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"demo-site-{host}", daemon=True
        )
        thread.start()
        self._threads.append(thread)
        return server

    def _meeting(self, slug: str, meeting_id: int) -> tuple[DemoCommittee, DemoMeeting]:
        for committee in self._councils[slug].committees:
            for meeting in committee.meetings:
                if meeting.id == meeting_id:
                    return committee, meeting
        raise KeyError(meeting_id)

    def _item(self, slug: str, item_id: int) -> tuple[DemoCommittee, DemoMeeting, DemoItem]:
        for committee in self._councils[slug].committees:
            for meeting in committee.meetings:
                for item in meeting.items:
                    if item.id == item_id:
                        return committee, meeting, item
        raise KeyError(item_id)

    def _token(self, slug: str, document: DemoDocument) -> str:
        digest = hashlib.sha256(f"{slug}:{self._token_salt[slug]}:{document.id}".encode()).digest()[:21]
        return base64.b64encode(digest).decode().replace("+", "-").replace("/", "_") + "%3d"

    def _paper(self, document: DemoDocument) -> bytes:
        """The paper's bytes in its format (rendered once per content)."""
        key = (document.format, document.title, tuple(document.pages))
        if key not in self._paper_cache:
            self._paper_cache[key] = render_paper(document)
        return self._paper_cache[key]

    def prerender(self) -> None:
        """Render every document now (benchmarks time the crawl, not reportlab)."""
        for slug in self._councils:
            for _, _, document in self.documents(slug):
                self._paper(document)

    def _failure(self, slug: str, path: str, kinds: tuple[str, ...]) -> tuple[str, int] | None:
        with self._lock:
            for kind, only, size in self._failures[slug]:
                if kind in kinds and (only is None or only in path):
                    return kind, size
        return None


class _Reply:
    """What a route answers: status, headers and body bytes; ``document`` marks a paper body."""

    def __init__(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        document: bool = False,
    ):
        self.status, self.body, self.content_type = status, body, content_type
        self.headers = headers or {}
        self.document = document


def _html(text: str, status: int = 200) -> _Reply:
    # Like ASP.NET sites, every page starts a session; a polite crawler never sends it back.
    return _Reply(status, text.encode("utf-8"), headers={"Set-Cookie": "ASP.NET_SessionId=k2v9x0demo; path=/; HttpOnly"})


def _xml(text: str) -> _Reply:
    # ASP.NET web services answer text/xml with no ETag or Last-Modified.
    return _Reply(200, text.encode("utf-8"), "text/xml; charset=utf-8", {"Cache-Control": "private, max-age=0"})


_NOT_FOUND = _Reply(404, b"<html><body><h2>404 - File or directory not found.</h2></body></html>")


class _CouncilHandler(BaseHTTPRequestHandler):
    site: DemoSite
    slug: str
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read counters, not logs."""

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        arrived = time.monotonic()
        try:
            self._answer(head)
        finally:
            with self.site._lock:
                self.site._served.append(Served(self.slug, self.path, arrived, time.monotonic()))

    def _answer(self, head: bool) -> None:
        site, slug = self.site, self.slug
        with site._lock:
            site._hits[slug][self.path] += 1
            site._agents[slug].add(self.headers.get("User-Agent", ""))
            site._cookies[slug] += 1 if self.headers.get("Cookie") else 0
            failure = (
                None
                if self.path == "/robots.txt"
                else site._failure(
                    slug,
                    self.path,
                    ("error_500", "forbidden", "reset", "hang", "redirect_other_host", "redirect_loop", "slow", "throttled"),
                )
            )
            # Taken with the failure, in one hold of the lock: a hang cleared just after the failure
            # was read must still release this request (a later read would get the next hang's event).
            release = site._hang_release[slug]
        kind = failure[0] if failure else None
        if kind == "slow":
            site._released.wait(timeout=failure[1] / 1000 if failure else 0)
            kind = None
        if kind == "hang":
            release.wait(timeout=120)
            if site._released.is_set() or site._failure(slug, self.path, ("hang",)):
                self.close_connection = True
                return
            kind = None  # the failure was cleared while waiting: answer normally
        if kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if kind == "throttled":
            with site._lock:
                first = self.path not in site._throttled[slug]
                site._throttled[slug].add(self.path)
            kind = "throttled" if first else None
        if kind == "throttled" and failure:
            reply = _Reply(429, b"<html><body><h1>Too many requests</h1></body></html>", headers={"Retry-After": str(failure[1])})
        elif kind == "redirect_other_host":
            reply = _Reply(302, b"", headers={"Location": site.stranger_origin() + self.path})
        elif kind == "redirect_loop":
            reply = _Reply(302, b"", headers={"Location": self.path})
        elif kind == "forbidden":
            reply = _Reply(403, b"<html><body><h1>403 - Forbidden: Access is denied.</h1></body></html>")
        elif kind == "error_500":
            reply = _Reply(500, b"<html><body><h1>Server Error in '/' Application.</h1></body></html>")
        else:
            try:
                with site._lock:
                    reply = self._route()
            except Exception as error:  # a bug in the demo must show, not hang the crawler
                reply = _Reply(500, f"demo site error: {error!r}".encode(), "text/plain")
            if self.path != "/robots.txt" and site._failure(slug, self.path, ("poison",)):
                reply = _Reply(
                    reply.status, reply.body, reply.content_type, {**reply.headers, POISON_HEADER: "1"}, reply.document
                )
        self._send(reply, head)

    # ---------------------------------------------------------------- routing

    def _route(self) -> _Reply:
        site, council = self.site, self.site._councils[self.slug]
        split = urlsplit(self.path)
        path, query = split.path, {k.lower(): v for k, v in parse_qsl(split.query, keep_blank_values=True)}
        if path == "/robots.txt":
            disallow = site._failure(self.slug, path, ("robots_disallow",))
            return _Reply(
                200, b"User-agent: *\nDisallow: /\n" if disallow else b"User-agent: *\nDisallow: /mgSearch\n", "text/plain"
            )
        saved = site._saved[self.slug].get(self.path.lower())
        if saved is not None:
            return _Reply(200, saved[0], saved[1])
        if not path.lower().startswith(council.mount.lower()) and council.platform != "listing":
            return _NOT_FOUND
        # IIS, which ModernGov and CMIS run on, reads paths without regard to case.
        local = path[len(council.mount) :] if path.lower().startswith(council.mount.lower()) else path
        if council.platform == "moderngov":
            return self._moderngov(council, local, query)
        if council.platform == "cmis":
            return self._cmis(council, local, split.query)
        return self._listing(council, path)

    def _moderngov(self, council: DemoCouncil, local: str, query: dict[str, str]) -> _Reply:
        site = self.site
        base = site.base_url(council.slug)
        name = local.lower()
        if name.startswith("mgwebservice.asmx/"):
            return self._web_service(council, local.split("/", 1)[1], query, base)
        if name == "mglistcommittees.aspx":
            return self._page(moderngov_pages.mg_list_committees(council))
        if name == "ielistmeetings.aspx":
            return self._meetings_list(council, query)
        if name in ("ielistdocuments.aspx", "celistdocuments.aspx"):
            try:
                committee, meeting = site._meeting(council.slug, int(query.get("mid") or query.get("meetingid") or "0"))
            except (KeyError, ValueError):
                return _NOT_FOUND
            return self._page(moderngov_pages.mg_list_documents(council, committee, meeting))
        if name == "mgai.aspx":
            try:
                committee, meeting, item = site._item(council.slug, int(query.get("id", "0")))
            except (KeyError, ValueError):
                return _NOT_FOUND
            return self._page(moderngov_pages.mg_agenda_item(council, committee, meeting, item))
        if name == "mgconvert2pdf.aspx":
            return self._document(council, query.get("id", ""))
        found = re.fullmatch(r"documents/s(\d+)/[^/]+\.\w+", local, re.I)
        if found:
            return self._document(council, found.group(1))
        if name.startswith("data/"):
            return self._data_paper(council, local)
        pack = re.fullmatch(r"documents/g(\d+)/([^/]+\.\w+)", local, re.I)
        if pack:
            try:
                _, meeting = site._meeting(council.slug, int(pack.group(1)))
            except KeyError:
                return _NOT_FOUND
            named = [doc for doc in meeting.documents if doc.file_name.replace("%20", " ") == unquote(pack.group(2))]
            return self._paper_reply(council, named[0]) if named else _NOT_FOUND
        return _NOT_FOUND

    def _meetings_list(self, council: DemoCouncil, query: dict[str, str]) -> _Reply:
        """``ieListMeetings.aspx``: a year's page (with links to the others), or recent / earlier / later meetings."""
        committee = self._committee(council, query.get("committeeid") or query.get("cid"))
        if committee is None:
            return _NOT_FOUND
        if "earlier_meetings" in council.variants:
            boundary = _date_parameter(query.get("d", ""))
            act = query.get("act", "").lower()
            return self._page(
                moderngov_pages.mg_list_meetings_recent(
                    council,
                    committee,
                    self.site.today,
                    before=boundary if act == "earlier" else None,
                    after=boundary if act == "later" else None,
                )
            )
        years = [m.date.year for m in committee.meetings] or [self.site.today.year]
        year = int(query["year"]) if query.get("year", "").isdigit() else max(years)
        return self._page(moderngov_pages.mg_list_meetings(council, committee, year))

    def _web_service(self, council: DemoCouncil, method: str, query: dict[str, str], base: str) -> _Reply:
        mode = self.site._web_service[council.slug]
        if mode == "not_found":
            return _NOT_FOUND
        if mode == "error":
            return _Reply(500, b"<html><body><h1>Server Error in '/' Application.</h1><p>Runtime Error</p></body></html>")
        if mode == "html":
            return self._page(pages.page("Service unavailable", "<p>This service is not available.</p>"))
        if method == "GetCommittees":
            text = moderngov_pages.mg_committees_xml(council, listed=mode != "no_committees")
        elif method in ("GetMeetings", "GetAllMeetingsByDate", "GetMeetingsByDate"):
            committee = self._committee(council, query.get("lcommitteeid"))
            try:
                start = dt.datetime.strptime(query["sfromdate"], "%d/%m/%Y").date()
                end = dt.datetime.strptime(query["stodate"], "%d/%m/%Y").date()
            except (KeyError, ValueError):
                # Real servers fail like this when either date is missing.
                return _Reply(500, b"System.InvalidOperationException: Missing parameter: sFromDate.", "text/plain")
            if method != "GetMeetings":  # lCommitteeId=0 (or none): every committee
                chosen = [committee] if committee is not None else council.committees
                text = moderngov_pages.mg_all_meetings_by_date_xml(council, chosen, start, end)
            elif committee is None:
                return _Reply(500, b"System.NullReferenceException", "text/plain")
            else:
                text = moderngov_pages.mg_meetings_xml(council, committee, start, end)
        elif method == "GetMeeting":
            try:
                committee, meeting = self.site._meeting(council.slug, int(query.get("lmeetingid", "0")))
            except (KeyError, ValueError):
                return _Reply(500, b"System.NullReferenceException", "text/plain")
            text = moderngov_pages.mg_meeting_xml(base, council, committee, meeting)
        else:
            return _NOT_FOUND
        if self.site._failure(council.slug, self.path, ("malformed_xml",)):
            text = text[: max(60, len(text) * 3 // 5)]
        return _xml(text)

    def _cmis(self, council: DemoCouncil, local: str, raw_query: str) -> _Reply:
        site = self.site
        tab = cmis_pages.tab_path(council)[len(council.mount) :]
        name = local.lower()
        if name in ("", "default.aspx", "home/tabid/36/default.aspx"):
            return self._page(cmis_pages.cmis_home(council))
        if name == f"committees/tabid/{cmis_pages.COMMITTEES_TAB}/default.aspx":
            return self._page(cmis_pages.cmis_committees_tab(council))
        if name == f"{tab}Default.aspx".lower():
            return self._page(cmis_pages.cmis_meetings_tab(council, site.origin(council.slug), site.today))
        month = re.fullmatch(
            rf"{re.escape(tab)}ctl/MeetingCalendarPublicNoJava/mid/{council.cmis_module}/Date/(\d{{4}}-\d{{2}}-\d{{2}})/Default\.aspx",
            local,
            re.I,
        )
        if month:
            start = dt.date.fromisoformat(month.group(1)).replace(day=1)
            return self._page(cmis_pages.cmis_month(council, site.origin(council.slug), start))
        meeting_page = re.fullmatch(
            rf"{re.escape(tab)}ctl/ViewMeetingPublic/mid/{council.cmis_module}/Meeting/(\d+)/Committee/(\d+)/.*", local, re.I
        )
        if meeting_page:
            try:
                committee, meeting = site._meeting(council.slug, int(meeting_page.group(1)))
            except KeyError:
                return _NOT_FOUND
            return self._page(cmis_pages.cmis_meeting(council, committee, meeting, lambda d: site._token(council.slug, d)))
        if name.startswith("data/"):
            return self._data_paper(council, local)
        if name == "document.ashx":
            for _, _, document in site.documents(council.slug):
                if site._token(council.slug, document) == raw_query:
                    # A handler, not a static file: only PDFs (served from a file store) carry validators.
                    return self._paper_reply(council, document, validators=document.suffix == ".pdf")
            return _NOT_FOUND
        return _NOT_FOUND

    def _listing(self, council: DemoCouncil, path: str) -> _Reply:
        if path == council.mount:
            return self._page(pages.listing_page(council))
        found = re.fullmatch(r"/downloads/file/(\d+)/[^/]+", path)
        if found:
            return self._document(council, found.group(1), handler=True)
        return _NOT_FOUND

    def _data_paper(self, council: DemoCouncil, local: str) -> _Reply:
        """A paper by its file path (``data_paper_paths``): ``Data/<committee>/<yyyymmdd[hhmm]>/Agenda/<name>``,
        a static file (with validators)."""
        if "data_paper_paths" not in council.variants:
            return _NOT_FOUND
        with_time = council.platform == "cmis"
        for committee, meeting, document in self.site.documents(council.slug):
            if pages.data_path(committee, meeting, document, with_time).lower() == local.lower():
                return self._paper_reply(council, document)
        return _NOT_FOUND

    def _committee(self, council: DemoCouncil, committee_id: str | None) -> DemoCommittee | None:
        return next((c for c in council.committees if str(c.id) == (committee_id or "").strip()), None)

    def _document(self, council: DemoCouncil, document_id: str, handler: bool = False) -> _Reply:
        """A paper by id; ``handler``: served by a download script, where only PDFs (from a file store) carry validators."""
        try:
            document = self.site.document(council.slug, int(document_id))
        except (KeyError, ValueError):
            return _NOT_FOUND
        return self._paper_reply(council, document, validators=not handler or document.suffix == ".pdf")

    def _paper_reply(self, council: DemoCouncil, document: DemoDocument, validators: bool = True) -> _Reply:
        """A paper's bytes in its format, with ETag / Last-Modified (and 304s) when ``validators``."""
        if document.restricted:
            return _Reply(403, b"<html><body><h1>This document is restricted.</h1></body></html>")
        body = self.site._paper(document)
        failure = self.site._failure(
            council.slug, self.path, ("truncated_pdf", "not_pdf", "oversized", "empty_paper", "login_page")
        )
        if failure and failure[0] == "login_page":
            login = b"<html><head><title>Sign in</title></head><body><form><input name='user'></form></body></html>"
            return _Reply(200, login)
        if failure and failure[0] == "empty_paper":
            body = b""
        elif failure and failure[0] == "truncated_pdf":
            body = body[: len(body) // 2]
        elif failure and failure[0] == "not_pdf":
            body = b"<html><head><title>Runtime Error</title></head><body><h1>Server Error</h1></body></html>"
        elif failure and failure[0] == "oversized":
            body = body + b"%" + b"0" * max(0, failure[1] - len(body)) + b"\n%%EOF\n"
        headers = {"Accept-Ranges": "bytes", "Content-Disposition": f'inline; filename="{document.slug_name}{document.suffix}"'}
        if validators:
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            headers |= {"ETag": etag, "Last-Modified": email.utils.format_datetime(document.modified, usegmt=True)}
            if self._not_modified(etag, document.modified):
                return _Reply(304, b"", headers=headers)
        return _Reply(200, body, content_type(document), headers, document=True)

    def _not_modified(self, etag: str, modified: dt.datetime) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return email.utils.parsedate_to_datetime(since) >= modified
            except (TypeError, ValueError):
                return False
        return False

    def _page(self, text: str) -> _Reply:
        if self.site._failure(self.slug, self.path, ("mangled_encoding",)):
            # Declares UTF-8 (header and meta) but the bytes are Windows-1252, with the pound
            # sign written as itself (one byte no UTF-8 reader can take), not as "&#163;".
            return _Reply(200, text.replace("&#163;", "£").encode("cp1252", errors="replace"))
        return _html(text)

    def _send(self, reply: _Reply, head: bool) -> None:
        self.send_response(reply.status)
        if reply.status != 304:
            self.send_header("Content-Type", reply.content_type)
        unsized = self.path != "/robots.txt" and self.site._failure(self.slug, self.path, ("unsized",))
        if unsized:
            self.close_connection = True
        else:
            self.send_header("Content-Length", "0" if reply.status == 304 else str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if (
            reply.status != 304
            and not head
            and self.path != "/robots.txt"
            and self.site._failure(self.slug, self.path, ("dropped",))
        ):
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if reply.status != 304 and not head:
            self.wfile.write(reply.body)
            if reply.document and reply.status == 200:
                with self.site._lock:
                    self.site._bodies[self.slug][self.path] += 1


def _date_parameter(value: str) -> dt.date | None:
    """``D=202501150000`` (ieListMeetings' Earlier / Later links) as a date."""
    try:
        return dt.datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        return None


class _StrangerHandler(BaseHTTPRequestHandler):
    """Another organisation's host: answers every path with its own page."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        body = (
            b"User-agent: *\nAllow: /\n"
            if self.path == "/robots.txt"
            else (b"<html><body><h1>Welcome to another organisation's website</h1></body></html>")
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _origin(server: ThreadingHTTPServer) -> str:
    """``http://host:port`` of a server listening on TCP."""
    host, port = server.server_address[:2]
    return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"
