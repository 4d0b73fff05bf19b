"""``sendwatch demo``: the whole cycle, offline, on a bundled local council site."""

from __future__ import annotations

import email
import email.policy
import shutil
import sys
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
        f"  {this_command()} --config {result.workdir / 'config.yaml'} serve\n"
        "then open http://127.0.0.1:8000/ in a browser (Ctrl-C stops it)."
    )


def this_command(started_as: str | None = None) -> str:
    """How to run sendwatch again from the same shell: its bare name when that name finds this
    very program on the PATH, else the path it was started by (".venv/bin/sendwatch" after the
    README's quick start, which never activates the virtual environment), else, started as
    ``python -m sendwatch.cli``, that."""
    started = Path(started_as if started_as is not None else sys.argv[0])
    if started.name != "sendwatch":
        return f"{sys.executable} -m sendwatch.cli"
    on_path = shutil.which("sendwatch")
    if on_path is not None and Path(on_path).resolve() == started.resolve():
        return "sendwatch"
    return str(started)
