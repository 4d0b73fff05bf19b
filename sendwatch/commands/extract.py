"""``sendwatch extract``: just the extraction stage."""

import json

import click

from extractors.pipeline import extract_documents
from sendwatch.commands.choosing import council_slugs


@click.command()
@click.option("--council", "slugs", multiple=True, metavar="SLUG", help="Extract only this council's documents (repeatable).")
@click.option("--reprocess", is_flag=True, help="Re-extract documents even if unchanged.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as one JSON object.")
@click.pass_obj
def extract(runtime, slugs: tuple[str, ...], reprocess: bool, as_json: bool) -> None:
    """Read crawled documents for status evidence and money figures.

    Documents are read again when their content or the extractor version changed, and papers
    with scanned pages once OCR (Tesseract) is available. Prints how many documents were read,
    by text state (ok, encrypted, corrupt, needs_ocr, timed_out, too_large, unsupported), how
    many pages were read by OCR or wait for it, how much evidence was found, and for documents
    read before, how many verdicts a new reading changed (and from what to what).

    Example: sendwatch extract --council kirklees --reprocess
    """
    config = runtime.config
    chosen = council_slugs(config, slugs)
    summary = extract_documents(config, runtime.database, slugs=chosen or None, reprocess=reprocess)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
        return
    states = ", ".join(f"{state} {count}" for state, count in sorted(summary.states.items())) or "nothing to do"
    click.echo(f"extracted {summary.processed} document(s): {states}; evidence {summary.evidence}, figures {summary.figures}")
    if summary.reread:
        moved = sum(summary.changed.values())
        detail = ", ".join(f"{old} -> {new} {count}" for (old, new), count in summary.changed.most_common())
        click.echo(f"verdicts changed: {moved} of {summary.reread} re-read document(s)" + (f" ({detail})" if detail else ""))
    if summary.ocr_pages:
        click.echo(f"  read by OCR: {summary.ocr_pages} page(s)")
    if summary.waiting_for_ocr:
        click.echo(f"  waiting for OCR: {summary.waiting_for_ocr} scanned page(s); {summary.ocr_unavailable}")
    for error in summary.errors:
        click.echo(f"  error: {error}", err=True)
