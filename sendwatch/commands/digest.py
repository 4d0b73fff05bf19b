"""``sendwatch digest``: the weekly digest for editors."""

from __future__ import annotations

from pathlib import Path

import click

from alerts.digest import build_digest, send_digest
from alerts.mailq import describe_counts, mail_counts, needs_attention
from alerts.subscriptions import sync_subscribers


@click.command()
@click.option("--preview", type=click.Path(dir_okay=False, path_type=Path), help="Write the digest's HTML to this file.")
@click.option("--send", is_flag=True, help="Mail the digest to the weekly subscribers.")
@click.pass_obj
def digest(runtime, preview: Path | None, send: bool) -> None:
    """Build the weekly digest of what sendwatch detected in the past 7 days.

    --send mails it to every weekly subscriber, at most once per person per week: running it
    again the same week sends nothing new.

    Example: sendwatch digest --preview digest.html
    """
    if not preview and not send:
        raise click.UsageError("choose --preview FILE or --send (or both)")
    if preview:
        database = runtime.existing_database  # a preview only reads
        if database is None:
            raise click.ClickException("no database yet: nothing to put in a digest; run `sendwatch run --once` first")
        with database.session() as session:
            html, _ = build_digest(session, runtime.config)
        try:
            preview.write_text(html, encoding="utf-8")
        except OSError as error:
            raise click.ClickException(f"cannot write {preview}: {error.strerror}") from None
        click.echo(f"Wrote the digest to {preview}.")
    if send:
        with runtime.database.session() as session:
            sync_subscribers(session, runtime.config)
        summary = send_digest(runtime.config, runtime.database, linger_seconds=runtime.config.mail.linger_seconds)
        click.echo(
            f"Digest: {summary.sent} sent, {summary.deferred} to retry, {summary.failed} failed, "
            f"{summary.ambiguous} ambiguous, {summary.suppressed} suppressed."
        )
        with runtime.database.session() as session:
            counts = mail_counts(session)
        click.echo(f"Outbox: {describe_counts(counts)}" + (" (see sendwatch mail)" if needs_attention(counts) else "") + ".")
        for problem in summary.errors:
            click.echo(f"warning: {problem}", err=True)
