"""``sendwatch serve``: the web app over the same database."""

from __future__ import annotations

import socket

import click


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: web.host from config).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port to listen on, 0 for any free port (default: web.port from config).",
)
@click.pass_obj
def serve(runtime, host: str | None, port: int | None) -> None:
    """Serve the dashboard, council pages, sign-up, unsubscribe and feeds.

    Prints the address it listens on, then serves until Ctrl+C. Links in emails use
    web.base_url from the config, so set that to the address readers reach.

    Example: sendwatch serve --port 8000
    """
    import uvicorn

    from sendwatch.web import create_app

    config = runtime.config
    runtime.check_folders()  # the signing key and the papers served live in data_dir
    app = create_app(config, runtime.database)
    host = host or config.web.host
    port = config.web.port if port is None else port
    listener = _listen(host, port)
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"sendwatch: serving on http://{shown}:{bound}/ (Ctrl+C to stop)", nl=True)
    proxies = config.web.trusted_proxies
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            server_header=False,
            proxy_headers=bool(proxies),
            forwarded_allow_ips=",".join(proxies) if proxies else None,
        )
    )
    server.run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves, so ``--port 0`` can report the port it got."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
    # without it every small response waits ~40 ms for a delayed ACK.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    listener.listen(128)
    listener.set_inheritable(True)
    return listener
