"""``sendwatch subscribe / unsubscribe / subscribers``: who gets alerts."""

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.argument("email")
@click.option("--council", "councils", multiple=True, metavar="SLUG", help="A council to watch (repeatable; default all).")
@click.option("--status", "statuses", multiple=True, help="Only changes to this status (repeatable; default every change).")
@click.option("--frequency", type=click.Choice(["immediate", "weekly"]), default="immediate", show_default=True)
@click.pass_obj
def subscribe(runtime, email: str, councils: tuple[str, ...], statuses: tuple[str, ...], frequency: str) -> None:
    """Subscribe EMAIL to alerts about some or all councils.

    Example: sendwatch subscribe reporter@example.org --council norfolk --frequency immediate
    """
    runtime.config
    not_available_yet("subscriptions")


@click.command()
@click.argument("email")
@click.pass_obj
def unsubscribe(runtime, email: str) -> None:
    """Stop all alerts to EMAIL.

    Example: sendwatch unsubscribe reporter@example.org
    """
    runtime.config
    not_available_yet("subscriptions")


@click.command()
@click.pass_obj
def subscribers(runtime) -> None:
    """List subscribers, what they watch and how often.

    Example: sendwatch subscribers
    """
    runtime.config
    not_available_yet("subscriptions")
