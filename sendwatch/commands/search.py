"""``sendwatch search``: full-text search over every stored paper, and ``--reindex``."""

from __future__ import annotations

import datetime as dt
import json

import click

from sendwatch.commands.choosing import council_slugs
from sendwatch.core.formatting import long_date
from sendwatch.core.search.pages import SearchFilters, search_pages
from sendwatch.core.search.pages import reindex as rebuild_index
from sendwatch.core.search.query import QueryError, parse_query
from sendwatch.core.vocabulary import STATUSES


@click.command()
@click.argument("query", required=False)
@click.option(
    "--council", "councils", multiple=True, metavar="SLUG", help="Only this council's papers (repeatable; a slug, name or alias)."
)
@click.option(
    "--committee",
    metavar="WORDS",
    help="Only papers of committees whose title contains these words (any case, apostrophes, dashes or spacing; & is and).",
)
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DATE", help="Only papers dated on or after DATE (YYYY-MM-DD)."
)
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="Only papers stating this status (repeatable)."
)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True, help="At most this many hits.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of hits on stdout and nothing else.")
@click.option("--reindex", is_flag=True, help="Rebuild the search index from the stored pages, and search nothing.")
@click.pass_obj
def search(
    runtime,
    query: str | None,
    councils: tuple[str, ...],
    committee: str | None,
    since: dt.datetime | None,
    statuses: tuple[str, ...],
    limit: int,
    as_json: bool,
    reindex: bool,
) -> None:
    """Search the text of every stored paper, best match first.

    QUERY: words (all must be on the page), "a phrase" in quotes, prefix* for any word starting
    so, OR between alternatives, NOT (or -) before words to leave out, brackets to group. Words
    match as written: use deficit* for deficits too. Each hit is one page: the sentence that
    matches, its terms marked **so**, and a link to the page. A malformed query exits 2.

    Example: sendwatch search '"home to school transport" cut*' --council norfolk --since 2025-01-01
    """
    if reindex:
        if query:
            raise click.UsageError("--reindex rebuilds the index and takes no QUERY")
        with runtime.database.session() as session:
            pages = rebuild_index(session)
        click.echo(f"Search index rebuilt: {pages} pages.")
        return
    if not query:
        raise click.UsageError("give a QUERY to search for (or --reindex)")
    chosen = tuple(council_slugs(runtime.config, councils))
    filters = SearchFilters(councils=chosen, committee=committee, since=since.date() if since else None, statuses=statuses)
    database = runtime.existing_database
    try:
        if database is None:  # a read never creates a database
            parse_query(query)
            hits = []
        else:
            with database.session() as session:
                hits = search_pages(session, query, filters, limit=limit)
    except QueryError as error:
        raise click.UsageError(f"cannot search for {query!r}: {error}") from None
    if as_json:
        click.echo(json.dumps([hit.as_json() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("No paper matches." if database is not None else "No papers yet: run `sendwatch run --once` first.")
        return
    for hit in hits:
        where = f", page {hit.page}" if hit.page else ""
        when = f" ({long_date(hit.date)})" if hit.date else ""
        click.echo(f"{hit.council_name}: {hit.title or 'untitled paper'}{where}{when}")
        click.echo(f"  {hit.snippet.marked()}")
        click.echo(f"  {hit.link}\n")
    click.echo(
        f"{len(hits)} hit(s)" + (f" (the first {limit}; narrow the search or raise --limit)" if len(hits) == limit else "") + "."
    )
