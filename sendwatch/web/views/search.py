"""``/search?q=QUERY``: full-text search of every stored paper, with filters, and a way to be alerted.

A malformed query is answered with the page and a message saying what is wrong (status 400),
never an error page; filters that do not parse (a date, a status) are ignored and said so.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from sendwatch.core.search.pages import SearchFilters, search_pages
from sendwatch.core.search.query import QueryError
from sendwatch.core.vocabulary import STATUSES
from sendwatch.web import queries
from sendwatch.web.responses import page, state

MAX_QUERY = 500
RESULTS = 50


def search(request: Request) -> Response:
    """The search form, and the hits for ``q`` (filters: council, committee, since, status)."""
    params = request.query_params
    query = (params.get("q") or "").strip()[:MAX_QUERY]
    council = params.get("council") or ""
    committee = (params.get("committee") or "").strip()[:100]
    status = params.get("status") or ""
    since_text = (params.get("since") or "").strip()
    problems = []
    try:
        since = dt.date.fromisoformat(since_text) if since_text else None
    except ValueError:
        since = None
        problems.append(f"“{since_text[:20]}” is not a date like 2025-01-31: papers of any date are shown.")
    if status and status not in STATUSES:
        status = ""
    web = state(request)
    hits = []
    error = None
    status_code = 200
    with web.database.session() as session:
        councils = queries.council_choices(session)
        if council and council not in dict(councils):
            council = ""
        if query:
            filters = SearchFilters(
                councils=(council,) if council else (),
                committee=committee or None,
                since=since,
                statuses=(status,) if status else (),
            )
            try:
                hits = search_pages(session, query, filters, limit=RESULTS)
            except QueryError as refused:
                error = str(refused)
                status_code = 400
    alert_link = (
        "/subscribe?" + urlencode({"query": query, **({"council": council} if council else {})}) if query and not error else None
    )
    return page(
        request,
        "search.html",
        status_code=status_code,
        query=query,
        council=council,
        committee=committee,
        since=since.isoformat() if since else "",
        status=status,
        councils=councils,
        hits=hits,
        error=error,
        problems=problems,
        limit=RESULTS,
        alert_link=alert_link,
    )
