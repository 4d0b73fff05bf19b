"""Certificates are verified: a site with a certificate nobody vouches for is not crawled."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from crawl_support import rows

from sendwatch.core.config import parse_config
from sendwatch.core.storage.models import Document
from tests.support.tls import self_signed_certificate


class _Papers(BaseHTTPRequestHandler):
    served = 0

    def log_message(self, format, *args):
        """Quiet."""

    def do_GET(self) -> None:
        type(self).served += 1
        body = b'<html><body><a href="/schools-forum-minutes.pdf">Schools Forum minutes 3 March 2026</a></body></html>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def https_site(tmp_path) -> Iterator[str]:
    cert, key = self_signed_certificate(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Papers)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_self_signed_certificate_is_refused(https_site, tmp_path, crawl):
    config = parse_config(
        yaml.safe_dump(
            {
                "database": f"sqlite:///{tmp_path / 'sendwatch.db'}",
                "data_dir": str(tmp_path / "data"),
                "crawl": {"download_delay": 0, "retries": 0, "obey_robots": False},
                "councils": [{"slug": "selfsigned", "name": "Self Signed Council", "platform": "listing", "url": https_site}],
            }
        ),
        base_dir=tmp_path,
    )

    result = crawl(config)["selfsigned"]

    assert result.outcome == "failing"
    assert "certificate" in result.reason.lower() or "ssl" in result.reason.lower(), result.reason
    assert rows(config, Document) == []
    assert _Papers.served == 0  # the handshake failed before any page was asked for
