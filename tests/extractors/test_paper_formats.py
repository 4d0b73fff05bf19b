"""A paper's format comes from its bytes first, then its declared type, never its link alone."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extractors.formats import declared_format, detect_format, sniff_bytes
from sendwatch.demo_site import papers
from sendwatch.demo_site.word97 import compound_file

PAGES = ["Schools Forum\nThe DSG deficit is forecast at £4.1m.", "Item | 2024/25\nCumulative deficit | 21.4"]


@pytest.mark.parametrize("fmt, expected", [
    ("pdf", "pdf"), ("scanned_pdf", "pdf"), ("png", "image"), ("docx", "docx"), ("odt", "odt"), ("ods", "ods"),
    ("xlsx", "xlsx"), ("xls", "xls"), ("doc", "doc"), ("rtf", "rtf"), ("pptx", "pptx"),
])
def test_each_format_is_known_by_its_bytes_alone(fmt: str, expected: str) -> None:
    assert sniff_bytes(papers.write(fmt, "Report", PAGES)) == expected


@pytest.mark.parametrize("fmt", ["csv", "html"])
def test_text_formats_are_not_claimed_by_the_bytes(fmt: str) -> None:
    assert sniff_bytes(papers.write(fmt, "Report", PAGES)) is None


def test_the_bytes_win_over_a_wrong_or_generic_declared_type(tmp_path: Path) -> None:
    path = tmp_path / "Document.ashx"
    path.write_bytes(papers.write("docx", "Report", PAGES))
    assert detect_format(path, "pdf", "application/octet-stream") == "docx"
    assert detect_format(path, "html", "text/html") == "docx"


def test_text_bytes_follow_the_declared_type(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_bytes(papers.write("csv", "Report", PAGES))
    assert detect_format(path, None, "text/csv") == "csv"
    assert detect_format(path, "csv", None) == "csv"
    assert detect_format(path, None, "application/vnd.ms-excel") == "csv", "servers label CSV downloads as Excel"
    assert detect_format(path, None, None) == "text"


def test_the_link_alone_decides_nothing(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(b"\x00\x01\x02 not a workbook at all")
    assert detect_format(path, "other", None) == "unknown"


def test_zip_containers_are_told_apart_by_what_they_hold() -> None:
    def archive(entries: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as handle:
            for name, data in entries.items():
                handle.writestr(name, data)
        return buffer.getvalue()

    macro = b'<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    assert sniff_bytes(archive({"[Content_Types].xml": macro, "word/document.xml": b"<x/>"})) == "docx"
    assert sniff_bytes(archive({"ppt/presentation.xml": b"<x/>"})) == "pptx"
    assert sniff_bytes(archive({"mimetype": b"application/vnd.oasis.opendocument.presentation"})) == "odp"
    assert sniff_bytes(archive({"minutes.txt": b"The Forum met."})) == "zip"
    assert sniff_bytes(b"PK\x03\x04" + bytes(range(256)) * 4) == "zip"


def test_ole2_files_are_told_apart_by_their_streams() -> None:
    filler = b"\x00" * 4096
    assert sniff_bytes(compound_file({"Workbook": filler})) == "xls"
    assert sniff_bytes(compound_file({"EncryptionInfo": filler, "EncryptedPackage": filler})) == "office_encrypted"
    assert sniff_bytes(compound_file({"PowerPoint Document": filler})) == "ppt"
    assert sniff_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600) == "ole"


def test_declared_types_name_formats() -> None:
    assert declared_format("application/vnd.openxmlformats-officedocument.wordprocessingml.document") == "docx"
    assert declared_format("text/csv; charset=utf-8") == "csv"
    assert declared_format("image/tiff") == "image"
    assert declared_format("application/octet-stream", "minutes") == "html"
    assert declared_format("application/octet-stream") is None
