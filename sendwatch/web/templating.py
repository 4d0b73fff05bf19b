"""The web templates' jinja2 environment: autoescape always on, safe filters for scraped data.

Made by ``sendwatch.core.templating`` with the same filters as the emails. Scraped titles and
quotes are hostile input: they are only ever inserted as escaped text, and links taken from them
pass ``safe_url`` (absolute http(s) only). Every printed value loses the control characters that
no HTML or XML page may carry.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from markupsafe import Markup

from sendwatch.core.templating import make_environment

# Characters no HTML or XML page may carry (papers' text extraction sometimes yields them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


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
    """Every template, HTML and Atom alike, autoescaped and strict about missing names."""
    return make_environment("web", filters={"shorten": shorten}, finalize=drop_controls)


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
