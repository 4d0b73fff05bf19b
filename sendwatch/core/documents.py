"""Where papers' bodies are kept: a folder (on this machine, or one every worker mounts) or an
object store named by an fsspec URL (``s3://bucket/prefix``), keyed by SHA-256 the same way.

``ab/abcdef….pdf`` under the root (the suffix follows the paper's kind, an image's its format): the same bytes fetched
twice, or under two URLs, are one file. Why one module: the crawler writes bodies and the
extractors read them, on any machine of a distributed deployment, so both go through this
store rather than through paths of their own. In a folder, a body is written to a temporary
name and renamed, so a crawl killed mid-write leaves no half file under a real name; an object
store's upload appears whole or not at all. The stored location (``documents.file_path``) is the
absolute path, or the full URL.

Options for the object store (an endpoint, a region) come from ``data_options`` in the config;
credentials never do: the store's own library reads them from the environment (for S3,
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``). fsspec and the store's driver (``s3fs``) are
the optional extra ``.[s3]``; a folder needs neither.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sendwatch.core.formats import stored_suffix


def is_url(location: str) -> bool:
    """Whether a root or a stored location names an object store rather than a local path."""
    return "://" in location and not location.startswith("file://")


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class DocumentStoreError(Exception):
    """The store cannot be used (its library missing, the bucket unreachable); says why in one line."""


class DocumentStore:
    """Papers' bodies under one root (a folder, or an fsspec URL with its options)."""

    def __init__(self, root: str | Path, options: dict[str, Any] | None = None):
        self.root = str(root).rstrip("/") if is_url(str(root)) else str(Path(root))
        self.options = dict(options or {})
        self._filesystem: Any = None

    def put(self, body: bytes, kind: str) -> tuple[str, str]:
        """Store ``body`` under its hash (unless it is there already); return the hash and its location."""
        digest = sha256_of(body)
        key = f"{digest[:2]}/{digest}{stored_suffix(kind, body)}"
        if is_url(self.root):
            location = f"{self.root}/{key}"
            filesystem, path = self._resolve(location)
            if not filesystem.exists(path):
                filesystem.pipe_file(path, body)
            return digest, location
        target = Path(self.root) / key
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(body)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return digest, str(target.resolve())

    def holds(self, location: str) -> bool:
        """Whether ``location`` names a body under this root: a location read from the database is
        served (``/papers/ID``) only then, never a file elsewhere on the machine or bucket."""
        if is_url(self.root):
            key = location.removeprefix(self.root + "/")
            return key != location and ".." not in key.split("/")
        return not is_url(location) and Path(location).resolve().is_relative_to(Path(self.root).resolve())

    def open(self, location: str) -> IO[bytes]:
        """The stored body as a stream the caller reads as it goes and closes (a paper can be tens of
        megabytes): the file, or the object. ``FileNotFoundError`` when there is none."""
        if not is_url(location):
            return open(location, "rb")  # the caller closes it, after the last chunk
        filesystem, path = self._resolve(location)
        return filesystem.open(path, "rb")

    @contextlib.contextmanager
    def local_file(self, location: str) -> Iterator[Path]:
        """A local file holding the stored body, for readers that need a path: the file itself,
        or a temporary copy of the object, removed afterwards."""
        if not is_url(location):
            yield Path(location)
            return
        filesystem, path = self._resolve(location)
        handle, temporary = tempfile.mkstemp(prefix="sendwatch-paper-", suffix=Path(path).suffix)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(filesystem.cat_file(path))
            yield Path(temporary)
        finally:
            Path(temporary).unlink(missing_ok=True)

    def _resolve(self, location: str) -> tuple[Any, str]:
        try:
            import fsspec
        except ImportError:
            raise DocumentStoreError(
                f"data_dir {self.root} is an object store, which needs fsspec and its driver: pip install 'sendwatch[s3]'"
            ) from None
        if self._filesystem is None:
            try:
                self._filesystem, _ = fsspec.core.url_to_fs(self.root, **self.options)
            except (ImportError, ValueError) as error:
                raise DocumentStoreError(f"data_dir {self.root}: {error}") from None
        return self._filesystem, self._filesystem._strip_protocol(location)
