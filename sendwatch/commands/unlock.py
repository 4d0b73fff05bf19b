"""``sendwatch unlock``: clear a cycle lock whose holder is gone (normally taken over automatically)."""

from __future__ import annotations

import click

from sendwatch.core import locks
from sendwatch.core.storage.models import utcnow
from sendwatch.cycle import close_abandoned_cycles


@click.command()
@click.option("--force", is_flag=True, help="Also clear a lock held on another machine before its lease ends.")
@click.pass_obj
def unlock(runtime, force: bool) -> None:
    """Clear the cycle lock when the process holding it is gone, and close its cycle as interrupted.

    Rarely needed: a lock whose process died on this machine is taken over at once by the next
    cycle, and one held on another machine when its 10-minute lease runs out. Refuses to clear
    a lock whose process is still running here. Use --force only when you know the other
    machine stopped.

    Example: sendwatch unlock
    """
    database = runtime.existing_database
    if database is None:
        click.echo("No database yet, so no lock to clear.")
        return
    try:
        removed = locks.clear(database, force=force)
    except locks.LockBusy as busy:
        raise click.ClickException(str(busy)) from None
    if removed is None:
        click.echo("No cycle lock is held.")
        return
    with database.session() as session:
        closed = close_abandoned_cycles(session, utcnow())
    click.echo(
        f"Cleared the cycle lock ({locks.describe(removed)})" + (f"; closed {closed} cycle(s) as interrupted." if closed else ".")
    )
