"""A real HTTP endpoint on loopback that records what is POSTed to it, answering as told."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Webhook:
    """What the endpoint received (every request, and the answer it gave) and what it will answer next."""

    url: str
    answers: list[int] = field(default_factory=list)  # statuses for the next requests, then 200
    requests: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def delivered(self) -> list[dict[str, Any]]:
        """The bodies that were answered with success."""
        with self._changed:
            return [body for status, body in self.requests if 200 <= status < 300]

    def wait_for(self, count: int, timeout: float = 20) -> list[tuple[int, dict[str, Any]]]:
        """Block until ``count`` requests have arrived (never a fixed sleep)."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.requests) >= count, timeout)
            found = list(self.requests)
        assert arrived, f"expected {count} request(s), got {len(found)}"
        return found

    def _answer(self, body: dict[str, Any]) -> int:
        with self._changed:
            status = self.answers.pop(0) if self.answers else 200
            self.requests.append((status, body))
            self._changed.notify_all()
            return status


@contextmanager
def running_webhook() -> Iterator[Webhook]:
    """Serve on 127.0.0.1 and an ephemeral port until the block ends."""
    hook: Webhook

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"raw": raw.decode("utf-8", "replace")}
            status = hook._answer(body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook = Webhook(url=f"json://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
