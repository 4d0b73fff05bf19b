"""The national dashboard and the council pages."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from sendwatch.core.documents import DocumentStore, DocumentStoreError
from sendwatch.core.formats import image_format
from sendwatch.core.formatting import LONDON
from sendwatch.core.vocabulary import STATUSES
from sendwatch.web import charts, queries
from sendwatch.web.responses import page, refusal, state

UPCOMING_ON_DASHBOARD = 10
_log = logging.getLogger(__name__)


def dashboard(request: Request) -> Response:
    """What changed first (``?days=`` back, a week by default), then every council with its
    status; ``?status=`` filters, ``?q=`` searches names, ``?sort=`` orders."""
    wanted = request.query_params.get("status") or None
    if wanted is not None and wanted not in STATUSES:
        wanted = None
    query = (request.query_params.get("q") or "")[:100]
    sort = request.query_params.get("sort") or "status"
    days = _int_or_none(request.query_params.get("days")) or queries.DEFAULT_RANGE
    web = state(request)
    with web.database.session() as session:
        board = queries.dashboard(
            session, web.config.crawl.flag_after_cycles, wanted, query, sort if sort in queries.SORTS else "status", days
        )
        return page(
            request,
            "dashboard.html",
            board=board,
            sorts=queries.SORTS,
            ranges=queries.CHANGE_RANGES,
            meetings=queries.upcoming_meetings(session, dt.datetime.now(LONDON).date(), limit=UPCOMING_ON_DASHBOARD),
            summary_bar=charts.summary_bar(board.counts, board.quiet),
            evidence_link=queries.evidence_link,
        )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def council(request: Request) -> Response:
    """One council: status timeline, changes with evidence, figures, papers, crawl health."""
    slug = request.path_params["slug"]
    web = state(request)
    with web.database.session() as session:
        found = queries.council_page(session, slug, web.config.crawl.flag_after_cycles)
        if found is None:
            return refusal(
                request,
                404,
                "Council not found",
                "sendwatch does not watch a council with that address.",
                "See the list of councils on the dashboard.",
            )
        today = dt.datetime.now(LONDON).date()
        legend = [(label, *charts.series_style(index)) for index, label in enumerate(found.series)]
        return page(
            request,
            "council.html",
            data=found,
            strip=charts.timeline_strip(found.periods, today),
            chart=charts.figures_chart(found.series),
            legend=legend,
            evidence_link=queries.evidence_link,
            meetings=queries.upcoming_meetings(session, today, slug),
            stored_link=found.stored_link,
        )


# A stored paper is scraped content served from this site: it may run nothing, and HTML is
# sandboxed into an origin of its own; a PDF, a page or a scan is shown, anything else downloaded.
PAPER_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
SHOWN_KINDS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
_CHUNK = 256 * 1024
# Reading a stored body ends like this when there is none (removed, or a folder in its place).
_NOT_STORED = (FileNotFoundError, IsADirectoryError, NotADirectoryError)


def paper(request: Request) -> Response:
    """sendwatch's stored copy of a paper (from ``data_dir``, a folder or an object store), so
    quotes stay checkable after the council's site moves the paper, or after the demo's site has gone."""
    web = state(request)
    with web.database.session() as session:
        document = queries.stored_paper(session, request.path_params["document_id"])
        location, kind = (document.file_path, document.kind) if document else (None, None)
    store = DocumentStore(web.config.documents_root, web.config.data_options)
    try:
        opened = _open_stored(store, location) if location and store.holds(location) else None
    except (OSError, DocumentStoreError) as error:  # the store is there but failing: say so, not "no copy"
        _log.warning("stored paper %s cannot be read: %s", request.path_params["document_id"], error)
        return refusal(
            request, 503, "Paper not readable now", "sendwatch's copy of that paper cannot be read just now.", "Try again later."
        )
    if location is None or opened is None:
        return refusal(
            request, 404, "Paper not stored", "sendwatch keeps no copy of that paper.", "Follow the link to the council's site."
        )
    stream, head = opened
    image = image_format(head) if kind == "image" else None
    media_type = image[1] if image else SHOWN_KINDS.get(kind or "", "application/octet-stream")
    headers = {"Content-Security-Policy": PAPER_POLICY, "Cache-Control": "private, max-age=3600"}
    if media_type == "application/octet-stream":
        suffix = PurePosixPath(location).suffix
        headers["Content-Disposition"] = f'attachment; filename="paper-{request.path_params["document_id"]}{suffix}"'
    return StreamingResponse(_rest_of(stream, head), media_type=media_type, headers=headers)


def _open_stored(store: DocumentStore, location: str) -> tuple[IO[bytes], bytes] | None:
    """The stored body's stream and its first chunk (which says what an image is), or None when
    nothing is stored there."""
    try:
        stream = store.open(location)
    except _NOT_STORED:
        return None
    try:
        return stream, stream.read(_CHUNK)
    except BaseException:
        stream.close()
        raise


def _rest_of(stream: IO[bytes], head: bytes) -> Iterator[bytes]:
    """The body from its first chunk (read already) to its end, closing the stream after."""
    try:
        chunk = head
        while chunk:
            yield chunk
            chunk = stream.read(_CHUNK)
    finally:
        stream.close()
