"""``sendwatch demo``: the whole cycle, offline, on a bundled local council site."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import click

from sendwatch.commands.status import status_table
from sendwatch.demo.run import DemoFolderError, run_demo


@click.command()
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("sendwatch-demo"),
    show_default=True,
    help="Folder for the demo's database, documents, outbox and digest: new, empty, or made by an earlier demo.",
)
@click.pass_obj
def demo(runtime, workdir: Path) -> None:
    """Run a self-contained offline demonstration of the whole cycle (no network, no mail server).

    Starts a local council site on 127.0.0.1, runs a baseline cycle, publishes papers that put
    one council under enhanced monitoring, runs a second cycle, and shows the status table, the
    alert email (written to the outbox folder) and a digest preview. Uses its own config and
    database in --dir, never yours. Afterwards `sendwatch --config DIR/config.yaml serve` shows
    it all in the web app, the papers served from the copies the demo stored.

    Example: sendwatch demo --dir /tmp/sendwatch-demo
    """
    runtime.validate_if_present()
    try:
        result = run_demo(workdir.resolve(), say=click.echo)
    except DemoFolderError as error:
        raise click.BadParameter(str(error), param_hint="--dir") from None
    click.echo("\nStatus after the second cycle:")
    click.echo(status_table(result.statuses))
    if not result.alert_files:
        click.echo("\nNo alert email was written: the demo did not work as intended.", err=True)
        raise click.exceptions.Exit(1)
    for path in result.alert_files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        click.echo(f"\nAlert email written to {path}")
        click.echo(f"  To: {message['To']}\n  Subject: {message['Subject']}\n")
        click.echo("\n".join("  " + line for line in (body.get_content() if body else "").strip().splitlines()))
    click.echo(f"\nWeekly digest preview: {result.digest_file}")
    click.echo(f"Everything the demo made is in {result.workdir} (config.yaml, sendwatch-demo.db, data/, outbox/).")
    click.echo(
        "\nTo look around in the web app (what changed, council pages, feeds; the papers from sendwatch's stored copies):\n"
        f"  sendwatch --config {result.workdir / 'config.yaml'} serve\n"
        "then open http://127.0.0.1:8000/ in a browser (Ctrl-C stops it)."
    )
