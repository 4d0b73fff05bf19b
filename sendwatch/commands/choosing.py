"""Naming councils on the command line: one wording, one exit code, any case, with suggestions.

Every command that takes a council slug (``crawl``, ``extract``, ``run --once``, ``probe``,
``subscribe``, ``search``) asks ``council_slugs``: a slug is matched case-insensitively
(``Kirklees`` is ``kirklees``), a name or alias as ``comparable.comparable_text`` compares them
("brighton and hove" is "Brighton & Hove", "stoke on trent" is "Stoke-on-Trent", as on the web's
find box); one that matches nothing is a usage error (exit 2) saying so in the same words
everywhere, with the nearest slugs or names (difflib) as suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import click

from sendwatch.core.comparable import comparable_text
from sendwatch.core.config import Config

SUGGESTIONS = 3


def council_slugs(config: Config, given: Iterable[str], option: str = "--council") -> list[str]:
    """The configured slugs for ``given``, in order; exit 2 naming the first unknown one."""
    by_slug = {council.slug.lower(): council.slug for council in config.councils}
    by_name = {comparable_text(name): council.slug for council in config.councils for name in council.names}
    chosen = []
    for slug in given:
        found = by_slug.get(slug.strip().lower()) or by_name.get(comparable_text(slug))
        if found is None:
            raise click.BadParameter(unknown_council(config, slug), param_hint=option)
        chosen.append(found)
    return list(dict.fromkeys(chosen))


def unknown_council(config: Config, slug: str) -> str:
    """'no council "kirklee" in the config; did you mean kirklees?' (the nearest slugs)."""
    slugs = [council.slug for council in config.councils]
    wanted = slug.strip().lower()
    near = difflib.get_close_matches(wanted, slugs, n=SUGGESTIONS, cutoff=0.6)
    names = {comparable_text(name): council.slug for council in config.councils for name in council.names}
    near += [names[name] for name in difflib.get_close_matches(comparable_text(slug), list(names), n=SUGGESTIONS, cutoff=0.6)]
    near = list(dict.fromkeys(near))[:SUGGESTIONS]
    hint = f"; did you mean {' or '.join(near)}?" if near else "; `sendwatch councils` lists them"
    return f"no council {slug!r} in the config{hint}"
