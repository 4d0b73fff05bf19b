"""The national dashboard and the council pages."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response

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
        )
