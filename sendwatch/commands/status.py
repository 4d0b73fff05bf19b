"""``sendwatch status``: each council's current status."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from alerts.mailq import MAIL_STATES, describe_counts, mail_counts, mail_counts_by_council, needs_attention
from alerts.status import CouncilStatus, current_statuses
from sendwatch.commands.tables import render_table
from sendwatch.core.formatting import money
from sendwatch.core.storage.models import Council


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array on stdout and nothing else.")
@click.pass_obj
def status(runtime, as_json: bool) -> None:
    """Show each council's current status, most serious first, with evidence and figures.

    The status comes only from the council's own papers. Known programme membership from
    published lists is shown beside it for context; sendwatch never alerts on it. --json adds,
    per council, its alerts in the outbox by state ("mail"). Only reads: with no database yet it
    says so and creates nothing.

    Example: sendwatch status --json
    """
    database = runtime.existing_database
    if database is None:  # a read never creates a database
        click.echo(
            f"sendwatch: no database yet ({runtime.config.database}): nothing has been crawled; "
            "run `sendwatch run --once` first.",
            err=True,
        )
        if as_json:
            click.echo("[]")
        return
    with database.session() as session:
        rows = current_statuses(session)
        slugs = dict(session.execute(select(Council.id, Council.slug)).all())
        by_council = {slugs.get(council_id): counts for council_id, counts in mail_counts_by_council(session).items()}
        outbox = mail_counts(session)
    if as_json:
        empty = dict.fromkeys(MAIL_STATES, 0)
        click.echo(
            json.dumps([{**row.as_json(), "mail": by_council.get(row.slug, empty)} for row in rows], ensure_ascii=False, indent=2)
        )
        return
    click.echo(status_table(rows))
    read = sum(row.since is not None for row in rows)
    click.echo(f"\n{len(rows)} councils, {read} with a status found in their papers.")
    click.echo(f"Outbox: {describe_counts(outbox)}" + (" (see sendwatch mail)" if needs_attention(outbox) else "") + ".")


def status_table(rows: list[CouncilStatus]) -> str:
    """The human status table: most serious first, with since-dates and the latest figure."""
    return render_table(
        ["council", "status", "since", "latest figure", "published lists (context)"], [_cells(row) for row in rows]
    )


def _cells(row: CouncilStatus) -> list[str]:
    return [row.name, row.label, row.since or "-", _latest_figure(row), "; ".join(row.reference) or "-"]


def _latest_figure(row: CouncilStatus) -> str:
    if not row.figures:
        return "-"
    figure = row.figures[0]
    amount = figure.get("text") or money(figure.get("amount_gbp"))
    return f"{figure['label']}: {amount}" if figure.get("label") else str(amount)
