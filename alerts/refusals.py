"""What a permanent (5xx) SMTP refusal is about: the recipient's address, or the relay and the message.

Why it matters: a refusal about the address suppresses that subscriber for good, so it must be
one. Relays also answer 5xx for reasons nobody's address causes: a sending quota
(``550 5.4.5 Daily sending quota exceeded``), a content or policy filter (``554 5.7.1``), a relay
that does not accept us. Those must pause sending and suppress nobody.

The verdict, from the enhanced status code (RFC 3463) where there is one, else from the words:

* ``address``: X.1.x (bad destination mailbox or system, except X.1.7/X.1.8 which are about the
  sender), X.2.1 (mailbox disabled), or a bare 550/551/553 at RCPT;
* ``relay``: everything else at RCPT (X.3 system, X.4 network/quota, X.5 protocol, X.7 policy),
  and any refusal whose text speaks of quotas, rates, limits, spam or policy;
* ``mailbox``: X.2.2 and X.2.3 (mailbox full, message too big for it): that person's mailbox,
  not their address, so the message is retried later and nobody is suppressed;
* ``message``: a refusal of the content at DATA (size, content, policy).

A sender also looks at refusals in a row (``signature``): several identical refusals for
different people are the relay talking, whatever their code says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["address", "mailbox", "relay", "message"]

_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")
_RELAY_WORDS = re.compile(
    r"quota|rate|limit|too many|exceed|spam|policy|block|blacklist|denylist|reputation|relay|"
    r"authenticat|not permitted|throttl|try again|content|virus|dmarc|spf|dkim",
    re.I,
)
_ADDRESS_LIKE = re.compile(r"<[^>]*>|\S+@\S+")
_NUMBERS = re.compile(r"\b[0-9a-f]{6,}\b|\d+", re.I)


@dataclass(frozen=True)
class Refusal:
    """A classified 5xx answer."""

    verdict: Verdict
    signature: str  # the answer with addresses and ids taken out, to compare refusals in a row
    text: str


def classify(code: int, message: str, stage: Literal["rcpt", "data"]) -> Refusal:
    """The verdict on a 5xx answer ``code message`` given at RCPT or at DATA."""
    text = f"{code} {message}".strip()
    enhanced = _ENHANCED.match(message or "")
    subject = int(enhanced.group(2)) if enhanced else None
    detail = int(enhanced.group(3)) if enhanced else None
    about_address = subject == 1 and detail not in (7, 8) or (subject == 2 and detail in (0, 1))
    if about_address:
        verdict: Verdict = "address"
    elif subject == 2:
        verdict = "mailbox"
    elif stage == "data":
        verdict = "message"
    elif subject is not None:
        verdict = "relay"
    elif _RELAY_WORDS.search(message or ""):
        verdict = "relay"
    elif code in (550, 551, 553):
        verdict = "address"
    else:
        verdict = "relay"
    return Refusal(verdict, signature(code, message), text)


def signature(code: int, message: str) -> str:
    """The answer without the addresses, queue ids and numbers that differ between recipients."""
    enhanced = _ENHANCED.match(message or "")
    rest = (message or "")[enhanced.end() :] if enhanced else (message or "")
    text = _NUMBERS.sub("#", _ADDRESS_LIKE.sub("<>", rest))
    prefix = f"{code} {enhanced.group(0).strip()}" if enhanced else str(code)
    return f"{prefix} {' '.join(text.lower().split())}"
