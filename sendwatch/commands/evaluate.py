"""``sendwatch evaluate``: score the extractor on a labelled corpus."""

import json
from pathlib import Path

import click

from extractors.baseline import naive_analyse
from extractors.evaluate import CorpusError, evaluate_corpus, format_report


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--baseline", is_flag=True, help="Score the naive keyword reader instead, for comparison.")
@click.pass_obj
def evaluate(runtime, directory: Path, as_json: bool, baseline: bool) -> None:
    """Score the extractor on a labelled corpus (docs/NNN.txt and labels.csv).

    Prints accuracy, macro F1, figure recall and a per-status table, then every misclassified
    row with the sentence that decided it. Needs no database.

    Example: sendwatch evaluate corpus/ --json
    """
    runtime.validate_if_present()
    try:
        scores = evaluate_corpus(directory, naive_analyse) if baseline else evaluate_corpus(directory)
    except CorpusError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(scores.as_json()))
    else:
        click.echo(format_report(scores))
