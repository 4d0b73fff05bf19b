"""The document store: papers kept by SHA-256, in a folder or in an S3-compatible object store, the same way."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sendwatch.core.documents import DocumentStore, DocumentStoreError
from tests.support.object_store import ObjectStore, running_object_store

BODY = b"%PDF-1.7 a council paper"
DIGEST = hashlib.sha256(BODY).hexdigest()


@pytest.fixture
def object_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[ObjectStore]:
    with running_object_store(monkeypatch) as store:
        yield store


def test_a_folder_keeps_each_body_once_under_its_hash(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "data")
    first = store.put(BODY, "pdf")
    again = store.put(BODY, "pdf")
    assert first == again == (DIGEST, str(tmp_path / "data" / DIGEST[:2] / f"{DIGEST}.pdf"))
    assert [path.name for path in (tmp_path / "data").rglob("*")] == [DIGEST[:2], f"{DIGEST}.pdf"], "no temporary file left"
    with store.local_file(first[1]) as path:
        assert path.read_bytes() == BODY


def test_an_object_store_keeps_the_same_keys_and_hands_readers_a_local_copy(object_store: ObjectStore) -> None:
    store = DocumentStore(f"s3://{object_store.bucket}/sendwatch/", object_store.options)
    digest, location = store.put(BODY, "pdf")
    assert store.put(BODY, "pdf") == (digest, location)
    assert digest == DIGEST and location == f"s3://{object_store.bucket}/sendwatch/{DIGEST[:2]}/{DIGEST}.pdf"
    assert object_store.keys() == [f"{object_store.bucket}/sendwatch/{DIGEST[:2]}/{DIGEST}.pdf"]
    with DocumentStore(f"s3://{object_store.bucket}/sendwatch", object_store.options).local_file(location) as path:
        assert path.read_bytes() == BODY and path.suffix == ".pdf"
        copy = path
    assert not copy.exists(), "the local copy is removed once read"


def test_an_object_store_missing_its_driver_says_which_extra_to_install(tmp_path: Path) -> None:
    store = DocumentStore("nosuchscheme://bucket/prefix")
    with pytest.raises(DocumentStoreError, match="nosuchscheme"):
        store.put(BODY, "pdf")


def test_a_scan_is_kept_under_the_suffix_of_its_image_format(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "data")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    assert store.put(png, "image")[1].endswith(".png")
    assert store.put(jpeg, "image")[1].endswith(".jpg")


def test_a_folder_holds_only_what_is_under_it_and_opens_it_as_a_stream(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "data")
    _, location = store.put(BODY, "pdf")
    assert store.holds(location) and not store.holds(str(tmp_path / "elsewhere.pdf"))
    assert not store.holds(f"{tmp_path / 'data'}/../elsewhere.pdf") and not store.holds("s3://bucket/data/x.pdf")
    with store.open(location) as stream:
        assert stream.read() == BODY
    with pytest.raises(FileNotFoundError):
        store.open(location.replace(".pdf", "0.pdf"))


def test_an_object_store_holds_only_its_own_prefix_and_opens_objects_as_streams(object_store: ObjectStore) -> None:
    root = f"s3://{object_store.bucket}/sendwatch"
    store = DocumentStore(root, object_store.options)
    _, location = store.put(BODY, "pdf")
    assert store.holds(location)
    assert not store.holds(f"{root}-other/{DIGEST[:2]}/{DIGEST}.pdf") and not store.holds(f"{root}/../{DIGEST}.pdf")
    assert not store.holds(f"/srv/sendwatch/{DIGEST[:2]}/{DIGEST}.pdf")
    with store.open(location) as stream:
        assert stream.read() == BODY
    with pytest.raises(FileNotFoundError):
        store.open(location.replace(".pdf", "0.pdf"))
