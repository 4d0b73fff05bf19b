"""A real S3-compatible server on loopback (moto's server mode), for the document store's tests.

Skips, saying why, where moto or s3fs is not installed. Credentials are set in the environment
(as an operator would), never in the config: the store's driver reads them there.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class ObjectStore:
    endpoint: str
    bucket: str

    @property
    def options(self) -> dict[str, Any]:
        return {"client_kwargs": {"endpoint_url": self.endpoint}}

    def keys(self) -> list[str]:
        import s3fs

        return sorted(s3fs.S3FileSystem(**self.options).find(self.bucket))


@contextlib.contextmanager
def running_object_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[ObjectStore]:
    """The server and a fresh bucket, for a fixture (``with running_object_store(monkeypatch) as store``)."""
    try:
        import s3fs
        from moto.server import ThreadedMotoServer
    except ImportError as error:
        pytest.skip(f"object store tests skipped: {error.name} is not installed (pip install -e '.[test]')")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "sendwatch-test",
        "AWS_SECRET_ACCESS_KEY": "sendwatch-test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    store = ObjectStore(f"http://{host}:{port}", f"papers-{uuid.uuid4().hex[:8]}")
    s3fs.S3FileSystem(**store.options).mkdir(store.bucket)
    try:
        yield store
    finally:
        server.stop()
