"""Papers in every format are fetched once, kept with the format their bytes prove, and never fail a council."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from crawl_support import rows

from sendwatch.core.storage.models import Document
from sendwatch.demo.site import FORUM, DemoDocument, sample_council

FORMATS = ["docx", "odt", "rtf", "doc", "xlsx", "xls", "csv", "scanned_pdf", "pptx", "bin"]
KINDS = {"scanned_pdf": "pdf", "bin": "other"}  # no known format: kept, for the reader to record unsupported


def with_papers(slug: str, platform: str, today: dt.date, served_as: str | None = None):  # type: ignore[no-untyped-def]
    council = sample_council(slug, platform, today, meetings_in_window=1, old_meetings=0)
    meeting = next(c for c in council.committees if c.title == FORUM).meetings[0]
    papers = [
        DemoDocument(
            f"Paper in {fmt}",
            ["Schools Forum", "The DSG deficit is £4.1m."],
            published=today - dt.timedelta(days=3),
            format=fmt,
            served_as=served_as if fmt != "csv" else None,
        )
        for fmt in FORMATS
    ]
    if platform == "moderngov":
        meeting.items[-1].documents.extend(papers)
    else:
        meeting.documents.extend(papers)
    return council


@pytest.mark.parametrize("platform, served_as", [("cmis", "application/octet-stream"), ("moderngov", None), ("listing", None)])
def test_every_format_is_fetched_kept_by_its_bytes_and_the_council_is_ok(demo, make_config, crawl, today, platform, served_as):
    site = demo([with_papers("fenmarsh", platform, today, served_as)])
    config = make_config(site, ["fenmarsh"])

    result = crawl(config)["fenmarsh"]

    assert result.outcome == "ok", result.errors
    kept = {"Paper in" + d.title.split("Paper in", 1)[1]: d for d in rows(config, Document) if "Paper in" in (d.title or "")}
    assert {title: (d.kind, d.fetch_state) for title, d in kept.items()} == {
        f"Paper in {fmt}": (KINDS.get(fmt, fmt), "ok") for fmt in FORMATS
    }
    assert all(d.file_path and d.sha256 for d in kept.values())
    assert kept["Paper in docx"].file_path.endswith(".docx")
    if served_as:
        assert kept["Paper in docx"].content_type == served_as

    site.reset_counts()
    again = crawl(config)["fenmarsh"]
    assert again.outcome == "ok" and again.documents_new == 0 and again.documents_changed == 0
    assert sum(site.bodies("fenmarsh").values()) == 0, site.bodies("fenmarsh")


def test_a_scanned_image_paper_is_kept_under_its_image_suffix_for_ocr_and_the_web(demo, make_config, crawl, today):
    council = sample_council("fenmarsh", "cmis", today, meetings_in_window=1, old_meetings=0)
    meeting = next(c for c in council.committees if c.title == FORUM).meetings[0]
    meeting.documents.append(
        DemoDocument(
            "Scanned letter",
            ["Dear Director, the DSG deficit is £4.1m."],
            published=today - dt.timedelta(days=3),
            format="png",
            served_as="application/octet-stream",
        )
    )
    site = demo([council])
    config = make_config(site, ["fenmarsh"])

    assert crawl(config)["fenmarsh"].outcome == "ok"

    [scan] = [d for d in rows(config, Document) if d.title == "Scanned letter"]
    assert scan.kind == "image" and scan.file_path.endswith(".png")
    assert Path(scan.file_path).read_bytes().startswith(b"\x89PNG")
