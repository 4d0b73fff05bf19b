"""Sign-up with double opt-in, confirmation, the manage page, and unsubscribing.

The rules these handlers keep:

* Sign-up answers the same page whether or not the address is known, and changes nothing for
  an existing address until its owner follows the emailed link (see ``sendwatch.web.signup``).
* Confirmation links expire and work once; manage and unsubscribe links are the alerts
  package's signed tokens (they never expire, as old emails must keep working). Every link
  resolves its subscriber through ``alerts.subscriptions.subscriber_of_link``, so a link to a
  row merged into another of the same address (migration 0016) reaches the one kept.
* Database work never runs on the event loop (a busy SQLite file would stall every request):
  POST handlers read the form, then do the rest in the thread pool, like the GET handlers.
* Unsubscribe: a GET shows a confirmation page (link scanners must not unsubscribe anyone); a
  POST with the RFC 8058 body ``List-Unsubscribe=One-Click`` unsubscribes and answers 200 at
  once, without a redirect; every other POST needs the CSRF token like any form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from alerts.channels import shown_target
from alerts.sender import send_pending
from alerts.subscriptions import SubscriptionError, subscribe, subscriber_of_link
from sendwatch.core.addresses import AddressError, check_address
from sendwatch.core.search.query import QueryError, parse_query
from sendwatch.core.storage.models import Subscriber, utcnow
from sendwatch.core.tokens import Purpose, make_token, read_token
from sendwatch.core.vocabulary import FREQUENCIES, STATUSES
from sendwatch.web import queries
from sendwatch.web.responses import WebState, check_csrf, client_address, page, refusal, state
from sendwatch.web.security import SignupRequest, read_confirmation_token, superseded
from sendwatch.web.signup import confirm_subscription, councils_text, request_subscription

# Pages showing someone's address or carrying their token are never kept by caches.
PRIVATE = {"Cache-Control": "no-store"}


# --------------------------------------------------------------------------- the choices form


def parse_choices(form: FormData | QueryParams, known_councils: set[str]) -> tuple[dict, list[str]]:
    """The councils, statuses and frequency chosen on a form, and any problems with them.

    ``known_councils`` are the councils the form lists (every council watched). Ticking every
    one of them is choosing every council, as the "every council" option is: the subscription
    then covers councils added later too. The list is England's education authorities and
    changes when local government is reorganised: a successor authority (a unitary replacing a
    county, as in Cumbria, North Yorkshire and Somerset in 2023) takes on its predecessors' high
    needs deficit and any safety valve agreement, and a SEND specialist who ticked them all would
    miss its news if the choice were frozen as the names ticked that day; their weekly digest is
    the national one, not "your councils". All but one ticked is those councils. (The config
    and ``sendwatch subscribe`` take an operator's list as written: ``all`` says every council.)
    """
    problems = []
    councils = [slug for slug in form.getlist("council") if isinstance(slug, str)]
    every_council = form.get("scope", "all") == "all" or (bool(known_councils) and known_councils <= set(councils))
    if not every_council:
        unknown = [slug for slug in councils if slug not in known_councils]
        if unknown or not councils:
            problems.append("Choose at least one council from the list, or choose every council.")
    statuses = [status for status in form.getlist("status") if isinstance(status, str)]
    if any(status not in STATUSES for status in statuses):
        problems.append("Choose statuses from the list.")
    frequency = form.get("frequency", "immediate")
    if frequency not in FREQUENCIES:
        problems.append("Choose how often to hear from sendwatch: as it happens, or weekly.")
    searches = [line.strip() for line in str(form.get("queries") or "")[:2000].splitlines() if line.strip()]
    for search in searches:
        try:
            parse_query(search)
        except QueryError as error:
            problems.append(f"The search “{search[:100]}” cannot be saved: {error}.")
    if searches and frequency == "weekly":
        problems.append("Saved searches are sent as papers arrive: choose “as it happens”, or remove the searches.")
    choices = {
        "councils": None if every_council else list(dict.fromkeys(councils)),
        "statuses": list(dict.fromkeys(statuses)) or None,
        "frequency": frequency if frequency in FREQUENCIES else "immediate",
        "queries": searches,
    }
    return choices, problems


def _aliases(web: WebState) -> dict[str, list[str]]:
    """Other names each council goes by (config ``aliases``), shown and searched on the form."""
    return {council.slug: council.aliases for council in web.config.councils}


def _form_page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    web = state(request)
    with web.database.session() as session:
        councils = queries.council_choices(session)
    ticked = (context.get("choices") or {}).get("councils") or []
    find, shown = _narrowed(request, web, councils, ticked)
    return page(request, template, status_code=status_code, councils=shown, find=find, total_councils=len(councils), **context)


def _narrowed(
    request: Request, web: WebState, councils: list[tuple[str, str]], ticked: list[str]
) -> tuple[str, list[tuple[str, str, list[str]]]]:
    """The find box's words, and the councils to list: those matching them, and every one ticked."""
    aliases = _aliases(web)
    find = (request.query_params.get("find") or "").strip()[:100]
    shown = [
        (slug, name, aliases.get(slug, []))
        for slug, name in councils
        if slug in ticked or queries.matches_council(find, slug, name, aliases.get(slug, []))
    ]
    return find, shown


def _finding(request: Request) -> bool:
    """The form came back through its Find button: its other fields are the choices so far."""
    return request.query_params.get("finding") == "1"


# --------------------------------------------------------------------------- sign-up


def subscribe_form(request: Request) -> Response:
    """The sign-up form; ``?council=slug`` (from a council page) ticks that council; ``?query=...``
    (from "Alert me on this search") fills in the saved search."""
    with state(request).database.session() as session:
        known = {slug for slug, _ in queries.council_choices(session)}
    preselected = request.query_params.get("council")
    search = (request.query_params.get("query") or "").strip()[:500]
    notice = None
    if preselected is None or preselected in known:
        councils = [preselected] if preselected else None
    else:  # a council not watched (disabled, or no such slug): nothing ticked, and never "every council"
        councils = []
        with state(request).database.session() as session:
            name = queries.council_name(session, preselected)
        notice = (
            f"sendwatch does not watch {name or 'that council'}, so there are no alerts for it. Choose from the councils below."
        )
    choices = {
        "councils": councils,
        "statuses": None,
        "frequency": "immediate",
        "queries": [search] if search else [],
    }
    email = ""
    if _finding(request):
        choices, _ = parse_choices(request.query_params, known)  # problems wait for the real submit
        email = (request.query_params.get("email") or "").strip()[:254]
    return _form_page(request, "subscribe.html", email=email, choices=choices, problems=[], notice=notice)


async def subscribe_submit(request: Request) -> Response:
    return await run_in_threadpool(_subscribe_submit, request, await request.form())


def _subscribe_submit(request: Request, form: FormData) -> Response:
    refused = check_csrf(request, form)
    if refused:
        return refused
    web = state(request)
    email = str(form.get("email") or "").strip()
    with web.database.session() as session:
        known = {slug for slug, _ in queries.council_choices(session)}
    choices, problems = parse_choices(form, known)
    try:
        email = check_address(email, smtputf8=web.config.mail.smtputf8)
    except AddressError as error:
        if "mail.smtputf8" in str(error):
            problems.insert(
                0,
                "This site's mail server cannot deliver to addresses with accented or non-Latin "
                "letters before the @. Please use another address.",
            )
        else:
            problems.insert(0, "Enter an email address, like name@example.org.")
    if problems:
        return _form_page(request, "subscribe.html", status_code=400, email=email, choices=choices, problems=problems)
    if not web.signups.allow(client_address(request)):
        return refusal(
            request,
            429,
            "Too many sign-ups",
            "Too many sign-up requests have come from your connection in the last hour.",
            "Please try again in an hour.",
        )
    with web.database.session() as session:
        request_subscription(
            session,
            web.config,
            web.secret,
            email,
            choices["councils"],
            choices["statuses"],
            choices["frequency"],
            queries=choices["queries"],
        )
    # The same page whether the address was new, known, or over its daily limit: no enumeration.
    task = BackgroundTask(_deliver, web) if web.config.web.send_confirmations else None
    return page(request, "subscribe_sent.html", headers=PRIVATE, email=email, background=task)


def _deliver(web: WebState) -> None:
    """Send what the outbox holds now (the confirmation just queued), after the response."""
    send_pending(web.config, web.database)


# --------------------------------------------------------------------------- confirmation


def _check_confirmation(request: Request, token: str | None) -> SignupRequest | Response:
    """The sign-up request a confirmation link carries, or the refusal page to show instead."""
    web = state(request)
    max_age = dt.timedelta(hours=web.config.web.confirm_hours)
    check = read_confirmation_token(web.secret, token, utcnow(), max_age)
    if check.problem == "expired":
        return refusal(
            request,
            410,
            "This link has expired",
            f"Confirmation links work for {web.config.web.confirm_hours:g} hours, and this one is older.",
            "Sign up again to get a fresh link.",
        )
    invalid = refusal(
        request,
        400,
        "This link is not valid",
        "This confirmation link is incomplete or has been changed, so it cannot be used.",
        "Copy the whole link from the email, or sign up again.",
    )
    if check.request is None:
        return invalid
    with web.database.session() as session:
        subscriber = subscriber_of_link(session, check.request.subscriber_id, check.request.email)
        if subscriber is None:
            return invalid
        if superseded(check.request, subscriber.confirmed_at, subscriber.unsubscribed_at):
            return refusal(
                request,
                409,
                "This link has already been used",
                "This confirmation link was used already, or a later change to this subscription replaced it.",
                "Your subscription is as you last set it. To change it, use the manage link in any email from sendwatch, or sign up again.",
            )
    return check.request


def confirm_page(request: Request) -> Response:
    """Show what will be confirmed, with a button (a GET alone changes nothing)."""
    token = request.query_params.get("token")
    signup = _check_confirmation(request, token)
    if isinstance(signup, Response):
        return signup
    with state(request).database.session() as session:
        described = councils_text(session, signup.councils)
    return page(request, "confirm.html", headers=PRIVATE, token=token, signup=signup, councils_text=described)


async def confirm_submit(request: Request) -> Response:
    return await run_in_threadpool(_confirm_submit, request, await request.form())


def _confirm_submit(request: Request, form: FormData) -> Response:
    refused = check_csrf(request, form)
    if refused:
        return refused
    signup = _check_confirmation(request, _form_text(form, "token"))
    if isinstance(signup, Response):
        return signup
    web = state(request)
    try:
        with web.database.session() as session:
            subscriber = confirm_subscription(session, signup)
            manage_token = make_token(web.secret, subscriber.id, subscriber.email, "manage")
            described = councils_text(session, signup.councils)
    except SubscriptionError as error:
        return refusal(
            request, 400, "This subscription cannot be confirmed", str(error), "Sign up again with the councils now listed."
        )
    return page(request, "confirmed.html", headers=PRIVATE, signup=signup, councils_text=described, manage_token=manage_token)


# --------------------------------------------------------------------------- manage


def _subscriber_for(request: Request, token: str | None, purpose: Purpose) -> int | Response:
    """The subscriber id a manage/unsubscribe link names, or the refusal page."""
    claims = read_token(state(request).secret, token or "", purpose)
    if claims is None:
        return refusal(
            request,
            400,
            "This link is not valid",
            "This link is incomplete or has been changed, so it cannot be used.",
            "Use the link exactly as it appears in an email from sendwatch.",
        )
    with state(request).database.session() as session:
        subscriber = subscriber_of_link(session, claims.subscriber_id, claims.email)
        if subscriber is None:
            return _gone(request)
        return subscriber.id  # the row kept, where the link named one merged into it


def _gone(request: Request) -> Response:
    """The page for a link whose subscription has been removed."""
    return refusal(
        request,
        410,
        "This subscription no longer exists",
        "The subscription this link belonged to has been removed. No more emails will be sent to it.",
        "You can sign up again at any time.",
    )


def _form_text(form: FormData, name: str) -> str | None:
    """A text field of a form (None when missing, or a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else None


def manage_page(request: Request) -> Response:
    token = request.query_params.get("token")
    subscriber_id = _subscriber_for(request, token, "manage")
    if isinstance(subscriber_id, Response):
        return subscriber_id
    return _manage_view(request, token, subscriber_id, saved=False, problems=[])


def _manage_view(
    request: Request, token: str | None, subscriber_id: int, saved: bool, problems: list[str], status_code: int = 200
) -> Response:
    web = state(request)
    with web.database.session() as session:
        subscriber = session.get(Subscriber, subscriber_id)
        if subscriber is None:
            return _gone(request)
        choices = {
            "councils": subscriber.councils,
            "statuses": subscriber.statuses,
            "frequency": subscriber.frequency,
            "queries": [item["query"] for item in subscriber.queries or []],
        }
        if _finding(request):
            known = {slug for slug, _ in queries.council_choices(session)}
            choices, _ = parse_choices(request.query_params, known)
        councils = queries.council_choices(session)
        ticked = choices.get("councils")
        find, shown = _narrowed(request, web, councils, [slug for slug in ticked if isinstance(slug, str)] if ticked else [])
        return page(
            request,
            "manage.html",
            status_code=status_code,
            headers=PRIVATE,
            token=token,
            subscriber=subscriber,
            notify_targets=[shown_target(url) for url in subscriber.notify or []],
            choices=choices,
            councils=shown,
            find=find,
            total_councils=len(councils),
            saved=saved,
            problems=problems,
            unsubscribe_token=make_token(web.secret, subscriber.id, subscriber.email, "unsubscribe"),
        )


async def manage_submit(request: Request) -> Response:
    return await run_in_threadpool(_manage_submit, request, await request.form())


def _manage_submit(request: Request, form: FormData) -> Response:
    refused = check_csrf(request, form)
    if refused:
        return refused
    token = _form_text(form, "token")
    subscriber_id = _subscriber_for(request, token, "manage")
    if isinstance(subscriber_id, Response):
        return subscriber_id
    web = state(request)
    with web.database.session() as session:
        known = {slug for slug, _ in queries.council_choices(session)}
    choices, problems = parse_choices(form, known)
    if problems:
        return _manage_view(request, token, subscriber_id, saved=False, problems=problems, status_code=400)
    with web.database.session() as session:
        subscriber = session.get(Subscriber, subscriber_id)
        if subscriber is None:
            return _gone(request)
        # confirmed=False: saving choices never stands in for the confirmation link.
        subscribe(
            session,
            subscriber.email,
            choices["councils"],
            choices["statuses"],
            choices["frequency"],
            source=subscriber.source,
            confirmed=False,
            queries=choices["queries"],
            smtputf8=True,
        )  # an address already stored stays deliverable as it was
    return _manage_view(request, token, subscriber_id, saved=True, problems=[])


# --------------------------------------------------------------------------- unsubscribe


def unsubscribe_page(request: Request) -> Response:
    token = request.query_params.get("token")
    subscriber_id = _subscriber_for(request, token, "unsubscribe")
    if isinstance(subscriber_id, Response):
        return subscriber_id
    with state(request).database.session() as session:
        subscriber = session.get(Subscriber, subscriber_id)
        if subscriber is None:
            return _gone(request)
        return page(
            request,
            "unsubscribe.html",
            headers=PRIVATE,
            token=token,
            email=subscriber.email,
            already=subscriber.unsubscribed_at is not None,
        )


async def unsubscribe_submit(request: Request) -> Response:
    return await run_in_threadpool(_unsubscribe_submit, request, await request.form())


def _unsubscribe_submit(request: Request, form: FormData) -> Response:
    one_click = form.get("List-Unsubscribe") == "One-Click"
    if not one_click:
        refused = check_csrf(request, form)
        if refused:
            return refused
    token = _form_text(form, "token") or request.query_params.get("token")
    claims = read_token(state(request).secret, token or "", "unsubscribe")
    if claims is None:
        if one_click:
            return PlainTextResponse("This unsubscribe link is not valid.\n", status_code=400)
        return refusal(
            request,
            400,
            "This link is not valid",
            "This unsubscribe link is incomplete or has been changed.",
            "Use the link exactly as it appears in an email from sendwatch.",
        )
    with state(request).database.session() as session:
        subscriber = subscriber_of_link(session, claims.subscriber_id, claims.email)
        if subscriber is not None and subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = utcnow()
    if one_click:
        return PlainTextResponse("Unsubscribed. sendwatch will send no more emails to this address.\n", status_code=200)
    return page(request, "unsubscribed.html", headers=PRIVATE, email=claims.email)
