"""The web app's defences on their own: CSRF tokens, the rate limiter, confirmation tokens."""

from __future__ import annotations

import datetime as dt

from sendwatch.web.security import (
    RateLimiter,
    SignupRequest,
    csrf_token,
    csrf_valid,
    make_confirmation_token,
    read_confirmation_token,
    superseded,
)

SECRET = b"unit-test-secret"
ISSUED = dt.datetime(2025, 3, 3, 9, 30, 15, 123456, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(hours=48)


def request(**changes) -> SignupRequest:  # type: ignore[no-untyped-def]
    values = dict(
        subscriber_id=7,
        email="reporter@news.example.org",
        councils=["northshire"],
        statuses=["ems"],
        frequency="immediate",
        issued_at=ISSUED,
    )
    values.update(changes)
    return SignupRequest(**values)


def test_csrf_token_matches_only_its_own_cookie_and_secret() -> None:
    token = csrf_token(SECRET, "cookie-a")
    assert csrf_valid(SECRET, "cookie-a", token)
    assert not csrf_valid(SECRET, "cookie-b", token)
    assert not csrf_valid(b"other-secret", "cookie-a", token)
    assert not csrf_valid(SECRET, None, token)
    assert not csrf_valid(SECRET, "cookie-a", None)


def test_rate_limiter_allows_the_limit_per_window_per_key() -> None:
    now = [1000.0]
    limiter = RateLimiter(limit=2, window_seconds=60, clock=lambda: now[0])
    assert limiter.allow("10.0.0.1") and limiter.allow("10.0.0.1")
    assert not limiter.allow("10.0.0.1")
    assert limiter.allow("10.0.0.2")  # another client is not affected
    now[0] += 61
    assert limiter.allow("10.0.0.1")


def test_confirmation_token_round_trips_the_request() -> None:
    token = make_confirmation_token(SECRET, request())
    check = read_confirmation_token(SECRET, token, ISSUED + dt.timedelta(hours=1), DAY)
    assert check.problem is None
    assert check.request.councils == ["northshire"] and check.request.statuses == ["ems"]
    assert check.request.issued_at == ISSUED.replace(microsecond=123000)


def test_tampered_confirmation_token_is_invalid() -> None:
    token = make_confirmation_token(SECRET, request())
    payload, signature = token.split(".")
    forged = make_confirmation_token(SECRET, request(councils=None)).split(".")[0] + "." + signature
    assert read_confirmation_token(SECRET, forged, ISSUED, DAY).problem == "invalid"
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    assert read_confirmation_token(SECRET, flipped, ISSUED, DAY).problem == "invalid"
    assert read_confirmation_token(b"another-secret", token, ISSUED, DAY).problem == "invalid"
    for junk in ("", "no-dot", "a.b.c", None, "%%%.$$$"):
        assert read_confirmation_token(SECRET, junk, ISSUED, DAY).problem == "invalid"


def test_confirmation_token_expires() -> None:
    token = make_confirmation_token(SECRET, request())
    assert read_confirmation_token(SECRET, token, ISSUED + dt.timedelta(hours=47), DAY).problem is None
    assert read_confirmation_token(SECRET, token, ISSUED + dt.timedelta(hours=49), DAY).problem == "expired"


def test_a_later_confirmation_or_unsubscription_supersedes_a_link() -> None:
    signup = read_confirmation_token(SECRET, make_confirmation_token(SECRET, request()), ISSUED, DAY).request
    assert not superseded(signup, None, None)
    assert not superseded(signup, ISSUED - dt.timedelta(days=3), None)  # confirmed before this sign-up
    assert superseded(signup, ISSUED + dt.timedelta(seconds=5), None)  # this link (or a newer one) was used
    assert superseded(signup, None, ISSUED + dt.timedelta(minutes=1))  # stopped after asking
