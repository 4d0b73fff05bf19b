"""Building responses: pages with their CSRF cookie, refusals with a clear page, form checks.

Every HTML page goes through ``page`` so that every form on it gets a CSRF token matching the
browser's cookie (the cookie is set on first visit). POST handlers call ``check_csrf`` first.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
from dataclasses import dataclass

from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sendwatch.core.config import Config
from sendwatch.core.formatting import http_date
from sendwatch.core.storage import Database
from sendwatch.web.security import CSRF_COOKIE, CSRF_FIELD, RateLimiter, csrf_token, csrf_valid, new_csrf_cookie
from sendwatch.web.templating import render


@dataclass
class WebState:
    """What every handler needs, held on ``app.state.web``."""

    config: Config
    database: Database
    secret: bytes
    signups: RateLimiter


def state(request: Request) -> WebState:
    return request.app.state.web


def page(
    request: Request,
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    background: BackgroundTask | None = None,
    **context: object,
) -> HTMLResponse:
    """Render ``template`` with the request's CSRF token, setting the cookie if it is new."""
    web = state(request)
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    fresh = not cookie or len(cookie) > 100
    if fresh:
        cookie = new_csrf_cookie()
    html = render(
        template,
        request=request,
        csrf_field=CSRF_FIELD,
        csrf_token=csrf_token(web.secret, cookie),
        base_url=web.config.web.base_url,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=headers, background=background)
    if fresh:
        response.set_cookie(
            CSRF_COOKIE, cookie, httponly=True, samesite="lax", path="/", secure=web.config.web.base_url.startswith("https://")
        )
    return response


def refusal(request: Request, status_code: int, title: str, message: str, advice: str | None = None) -> HTMLResponse:
    """A clear page saying what was refused and what to do next."""
    return page(request, "refused.html", status_code=status_code, title=title, message=message, advice=advice)


def check_csrf(request: Request, form: FormData) -> HTMLResponse | None:
    """None when the form's CSRF token matches the cookie, else the refusal page to return."""
    submitted = form.get(CSRF_FIELD)
    if csrf_valid(state(request).secret, request.cookies.get(CSRF_COOKIE), submitted if isinstance(submitted, str) else None):
        return None
    return refusal(
        request,
        403,
        "Form refused",
        "This form could not be accepted because it did not carry this site's security token.",
        "Go back, reload the page so it gets a fresh token, and send the form again. Cookies must be allowed for this site.",
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def conditional(
    request: Request,
    body: str | bytes,
    media_type: str,
    last_modified: dt.datetime | None,
    headers: dict[str, str] | None = None,
) -> Response:
    """``body`` with its validators (a strong ETag of the bytes, Last-Modified from the data's
    own time), or 304 Not Modified when the request's If-None-Match or If-Modified-Since says
    the client holds it already: feed readers and scripts polling exports fetch nothing twice."""
    content = body.encode("utf-8") if isinstance(body, str) else body
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    validators = {"ETag": etag, "Cache-Control": "no-cache"}
    if last_modified is not None:
        validators["Last-Modified"] = email.utils.format_datetime(last_modified.astimezone(dt.timezone.utc), usegmt=True)
    if _not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=validators)
    return Response(content, media_type=media_type, headers={**(headers or {}), **validators})


def _not_modified(request: Request, etag: str, last_modified: dt.datetime | None) -> bool:
    """RFC 9110: If-None-Match decides when present (weak comparison); else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since and last_modified is not None:
        since = http_date(if_modified_since)
        return since is not None and last_modified.replace(microsecond=0) <= since
    return False
