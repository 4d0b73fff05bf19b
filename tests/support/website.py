"""The web app on a real socket, in a thread of the test process, for tests outside tests/web
(which have their own ``start_site`` fixture) that follow a link sendwatch sent."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from sendwatch.core.config import Config
from sendwatch.core.storage import Database
from sendwatch.web import create_app


@contextmanager
def served(config: Config, database: Database) -> Iterator[str]:
    """Serve ``create_app`` on 127.0.0.1 and an ephemeral port; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # already listening: requests wait in the backlog until uvicorn accepts them
    server = uvicorn.Server(uvicorn.Config(create_app(config, database), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
