"""Machine-readable views: Atom feeds of changes, CSV/JSON exports, and the digest archive."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import Response

from alerts.status import current_statuses
from sendwatch.core.formatting import LONDON, iso_seconds, names_list
from sendwatch.core.money import json_amount
from sendwatch.core.tokens import read_digest_view_token
from sendwatch.web import queries
from sendwatch.web.calendar import ICS, calendar
from sendwatch.web.responses import conditional, page, refusal, state
from sendwatch.web.templating import render

ATOM = "application/atom+xml; charset=utf-8"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"
# An empty database has no time of its own: its feeds say the epoch, not the request's time.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
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
    "gss_code",
    "health",
    "previous",
    "detected_at",
    "checked_at",
)
HISTORY_COLUMNS = (
    "council",
    "name",
    "gss_code",
    "status",
    "status_label",
    "since",
    "until",
    "current",
    "recorded_at",
    "evidence_title",
    "evidence_url",
    "evidence_page",
    "evidence_quote",
)
# Cells starting with these are formulas to a spreadsheet: a scraped "=HYPERLINK(...)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def changes_feed(request: Request) -> Response:
    """Atom: the latest status changes of every council (first sightings marked as such)."""
    with state(request).database.session() as session:
        return _feed(
            request,
            queries.recent_changes(session),
            title="sendwatch: council status changes",
            self_path="/feeds/changes.atom",
            slug=None,
            data_time=queries.data_time(session),
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
            request,
            entries,
            title=f"sendwatch: {name} status changes",
            self_path=f"/councils/{slug}/feed.atom",
            slug=slug,
            data_time=queries.data_time(session, slug),
        )


def _feed(
    request: Request,
    entries: list[queries.FeedEntry],
    title: str,
    self_path: str,
    slug: str | None,
    data_time: dt.datetime | None,
) -> Response:
    """The feed, with validators; its <updated> is its newest entry's, else the data's own time."""
    base = state(request).config.web.base_url.rstrip("/")
    updated = entries[0].event.detected_at if entries else (data_time or EPOCH)
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
    return conditional(request, xml, ATOM, updated if entries else data_time)


def export_json(request: Request) -> Response:
    """Every council's current status, exactly as ``sendwatch status --json`` prints it."""
    with state(request).database.session() as session:
        rows = [row.as_json() for row in current_statuses(session)]
        changed = queries.data_time(session)
    return conditional(request, _json(rows), JSON, changed, {"Content-Disposition": 'inline; filename="sendwatch-statuses.json"'})


def export_csv(request: Request) -> Response:
    """One row per council: status, since, the latest labelled figure, the latest evidence, and
    the newsroom's columns (GSS code, crawl health, previous status, detected and checked times)."""
    web = state(request)
    with web.database.session() as session:
        board = queries.dashboard(session, web.config.crawl.flag_after_cycles)
        changed = queries.data_time(session)
    rows = []
    for row in board.rows:
        figure = row.latest_figure or {}
        evidence = row.latest_evidence or {}
        status = row.status
        rows.append(
            (
                status.slug,
                status.name,
                status.status,
                status.label,
                status.since,
                json_amount(figure.get("amount_gbp")),
                figure.get("label"),
                figure.get("text"),
                evidence.get("date"),
                evidence.get("title"),
                queries.evidence_link(evidence) if evidence else None,
                evidence.get("page"),
                evidence.get("quote"),
                status.gss_code,
                status.health,
                status.previous,
                iso_seconds(status.detected_at),
                iso_seconds(status.checked_at),
            )
        )
    return conditional(
        request, _csv(CSV_COLUMNS, rows), CSV, changed, {"Content-Disposition": 'attachment; filename="sendwatch-statuses.csv"'}
    )


def history_csv(request: Request) -> Response:
    """Every council's status history, one row per period, with GSS codes."""
    with state(request).database.session() as session:
        history = queries.status_history(session)
        changed = queries.data_time(session)
    rows = [tuple(_history_values(row).values()) for row in history]
    return conditional(
        request,
        _csv(HISTORY_COLUMNS, rows),
        CSV,
        changed,
        {"Content-Disposition": 'attachment; filename="sendwatch-history.csv"'},
    )


def history_json(request: Request) -> Response:
    """The status history as one JSON array, the same fields as the CSV."""
    with state(request).database.session() as session:
        history = queries.status_history(session)
        changed = queries.data_time(session)
    return conditional(
        request,
        _json([_history_values(row) for row in history]),
        JSON,
        changed,
        {"Content-Disposition": 'inline; filename="sendwatch-history.json"'},
    )


def _history_values(row: queries.HistoryRow) -> dict[str, object]:
    return {
        "council": row.council,
        "name": row.name,
        "gss_code": row.gss_code,
        "status": row.status,
        "status_label": row.status_label,
        "since": row.since.isoformat() if row.since else None,
        "until": row.until.isoformat() if row.until else None,
        "current": row.current,
        "recorded_at": iso_seconds(row.recorded_at),
        "evidence_title": row.evidence_title,
        "evidence_url": row.evidence_url,
        "evidence_page": row.evidence_page,
        "evidence_quote": row.evidence_quote,
    }


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(_cell(value) for value in row)
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return str(value)
    text = " ".join(value.split())
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def digest_archive(request: Request) -> Response:
    with state(request).database.session() as session:
        return page(request, "digests.html", digests=queries.digests(session))


# The digest's own HTML, as mailed: its inline styles only, nothing else.
DIGEST_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class _ShownDigest:
    """One week's digest as a reader was sent it: the national copy, or one narrowed to councils."""

    digest_id: int
    html: str
    period_end: dt.datetime
    councils: list[str] | None = None  # the names, for a narrowed copy


def _digest_asked_for(request: Request) -> _ShownDigest | Response:
    """The digest a link names: ``/digests/N`` the national copy; with ``?view=TOKEN`` (the link a
    notification's summary carries) that week's copy narrowed to the councils the signed token
    names. A token altered, cut short or made for another week is refused, never widened."""
    web = state(request)
    digest_id = request.path_params["digest_id"]
    token = request.query_params.get("view")
    view = read_digest_view_token(web.secret, token) if token is not None else None
    if token is not None and (view is None or view.digest_id != digest_id):
        return refusal(
            request,
            400,
            "This link is not valid",
            "This link to a digest of your councils is incomplete or has been changed, so it cannot be used.",
            "Copy the whole link from the notification, or read the national digest of that week in the list of past digests.",
        )
    with web.database.session() as session:
        found = queries.digest(session, digest_id)
        if found is None:
            return _digest_missing(request)
        if view is None:
            return _ShownDigest(found.id, found.html, found.period_end)
        narrowed = queries.digest_copy(session, digest_id, view.councils)
        if narrowed is None:
            return _digest_missing(request)
        names = queries.council_names(session, view.councils.split(","))
        return _ShownDigest(found.id, narrowed.html, found.period_end, names)


def _digest_missing(request: Request) -> Response:
    return refusal(
        request, 404, "Digest not found", "There is no weekly digest with that number.", "See the list of past digests."
    )


def digest_page(request: Request) -> Response:
    """A past digest as the same HTML its readers were mailed, with a way back to the archive."""
    shown = _digest_asked_for(request)
    if isinstance(shown, Response):
        return shown
    back = (
        '<p style="margin:0 0 12px;font-family:Arial,Helvetica,sans-serif;font-size:14px">'
        '<a href="/digests" style="color:#0550ae">All weekly digests</a> &middot; '
        f'<a href="/" style="color:#0550ae">sendwatch</a> &middot; week to {escape(shown.period_end.date().isoformat())}</p>'
    )
    if shown.councils is not None:
        back += (
            '<p style="margin:0 0 12px;font-family:Arial,Helvetica,sans-serif;font-size:14px">'
            f"Your councils only: {escape(names_list(list(shown.councils)))}. "
            f'<a href="/digests/{shown.digest_id}" style="color:#0550ae">Every council that week</a></p>'
        )
    html = shown.html
    opened = _BODY_OPEN.search(html)
    html = html[: opened.end()] + back + html[opened.end() :] if opened else back + html
    return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": DIGEST_POLICY})


def digest_email(request: Request) -> Response:
    """The digest's HTML exactly as emailed, under a policy that allows its inline styles only."""
    shown = _digest_asked_for(request)
    if isinstance(shown, Response):
        return shown
    return Response(shown.html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": DIGEST_POLICY})


def calendar_all(request: Request) -> Response:
    """iCalendar: the upcoming meetings of every watched council's watched committees."""
    web = state(request)
    with web.database.session() as session:
        meetings = queries.upcoming_meetings(session, _today())
        changed = queries.data_time(session)
    body = calendar(meetings, "sendwatch: upcoming meetings", web.config.web.base_url, changed or EPOCH)
    return conditional(request, body, ICS, changed, {"Content-Disposition": 'inline; filename="sendwatch-meetings.ics"'})


def calendar_council(request: Request) -> Response:
    """iCalendar: one council's upcoming meetings of its watched committees."""
    slug = request.path_params["slug"]
    web = state(request)
    with web.database.session() as session:
        name = queries.council_name(session, slug)
        if name is None:
            return refusal(request, 404, "Council not found", "sendwatch does not watch a council with that address.")
        meetings = queries.upcoming_meetings(session, _today(), slug)
        changed = queries.data_time(session, slug)
    body = calendar(meetings, f"sendwatch: {name} meetings", web.config.web.base_url, changed or EPOCH)
    return conditional(request, body, ICS, changed, {"Content-Disposition": f'inline; filename="{slug}-meetings.ics"'})


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()
