"""``sendwatch serve`` as a real process: it reports its address and serves the app there."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from conftest import SECRET, site_config


def test_serve_listens_on_the_port_it_reports_and_serves_the_dashboard(write_config, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = site_config(write_config, sqlite_url, 8000, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "sendwatch.cli", "--config", str(tmp_path / "config.yaml"), "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "SENDWATCH_SECRET": SECRET},
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("sendwatch: serving on http://127.0.0.1:"), line + process.stderr.read()
        url = line.split()[3]
        response = httpx.get(url, timeout=20)
        assert response.status_code == 200
        assert "Northshire County Council" in response.text  # councils mirrored from the config
        assert config.web.base_url == "http://127.0.0.1:8000"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_reports_a_port_it_cannot_use(write_config, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import socket

    site_config(write_config, sqlite_url, 8000, None)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "sendwatch.cli", "--config", str(tmp_path / "config.yaml"), "serve", "--port", str(taken.getsockname()[1])],
            capture_output=True, text=True, timeout=60, env={**os.environ, "SENDWATCH_SECRET": SECRET},
        )
    finally:
        taken.close()
    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1" in result.stderr
