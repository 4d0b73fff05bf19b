"""Signed links: itsdangerous tokens, one purpose each, and the tokens sendwatch made before them
still read (links in emails already sent keep working)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

from sendwatch.core.tokens import make_token, read_token, sign, unsign
from sendwatch.web.security import SignupRequest, make_confirmation_token, read_confirmation_token

SECRET = b"a-secret-for-tests-only"
DAY = dt.timedelta(hours=48)
ISSUED = dt.datetime(2026, 3, 1, 9, 30, 0, 123000, tzinfo=dt.timezone.utc)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def old_format(context: bytes, data: dict) -> str:
    """A token as sendwatch signed them by hand before itsdangerous: b64(payload).b64(HMAC)."""
    payload = json.dumps(data, separators=(",", ":")).encode("utf-8")
    return f"{b64(payload)}.{b64(hmac.new(SECRET, context + payload, hashlib.sha256).digest())}"


def test_a_subscriber_token_round_trips_for_its_purpose_only() -> None:
    token = make_token(SECRET, 12, "Reader@Example.org", "unsubscribe")
    claims = read_token(SECRET, token, "unsubscribe")
    assert claims is not None and (claims.subscriber_id, claims.email, claims.purpose) == (
        12,
        "reader@example.org",
        "unsubscribe",
    )
    assert read_token(SECRET, token, "manage") is None
    assert read_token(b"another-secret", token, "unsubscribe") is None


def test_unsubscribe_and_manage_links_from_emails_already_sent_still_work() -> None:
    for purpose in ("unsubscribe", "manage"):
        old = old_format(b"sendwatch-token\0", {"s": 7, "e": "reader@example.org", "p": purpose})
        claims = read_token(SECRET, old, purpose)
        assert claims is not None and (claims.subscriber_id, claims.email) == (7, "reader@example.org")
        other = "manage" if purpose == "unsubscribe" else "unsubscribe"
        assert read_token(SECRET, old, other) is None  # an old token still does one job
        assert read_token(b"another-secret", old, purpose) is None
        assert read_token(SECRET, old[:-2] + ("A" if old[-2] != "A" else "B") + old[-1], purpose) is None


def test_a_confirmation_link_from_an_email_already_sent_still_works() -> None:
    old = old_format(
        b"sendwatch-web-confirm\0",
        {
            "s": 3,
            "e": "new@example.org",
            "c": ["northshire"],
            "st": None,
            "f": "weekly",
            "t": (ISSUED - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)) // dt.timedelta(milliseconds=1),
            "n": "abcd",
        },
    )
    check = read_confirmation_token(SECRET, old, ISSUED + dt.timedelta(hours=1), DAY)
    assert check.problem is None and check.request is not None
    assert (check.request.subscriber_id, check.request.councils, check.request.frequency) == (3, ["northshire"], "weekly")
    assert check.request.issued_at == ISSUED
    assert read_token(SECRET, old, "unsubscribe") is None  # a confirmation is no unsubscribe link


def test_new_tokens_are_not_the_old_format() -> None:
    token = make_token(SECRET, 7, "reader@example.org", "manage")
    old = old_format(b"sendwatch-token\0", {"s": 7, "e": "reader@example.org", "p": "manage"})
    assert token != old and token.count(".") == 1


def test_purposes_are_kept_apart_for_any_payload() -> None:
    token = sign(SECRET, "confirm", {"x": 1})
    assert unsign(SECRET, "confirm", token) == {"x": 1}
    assert unsign(SECRET, "manage", token) is None
    for junk in ("", "no-dot", "a.b.c", None, "%%%.$$$", "é.é"):
        assert unsign(SECRET, "confirm", junk) is None


def test_a_confirmation_token_names_the_request() -> None:
    request = SignupRequest(5, "a@example.org", None, ["ems"], "immediate", ISSUED)
    check = read_confirmation_token(SECRET, make_confirmation_token(SECRET, request), ISSUED, DAY)
    assert check.problem is None and check.request == request
