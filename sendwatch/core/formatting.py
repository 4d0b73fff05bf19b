"""How sendwatch writes values for people, the same in emails, the web app and the terminal.

Scraped text is hostile input: links taken from papers pass ``safe_url`` (absolute http(s) URLs
only) before any template or header sees them, and text written into Markdown (the Apprise
notifications) passes ``markdown_text`` / ``markdown_link``, so a quote can neither format
itself nor smuggle in a link or raw HTML. Amounts are written the way papers and reporters
say them, dates as people in England read them (Europe/London time for moments).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sendwatch.core.vocabulary import HEALTH_NOTES, QUIET_WORDS, STATUS_LABELS

LONDON = ZoneInfo("Europe/London")
MAX_HEADER = 200
_CONTROL_OR_SPACE = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029\u0085]+")
# Characters that mean something anywhere in a line of Markdown (emphasis, code, links, images,
# raw HTML and autolinks, strikethrough, tables), and an ``&`` that would start an entity (written
# ``&amp;``: Python-Markdown keeps a backslash-escaped ``&`` as a bare one, so ``&lt;`` would still
# read as ``<``).
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>~|])|&(?=#?[0-9A-Za-z]{1,32};)")
# What makes a line a heading, quote, list item or rule when it starts one.
_MARKDOWN_LINE_START = re.compile(r"^(?:([#>+=-])|(\d{1,9})([.)]))")


def safe_url(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host and no spaces or controls, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or _CONTROL_OR_SPACE.search(url) or '"' in url or "<" in url or ">" in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def looks_like_pdf(url: str) -> bool:
    """Whether a link's path names a PDF (for stored evidence that predates its paper's kind)."""
    return url.lower().split("?", 1)[0].split("#", 1)[0].endswith(".pdf")


def page_link(url: str, page: int | None, *, is_pdf: bool) -> str:
    """The link to a quoted page: a PDF opens at ``#page=N`` (any fragment it had is replaced);
    other papers, and quotes with no page, link to the paper itself."""
    if is_pdf and isinstance(page, int) and page > 0:
        return f"{url.split('#', 1)[0]}#page={page}"
    return url


def status_label(status: str | None) -> str:
    """The words for a status (``vocabulary.STATUS_LABELS``); an unknown one as it is spelt."""
    return STATUS_LABELS.get(status or "", status or "No status yet")


def status_words(status: str | None, health: str | None) -> str:
    """A status as people read it: "No programme news" only for a council checked and quiet;
    one never checked, failing, blocked or not watched says that instead."""
    if (status or "none") == "none" and health in QUIET_WORDS:
        return QUIET_WORDS[health]
    return status_label(status)


def health_note(status: str | None, health: str | None) -> str:
    """What to say beside a status found earlier when the latest crawl did not read the council
    ('last check failed'); '' when nothing needs saying (or ``status_words`` said it already)."""
    if (status or "none") == "none":
        return ""
    return HEALTH_NOTES.get(health or "", "")


def long_date(value: object) -> str:
    """'12 September 2024' from a date or an ISO date string; '' when unknown."""
    if isinstance(value, str):
        try:
            return long_date(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return ""


def local_time(moment: dt.datetime | None) -> str:
    """'3 March 2025, 14:05' in London time; '' when unknown."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y, %H:%M}"


def short_time(moment: dt.datetime | None) -> str:
    """'2026-11-29 14:05' in London time, for terminal tables; '' when unknown."""
    if moment is None:
        return ""
    return f"{moment.astimezone(LONDON):%Y-%m-%d %H:%M}"


def iso_seconds(moment: dt.datetime | None) -> str | None:
    """ISO 8601 UTC to the second ('2026-11-29T14:05:00Z') for machine outputs; None when unknown."""
    return iso_time(moment.replace(microsecond=0)) if moment else None


def iso_time(moment: dt.datetime | dt.date | None) -> str:
    """RFC 3339 for feeds and <time datetime=...>."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def money(amount: object) -> str:
    """£6.2m, £950k or £107,739: how papers and reporters say amounts."""
    if not isinstance(amount, (int, float, str, Decimal)):
        return ""
    try:
        value = float(amount)
    except ValueError:
        return ""
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m".replace(".0m", "m")
    if abs(value) >= 100_000:
        return f"£{value / 1000:,.0f}k"
    return f"£{value:,.0f}"


def names_list(names: list[str], shown: int = 12) -> str:
    """ "Eastbury, Northshire and Westford": names as a sentence says them; past ``shown`` names,
    the rest are counted ("… and 8 more") so a long list does not swamp the message."""
    if len(names) > shown:
        return f"{', '.join(names[:shown])} and {len(names) - shown} more"
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return "".join(names)


def header_text(value: object, limit: int = MAX_HEADER) -> str:
    """One line of (header) text: controls and whitespace runs become one space, so no value can
    start a header of its own; long text is cut."""
    text = _CONTROL_OR_SPACE.sub(" ", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def markdown_escape(text: str, *, line_start: bool = True) -> str:
    """``text`` made inert in Markdown (CommonMark, and the Python-Markdown Apprise renders HTML
    with): every character that could start emphasis, code, a link, an image or raw HTML is
    backslash-escaped, and (``line_start``: the text may begin a line) so is whatever would make
    it a heading, quote or list item. Ordinary punctuation (full stops, hyphens, brackets) is left
    alone, so services that show the Markdown as it is still read well."""
    escaped = _MARKDOWN_INLINE.sub(lambda match: "\\" + match.group(1) if match.group(1) else "&amp;", text)
    if not line_start:
        return escaped
    return _MARKDOWN_LINE_START.sub(
        lambda match: "\\" + match.group(0) if match.group(1) else match.group(2) + "\\" + match.group(3), escaped
    )


def markdown_text(value: object, limit: int = MAX_HEADER) -> str:
    """One line of text from a paper or a person (``header_text``), safe to write into Markdown."""
    return markdown_escape(header_text(value, limit))


def markdown_link(label: object, url: object, limit: int = MAX_HEADER) -> str:
    """``[label](url)`` with the label escaped and the URL passed through ``safe_url`` (written as
    ``<url>``, so brackets in it cannot end the link early); the label alone when the URL is unsafe."""
    text = markdown_text(label, limit)
    link = safe_url(url)
    return f"[{text}](<{link}>)" if link else text


def http_date(text: str) -> dt.datetime | None:
    """An HTTP date ("Wed, 02 Dec 2026 17:00:00 GMT") as an aware datetime, None if unreadable;
    a date without a zone is taken as UTC, as HTTP dates always are."""
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)
