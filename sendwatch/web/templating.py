"""The web templates' jinja2 environment: autoescape always on, safe filters for scraped data.

Scraped titles and quotes are hostile input: they are only ever inserted as escaped text, and
links taken from them pass ``safe_url`` (absolute http(s) only). Dates are shown as people in
England read them, in Europe/London time.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from alerts.render import long_date, money, safe_url
from sendwatch.core.vocabulary import STATUS_LABELS, STATUSES

LONDON = ZoneInfo("Europe/London")
# Characters no HTML or XML page may carry (papers' text extraction sometimes yields them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def templates_dir() -> Path:
    """``templates/web``, installed as part of the ``sendwatch.templates`` package."""
    try:
        from importlib.resources import files

        installed = Path(str(files("sendwatch.templates"))) / "web"
        if installed.is_dir():
            return installed
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "templates" / "web"


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "No status yet")


def local_time(moment: dt.datetime | None) -> str:
    """'3 March 2025, 14:05' in London time; '' when unknown."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y, %H:%M}"


def iso_time(moment: dt.datetime | dt.date | None) -> str:
    """RFC 3339 for feeds and <time datetime=...>."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def shorten(text: object, limit: int = 280) -> str:
    """Whitespace folded and long text cut at a word, for quotes in tables."""
    words = " ".join(str(text or "").split())
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0] + "…"


def drop_controls(value: object) -> object:
    """Every printed value loses control characters (a feed with one is not XML at all)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROL.sub("", value)
    return value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,  # every template, HTML and Atom alike
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=drop_controls,
    )
    env.filters.update(
        safe_url=safe_url, long_date=long_date, money=money, status_label=status_label,
        local_time=local_time, iso_time=iso_time, shorten=shorten,
    )
    env.globals.update(STATUSES=STATUSES, STATUS_LABELS=STATUS_LABELS)
    return env


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
