"""Building responses: pages with their CSRF cookie, refusals with a clear page, form checks.

Every HTML page goes through ``page`` so that every form on it gets a CSRF token matching the
browser's cookie (the cookie is set on first visit). POST handlers call ``check_csrf`` first.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse

from sendwatch.core.config import Config
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
