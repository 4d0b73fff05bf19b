"""Turn change events and digests into complete RFC 5322 messages, safely.

Scraped text is hostile input. Three rules keep it inert:

* every HTML template is rendered with autoescaping on (a separate environment, without
  autoescape, renders only the ``.txt`` parts, where markup means nothing);
* links taken from scraped data pass ``safe_url`` (``sendwatch.core.formatting``): only absolute
  http(s) URLs survive, anything else (``javascript:``, ``data:``, relative, with spaces or
  control characters) is dropped;
* headers are built with the standard ``email`` package from values passed through
  ``header_text``, which folds every run of whitespace and control characters (CR, LF, ...)
  into one space, so no value can start a header of its own.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from functools import lru_cache

import jinja2

from alerts.figures import FigureView
from alerts.keywords import KeywordMatch
from sendwatch.core.config import Config
from sendwatch.core.formatting import header_text, money, safe_url, status_label
from sendwatch.core.templating import make_environment

# --------------------------------------------------------------------------- templates


@lru_cache(maxsize=1)
def _environments() -> tuple[jinja2.Environment, jinja2.Environment]:
    """HTML parts autoescaped; plain-text parts without (markup means nothing there)."""
    return make_environment("email", strict=False), make_environment("email", autoescape=False, strict=False)


def render_pair(name: str, **context: object) -> tuple[str, str]:
    """Render ``name.html`` (autoescaped) and ``name.txt``; both get the same context."""
    html_env, text_env = _environments()
    return html_env.get_template(f"{name}.html").render(**context), text_env.get_template(f"{name}.txt").render(**context)


def render_text(name: str, **context: object) -> str:
    """Render a template that is not HTML (``.txt``, ``.md``: no autoescape; Markdown escapes
    with its own filters, ``md`` and ``md_link``)."""
    _, text_env = _environments()
    return text_env.get_template(name).render(**context)


# --------------------------------------------------------------------------- messages


@dataclass
class Links:
    """The per-recipient links every email carries."""

    unsubscribe: str
    manage: str


def subscriber_links(config: Config, unsubscribe_token: str, manage_token: str) -> Links:
    base = config.web.base_url.rstrip("/")
    return Links(unsubscribe=f"{base}/unsubscribe?token={unsubscribe_token}", manage=f"{base}/manage?token={manage_token}")


def message_id_for(config: Config, key: str) -> str:
    """A fixed Message-ID derived from the outbox key, in the sender's domain."""
    _, address = email.utils.parseaddr(config.mail.from_)
    domain = address.rpartition("@")[2] or "sendwatch.invalid"
    domain = re.sub(r"[^A-Za-z0-9.-]", "", domain) or "sendwatch.invalid"
    return f"<{key[:40]}@{domain}>"


def build_message(
    config: Config,
    *,
    to: str,
    subject: str,
    html: str,
    text: str,
    message_id: str,
    links: Links | None,
    now: dt.datetime,
) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) with safe, standard headers.

    An address with a non-ASCII local part (accepted only with ``mail.smtputf8``) can only be
    written as UTF-8 headers, so such a message is built for an SMTPUTF8 relay.
    """
    message = EmailMessage(policy=email.policy.SMTP if to.isascii() else email.policy.SMTPUTF8)
    message["From"] = header_text(config.mail.from_, 320)
    message["To"] = header_text(to, 320)
    message["Subject"] = header_text(subject)
    message["Date"] = email.utils.format_datetime(now.astimezone(dt.timezone.utc))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    if links is not None:
        message["List-Unsubscribe"] = f"<{links.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def raw_message(message: EmailMessage) -> str:
    """The message as CRLF text: ASCII only (quoted-printable bodies, encoded headers), except the
    UTF-8 headers of a message built for SMTPUTF8."""
    if getattr(message.policy, "utf8", False):
        return message.as_bytes(policy=email.policy.SMTPUTF8).decode("utf-8")
    return message.as_bytes(policy=email.policy.SMTP).decode("ascii")


# --------------------------------------------------------------------------- alert content


@dataclass
class ChangeView:
    """One status change as an email shows it."""

    council_name: str
    council_slug: str
    old_status: str | None
    new_status: str
    since: dt.date | None
    evidence: list[dict]
    figures: list[dict]
    papers_url: str | None
    council_page: str | None = None


def alert_subject(changes: list[ChangeView], papers: Sequence[KeywordMatch] = (), figures: Sequence[FigureView] = ()) -> str:
    """Name the council(s) and the new status: the first thing a reporter sees; for figure moves,
    the council, the figure and which way it went; for a saved search alone, the search and the
    councils whose new papers match it."""
    if not changes and figures:
        move = figures[0]
        words = f"{move.council_name}: {move.what} {'up' if move.rose else 'down'} {money(abs(move.difference_gbp))}"
        return words + (f" (and {len(figures) - 1} more figure{'s' if len(figures) > 2 else ''})" if len(figures) > 1 else "")
    if not changes and papers:
        queries = list(dict.fromkeys(paper.query for paper in papers))
        councils = list(dict.fromkeys(paper.council_name for paper in papers))
        what = f"“{queries[0]}”" if len(queries) == 1 else f"{len(queries)} of your searches"
        return (
            f"New papers match {what}: "
            + ", ".join(councils[:3])
            + (f" and {len(councils) - 3} more" if len(councils) > 3 else "")
        )
    if len(changes) == 1:
        change = changes[0]
        return f"{change.council_name}: now {status_label(change.new_status)}"
    parts = [f"{change.council_name} ({status_label(change.new_status)})" for change in changes]
    return f"{len(changes)} councils changed status: " + "; ".join(parts)


def render_alert(
    config: Config,
    changes: list[ChangeView],
    links: Links,
    papers: Sequence[KeywordMatch] = (),
    figures: Sequence[FigureView] = (),
) -> tuple[str, str, str]:
    """Subject, HTML and text of one immediate alert covering ``changes``, the ``figures`` that
    moved and the new ``papers`` the subscriber's saved searches found."""
    subject = alert_subject(changes, papers, figures)
    html, text = render_pair(
        "alert",
        subject=header_text(subject),
        changes=changes,
        keyword_papers=list(papers),
        figure_moves=list(figures),
        links=links,
        base_url=safe_url(config.web.base_url),
    )
    return subject, html, text


def render_alert_notification(
    config: Config,
    changes: list[ChangeView],
    links: Links,
    papers: Sequence[KeywordMatch] = (),
    figures: Sequence[FigureView] = (),
) -> tuple[str, str]:
    """The same alert for Apprise, as Markdown (``alert.md``, for services that show Markdown or
    HTML) and as plain text (``alert.txt`` without the email's first line and footer, for services
    that show text: ``alerts.channels``)."""
    context = dict(
        changes=changes,
        keyword_papers=list(papers),
        figure_moves=list(figures),
        links=links,
        base_url=safe_url(config.web.base_url),
    )
    return render_text("alert.md", **context), render_text("alert.txt", notification=True, **context)
