"""A paper's kind comes from its bytes first, then its declared type; the link's name never decides alone."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sendwatch.core.formats import (
    DESCRIPTIONS,
    decide_kind,
    declared_kind,
    image_format,
    kind_of_content_type,
    kind_of_file,
    kind_of_name,
    proven_kind,
    sniff,
    stored_suffix,
)
from sendwatch.core.vocabulary import DOCUMENT_KINDS
from sendwatch.demo.site import papers
from sendwatch.demo.site.word97 import compound_file

# Table rows (" | " between cells), so that the demo's CSV of them is a table its bytes show.
PAGES = ["Schools Forum | 3 March 2026\nForecast DSG deficit | £8.5m", "Cumulative deficit | £21.4m\nRecovery plan | agreed"]
REPORT = ["Schools Forum\nThe DSG deficit is forecast at £4.1m.", "Item | 2024/25\nCumulative deficit | 21.4"]
# The kind each format the demo publishes is; most are named after theirs.
DEMO_KINDS = {fmt: {"scanned_pdf": "pdf", "png": "image", "bin": "other"}.get(fmt, fmt) for fmt in papers.FORMATS}
FORMATS = [fmt for fmt, kind in DEMO_KINDS.items() if kind == fmt]
CONTENT_TYPES = {fmt: papers.FORMATS[fmt][1] for fmt in FORMATS}
OLE_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "WordDocument".encode("utf-16-le") + b"\x00" * 100
OLE_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "Workbook".encode("utf-16-le") + b"\x00" * 100


# --------------------------------------------------------------------------- what the bytes prove


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("pdf", "pdf"),
        ("scanned_pdf", "pdf"),
        ("png", "image"),
        ("docx", "docx"),
        ("odt", "odt"),
        ("ods", "ods"),
        ("xlsx", "xlsx"),
        ("xls", "xls"),
        ("doc", "doc"),
        ("rtf", "rtf"),
        ("pptx", "pptx"),
    ],
)
def test_each_format_is_known_by_its_bytes_alone(fmt: str, expected: str) -> None:
    assert proven_kind(papers.write(fmt, "Report", REPORT)) == expected


@pytest.mark.parametrize("fmt", ["csv", "html"])
def test_text_formats_are_not_claimed_by_the_bytes(fmt: str) -> None:
    assert proven_kind(papers.write(fmt, "Report", REPORT)) is None


def test_the_bytes_win_over_a_wrong_or_generic_declared_type(tmp_path: Path) -> None:
    path = tmp_path / "Document.ashx"
    path.write_bytes(papers.write("docx", "Report", REPORT))
    assert kind_of_file(path, "pdf", "application/octet-stream") == "docx"
    assert kind_of_file(path, "html", "text/html") == "docx"


def test_text_bytes_follow_the_declared_type(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_bytes(papers.write("csv", "Report", REPORT))
    assert kind_of_file(path, None, "text/csv") == "csv"
    assert kind_of_file(path, "csv", None) == "csv"
    assert kind_of_file(path, None, "application/vnd.ms-excel") == "csv", "servers label CSV downloads as Excel"
    assert kind_of_file(path, None, None) == "text"


def test_the_link_alone_decides_nothing(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(b"\x00\x01\x02 not a workbook at all")
    assert kind_of_file(path, "other", None) == "other"  # fetched, of no known format (DOCUMENT_KINDS)


def test_zip_containers_are_told_apart_by_what_they_hold() -> None:
    def archive(entries: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as handle:
            for name, data in entries.items():
                handle.writestr(name, data)
        return buffer.getvalue()

    macro = b'<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    assert proven_kind(archive({"[Content_Types].xml": macro, "word/document.xml": b"<x/>"})) == "docx"
    assert proven_kind(archive({"ppt/presentation.xml": b"<x/>"})) == "pptx"
    assert proven_kind(archive({"mimetype": b"application/vnd.oasis.opendocument.presentation"})) == "odp"
    assert proven_kind(archive({"minutes.txt": b"The Forum met."})) == "zip"
    assert proven_kind(b"PK\x03\x04" + bytes(range(256)) * 4) == "zip"


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pptx", "odt", "ods"])
def test_an_office_file_cut_short_is_still_known_by_its_first_entry(fmt: str) -> None:
    body = papers.write(fmt, "Report", REPORT)
    assert proven_kind(body[: len(body) // 2]) == fmt  # so the reader records it corrupt, not unsupported


def test_ole2_files_are_told_apart_by_their_streams() -> None:
    filler = b"\x00" * 4096
    assert proven_kind(compound_file({"Workbook": filler})) == "xls"
    assert proven_kind(compound_file({"EncryptionInfo": filler, "EncryptedPackage": filler})) == "office_encrypted"
    assert proven_kind(compound_file({"PowerPoint Document": filler})) == "ppt"
    assert proven_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600) == "ole"


def test_declared_types_name_formats() -> None:
    assert declared_kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document") == "docx"
    assert declared_kind("text/csv; charset=utf-8") == "csv"
    assert declared_kind("image/tiff") == "image"
    assert declared_kind("application/octet-stream", "minutes") == "html"
    assert declared_kind("application/octet-stream") is None


# --------------------------------------------------------------------------- deciding a fetched paper's kind


@pytest.mark.parametrize("format", FORMATS)
def test_each_published_format_is_told_from_its_bytes(format):
    assert sniff(papers.write(format, "Report", PAGES)) == format


@pytest.mark.parametrize("format", ["docx", "xlsx", "odt"])
def test_office_zips_are_told_apart_from_their_first_kilobytes_too(format):
    assert sniff(papers.write(format, "Report", PAGES)[:2048]) == format


@pytest.mark.parametrize(
    "body, kind",
    [
        (OLE_WORD, "doc"),
        (OLE_EXCEL, "xls"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image"),
        (b"{\\rtf1\\ansi Minutes\\par}", "rtf"),
    ],
)
def test_legacy_office_files_images_and_rtf(body, kind):
    assert sniff(body) == kind


@pytest.mark.parametrize("format", FORMATS)
def test_the_bytes_win_over_a_generic_declared_type(format):
    assert decide_kind(papers.write(format, "Report", PAGES), "application/octet-stream") == format


def test_a_word_file_behind_a_pdf_link_is_word():
    body = papers.write("docx", "Report", PAGES)
    assert decide_kind(body, "application/pdf", "https://democracy.example.gov.uk/documents/s1/Report.pdf") == "docx"


def test_an_html_error_page_served_as_pdf_stays_pdf_so_it_fails_the_pdf_check():
    assert decide_kind(b"<html><body><h1>Server Error</h1></body></html>", "application/pdf") == "pdf"


def test_plain_text_takes_the_declared_type():
    assert decide_kind(b"Minutes of the meeting", "text/plain") == "text"
    assert decide_kind(b"Minutes of the meeting", "text/html") == "html"


def test_csv_from_its_shape_or_its_declared_type_or_its_name():
    table = b"provision,places,cost\nspecial schools,410,12.1\nindependent,96,9.8\nresourced,55,1.2\n"
    assert decide_kind(table, None) == "csv"
    assert decide_kind(b"one column\nonly\nrows\n", "text/csv") == "csv"
    assert decide_kind(b"one column\nonly\nrows\n", "application/octet-stream", "https://x.example/Document.ashx?a=1") == "text"
    assert decide_kind(b"one column\nonly\nrows\n", None, "budget-table.csv") == "csv"


def test_bytes_that_say_nothing_with_nothing_declared_are_other():
    assert decide_kind(b"\x00\x01\x02\x03binary", "application/octet-stream", "https://x.example/report.pdf") == "other"


@pytest.mark.parametrize(
    "content_type, kind",
    [
        ("application/pdf", "pdf"),
        ("text/html; charset=utf-8", "html"),
        ("application/msword", "doc"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("APPLICATION/RTF", "rtf"),
        ("image/tiff", "image"),
        ("application/zip", "other"),
        ("application/octet-stream", None),
        (None, None),
    ],
)
def test_declared_types(content_type, kind):
    assert kind_of_content_type(content_type) == kind


@pytest.mark.parametrize(
    "name, kind",
    [
        ("https://democracy.example.gov.uk/documents/s60860/Minutes%20Audit.pdf", "pdf"),
        ("Budget 2026-27.xlsx", "xlsx"),
        ("https://cmis.example.gov.uk/cmis/Document.ashx?czJKcaeAi5tUFL1DTL2UE4zNRBcoShgo=abc", None),
        (None, None),
    ],
)
def test_names_only_hint(name, kind):
    assert kind_of_name(name) == kind


def test_every_kind_the_demo_publishes_is_in_the_vocabulary():
    assert set(DEMO_KINDS.values()) <= set(DOCUMENT_KINDS)
    assert all(kind_of_content_type(content_type) == format for format, content_type in CONTENT_TYPES.items())


def test_every_kind_is_described_for_users():
    assert set(DESCRIPTIONS) == set(DOCUMENT_KINDS)


# --------------------------------------------------------------------------- storing


def scan(pillow_format: str, **options: object) -> bytes:
    """A small greyscale scan saved by Pillow in ``pillow_format``, as a council's scanner would."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (40, 20), color=200).save(buffer, format=pillow_format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "pillow_format, options, suffix, media_type",
    [
        ("PNG", {}, ".png", "image/png"),
        ("JPEG", {}, ".jpg", "image/jpeg"),
        ("TIFF", {}, ".tif", "image/tiff"),
        ("TIFF", {"tiffinfo": {}, "compression": "tiff_lzw"}, ".tif", "image/tiff"),
        ("GIF", {}, ".gif", "image/gif"),
    ],
)
def test_a_scanned_paper_is_stored_under_the_suffix_of_its_own_format(pillow_format, options, suffix, media_type):
    body = scan(pillow_format, **options)
    assert decide_kind(body, "application/octet-stream") == "image"
    assert stored_suffix("image", body) == suffix
    assert image_format(body) == (suffix, media_type)


def test_a_big_endian_tiff_is_a_tiff_too():
    assert image_format(b"MM\x00*" + b"\x00" * 40) == (".tif", "image/tiff")


@pytest.mark.parametrize("kind, suffix", [("pdf", ".pdf"), ("docx", ".docx"), ("other", ".bin"), ("image", ".bin")])
def test_other_kinds_keep_their_kind_s_suffix_and_an_unknown_image_falls_back_to_bin(kind, suffix):
    assert stored_suffix(kind, b"\x00\x01 neither a signature nor text") == suffix
