"""``sendwatch demo``: the whole cycle, offline, on a bundled local council site."""

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.pass_obj
def demo(runtime) -> None:
    """Run a self-contained offline demonstration of the whole cycle (no network, no mail server).

    Example: sendwatch demo
    """
    runtime.validate_if_present()
    not_available_yet("the demo")
