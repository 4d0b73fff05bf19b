"""``sendwatch status``: each council's current status."""

from __future__ import annotations

import json

import click
from sqlalchemy import func, select

from alerts.mailq import MAIL_STATES, describe_counts, mail_counts, mail_counts_by_council, needs_attention
from alerts.status import CouncilStatus, current_statuses
from sendwatch.commands.tables import render_table
from sendwatch.core.formatting import health_note, money, short_time, status_label
from sendwatch.core.storage.models import Council, Cycle

NO_CYCLE = "sendwatch: no cycle has run yet, so no council has been checked; run `sendwatch run --once` first"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array on stdout and nothing else.")
@click.option("--workers", "show_workers", is_flag=True, help="The distributed executor's live workers and queue instead.")
@click.pass_obj
def status(runtime, as_json: bool, show_workers: bool) -> None:
    """Show each council's current status, most serious first, with evidence and figures.

    The status comes only from the council's own papers. Known programme membership from
    published lists is shown beside it for context; sendwatch never alerts on it. --json adds,
    per council, its alerts in the outbox by state ("mail"). Only reads: with no database yet it
    says so and creates nothing.

    With --workers: the live workers of the distributed executor (host:pid, what each is
    running, when it was last heard from) and the tasks waiting for one; --json prints that as
    one JSON object {"workers": [...], "queue": {"queued": N, "running": N}}.

    Example: sendwatch status --json
    """
    if show_workers:
        workers_status(runtime, as_json)
        return
    database = runtime.existing_database
    if database is None:  # a read never creates a database
        click.echo(NO_CYCLE + f" (no database yet at {runtime.config.database}).", err=True)
        if as_json:
            click.echo("[]")
        return
    with database.session() as session:
        cycles_run = session.scalar(select(func.count()).select_from(Cycle)) or 0
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
    if not cycles_run:
        click.echo(NO_CYCLE + ".", err=True)
    click.echo(status_table(rows))
    read = sum(row.since is not None for row in rows)
    checked = sum(row.checked_at is not None for row in rows)
    click.echo(f"\n{len(rows)} councils, {checked} read successfully, {read} with a status found in their papers.")
    click.echo(f"Outbox: {describe_counts(outbox)}" + (" (see sendwatch mail)" if needs_attention(outbox) else "") + ".")


def status_table(rows: list[CouncilStatus]) -> str:
    """The human status table: most serious first, with since-dates, what changed and when
    (``changed``), when the council was last read successfully, and the latest labelled figure."""
    return render_table(
        ["council", "status", "since", "changed", "last read", "latest figure", "published lists (context)"],
        [_cells(row) for row in rows],
    )


def _cells(row: CouncilStatus) -> list[str]:
    status = row.label
    note = health_note(row.status, row.health)
    if note:
        status += f" ({note})"
    checked = short_time(row.checked_at) if row.checked_at else "never"
    return [row.name, status, row.since or "-", changed_cell(row), checked, _latest_figure(row), "; ".join(row.reference) or "-"]


def changed_cell(row: CouncilStatus) -> str:
    """When sendwatch detected the latest change, and from what: '2026-11-29 14:05, was Safety
    valve: on track'; a first sighting says so."""
    if row.detected_at is None:
        return "-"
    when = short_time(row.detected_at)
    if row.first_seen:
        return f"{when}, first seen"
    return f"{when}, was {status_label(row.previous)}"


def _latest_figure(row: CouncilStatus) -> str:
    figure = row.latest_figure
    if figure is None:
        return "-"
    amount = figure.get("text") or money(figure.get("amount_gbp"))
    return f"{figure['label']}: {amount}"


def workers_status(runtime, as_json: bool) -> None:
    """``status --workers``: who is working, on what, and how much waits."""
    from sendwatch.distributed.heartbeats import executor_health

    config = runtime.config
    database = runtime.existing_database
    health: dict = {"workers": [], "queue": {"queued": 0, "running": 0}}
    if database is not None:
        with database.session() as session:
            health = executor_health(session, config.executor.heartbeat_seconds)
    if as_json:
        click.echo(json.dumps({"executor": config.executor.kind, **health}, indent=2))
        return
    if config.executor.kind != "distributed":
        click.echo("executor: local (this machine's own processes; no workers to list).")
        return
    rows = [
        [
            worker["name"],
            ", ".join(worker["tasks"]) or "idle",
            str(worker["concurrency"]),
            worker["last_seen"][:19].replace("T", " "),
        ]
        for worker in health["workers"]
    ]
    if rows:
        click.echo(render_table(["worker", "current tasks", "concurrency", "last seen (UTC)"], rows))
    queue = health["queue"]
    click.echo(f"{len(rows)} live worker(s); tasks: {queue['queued']} waiting, {queue['running']} running.")
