"""Machine-readable views: Atom feeds of changes, CSV/JSON exports, and the digest archive."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from alerts.status import current_statuses
from sendwatch.core.storage.models import utcnow
from sendwatch.web import queries
from sendwatch.web.responses import page, refusal, state
from sendwatch.web.templating import render

ATOM = "application/atom+xml; charset=utf-8"
CSV_COLUMNS = (
    "council",
    "name",
    "status",
    "status_label",
    "since",
    "figure_gbp",
    "figure_label",
    "figure_text",
    "evidence_date",
    "evidence_title",
    "evidence_url",
    "evidence_page",
    "evidence_quote",
)
# Cells starting with these are formulas to a spreadsheet: a scraped "=HYPERLINK(...)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def changes_feed(request: Request) -> Response:
    """Atom: the latest status changes of every council."""
    with state(request).database.session() as session:
        return _feed(
            request,
            queries.recent_changes(session),
            title="sendwatch: council status changes",
            self_path="/feeds/changes.atom",
            slug=None,
        )


def council_feed(request: Request) -> Response:
    """Atom: one council's status changes."""
    slug = request.path_params["slug"]
    with state(request).database.session() as session:
        name = queries.council_name(session, slug)
        if name is None:
            return refusal(request, 404, "Council not found", "sendwatch does not watch a council with that address.")
        entries = queries.recent_changes(session, slug)
        return _feed(
            request, entries, title=f"sendwatch: {name} status changes", self_path=f"/councils/{slug}/feed.atom", slug=slug
        )


def _feed(request: Request, entries: list[queries.FeedEntry], title: str, self_path: str, slug: str | None) -> Response:
    base = state(request).config.web.base_url.rstrip("/")
    updated = entries[0].event.detected_at if entries else utcnow()
    xml = render(
        "feed.xml",
        title=title,
        base=base,
        self_url=base + self_path,
        feed_id=f"{base}{self_path}",
        updated=updated,
        entries=entries,
        evidence_link=queries.evidence_link,
        slug=slug,
    )
    return Response(xml, media_type=ATOM)


def export_json(request: Request) -> Response:
    """Every council's current status, exactly as ``sendwatch status --json`` prints it."""
    with state(request).database.session() as session:
        rows = [row.as_json() for row in current_statuses(session)]
    return JSONResponse(rows, headers={"Content-Disposition": 'inline; filename="sendwatch-statuses.json"'})


def export_csv(request: Request) -> Response:
    """One row per council: status, since, the first figure and the latest evidence."""
    web = state(request)
    with web.database.session() as session:
        board = queries.dashboard(session, web.config.crawl.flag_after_cycles)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in board.rows:
        figure = row.latest_figure or {}
        evidence = row.latest_evidence or {}
        writer.writerow(
            _cell(value)
            for value in (
                row.status.slug,
                row.status.name,
                row.status.status,
                row.status.label,
                row.status.since,
                figure.get("amount_gbp"),
                figure.get("label"),
                figure.get("text"),
                evidence.get("date"),
                evidence.get("title"),
                queries.evidence_link(evidence) if evidence else None,
                evidence.get("page"),
                evidence.get("quote"),
            )
        )
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="sendwatch-statuses.csv"'},
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    text = " ".join(value.split())
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def digest_archive(request: Request) -> Response:
    with state(request).database.session() as session:
        return page(request, "digests.html", digests=queries.digests(session))


def digest_page(request: Request) -> Response:
    with state(request).database.session() as session:
        found = queries.digest(session, request.path_params["digest_id"])
        if found is None:
            return refusal(
                request, 404, "Digest not found", "There is no weekly digest with that number.", "See the list of past digests."
            )
        return page(request, "digest.html", digest=found)


def digest_email(request: Request) -> Response:
    """The digest's HTML exactly as emailed, under a policy that allows its inline styles only."""
    with state(request).database.session() as session:
        found = queries.digest(session, request.path_params["digest_id"])
        if found is None:
            return refusal(request, 404, "Digest not found", "There is no weekly digest with that number.")
        html = found.html
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
        },
    )
