"""``sendwatch crawl``: just the crawl stage."""

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.option("--council", "slugs", multiple=True, metavar="SLUG", help="Crawl only this council (repeatable).")
@click.pass_obj
def crawl(runtime, slugs: tuple[str, ...]) -> None:
    """Crawl councils' committee sites for new meetings, items and documents.

    Example: sendwatch crawl --council kirklees
    """
    runtime.config
    not_available_yet("crawling")
