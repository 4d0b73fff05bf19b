"""``sendwatch serve`` as a real process: it reports its address and serves the app there."""

from __future__ import annotations

import re

import httpx
from web_support import site_config, start_serve


def test_serve_listens_on_the_port_it_reports_and_serves_the_dashboard(write_config, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = site_config(write_config, sqlite_url, 8000, None)
    process, url = start_serve(tmp_path / "config.yaml")
    try:
        response = httpx.get(url, timeout=20)
        assert response.status_code == 200
        assert "Northshire County Council" in response.text  # councils mirrored from the config
        assert config.web.base_url == "http://127.0.0.1:8000"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_reports_a_port_it_cannot_use(write_config, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import socket

    from click.testing import CliRunner

    from sendwatch.cli import cli

    site_config(write_config, sqlite_url, 8000, None)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        result = CliRunner().invoke(
            cli, ["--config", str(tmp_path / "config.yaml"), "serve", "--port", str(taken.getsockname()[1])]
        )
    finally:
        taken.close()
    assert result.exit_code == 1
    assert "cannot listen on 127.0.0.1" in result.output


def test_behind_a_trusted_proxy_rate_limits_count_the_forwarded_client(write_config, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site_config(write_config, sqlite_url, 8000, None, web={"trusted_proxies": ["127.0.0.1"], "signups_per_hour": 1})
    process, url = start_serve(tmp_path / "config.yaml")
    try:
        with httpx.Client(base_url=url, timeout=20) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/subscribe").text).group(1)

            def sign_up(reader: str, address: str) -> int:
                form = {"csrf_token": token, "email": address, "scope": "all", "frequency": "weekly"}
                return client.post("/subscribe", data=form, headers={"X-Forwarded-For": reader}).status_code

            assert sign_up("203.0.113.7", "one@example.org") == 200
            assert sign_up("198.51.100.23", "two@example.org") == 200  # another reader behind the same proxy
            assert sign_up("203.0.113.7", "three@example.org") == 429
    finally:
        process.terminate()
        process.wait(timeout=20)
