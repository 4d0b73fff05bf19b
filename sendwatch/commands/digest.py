"""``sendwatch digest``: the weekly digest for editors."""

from pathlib import Path

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.option("--preview", type=click.Path(dir_okay=False, path_type=Path), help="Write the digest's HTML to this file.")
@click.option("--send", is_flag=True, help="Mail the digest to the weekly subscribers.")
@click.pass_obj
def digest(runtime, preview: Path | None, send: bool) -> None:
    """Build the weekly digest of what sendwatch detected in the past 7 days.

    Example: sendwatch digest --preview digest.html
    """
    runtime.config
    not_available_yet("the weekly digest")
