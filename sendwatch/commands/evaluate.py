"""``sendwatch evaluate``: score the extractor on a labelled corpus."""

from pathlib import Path

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.pass_obj
def evaluate(runtime, directory: Path, as_json: bool) -> None:
    """Score the extractor on a labelled corpus (docs/NNN.txt and labels.csv).

    Example: sendwatch evaluate corpus/ --json
    """
    runtime.validate_if_present()
    not_available_yet("evaluate")
