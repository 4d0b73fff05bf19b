"""A paper's kind comes from its bytes first, then its declared type; the link's name never decides alone."""

from __future__ import annotations

import pytest

from sendwatch.demo_site.formats import CONTENT_TYPES, FORMATS, render_document
from sendwatch.formats import decide_kind, kind_of_content_type, kind_of_name, sniff
from sendwatch.vocabulary import DOCUMENT_KINDS

PAGES = ["Schools Forum, 3 March 2026", "The forecast DSG deficit is £8.5m."]
OLE_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "WordDocument".encode("utf-16-le") + b"\x00" * 100
OLE_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "Workbook".encode("utf-16-le") + b"\x00" * 100


@pytest.mark.parametrize("format", FORMATS)
def test_each_published_format_is_told_from_its_bytes(format):
    assert sniff(render_document("Report", PAGES, format)) == format


@pytest.mark.parametrize("format", ["docx", "xlsx", "odt"])
def test_office_zips_are_told_apart_from_their_first_kilobytes_too(format):
    assert sniff(render_document("Report", PAGES, format)[:2048]) == format


@pytest.mark.parametrize("body, kind", [(OLE_WORD, "doc"), (OLE_EXCEL, "xls"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image"),
                                        (b"{\\rtf1\\ansi Minutes\\par}", "rtf")])
def test_legacy_office_files_images_and_rtf(body, kind):
    assert sniff(body) == kind


@pytest.mark.parametrize("format", FORMATS)
def test_the_bytes_win_over_a_generic_declared_type(format):
    assert decide_kind(render_document("Report", PAGES, format), "application/octet-stream") == format


def test_a_word_file_behind_a_pdf_link_is_word():
    body = render_document("Report", PAGES, "docx")
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


@pytest.mark.parametrize("content_type, kind", [
    ("application/pdf", "pdf"), ("text/html; charset=utf-8", "html"), ("application/msword", "doc"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("APPLICATION/RTF", "rtf"), ("image/tiff", "image"), ("application/zip", "other"),
    ("application/octet-stream", None), (None, None),
])
def test_declared_types(content_type, kind):
    assert kind_of_content_type(content_type) == kind


@pytest.mark.parametrize("name, kind", [
    ("https://democracy.example.gov.uk/documents/s60860/Minutes%20Audit.pdf", "pdf"), ("Budget 2026-27.xlsx", "xlsx"),
    ("https://cmis.example.gov.uk/cmis/Document.ashx?czJKcaeAi5tUFL1DTL2UE4zNRBcoShgo=abc", None), (None, None),
])
def test_names_only_hint(name, kind):
    assert kind_of_name(name) == kind


def test_every_kind_the_demo_publishes_is_in_the_vocabulary():
    assert set(FORMATS) <= set(DOCUMENT_KINDS)
    assert all(kind_of_content_type(content_type) == format for format, content_type in CONTENT_TYPES.items())
