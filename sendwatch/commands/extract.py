"""``sendwatch extract``: just the extraction stage."""

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.option("--council", "slugs", multiple=True, metavar="SLUG", help="Extract only this council's documents.")
@click.option("--reprocess", is_flag=True, help="Re-extract documents even if unchanged.")
@click.pass_obj
def extract(runtime, slugs: tuple[str, ...], reprocess: bool) -> None:
    """Read crawled documents for status evidence and money figures.

    Example: sendwatch extract --council kirklees --reprocess
    """
    runtime.config
    not_available_yet("extraction")
