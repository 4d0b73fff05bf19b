"""``sendwatch run``: one cycle (``--once``) or the scheduler."""

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.option("--once", is_flag=True, help="Run one full cycle and exit, instead of the scheduler.")
@click.pass_obj
def run(runtime, once: bool) -> None:
    """Crawl, extract, update statuses and send alerts: once, or on the configured schedule.

    Example: sendwatch run --once
    """
    runtime.config  # validate first: an invalid config exits 2 before anything else
    not_available_yet("the run cycle")
