"""``sendwatch crawl``: just the crawl stage, with a summary line per council."""

from __future__ import annotations

import json
import signal
import threading
from dataclasses import asdict

import click

from crawler import CouncilCrawlResult, crawl_councils
from sendwatch.commands.choosing import council_slugs
from sendwatch.commands.tables import render_table
from sendwatch.core.vocabulary import CRAWL_OUTCOMES


@click.command()
@click.option("--council", "slugs", multiple=True, metavar="SLUG", help="Crawl only this council (repeatable).")
@click.option(
    "--log-level", default=None, metavar="LEVEL", help="Show Scrapy's own log at this level (e.g. INFO), for debugging."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of the councils' results instead of a table.")
@click.pass_obj
def crawl(runtime, slugs: tuple[str, ...], log_level: str | None, as_json: bool) -> None:
    """Crawl councils' committee sites for new meetings, agenda items and documents.

    Each council is crawled politely in its own process; what it found is saved all together
    or not at all. Prints one line per council: outcome, meetings, items, documents (new and
    changed), requests, and the reason when the outcome is not ok. Exits 0 even when some
    councils fail (they are named with the reason); exits 2 if a named council is unknown.

    Example: sendwatch crawl --council kirklees
    """
    config = runtime.config
    chosen = council_slugs(config, slugs) or None
    database = runtime.database
    stop = threading.Event()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set()) if in_main_thread else None
    try:
        results = crawl_councils(
            config,
            database,
            slugs=chosen,
            stop=stop,
            log_level=log_level,
            on_result=lambda result: click.echo(_progress(result), err=True),
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)
    if as_json:
        click.echo(json.dumps([asdict(result) for result in results], indent=2, ensure_ascii=False))
        return
    click.echo(
        render_table(
            ["council", "outcome", "meetings", "items", "documents", "new", "changed", "requests", "reason"],
            [
                [
                    r.slug,
                    r.outcome,
                    str(r.meetings),
                    str(r.items),
                    str(r.documents),
                    str(r.documents_new),
                    str(r.documents_changed),
                    str(r.requests),
                    r.reason or "",
                ]
                for r in results
            ],
        )
    )
    by_outcome = {outcome: sum(r.outcome == outcome for r in results) for outcome in CRAWL_OUTCOMES}
    click.echo("\n" + ", ".join(f"{count} {outcome}" for outcome, count in by_outcome.items()) + f" of {len(results)} councils.")


def _progress(result: CouncilCrawlResult) -> str:
    return f"crawled {result.slug}: {result.outcome}" + (f" ({result.reason})" if result.reason else "")
