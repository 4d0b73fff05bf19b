"""``sendwatch councils``: the configured councils and their crawl health."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import click
from sqlalchemy import select

from sendwatch.commands.tables import render_table
from sendwatch.core.health import is_flagged
from sendwatch.core.storage.models import Council


@dataclass(frozen=True)
class CouncilHealth:
    """One row of the councils listing."""

    slug: str
    name: str
    platform: str | None
    enabled: bool
    outcome: str | None
    last_crawled: str | None
    last_success: str | None
    consecutive_failures: int
    consecutive_empty: int
    flagged: bool
    last_error: str | None


def council_health(session, flag_after: int) -> list[CouncilHealth]:
    """Every council with its crawl health; ``flagged`` marks those an operator should look at."""
    rows = []
    for council in session.scalars(select(Council).order_by(Council.slug)):
        rows.append(
            CouncilHealth(
                slug=council.slug,
                name=council.name,
                platform=council.platform,
                enabled=council.enabled,
                outcome=council.last_outcome,
                last_crawled=_day(council.last_crawled_at),
                last_success=_day(council.last_success_at),
                consecutive_failures=council.consecutive_failures,
                consecutive_empty=council.consecutive_empty,
                flagged=is_flagged(council, flag_after),
                last_error=council.last_error,
            )
        )
    return rows


def _day(moment) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else None


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array instead of a table.")
@click.option("--flagged", is_flag=True, help="Only councils whose crawls keep failing or finding nothing.")
@click.pass_obj
def councils(runtime, as_json: bool, flagged: bool) -> None:
    """List configured councils with platform, enabled, and crawl health.

    A council is flagged when it has failed, or found nothing, in crawl.flag_after_cycles
    cycles in a row.

    Example: sendwatch councils --flagged
    """
    with runtime.database.session() as session:
        rows = council_health(session, runtime.config.crawl.flag_after_cycles)
    if flagged:
        rows = [row for row in rows if row.flagged]
    if as_json:
        click.echo(json.dumps([asdict(row) for row in rows], indent=2))
        return
    table = [
        [
            row.slug,
            row.platform or "-",
            "yes" if row.enabled else "no",
            row.outcome or "never crawled",
            row.last_success or "-",
            str(row.consecutive_failures),
            "FLAG" if row.flagged else "",
        ]
        for row in rows
    ]
    click.echo(render_table(["council", "platform", "enabled", "last outcome", "last success", "failures", ""], table))
    enabled = sum(row.enabled for row in rows)
    click.echo(f"\n{len(rows)} councils, {enabled} enabled, {sum(row.flagged for row in rows)} flagged.")
