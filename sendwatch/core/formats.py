"""What kind of file a paper is: from its bytes first, then the type declared for it, never its link alone.

One home for this idea, shared by the crawler (which records ``Document.kind`` and stores the
body under a matching suffix) and the readers (which decide again from the stored bytes and pick
a reader by kind). The kinds are ``sendwatch.core.vocabulary.DOCUMENT_KINDS``.

Councils serve Word, OpenDocument, RTF and spreadsheet papers as well as PDFs, often from links
that say nothing (CMIS ``Document.ashx?...``) with a generic ``application/octet-stream`` type,
and sometimes with a wrong one (a ModernGov ``….pdf`` link serving a Word file). So:

1. Bytes that prove a format decide (``proven_kind``): ``%PDF-``, ``{\\rtf``, PNG / JPEG / TIFF /
   GIF signatures; a ZIP container by what it holds (OpenDocument's ``mimetype`` entry, Office
   Open XML's ``[Content_Types].xml``, else its part names; a download cut short still by its
   entries' local headers, so it is read and recorded corrupt rather than lost); an OLE2
   compound file by its streams (``WordDocument``, ``Workbook``, ``EncryptedPackage``...).
2. Bytes that could be anything (text, markup, junk) take the declared type: the
   ``Content-Type`` (for a stored paper, else the kind recorded when it was fetched). HTML
   served as ``application/pdf`` is the server's error page in place of the PDF asked for: it
   stays ``pdf`` and fails the PDF check (and is fetched again). Text declared as a spreadsheet is
   CSV (servers label CSV downloads as Excel as often as not).
3. The file name (``Content-Disposition``, else the URL's last segment) only tells CSV from
   other plain text, which bytes cannot; bytes that are neither text nor a known format are
   ``other`` whatever the link promised.

    >>> decide_kind(b"%PDF-1.7 ...", "application/octet-stream")
    'pdf'
    >>> decide_kind(b"<html><body>Minutes</body></html>", "text/html; charset=utf-8")
    'html'
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from sendwatch.core.vocabulary import DOCUMENT_KINDS, DocumentKind

# What each kind is called in messages users read.
DESCRIPTIONS: dict[str, str] = {
    "pdf": "a PDF",
    "html": "an HTML page",
    "text": "plain text",
    "csv": "a CSV table",
    "docx": "a Word document (.docx)",
    "doc": "a Word 97-2003 document (.doc)",
    "odt": "an OpenDocument text (.odt)",
    "rtf": "an RTF document",
    "xlsx": "an Excel workbook (.xlsx)",
    "xls": "an Excel 97-2003 workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "image": "an image",
    "pptx": "a PowerPoint presentation (.pptx)",
    "ppt": "a PowerPoint 97-2003 presentation (.ppt)",
    "odp": "an OpenDocument presentation (.odp)",
    "odf": "an OpenDocument file of another kind",
    "zip": "a ZIP archive that is not an office document",
    "ole": "an OLE2 compound file that is not an Office document",
    "office_encrypted": "a password-protected Office document",
    "other": "a file of unknown format",
    "unknown": "a paper not yet fetched, whose link names no format",
}

# The suffix a stored body gets (data/ab/abcd….docx), so a person can open it.
SUFFIXES: dict[str, str] = {
    "pdf": ".pdf",
    "html": ".html",
    "text": ".txt",
    "csv": ".csv",
    "docx": ".docx",
    "doc": ".doc",
    "odt": ".odt",
    "rtf": ".rtf",
    "xlsx": ".xlsx",
    "xls": ".xls",
    "ods": ".ods",
    "pptx": ".pptx",
    "ppt": ".ppt",
    "odp": ".odp",
}

# Declared types (Content-Type) to kinds.
CONTENT_TYPES: dict[str, DocumentKind] = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/csv": "csv",
    "application/csv": "csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# Types that say nothing about the format: the bytes alone decide.
_UNINFORMATIVE = (
    "",
    "application/octet-stream",
    "binary/octet-stream",
    "application/download",
    "application/force-download",
    "application/x-download",
)
# File name extensions to kinds: a hint (a probe's guess, CSV versus text), never a decision.
EXTENSIONS: dict[str, DocumentKind] = {
    "pdf": "pdf",
    "htm": "html",
    "html": "html",
    "docx": "docx",
    "doc": "doc",
    "odt": "odt",
    "rtf": "rtf",
    "xlsx": "xlsx",
    "xls": "xls",
    "ods": "ods",
    "csv": "csv",
    "txt": "text",
    "pptx": "pptx",
    "ppt": "ppt",
    "odp": "odp",
    "png": "image",
    "jpg": "image",
    "jpeg": "image",
    "tif": "image",
    "tiff": "image",
    "gif": "image",
}
# What a link's extension must name for a listing page's link to be a paper, not a web page or a picture.
PAPER_KINDS: frozenset[DocumentKind] = frozenset(EXTENSIONS.values()) - {"html", "image"}
PAPER_EXTENSIONS: tuple[str, ...] = tuple(ext for ext, kind in EXTENSIONS.items() if kind in PAPER_KINDS)
# Kinds older rows were stored with.
_LEGACY_KINDS: dict[str, DocumentKind] = {"minutes": "html", "txt": "text"}
_SPREADSHEETS: tuple[DocumentKind, ...] = ("xls", "xlsx", "ods")

_HEAD = 4096
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Image papers (scans) by their signature: the suffix a stored one gets and the type it is served as.
IMAGE_FORMATS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"II*\x00", ".tif", "image/tiff"),
    (b"MM\x00*", ".tif", "image/tiff"),
    (b"GIF87a", ".gif", "image/gif"),
    (b"GIF89a", ".gif", "image/gif"),
)
_IMAGES = tuple(signature for signature, _, _ in IMAGE_FORMATS)
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_FRAGMENT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:div|p|table|h[1-6]|ul|ol|span)\b[^>]*>", re.I)
_ESCAPED_HTML = re.compile(rb"&lt;(?:p|div|table|br)\b", re.I)  # ModernGov item text, escaped once more
# Reading a ZIP's entries to tell what it is never decompresses more than this.
_MAX_SNIFF_ENTRY = 1 << 20

_ODF_TYPES: dict[str, DocumentKind] = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# The content type of an OOXML package's main part names the application.
_OOXML_MAIN: tuple[tuple[re.Pattern[bytes], DocumentKind], ...] = (
    (
        re.compile(rb"wordprocessingml\.(?:document|template)\.main\+xml|ms-word\.(?:document|template)\.macroenabled", re.I),
        "docx",
    ),
    (re.compile(rb"spreadsheetml\.(?:sheet|template)\.main\+xml|ms-excel\.(?:sheet|template)\.macroenabled", re.I), "xlsx"),
    (re.compile(rb"presentationml\.|ms-powerpoint\.", re.I), "pptx"),
)
# Failing that, the folder its parts are in.
_OOXML_FOLDERS: tuple[tuple[str, DocumentKind], ...] = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
# An OLE2 file's main stream names the application (an encrypted OOXML file is OLE2 too).
_OLE_STREAMS: tuple[tuple[str, DocumentKind], ...] = (
    ("EncryptedPackage", "office_encrypted"),
    ("WordDocument", "doc"),
    ("Workbook", "xls"),
    ("Book", "xls"),
    ("PowerPoint Document", "ppt"),
)


def decide_kind(body: bytes, content_type: str | None, name: str | None = None) -> DocumentKind:
    """The kind to store a fetched body as: its bytes, then its Content-Type, the name only for CSV."""
    return proven_kind(body) or _unproven_kind(body[:_HEAD], kind_of_content_type(content_type), name, cut=len(body) > _HEAD)


def kind_of_file(path: Path | str, kind: str | None = None, content_type: str | None = None) -> DocumentKind:
    """The kind to read a stored file as: its bytes, then its Content-Type, then the kind stored with it.

    Reads only what it needs (a ZIP's or OLE2 file's directory, else its head).
    """
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(_HEAD)
        cut = bool(handle.read(1))
    return _proven(head, lambda: open(path, "rb")) or _unproven_kind(head, declared_kind(content_type, kind), None, cut)


def proven_kind(data: bytes) -> DocumentKind | None:
    """The kind the bytes themselves prove, or None when they could be anything (text, markup, junk).

    ``data`` is a whole body, or its first kilobytes (a ZIP or OLE2 file cut short is still
    told by the entries in plain sight).
    """
    return _proven(data[:_HEAD], lambda: io.BytesIO(data))


def sniff(data: bytes) -> DocumentKind | None:
    """The kind the bytes show: a proven one, else ``html``, ``csv`` or ``text`` by their look, else None.

    The look is a weak answer that a declared type may refine (``decide_kind``).
    """
    return proven_kind(data) or _looks_kind(data[:_HEAD], cut=len(data) > _HEAD)


def is_pdf(data: bytes) -> bool:
    """Whether the bytes start a PDF: its header within the first kilobyte, as PDF readers accept it."""
    return b"%PDF-" in data[:1024]


def image_format(data: bytes) -> tuple[str, str] | None:
    """An image's suffix and media type by its signature (``(".png", "image/png")``), or None."""
    return next(((suffix, media) for signature, suffix, media in IMAGE_FORMATS if data.startswith(signature)), None)


def stored_suffix(kind: str, body: bytes) -> str:
    """The suffix a stored body gets: its kind's, an image's by its format (a scan is ``.png``,
    ``.jpg`` or ``.tif``, for whoever opens it next), ``.bin`` for a kind of no suffix."""
    image = image_format(body) if kind == "image" else None
    return image[0] if image else SUFFIXES.get(kind, ".bin")


def kind_of_content_type(content_type: str | None) -> DocumentKind | None:
    """The kind a ``Content-Type`` header declares: None when it declares nothing, ``other`` for types of no known kind."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in _UNINFORMATIVE:
        return None
    if mime.startswith("image/"):
        return "image"
    return CONTENT_TYPES.get(mime, "other")


def declared_kind(content_type: str | None = None, kind: str | None = None) -> DocumentKind | None:
    """The kind a Content-Type declares, else the one stored for a paper (older rows' names too); None if neither names one."""
    declared = kind_of_content_type(content_type)
    if declared not in (None, "other"):
        return declared
    named = (kind or "").lower()
    stored = _LEGACY_KINDS.get(named) or next((known for known in DOCUMENT_KINDS if known == named), None)
    return stored if stored not in ("other", "unknown") else None


def kind_of_name(name: str | None) -> DocumentKind | None:
    """The kind a file name or URL suggests by its extension (a hint, never a decision)."""
    if not name:
        return None
    path = urlsplit(name).path if "://" in name else name
    last = unquote(path.rsplit("/", 1)[-1])
    return EXTENSIONS.get(last.rsplit(".", 1)[-1].lower()) if "." in last else None


def describe(kind: str) -> str:
    """The kind as users read it in messages ("a Word document (.docx)")."""
    return DESCRIPTIONS.get(kind, kind)


# --------------------------------------------------------------------------- deciding


def _unproven_kind(head: bytes, declared: DocumentKind | None, name: str | None, cut: bool) -> DocumentKind:
    """Bytes no signature proves: what they look like, refined by the declared kind (see the module docstring)."""
    if declared == "pdf":
        return "pdf"  # a PDF was promised and these bytes are none: the PDF check rejects them
    looks = _looks_kind(head, cut)
    if looks in (None, "html"):
        return looks or "other"
    if declared in ("html", "text", "csv"):
        return declared
    if declared in _SPREADSHEETS or kind_of_name(name) == "csv":
        return "csv"
    return looks


def _proven(head: bytes, opener: Callable[[], IO[bytes]]) -> DocumentKind | None:
    if is_pdf(head):
        return "pdf"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGES):
        return "image"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        with opener() as stream:
            return _zip_kind(stream)
    if head.startswith(_OLE2):
        with opener() as stream:
            return _ole_kind(stream)
    return None


def _looks_kind(head: bytes, cut: bool) -> DocumentKind | None:
    """``html`` for markup, ``text`` for readable text, ``csv`` when its first lines share a field count; else None."""
    if _HTML_START.match(head) or _HTML_FRAGMENT.match(head) or _ESCAPED_HTML.search(head[:1024]):
        return "html"
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


# --------------------------------------------------------------------------- containers


def _zip_kind(stream: IO[bytes]) -> DocumentKind:
    """docx, xlsx, pptx, odt, ods, odp, odf or plain zip, from the container's own declarations."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        stream.seek(0)
        return _cut_zip_kind(stream.read(_MAX_SNIFF_ENTRY))
    with archive:
        names = archive.namelist()
        if "mimetype" in names:
            return _odf_kind(_small_entry(archive, "mimetype").decode("ascii", errors="replace").strip(), "zip")
        if "[Content_Types].xml" in names:
            types = _small_entry(archive, "[Content_Types].xml")
            for pattern, kind in _OOXML_MAIN:
                if pattern.search(types):
                    return kind
        return _ooxml_kind_by_folder(names)


def _cut_zip_kind(head: bytes) -> DocumentKind:
    """A ZIP whose directory is missing (a download cut short, or only its first kilobytes): the
    local headers of its entries still name them and hold their data, so a broken Word or
    OpenDocument file is still known (and read as corrupt)."""
    names = []
    for found in re.finditer(rb"PK\x03\x04", head):
        start = found.start()
        if len(head) < start + 30:
            break
        method, size, name_length, extra_length = (
            int.from_bytes(head[start + at : start + at + width], "little") for at, width in ((8, 2), (18, 4), (26, 2), (28, 2))
        )
        name = head[start + 30 : start + 30 + name_length].decode("ascii", errors="replace")
        data = head[start + 30 + name_length + extra_length :][: size or None]
        if name == "mimetype" and start == 0:  # stored uncompressed first, as OpenDocument requires
            return _odf_kind(data[:80].split(b"PK", 1)[0].decode("ascii", errors="replace").strip(), "zip")
        if name == "[Content_Types].xml":  # Office writes it first
            types = _entry_data(data, method)
            for pattern, kind in _OOXML_MAIN:
                if pattern.search(types):
                    return kind
        names.append(name)
    return _ooxml_kind_by_folder(names)


def _entry_data(data: bytes, method: int) -> bytes:
    """An entry's bytes from its local header's data (stored, or as much as inflates of deflated)."""
    if method == 0:
        return data
    if method != 8:
        return b""
    try:
        return zlib.decompressobj(-15).decompress(data, _MAX_SNIFF_ENTRY)
    except zlib.error:
        return b""


def _odf_kind(mimetype: str, otherwise: DocumentKind) -> DocumentKind:
    if mimetype in _ODF_TYPES:
        return _ODF_TYPES[mimetype]
    return "odf" if mimetype.startswith("application/vnd.oasis.opendocument.") else otherwise


def _ooxml_kind_by_folder(names: list[str]) -> DocumentKind:
    for folder, kind in _OOXML_FOLDERS:
        if any(name.startswith(folder) for name in names):
            return kind
    return "zip"


def _small_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    """At most ``_MAX_SNIFF_ENTRY`` bytes of one entry; nothing if it cannot be read."""
    try:
        with archive.open(name) as entry:
            return entry.read(_MAX_SNIFF_ENTRY)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return b""


_FREE_SECTORS = 0xFFFFFFFA  # sector ids from here up mark free, end-of-chain or table sectors


def ole_missing_bytes(path: Path | str) -> int | None:
    """How many bytes an OLE2 file lacks, when its header names sectors beyond its end.

    A legacy Word or Excel paper cut short in download keeps its header, which places the
    sector allocation table and the directory (often written last); with those missing it
    cannot be told from any other compound file, so it would read as "not an Office document".
    None when the file is not OLE2 or holds every sector its header names.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(512)
    if not head.startswith(_OLE2) or len(head) < 512:
        return None
    shift = struct.unpack_from("<H", head, 0x1E)[0]
    if not 7 <= shift <= 16:
        return None
    sector = 1 << shift
    fat_sectors = struct.unpack_from("<I", head, 0x2C)[0]
    named = [struct.unpack_from("<I", head, 0x30)[0], *struct.unpack_from("<109I", head, 0x4C)[: min(fat_sectors, 109)]]
    named = [number for number in named if number < _FREE_SECTORS]
    if not named:
        return None
    needed = (max(named) + 2) * sector  # sector n starts after the header sector, at (n + 1) * size
    size = path.stat().st_size
    return needed - size if needed > size else None


def _ole_kind(stream: IO[bytes]) -> DocumentKind:
    """Legacy Office files, by the streams in their directory; a damaged or cut directory by the names in plain sight."""
    import olefile  # only for OLE2 files

    try:
        ole = olefile.OleFileIO(stream)
        try:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
        finally:
            ole.close()
    except Exception:  # olefile raises several types on a damaged directory
        stream.seek(0)
        data = stream.read(_MAX_SNIFF_ENTRY)
        streams = {name for name, _ in _OLE_STREAMS if name.encode("utf-16-le") + b"\x00\x00" in data}
    for name, kind in _OLE_STREAMS:
        if name in streams:
            return kind
    return "ole"
