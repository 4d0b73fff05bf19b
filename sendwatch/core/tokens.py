"""Signed links: the token in every unsubscribe, manage and confirmation link, and in the link
to a weekly digest narrowed to a subscriber's councils.

A token carries what the link is about (a subscriber, or the subscription asked for) and a
signature made by itsdangerous with sendwatch's secret and one salt per purpose, so nobody
without the secret can make one, alter one, or use one link for another's job. Subscriber
tokens do not expire: an unsubscribe link in a two-year-old email must still work (confirmation
links carry their own issue time, checked by the web app). A digest view token carries only
the digest's number and the councils' slugs, never an address, and does not expire either.

Tokens made before sendwatch signed with itsdangerous (an HMAC-SHA256 written by hand, in the
same ``payload.signature`` shape) are still read, so links in emails already sent keep working;
every new token is itsdangerous's.

Where the secret comes from: the environment variable named by ``config.web.secret_env``
(``SENDWATCH_SECRET`` by default). If it is unset, a random secret is generated once and kept
in ``<data_dir>/secret.key`` (mode 0600), so the embedded default configuration works out of
the box and links stay valid across restarts. Set the variable in production: whoever can read
that file can unsubscribe anyone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from itsdangerous import BadSignature, Signer

from sendwatch.core.config import Config

SECRET_FILE_NAME = "secret.key"
Purpose = Literal["unsubscribe", "manage", "confirm", "digest"]
PURPOSES: tuple[Purpose, ...] = get_args(Purpose)

# What the hand-made signatures of older tokens were keyed with, per purpose (a purpose that came
# after them has none).
_LEGACY_CONTEXT: dict[Purpose, bytes] = {
    "unsubscribe": b"sendwatch-token\0",
    "manage": b"sendwatch-token\0",
    "confirm": b"sendwatch-web-confirm\0",
}


@dataclass(frozen=True)
class TokenClaims:
    subscriber_id: int
    email: str
    purpose: Purpose


def signing_secret(config: Config) -> bytes:
    """The secret from the environment, else the generated one kept under ``data_dir``."""
    from_env = config.web.secret()
    if from_env:
        return from_env.encode("utf-8")
    return _secret_file(config.local_dir / SECRET_FILE_NAME)


def _secret_file(path: Path) -> bytes:
    """Read the secret file, creating it (0600, atomically) the first time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="ascii").strip()
        if not secret:
            raise RuntimeError(f"the secret file {path} is empty; delete it to make a new one") from None
        return secret.encode("ascii")
    secret = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    return secret.encode("ascii")


# --------------------------------------------------------------------------- any signed payload


def sign(secret: bytes, purpose: Purpose, data: dict[str, Any]) -> str:
    """A URL-safe token carrying ``data`` (JSON), signed for ``purpose`` only."""
    payload = json.dumps(data, separators=(",", ":")).encode("utf-8")
    return _signer(secret, purpose).sign(_b64_text(payload).encode("ascii")).decode("ascii")


def unsign(secret: bytes, purpose: Purpose, token: str | None) -> dict[str, Any] | None:
    """The data of a token signed for ``purpose`` (today's or an older sendwatch's), or None for
    anything forged, altered, malformed or made for another purpose."""
    if not isinstance(token, str) or token.count(".") != 1:
        return None
    payload: bytes | None
    try:
        payload = _b64_bytes(_signer(secret, purpose).unsign(token.encode("ascii")).decode("ascii"))
    except BadSignature:
        payload = _legacy_payload(secret, purpose, token)
    except (UnicodeError, ValueError):
        return None
    if payload is None:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _signer(secret: bytes, purpose: Purpose) -> Signer:
    return Signer(secret, salt=f"sendwatch.{purpose}", key_derivation="hmac", digest_method=hashlib.sha256)


def _legacy_payload(secret: bytes, purpose: Purpose, token: str) -> bytes | None:
    """The payload of a token signed the way sendwatch did before itsdangerous, or None."""
    payload_part, signature_part = token.split(".", 1)
    try:
        payload, signature = _b64_bytes(payload_part), _b64_bytes(signature_part)
    except ValueError:
        return None
    context = _LEGACY_CONTEXT.get(purpose)
    if context is None:
        return None
    expected = hmac.new(secret, context + payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        return None
    if purpose != "confirm":  # subscriber tokens of that format named their purpose inside
        try:
            named = json.loads(payload).get("p")
        except (ValueError, AttributeError):
            return None
        if named != purpose:
            return None
    return payload


def _b64_text(data: bytes) -> str:
    """URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_bytes(text: str) -> bytes:
    """The inverse of ``_b64_text``; raises ValueError on malformed input."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, UnicodeError) as error:
        raise ValueError(str(error)) from None


# --------------------------------------------------------------------------- subscriber links


def make_token(secret: bytes, subscriber_id: int, email: str, purpose: Purpose) -> str:
    """A URL-safe token for one subscriber and one purpose."""
    if purpose not in PURPOSES or purpose == "digest":  # a digest view names no subscriber
        raise ValueError(f"unknown token purpose {purpose!r}")
    return sign(secret, purpose, {"s": subscriber_id, "e": email.lower()})


def read_token(secret: bytes, token: str, purpose: Purpose) -> TokenClaims | None:
    """The claims of a valid token for ``purpose``, or None for anything forged, altered or malformed."""
    data = unsign(secret, purpose, token)
    if data is None:
        return None
    try:
        return TokenClaims(subscriber_id=int(data["s"]), email=str(data["e"]), purpose=purpose)
    except (ValueError, KeyError, TypeError):
        return None


# --------------------------------------------------------------------------- digest views


@dataclass(frozen=True)
class DigestView:
    """Which week's digest, narrowed to which councils (``councils``: slugs, sorted, comma-separated)."""

    digest_id: int
    councils: str


def make_digest_view_token(secret: bytes, view: DigestView) -> str:
    """The token of a link to one week's digest narrowed to some councils (the same every time)."""
    return sign(secret, "digest", {"d": view.digest_id, "c": view.councils})


def read_digest_view_token(secret: bytes, token: str | None) -> DigestView | None:
    """The view a token names, or None for anything forged, altered, malformed or made for another purpose."""
    data = unsign(secret, "digest", token)
    if data is None:
        return None
    digest_id, councils = data.get("d"), data.get("c")
    if not isinstance(digest_id, int) or isinstance(digest_id, bool) or not isinstance(councils, str):
        return None
    return DigestView(digest_id, councils)
