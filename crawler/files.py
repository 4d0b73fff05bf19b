"""Document bodies stored once, by SHA-256, under the data folder.

``data/ab/abcdef….pdf`` (the suffix follows the paper's kind): the same bytes fetched twice (or under two URLs) are one file. Files
are written to a temporary name and renamed, so a crawl killed mid-write leaves no half file
under a real name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sendwatch.core.formats import SUFFIXES


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def store_body(data_dir: Path, body: bytes, kind: str) -> tuple[str, Path]:
    """Write ``body`` under its hash (if not already there); return the hash and absolute path."""
    digest = sha256_of(body)
    target = data_dir / digest[:2] / f"{digest}{SUFFIXES.get(kind, '.bin')}"
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
    return digest, target.resolve()
