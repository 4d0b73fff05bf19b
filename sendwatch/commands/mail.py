"""``sendwatch mail``: the outbox by state with reasons; resend or settle rows by hand."""

from __future__ import annotations

import json

import click

from alerts.mailq import MAIL_STATES, MailError, describe_counts, list_mail, mail_counts, mark_sent, retry
from sendwatch.commands.tables import render_table


@click.command()
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(MAIL_STATES),
    help="Only messages in this state (repeatable; default every state but sent).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of messages instead of a table.")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True, help="At most this many messages (0: all).")
@click.option(
    "--retry",
    "retry_id",
    is_flag=False,
    flag_value="all",
    default=None,
    metavar="ID",
    help="Send message ID again (with --all: every failed, ambiguous and deferred message).",
)
@click.option("--all", "retry_all", is_flag=True, help="With --retry (or alone): every failed, ambiguous and deferred message.")
@click.option(
    "--mark-sent",
    "sent_id",
    type=click.IntRange(min=1),
    metavar="ID",
    help="Record this message as delivered (after finding its Message-ID in the relay's log).",
)
@click.pass_obj
def mail(
    runtime, states: tuple[str, ...], as_json: bool, limit: int, retry_id: str | None, retry_all: bool, sent_id: int | None
) -> None:
    """List the outbox by state (pending, deferred, claimed, ambiguous, failed, suppressed, sent)
    with the reason for each message, or resend or settle messages.

    An ambiguous message was handed to the relay and no answer came back: look for its
    Message-ID in the relay's log, then --mark-sent ID if it was delivered or --retry ID if not.
    A retried message goes out with the next send (the daemon's, or the next run --once).

    Example: sendwatch mail --state failed --state ambiguous, then sendwatch mail --retry --all
    """
    retry_all = retry_all or retry_id == "all"
    if retry_id == "all":
        retry_id = None
    if retry_id is not None and not (retry_id.isdigit() and int(retry_id) > 0):
        raise click.BadParameter(f"{retry_id!r} is not a message id (see sendwatch mail)", param_hint="--retry")
    chosen = [name for name, value in (("--retry ID", retry_id), ("--all", retry_all), ("--mark-sent", sent_id)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of {', '.join(chosen)}")
    if chosen:
        try:
            with runtime.database.session() as session:
                if sent_id:
                    lines = [mark_sent(session, sent_id)]
                else:
                    lines = retry(session, None if retry_all else [int(retry_id)])  # type: ignore[arg-type]
        except MailError as error:
            raise click.ClickException(str(error)) from None
        for line in lines or ["nothing to retry"]:
            click.echo(line)
        return
    database = runtime.existing_database
    if database is None:
        click.echo("[]" if as_json else "The outbox is empty: nothing has been queued yet.")
        return
    with database.session() as session:
        rows, total = list_mail(session, list(states) or None, limit or None)
        counts = mail_counts(session)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return
    click.echo(f"outbox: {describe_counts(counts)}")
    if not rows:
        return
    click.echo(
        render_table(
            ["id", "state", "kind", "to", "tries", "next try / sent", "reason"],
            [
                [
                    str(r.id),
                    r.state,
                    r.kind,
                    r.recipient,
                    str(r.attempts),
                    (r.sent_at or r.next_attempt_at or "-"),
                    _short(r.reason),
                ]
                for r in rows
            ],
        )
    )
    if total > len(rows):
        click.echo(f"... and {total - len(rows)} more (--limit 0 shows all)")


def _short(reason: str | None, width: int = 100) -> str:
    text = " ".join((reason or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"
