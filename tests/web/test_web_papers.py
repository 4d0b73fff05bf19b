"""``/papers/ID`` serves sendwatch's own copy of a paper from wherever data_dir keeps it: a folder
or an S3-compatible object store (moto's server on loopback), read through the document store."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator

import pytest
from web_support import council, paper

from sendwatch.core.documents import DocumentStore
from tests.support.object_store import ObjectStore, running_object_store

MEETING_DAYS = itertools.count()  # each stored paper at a meeting of its own
PDF = b"%PDF-1.7\n% a council's report, as sendwatch keeps it\n" + b"0" * 300_000 + b"\n%%EOF\n"  # more than one chunk


def scanned_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (60, 30), color=230).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def object_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[ObjectStore]:
    with running_object_store(monkeypatch) as store:
        yield store


@pytest.fixture(params=["folder", "object store"])
def site(request, start_site, sqlite_url):  # type: ignore[no-untyped-def]
    """The web app with data_dir a folder, or an object store's bucket."""
    if request.param == "folder":
        return start_site(sqlite_url, seed=False)
    bucket = request.getfixturevalue("object_store")
    settings = {"data_dir": f"s3://{bucket.bucket}/sendwatch", "data_options": bucket.options}
    return start_site(sqlite_url, seed=False, settings=settings)


def stored(site, body: bytes, kind: str, location: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """Keep ``body`` in the site's document store, as the crawler does, and return its paper's id."""
    config = site.config
    digest, where = DocumentStore(config.documents_root, config.data_options).put(body, kind)
    with site.database.session() as session:
        day = dt.date(2026, 1, 1) + dt.timedelta(days=next(MEETING_DAYS))
        document = paper(session, council(session, "northshire"), "DSG update", day, f"https://x.example/{day}/{digest}")
        document.kind, document.sha256, document.file_path = kind, digest, location or where
        return document.id


def test_a_stored_pdf_is_served_whole_and_shown_inert(site) -> None:  # type: ignore[no-untyped-def]
    served = site.client.get(f"/papers/{stored(site, PDF, 'pdf')}")
    assert served.status_code == 200, served.text
    assert served.content == PDF and served.headers["content-type"] == "application/pdf"
    assert "sandbox" in served.headers["content-security-policy"] and "content-disposition" not in served.headers


def test_a_stored_scan_is_served_as_the_image_it_is(site) -> None:  # type: ignore[no-untyped-def]
    scan = scanned_png()
    served = site.client.get(f"/papers/{stored(site, scan, 'image')}")
    assert served.status_code == 200 and served.content == scan
    assert served.headers["content-type"] == "image/png"


def test_a_paper_of_a_kind_not_shown_is_downloaded_under_its_stored_suffix(site) -> None:  # type: ignore[no-untyped-def]
    body = b"PK\x03\x04 not really a workbook, kept as it came"
    document_id = stored(site, body, "xlsx")
    served = site.client.get(f"/papers/{document_id}")
    assert served.status_code == 200 and served.content == body
    assert served.headers["content-disposition"] == f'attachment; filename="paper-{document_id}.xlsx"'


def test_a_paper_whose_copy_is_gone_is_a_clear_404(site) -> None:  # type: ignore[no-untyped-def]
    location = DocumentStore(site.config.documents_root, site.config.data_options).put(PDF, "pdf")[1]
    gone = location.replace(".pdf", "0.pdf")  # under the root, nothing there
    served = site.client.get(f"/papers/{stored(site, PDF, 'pdf', location=gone)}")
    assert served.status_code == 404 and "keeps no copy" in served.text


def test_a_location_outside_data_dir_is_never_served(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "elsewhere.pdf"
    secret.write_bytes(PDF)
    root = site.config.documents_root
    for location in (str(secret), f"{root}/../elsewhere.pdf", f"{root}-other/ab/{'a' * 64}.pdf"):
        served = site.client.get(f"/papers/{stored(site, PDF, 'pdf', location=location)}")
        assert served.status_code == 404, location


def test_a_paper_not_stored_at_all_is_a_404(site) -> None:  # type: ignore[no-untyped-def]
    with site.database.session() as session:
        document = paper(session, council(session, "northshire"), "Not fetched", dt.date(2026, 3, 5), "https://x.example/n")
        document_id = document.id
    assert site.client.get(f"/papers/{document_id}").status_code == 404
    assert site.client.get("/papers/999999").status_code == 404
