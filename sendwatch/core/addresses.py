"""Email addresses, checked one way everywhere: the config file, the CLI, the web form, the mailer.

Why one module: an address that one door lets in and the mail relay cannot carry stops mail
for everyone behind it. The rules (RFC 5321/5322 syntax through ``email-validator``, no
deliverability look-ups):

* the domain may be internationalised; it is stored IDNA-encoded (``xn--...``), which every
  relay carries, and compared case-insensitively;
* a non-ASCII local part (``jöhn@...``) needs a relay that speaks SMTPUTF8, so it is accepted
  only when ``mail.smtputf8`` says the relay does;
* no quoted local parts, IP-literal domains, control characters or NUL: none of them has a
  place in a subscription list, and several break databases or headers.

Config read: ``mail.smtputf8`` (passed in by callers as ``smtputf8``).
"""

from __future__ import annotations

from dataclasses import dataclass

import email_validator
import idna

MAX_LENGTH = 254


class AddressError(ValueError):
    """Not an address sendwatch can deliver to; the message says why, for a person."""


def check_address(text: str, *, smtputf8: bool = False) -> str:
    """The address in the form sendwatch stores, or ``AddressError``.

    The local part is kept as written; an internationalised domain becomes its ASCII (IDNA)
    form, so the envelope, the headers and look-ups all agree.
    """
    if not isinstance(text, str):
        raise AddressError("an email address must be text")
    address = text.strip()
    if not address:
        raise AddressError("an email address is needed")
    if any(ord(char) < 32 or ord(char) == 127 for char in address):
        raise AddressError(f"{_shown(address)} contains control characters")
    if len(address) > MAX_LENGTH:
        raise AddressError(f"{_shown(address)} is longer than {MAX_LENGTH} characters")
    try:
        checked = email_validator.validate_email(
            address,
            check_deliverability=False,
            allow_smtputf8=True,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
        )
    except email_validator.EmailNotValidError as error:
        raise AddressError(f"{_shown(address)} is not an email address: {error}") from None
    local, _, domain = address.rpartition("@")
    if not local.isascii() and not smtputf8:
        raise AddressError(
            f"{_shown(address)} has accented or non-Latin letters before the @, which this site's "
            "mail server cannot deliver (mail.smtputf8 is off)"
        )
    ascii_domain = domain if domain.isascii() else checked.ascii_domain
    return f"{local}@{ascii_domain}"


@dataclass(frozen=True)
class Envelope:
    """How an address travels in SMTP: ASCII domain, and whether SMTPUTF8 is needed."""

    address: str
    needs_smtputf8: bool


def envelope_address(stored: str) -> Envelope:
    """The address for MAIL/RCPT: domain IDNA-encoded (rows made before this check existed may
    hold a Unicode domain); ``needs_smtputf8`` when the local part is not ASCII."""
    local, _, domain = stored.strip().rpartition("@")
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            raise AddressError(f"{_shown(stored)} has a domain that cannot be encoded: {error}") from None
    return Envelope(f"{local}@{domain}", not local.isascii())


def same_address_key(text: str) -> str:
    """What two spellings of one address share: stripped, domain IDNA-encoded, lower case."""
    try:
        return envelope_address(text).address.lower()
    except AddressError:
        return text.strip().lower()


def _shown(address: str) -> str:
    """The address as quoted in a message: repr makes controls and NULs visible, never live."""
    return repr(address[:80] + ("…" if len(address) > 80 else ""))
