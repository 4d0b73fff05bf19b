"""``sendwatch subscribe / unsubscribe / subscribers``: who gets alerts."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from alerts.channels import shown_target
from alerts.subscriptions import SubscriptionError, list_subscribers, sync_subscribers
from alerts.subscriptions import subscribe as add_subscription
from alerts.subscriptions import unsubscribe as stop_subscription
from sendwatch.commands.choosing import council_slugs
from sendwatch.commands.tables import render_table
from sendwatch.core.config import FIGURE_ALERT_LABELS
from sendwatch.core.vocabulary import STATUSES


@click.command()
@click.argument("email")
@click.option("--council", "councils", multiple=True, metavar="SLUG", help="A council to watch (repeatable; default all).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only changes to this status (repeatable; default every change).",
)
@click.option("--frequency", type=click.Choice(["immediate", "weekly"]), default="immediate", show_default=True)
@click.option(
    "--query",
    "queries",
    multiple=True,
    metavar="QUERY",
    help="A saved search (repeatable): new papers matching it are quoted in the immediate alert (search syntax).",
)
@click.option(
    "--figure",
    "figures",
    multiple=True,
    type=click.Choice(FIGURE_ALERT_LABELS),
    help="Alert when a council's stated figure of this label moves past figure_alerts' threshold (repeatable).",
)
@click.option(
    "--notify",
    "notify",
    multiple=True,
    metavar="URL",
    help="An Apprise URL (slack://..., msteams://..., json://host/path) that gets the same alerts or digest (repeatable).",
)
@click.pass_obj
def subscribe(
    runtime,
    email: str,
    councils: tuple[str, ...],
    statuses: tuple[str, ...],
    frequency: str,
    queries: tuple[str, ...],
    figures: tuple[str, ...],
    notify: tuple[str, ...],
) -> None:
    """Subscribe EMAIL to alerts about some or all councils, and to saved searches.

    Subscribing again replaces the address's choices and lifts an earlier unsubscribe or a
    suppression after a bounce. A --query alerts on papers first seen from now on that match
    it (never on papers that matched before), in the same email as status changes; with
    --query and no --status, status changes are still sent unless you choose statuses.
    Each --notify URL gets every alert the email gets (or, weekly, the digest), through Apprise;
    a URL Apprise cannot use is refused (exit 2) and nothing is saved.

    Example: sendwatch subscribe reporter@example.org --query '"home to school transport"' --council norfolk
    """
    chosen = council_slugs(runtime.config, councils)
    try:
        with runtime.database.session() as session:
            row = add_subscription(
                session,
                email,
                councils=chosen,
                statuses=list(statuses),
                frequency=frequency,
                smtputf8=runtime.config.mail.smtputf8,
                queries=list(queries),
                figures=list(figures),
                notify=list(notify),
            )
            what = ", ".join(row.councils) if row.councils else "every council"
            if queries:
                what += "; new papers matching " + " or ".join(f"“{query}”" for query in queries)
            if figures:
                what += "; moves of " + ", ".join(figures)
            if row.notify:
                what += "; also notifying " + ", ".join(shown_target(url) for url in row.notify)
    except SubscriptionError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Subscribed {email} ({frequency}) to {what}.")


@click.command()
@click.argument("email")
@click.pass_obj
def unsubscribe(runtime, email: str) -> None:
    """Stop all alerts to EMAIL.

    Example: sendwatch unsubscribe reporter@example.org
    """
    with runtime.database.session() as session:
        found = stop_subscription(session, email)
    if not found:
        raise click.ClickException(f"{email} is not a subscriber")
    click.echo(f"Unsubscribed {email}.")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array instead of a table.")
@click.pass_obj
def subscribers(runtime, as_json: bool) -> None:
    """List subscribers, what they watch and how often.

    Subscribers listed in config.yaml are included (source "config").

    Example: sendwatch subscribers
    """
    with runtime.database.session() as session:
        sync_subscribers(session, runtime.config)
        rows = list_subscribers(session)
    if as_json:
        click.echo(json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No subscribers yet. Add one with: sendwatch subscribe EMAIL --council SLUG")
        return
    click.echo(
        render_table(
            ["email", "councils", "statuses", "searches", "notify", "frequency", "source", "state"],
            [[r.email, r.councils, r.statuses, r.queries or "-", r.notify or "-", r.frequency, r.source, r.state] for r in rows],
        )
    )
