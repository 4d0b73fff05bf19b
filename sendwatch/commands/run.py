"""``sendwatch run``: one cycle (``--once``) or the scheduler."""

from __future__ import annotations

import click

from alerts.mailq import describe_counts, needs_attention
from sendwatch.commands.choosing import council_slugs
from sendwatch.commands.progress import CycleProgress
from sendwatch.core import locks
from sendwatch.core.lifetime import sigterm_unwinds
from sendwatch.core.vocabulary import CRAWL_OUTCOMES
from sendwatch.cycle import CycleSummary, run_cycle
from sendwatch.distributed.broker import DistributedUnavailable


def print_summary(summary: CycleSummary) -> None:
    """The end-of-cycle summary: councils by outcome (named, with reasons), documents, changes, mail."""
    counts = ", ".join(f"{len(summary.councils.get(outcome, []))} {outcome}" for outcome in CRAWL_OUTCOMES)
    click.echo(f"Cycle {summary.cycle_id} {'interrupted' if summary.interrupted else 'finished'} in {summary.seconds:.1f}s")
    click.echo(f"  councils: {counts}")
    for outcome in reversed(CRAWL_OUTCOMES[1:]):  # failing, blocked, empty
        for slug in summary.councils.get(outcome, []):
            click.echo(f"    {outcome}: {slug}" + (f": {summary.reasons[slug]}" if slug in summary.reasons else ""))
    if summary.flagged:
        click.echo(f"  flagged for the operator, failing or empty cycle after cycle: {', '.join(summary.flagged)}")
    click.echo(
        f"  documents: {summary.documents_new} new, {summary.documents_changed} changed, {summary.documents_extracted} read"
        + (f" ({summary.ocr_pages} scanned page(s) read by OCR)" if summary.ocr_pages else "")
    )
    if summary.waiting_for_ocr:
        click.echo(f"  waiting for OCR: {summary.waiting_for_ocr} scanned page(s): {summary.ocr_unavailable}")
    click.echo(f"  status changes: {len(summary.changes)}")
    for change in summary.changes:
        click.echo(f"    {change['council']}: {change['old'] or 'none'} -> {change['new']} (since {change['since']})")
    click.echo(
        f"  emails sent: {summary.emails_sent}"
        + (f" ({summary.emails_pending} waiting to retry)" if summary.emails_pending else "")
    )
    if summary.mail:
        attention = needs_attention(summary.mail)
        click.echo(
            f"  outbox: {describe_counts(summary.mail)}" + (f" ({attention} need a look: sendwatch mail)" if attention else "")
        )
    for problem in summary.mail_problems:
        click.echo(f"  mail: {problem}")


@click.command()
@click.option("--once", is_flag=True, help="Run one full cycle and exit, instead of the scheduler.")
@click.option("--council", "slugs", multiple=True, metavar="SLUG", help="With --once: only this council (repeatable).")
@click.option("--log-json", is_flag=True, help="Scheduler logs as JSON lines instead of key=value text.")
@click.pass_obj
def run(runtime, once: bool, slugs: tuple[str, ...], log_json: bool) -> None:
    """Crawl, extract, update statuses and send alerts: once, or on the configured schedule.

    With --once, exits 0 when the cycle completed, whatever individual councils did (they are
    listed by outcome, with reasons), and 1 if another cycle is already running. Without it,
    runs cycles and the weekly digest on the schedule in config.yaml until SIGINT or SIGTERM.

    Example: sendwatch run --once
    """
    config = runtime.config
    runtime.check_folders(mail=True)
    slugs = tuple(council_slugs(config, slugs))
    if once:
        try:
            # `timeout` and systemd stop with SIGTERM: clean up as for Ctrl-C
            with sigterm_unwinds(), CycleProgress() as progress:
                summary = run_cycle(
                    config,
                    runtime.database,
                    slugs=list(slugs) or None,
                    progress=progress,
                    linger_seconds=config.mail.linger_seconds,
                )
        except locks.LockBusy as busy:
            click.echo(f"sendwatch: {busy}; not starting another.", err=True)
            raise click.exceptions.Exit(1) from None
        except DistributedUnavailable as error:
            raise click.ClickException(str(error)) from None
        print_summary(summary)
        return
    from sendwatch.commands import logs
    from sendwatch.scheduler import Daemon

    logs.configure(json_lines=log_json)
    Daemon(config, runtime.database).run()
