"""Signed, unguessable tokens for the unsubscribe and manage links in every email.

A token names a subscriber (id and email) and a purpose, and carries an HMAC-SHA256 over both
made with sendwatch's secret; nobody without the secret can make one for someone else. Tokens
do not expire: an unsubscribe link in a two-year-old email must still work.

Where the secret comes from: the environment variable named by ``config.web.secret_env``
(``SENDWATCH_SECRET`` by default). If it is unset, a random secret is generated once and kept
in ``<data_dir>/secret.key`` (mode 0600), so the embedded default configuration works out of
the box and links stay valid across restarts. Set the variable in production: whoever can read
that file can unsubscribe anyone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sendwatch.core.config import Config

SECRET_FILE_NAME = "secret.key"
PURPOSES = ("unsubscribe", "manage", "confirm")


@dataclass(frozen=True)
class TokenClaims:
    subscriber_id: int
    email: str
    purpose: str


def signing_secret(config: Config) -> bytes:
    """The secret from the environment, else the generated one kept under ``data_dir``."""
    from_env = config.web.secret()
    if from_env:
        return from_env.encode("utf-8")
    return _secret_file(config.resolve(config.data_dir) / SECRET_FILE_NAME)


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


def make_token(secret: bytes, subscriber_id: int, email: str, purpose: str) -> str:
    """A URL-safe token for one subscriber and one purpose."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    payload = json.dumps({"s": subscriber_id, "e": email.lower(), "p": purpose}, separators=(",", ":")).encode("utf-8")
    return f"{b64_text(payload)}.{b64_text(_sign(secret, payload))}"


def read_token(secret: bytes, token: str, purpose: str) -> TokenClaims | None:
    """The claims of a valid token for ``purpose``, or None for anything forged, altered or malformed."""
    try:
        payload_part, signature_part = token.split(".", 1)
        payload = b64_bytes(payload_part)
        signature = b64_bytes(signature_part)
    except (ValueError, AttributeError):
        return None
    if not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    try:
        data = json.loads(payload)
        claims = TokenClaims(subscriber_id=int(data["s"]), email=str(data["e"]), purpose=str(data["p"]))
    except (ValueError, KeyError, TypeError):
        return None
    return claims if claims.purpose == purpose else None


def _sign(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"sendwatch-token\0" + payload, hashlib.sha256).digest()


def b64_text(data: bytes) -> str:
    """URL-safe base64 without padding, as tokens carry it (also used by the web app's tokens)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_bytes(text: str) -> bytes:
    """The inverse of ``b64_text``; raises ValueError on malformed input."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
