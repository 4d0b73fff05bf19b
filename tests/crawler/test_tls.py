"""Certificates are verified: a site with a certificate nobody vouches for is not crawled."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from crawl_support import rows

from sendwatch.config import parse_config
from sendwatch.storage.models import Document


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key, as a misconfigured or intercepting host has."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class _Papers(BaseHTTPRequestHandler):
    served = 0

    def log_message(self, format, *args):  # noqa: A002
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
    cert, key = self_signed(tmp_path)
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
    config = parse_config(yaml.safe_dump({
        "database": f"sqlite:///{tmp_path / 'sendwatch.db'}", "data_dir": str(tmp_path / "data"),
        "crawl": {"download_delay": 0, "retries": 0, "obey_robots": False},
        "councils": [{"slug": "selfsigned", "name": "Self Signed Council", "platform": "listing", "url": https_site}],
    }), base_dir=tmp_path)

    result = crawl(config)["selfsigned"]

    assert result.outcome == "failing"
    assert "certificate" in result.reason.lower() or "ssl" in result.reason.lower(), result.reason
    assert rows(config, Document) == []
    assert _Papers.served == 0  # the handshake failed before any page was asked for
