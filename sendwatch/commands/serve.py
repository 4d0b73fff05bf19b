"""``sendwatch serve``: the web app over the same database."""

import click

from sendwatch.commands.not_yet import not_available_yet


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: web.host from config).")
@click.option("--port", type=int, default=None, help="Port to listen on (default: web.port from config).")
@click.pass_obj
def serve(runtime, host: str | None, port: int | None) -> None:
    """Serve the dashboard, council pages, sign-up, unsubscribe and feeds.

    Example: sendwatch serve --port 8000
    """
    runtime.config
    not_available_yet("the web app")
