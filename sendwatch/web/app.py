"""The ASGI app: routes, security headers, error pages. ``create_app(config, database)``.

Server-rendered HTML only: no JavaScript is sent at all, so the Content-Security-Policy can
forbid scripts outright, which also makes any markup that slipped out of a scraped paper inert.
Tokens travel in URLs (email links), so pages send no Referer to the documents they link to.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sendwatch.core.config import Config
from sendwatch.core.storage import Database
from sendwatch.core.templating import templates_dir
from sendwatch.core.tokens import signing_secret
from sendwatch.web.responses import WebState, refusal
from sendwatch.web.security import RateLimiter
from sendwatch.web.views import data, health, public, search, subscriptions

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
HOUR = 3600.0
# Pages reached through personal links are no business of search engines.
ROBOTS = "User-agent: *\nDisallow: /confirm\nDisallow: /manage\nDisallow: /unsubscribe\n"


class SecurityHeaders:
    """Add ``SECURITY_HEADERS`` to every response that does not set its own."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items() if name.encode() not in present
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)


def routes() -> list:
    return [
        Route("/", public.dashboard, name="dashboard"),
        Route("/councils/{slug:str}", public.council, name="council"),
        Route("/search", search.search, name="search"),
        Route("/councils/{slug:str}/feed.atom", data.council_feed, name="council_feed"),
        Route("/councils/{slug:str}/calendar.ics", data.calendar_council, name="council_calendar"),
        Route("/calendar.ics", data.calendar_all, name="calendar"),
        Route("/papers/{document_id:int}", public.paper, name="paper"),
        Route("/subscribe", subscriptions.subscribe_form, methods=["GET"]),
        Route("/subscribe", subscriptions.subscribe_submit, methods=["POST"]),
        Route("/confirm", subscriptions.confirm_page, methods=["GET"]),
        Route("/confirm", subscriptions.confirm_submit, methods=["POST"]),
        Route("/manage", subscriptions.manage_page, methods=["GET"]),
        Route("/manage", subscriptions.manage_submit, methods=["POST"]),
        Route("/unsubscribe", subscriptions.unsubscribe_page, methods=["GET"]),
        Route("/unsubscribe", subscriptions.unsubscribe_submit, methods=["POST"]),
        Route("/feeds/changes.atom", data.changes_feed, name="changes_feed"),
        Route("/export/statuses.json", data.export_json),
        Route("/export/statuses.csv", data.export_csv),
        Route("/export/history.json", data.history_json),
        Route("/export/history.csv", data.history_csv),
        Route("/digests", data.digest_archive),
        Route("/digests/{digest_id:int}", data.digest_page),
        Route("/digests/{digest_id:int}/email", data.digest_email),
        Route("/healthz", health.healthz),
        Route("/robots.txt", lambda request: Response(ROBOTS, media_type="text/plain")),
        Mount("/static", StaticFiles(directory=str(templates_dir("web") / "static")), name="static"),
    ]


async def _http_error(request: Request, error: Exception) -> Response:
    if not isinstance(error, HTTPException):  # registered for HTTPException only
        return await _server_error(request, error)
    if error.status_code == 404:
        return refusal(request, 404, "Page not found", "There is no page at this address.", "Start again from the dashboard.")
    if error.status_code == 405:
        return refusal(request, 405, "Not allowed", "This address does not accept that kind of request.")
    return refusal(request, error.status_code, "Request refused", str(error.detail))


async def _server_error(request: Request, error: Exception) -> Response:
    return refusal(request, 500, "Something went wrong", "sendwatch could not show this page.", "Try again in a moment.")


def create_app(config: Config, database: Database) -> Starlette:
    """The web app over ``database``; ``config.web`` sets links, limits and the secret's source."""
    app = Starlette(routes=routes(), exception_handlers={HTTPException: _http_error, 500: _server_error})
    app.state.web = WebState(
        config=config,
        database=database,
        secret=signing_secret(config),
        signups=RateLimiter(config.web.signups_per_hour, HOUR),
    )
    app.add_middleware(SecurityHeaders)
    return app
