"""What format a paper is in: decided from its bytes first, then the type the server declared.

One home for this idea, shared by the crawler (which records ``Document.kind`` and stores the
body under a matching suffix) and the readers (which pick a reader by kind). A link never
decides on its own: CMIS ``Document.ashx`` links name no format at all, and a ModernGov
``….pdf`` link can serve a Word file. The file name (the ``Content-Disposition`` name or the
URL's last segment) only tells CSV from other plain text, which bytes cannot.

    >>> decide_kind(b"%PDF-1.7 ...", "application/octet-stream")
    'pdf'
    >>> decide_kind(b"<html><body>Minutes</body></html>", "text/html; charset=utf-8")
    'html'
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from urllib.parse import unquote, urlsplit

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a")
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_FRAGMENT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:div|p|table|h[1-6]|ul|ol|span)\b[^>]*>", re.I)

CONTENT_TYPES: dict[str, str] = {
    "application/pdf": "pdf", "application/x-pdf": "pdf",
    "text/html": "html", "application/xhtml+xml": "html",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/rtf": "rtf", "text/rtf": "rtf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/csv": "csv", "application/csv": "csv",
    "text/plain": "text",
}
# Types that say nothing about the format: the bytes alone decide.
_UNINFORMATIVE = ("", "application/octet-stream", "binary/octet-stream", "application/download",
                  "application/force-download", "application/x-download")
EXTENSIONS: dict[str, str] = {
    "pdf": "pdf", "htm": "html", "html": "html", "docx": "docx", "doc": "doc", "odt": "odt", "rtf": "rtf",
    "xlsx": "xlsx", "xls": "xls", "ods": "ods", "csv": "csv", "txt": "text",
    "png": "image", "jpg": "image", "jpeg": "image", "tif": "image", "tiff": "image", "gif": "image",
}
# The suffix a stored body gets, by kind.
SUFFIXES: dict[str, str] = {kind: f".{kind}" for kind in ("pdf", "html", "docx", "doc", "odt", "rtf", "xlsx", "xls", "ods", "csv")}
SUFFIXES["text"] = ".txt"


def sniff(data: bytes) -> str | None:
    """The kind the bytes themselves show (whole file or its first kilobytes), or None.

    Plain text comes back as ``text`` (or ``csv`` when it is plainly a table): a weak answer
    that a declared type may refine.
    """
    head = data[:4096]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_OLE2):
        return _ole_kind(data)
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGES):
        return "image"
    if _HTML_START.match(head) or _HTML_FRAGMENT.match(head):
        return "html"
    return _text_kind(head, cut=len(data) > len(head))


def kind_of_content_type(content_type: str | None) -> str | None:
    """The kind a ``Content-Type`` header declares; None when it declares nothing useful."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in _UNINFORMATIVE:
        return None
    if mime.startswith("image/"):
        return "image"
    return CONTENT_TYPES.get(mime, "other")


def kind_of_name(name: str | None) -> str | None:
    """The kind a file name or URL suggests by its extension (a hint, never a decision)."""
    if not name:
        return None
    path = urlsplit(name).path if "://" in name else name
    last = unquote(path.rsplit("/", 1)[-1])
    return EXTENSIONS.get(last.rsplit(".", 1)[-1].lower()) if "." in last else None


def decide_kind(body: bytes, content_type: str | None, name: str | None = None) -> str:
    """The kind to store a fetched body as: bytes first, then the declared type, never the name alone.

    One exception keeps broken answers visible: HTML served as ``application/pdf`` is the
    server's error page in place of the PDF asked for, so it stays ``pdf`` and fails the PDF
    check (and is fetched again) rather than being kept as a paper.
    """
    sniffed = sniff(body)
    declared = kind_of_content_type(content_type)
    if sniffed == "html" and declared == "pdf":
        return "pdf"
    if sniffed in (None, "text"):
        if declared is not None and declared != "other":
            return declared
        if sniffed == "text" and kind_of_name(name) == "csv":
            return "csv"
        return sniffed or declared or "other"
    return sniffed


def _zip_kind(data: bytes) -> str:
    """docx / xlsx / odt / ods from the names inside a zip (or, for a truncated head, its first headers)."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        names = []
    if "mimetype" in names:
        try:
            mimetype = zipfile.ZipFile(io.BytesIO(data)).read("mimetype").decode("ascii", "replace").strip()
        except (KeyError, zipfile.BadZipFile, ValueError, OSError):
            mimetype = ""
        return _odf_kind(mimetype)
    if not names:  # only the start of the file: the first entries' names are in plain sight
        head = data[:4096]
        if head[30:38] == b"mimetype":
            return _odf_kind(head[38:120].decode("ascii", "replace"))
        names = [name.decode("ascii", "replace") for name in re.findall(rb"(word/|xl/)", head)]
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return "other"


def _odf_kind(mimetype: str) -> str:
    if "opendocument.text" in mimetype:
        return "odt"
    if "opendocument.spreadsheet" in mimetype:
        return "ods"
    return "other"


def _ole_kind(data: bytes) -> str:
    """Legacy Office files: the directory names the main stream (``WordDocument``, ``Workbook``)."""
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "other"


def _text_kind(head: bytes, cut: bool) -> str | None:
    """``text`` for readable text, ``csv`` when its first lines share a field count; else None."""
    if not head or b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the head
            text = head.decode("cp1252", errors="replace")
        else:
            text = head[: error.start].decode("utf-8")
    if sum(1 for char in text if char.isprintable() or char in "\r\n\t") < 0.95 * len(text):
        return None
    lines = text.splitlines()
    if cut:
        lines = lines[:-1]  # the head's last line may be cut short
    lines = [line for line in lines if line.strip()][:6]
    if len(lines) >= 3:
        for separator in (",", "\t", ";"):
            widths = {len(row) for row in csv.reader(lines, delimiter=separator)}
            if len(widths) == 1 and widths.pop() >= 2:
                return "csv"
    return "text"

