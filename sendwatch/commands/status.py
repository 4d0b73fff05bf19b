"""``sendwatch status``: each council's current status."""

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array on stdout and nothing else.")
@click.pass_obj
def status(runtime, as_json: bool) -> None:
    """Show each council's current status, most serious first, with evidence and figures.

    Example: sendwatch status --json
    """
    runtime.config
    not_available_yet("status")
