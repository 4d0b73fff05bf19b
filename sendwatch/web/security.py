"""The web app's defences: CSRF tokens, sign-up rate limits and expiring confirmation links.

Why each exists:

* **CSRF.** Every form carries a token tied to a random cookie by an itsdangerous signature with
  sendwatch's secret (the "signed double submit" pattern): another site can make a browser post
  a form, but cannot read the cookie to make the matching token. Nothing is stored server-side.
* **Rate limits.** Sign-up sends email to an address someone typed, so it is limited per client
  address in memory (a sliding window); the number of confirmation emails per address is limited
  separately from the outbox, so a restart cannot be used to mail-bomb anyone.
* **Confirmation links.** Subscriber tokens never expire (an unsubscribe link must work forever).
  A confirmation link must: it carries the subscription asked for and when it was issued, signed
  together (``sendwatch.core.tokens``, purpose ``confirm``), and is refused once older than
  ``web.confirm_hours`` or once a later confirmation or unsubscription of that address has
  superseded it (replay).
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import Signer

from sendwatch.core.tokens import sign, unsign

CSRF_COOKIE = "sendwatch_csrf"
CSRF_FIELD = "csrf_token"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------- CSRF


def new_csrf_cookie() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(32)


def _csrf_signer(secret: bytes) -> Signer:
    return Signer(secret, salt="sendwatch.csrf", key_derivation="hmac", digest_method=hashlib.sha256)


def csrf_token(secret: bytes, cookie_value: str) -> str:
    """The form token that matches ``cookie_value``; only the holder of the secret can make it."""
    return _csrf_signer(secret).get_signature(cookie_value.encode("utf-8")).decode("ascii")


def csrf_valid(secret: bytes, cookie_value: str | None, submitted: str | None) -> bool:
    """True when a form's token matches the browser's CSRF cookie."""
    if not cookie_value or not submitted:
        return False
    try:
        return _csrf_signer(secret).verify_signature(cookie_value.encode("utf-8"), submitted.encode("ascii"))
    except UnicodeError:
        return False


# --------------------------------------------------------------------------- rate limiting


class RateLimiter:
    """At most ``limit`` events per ``window_seconds`` per key, counted in this process.

    A sliding window of timestamps per key; old keys are dropped as they empty, so memory stays
    bounded by the number of recent clients. ``clock`` is injectable for tests.
    """

    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._hits: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Record an attempt for ``key``; False when it is over the limit (the attempt is not counted)."""
        now = self.clock()
        with self._lock:
            self._forget_before(now - self.window)
            hits = self._hits.setdefault(key, collections.deque())
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def _forget_before(self, cutoff: float) -> None:
        for key in list(self._hits):
            hits = self._hits[key]
            while hits and hits[0] <= cutoff:
                hits.popleft()
            if not hits:
                del self._hits[key]


# --------------------------------------------------------------------------- confirmation links


@dataclass(frozen=True)
class SignupRequest:
    """What someone asked for on the sign-up form, carried inside the confirmation link."""

    subscriber_id: int
    email: str
    councils: list[str] | None  # None: every council
    statuses: list[str] | None  # None: every change
    frequency: str
    issued_at: dt.datetime
    queries: list[str] | None = None  # saved searches (keyword alerts)


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of reading a link's token: the request, or why it was refused."""

    request: SignupRequest | None
    problem: str | None = None  # "invalid" | "expired"


def make_confirmation_token(secret: bytes, request: SignupRequest) -> str:
    """A URL-safe token carrying ``request``, signed so it cannot be altered."""
    return sign(
        secret,
        "confirm",
        {
            "s": request.subscriber_id,
            "e": request.email.lower(),
            "c": request.councils,
            "st": request.statuses,
            "f": request.frequency,
            "q": request.queries,
            "t": (request.issued_at - EPOCH) // dt.timedelta(milliseconds=1),
            "n": secrets.token_urlsafe(6),
        },
    )


def read_confirmation_token(secret: bytes, token: str | None, now: dt.datetime, max_age: dt.timedelta) -> TokenCheck:
    """Check signature and age; the caller still checks replay against the subscriber's row."""
    data = unsign(secret, "confirm", token)
    if data is None:
        return TokenCheck(None, "invalid")
    try:
        issued = EPOCH + dt.timedelta(milliseconds=int(data["t"]))
        request = SignupRequest(
            subscriber_id=int(data["s"]),
            email=str(data["e"]),
            councils=_optional_strings(data["c"]),
            statuses=_optional_strings(data["st"]),
            frequency=str(data["f"]),
            issued_at=issued,
            queries=_optional_strings(data.get("q")),
        )
    except (ValueError, KeyError, TypeError, OverflowError):
        return TokenCheck(None, "invalid")
    if now - issued > max_age or issued - now > dt.timedelta(minutes=5):
        return TokenCheck(request, "expired")
    return TokenCheck(request)


def superseded(request: SignupRequest, confirmed_at: dt.datetime | None, unsubscribed_at: dt.datetime | None) -> bool:
    """True when the address was confirmed or unsubscribed after this link was issued (a replay).

    Token times are kept to the millisecond, so stored times are cut to the millisecond too.
    """
    later = [moment for moment in (confirmed_at, unsubscribed_at) if moment is not None]
    return any(moment.replace(microsecond=moment.microsecond // 1000 * 1000) >= request.issued_at for moment in later)


def _optional_strings(value: object) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of strings")
    return list(value)
