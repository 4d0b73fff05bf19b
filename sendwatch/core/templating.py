"""The jinja2 environments of emails and web pages, made by one factory with one set of filters.

Templates live in ``templates/`` (installed as the ``sendwatch.templates`` package): ``email/``
for mail, ``web/`` for the web app. Every environment gets the same filters
(``sendwatch.core.formatting``) and the status vocabulary as globals, so an email and a page say
a status, an amount or a date the same way. HTML is always autoescaped; only the plain-text
parts of emails are rendered without it, where markup means nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import jinja2

from sendwatch.core.formatting import (
    header_text,
    health_note,
    iso_time,
    local_time,
    long_date,
    markdown_link,
    markdown_text,
    money,
    names_list,
    safe_url,
    status_label,
    status_words,
)
from sendwatch.core.money import labelled
from sendwatch.core.palette import STATUS_FILL, UNKNOWN_FILL
from sendwatch.core.vocabulary import STATUS_LABELS, STATUSES

TemplateFolder = Literal["email", "web"]

FILTERS: dict[str, Callable[..., Any]] = {
    "safe_url": safe_url,
    "long_date": long_date,
    "local_time": local_time,
    "iso_time": iso_time,
    "money": money,
    "names_list": names_list,
    "status_label": status_label,
    "oneline": header_text,
    # Text from papers and people written into Markdown (Apprise notifications): escaped, one line.
    "md": markdown_text,
    "md_link": markdown_link,
    "status_words": status_words,
    "health_note": health_note,
    "labelled": labelled,
    "status_colour": lambda status: STATUS_FILL.get(status or "", UNKNOWN_FILL),
}


def templates_dir(folder: TemplateFolder) -> Path:
    """``templates/<folder>``: from the installed ``sendwatch.templates`` package, else beside the code."""
    try:
        installed = Path(str(files("sendwatch.templates"))) / folder
        if installed.is_dir():
            return installed
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "templates" / folder


def make_environment(
    folder: TemplateFolder,
    *,
    autoescape: bool = True,
    strict: bool = True,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    finalize: Callable[[Any], Any] | None = None,
) -> jinja2.Environment:
    """An environment over ``templates/<folder>`` with sendwatch's filters and vocabulary.

    ``strict``: a name the template uses but the context lacks is an error (web pages); emails
    render missing optional parts as empty instead. ``filters`` adds or replaces filters.
    """
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir(folder))),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined if strict else jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )
    environment.filters.update({**FILTERS, **(filters or {})})
    environment.globals.update(STATUSES=STATUSES, STATUS_LABELS=STATUS_LABELS)
    return environment
