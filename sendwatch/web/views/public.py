"""The national dashboard and the council pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from sendwatch.core.formatting import LONDON
from sendwatch.core.vocabulary import STATUSES
from sendwatch.web import charts, queries
from sendwatch.web.responses import page, refusal, state

UPCOMING_ON_DASHBOARD = 10


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
# sandboxed into an origin of its own; anything not a PDF or a page is downloaded, not shown.
PAPER_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
SHOWN_KINDS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def paper(request: Request) -> Response:
    """sendwatch's stored copy of a paper (from ``data_dir``), so quotes stay checkable after
    the council's site moves the paper, or after the demo's site has gone."""
    web = state(request)
    with web.database.session() as session:
        document = queries.stored_paper(session, request.path_params["document_id"])
        file_path, kind = (document.file_path, document.kind) if document else (None, None)
    data_dir = web.config.resolve(web.config.data_dir).resolve()
    path = Path(file_path).resolve() if file_path else None
    if path is None or not path.is_relative_to(data_dir) or not path.is_file():
        return refusal(
            request, 404, "Paper not stored", "sendwatch keeps no copy of that paper.", "Follow the link to the council's site."
        )
    media_type = SHOWN_KINDS.get(kind or "", "application/octet-stream")
    headers = {"Content-Security-Policy": PAPER_POLICY, "Cache-Control": "private, max-age=3600"}
    if media_type == "application/octet-stream":
        headers["Content-Disposition"] = f'attachment; filename="paper-{request.path_params["document_id"]}{path.suffix}"'
    return FileResponse(path, media_type=media_type, headers=headers)
