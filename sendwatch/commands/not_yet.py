"""The answer of a command whose capability has not landed yet: say so, exit 1, pretend nothing."""

import click


def not_available_yet(what: str) -> None:
    """Print that ``what`` is not available in this version and exit with status 1."""
    click.echo(f"sendwatch: {what} is not available yet in this version.", err=True)
    raise click.exceptions.Exit(1)
