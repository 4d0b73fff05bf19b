"""What format a paper is in: from its bytes first, then its declared type, never its link alone.

Councils serve Word, OpenDocument, RTF and spreadsheet papers as well as PDFs, often from links
that say nothing (CMIS's ``Document.ashx?...``) with a generic ``application/octet-stream``
type, and sometimes with a wrong one. So the bytes decide whenever they can:

- ``%PDF-`` is a PDF; ``{\\rtf`` is RTF; PNG, JPEG, TIFF and GIF signatures are images;
- a ZIP container is told apart by what it holds: OpenDocument's ``mimetype`` entry, else
  Office Open XML's ``[Content_Types].xml`` (or, failing that, its part names);
- an OLE2 compound file (``D0 CF 11 E0``) by its streams: ``WordDocument`` is a Word 97-2003
  document, ``Workbook`` an Excel one, ``EncryptedPackage`` a password-protected Office file.

Only bytes that could be anything (plain text) fall back on the declared type: a CSV download
is text until its Content-Type or the crawler's kind says CSV. The crawler stores the format
it found as the document's ``kind``; the reader decides again from the stored bytes.

One home for this idea: the crawler imports ``sniff_bytes`` to classify a body it fetched.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import IO, Literal, get_args

# Formats sendwatch reads into text.
Readable = Literal["pdf", "html", "text", "csv", "docx", "odt", "ods", "rtf", "doc", "xlsx", "xls", "image"]
# Formats recognised but not read: recorded as ``unsupported`` (or ``encrypted``), once.
Unread = Literal["ppt", "pptx", "odp", "odf", "zip", "ole", "office_encrypted", "unknown"]
Format = Literal[Readable, Unread]

READABLE: tuple[str, ...] = get_args(Readable)
UNREAD: tuple[str, ...] = get_args(Unread)

# What each format is called in messages users read.
DESCRIPTIONS: dict[str, str] = {
    "pdf": "a PDF", "html": "an HTML page", "text": "plain text", "csv": "a CSV table",
    "docx": "a Word document (.docx)", "odt": "an OpenDocument text (.odt)", "ods": "an OpenDocument spreadsheet (.ods)",
    "rtf": "an RTF document", "doc": "a Word 97-2003 document (.doc)", "xlsx": "an Excel workbook (.xlsx)",
    "image": "an image", "xls": "an Excel 97-2003 workbook (.xls)", "ppt": "a PowerPoint 97-2003 presentation (.ppt)",
    "pptx": "a PowerPoint presentation (.pptx)", "odp": "an OpenDocument presentation (.odp)",
    "odf": "an OpenDocument file of another kind", "zip": "a ZIP archive that is not an office document",
    "ole": "an OLE2 compound file that is not a Word document", "office_encrypted": "a password-protected Office document",
    "unknown": "a file of unknown format",
}

# File name suffixes for stored bodies (data/ab/abcd….docx), so a person can open them.
SUFFIXES: dict[str, str] = {
    "pdf": ".pdf", "html": ".html", "text": ".txt", "csv": ".csv", "docx": ".docx", "odt": ".odt", "ods": ".ods",
    "rtf": ".rtf", "doc": ".doc", "xlsx": ".xlsx", "xls": ".xls", "ppt": ".ppt", "pptx": ".pptx", "odp": ".odp",
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a")
# Reading a ZIP's directory entries to tell what it is never decompresses more than this.
_MAX_SNIFF_ENTRY = 1 << 20

_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# The content type of an OOXML package's main part names the application.
_OOXML_MAIN = (
    (re.compile(rb"wordprocessingml\.(?:document|template)\.main\+xml|ms-word\.(?:document|template)\.macroenabled", re.I), "docx"),
    (re.compile(rb"spreadsheetml\.(?:sheet|template)\.main\+xml|ms-excel\.(?:sheet|template)\.macroenabled", re.I), "xlsx"),
    (re.compile(rb"presentationml\.|ms-powerpoint\.", re.I), "pptx"),
)
_OOXML_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"))
_OLE_STREAMS = (("EncryptedPackage", "office_encrypted"), ("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"),
                ("PowerPoint Document", "ppt"))

# Declared types (Content-Type, or the crawler's kind) to formats.
_CONTENT_TYPES = {
    "application/pdf": "pdf", "application/x-pdf": "pdf",
    "text/html": "html", "application/xhtml+xml": "html",
    "text/plain": "text", "text/csv": "csv", "application/csv": "csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt", "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/msword": "doc", "application/rtf": "rtf", "text/rtf": "rtf",
    # Servers label CSV downloads as Excel as often as not; the bytes tell the two apart.
    "application/vnd.ms-excel": "xls",
}
_KINDS = {"minutes": "html", "txt": "text", "other": "unknown"}


def sniff_bytes(data: bytes) -> str | None:
    """The format the bytes themselves prove, or None when they could be anything (text, junk).

    ``data`` is a whole body (a ZIP or OLE2 file is only told apart from its whole directory);
    a head of the file is enough for the other signatures.
    """
    return _sniff(data[:2048], lambda: io.BytesIO(data))


def sniff_file(path: Path | str) -> str | None:
    """``sniff_bytes`` for a stored file, reading only what it needs."""
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(2048)
    return _sniff(head, lambda: open(path, "rb"))


def declared_format(content_type: str | None = None, kind: str | None = None) -> str | None:
    """The format a Content-Type header or a stored kind declares, if it names one."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in _CONTENT_TYPES:
        return _CONTENT_TYPES[media]
    if media.startswith("image/"):
        return "image"
    if kind:
        kind = kind.lower()
        if kind in READABLE or kind in UNREAD:
            return kind
        return _KINDS.get(kind)
    return None


def detect_format(path: Path | str, kind: str | None = None, content_type: str | None = None) -> str:
    """The format to read a stored file as: its bytes, then its declared type (never its name)."""
    path = Path(path)
    sniffed = sniff_file(path)
    if sniffed is not None:
        return sniffed
    with open(path, "rb") as handle:
        head = handle.read(2048)
    declared = declared_format(content_type, kind)
    if _looks_like_html(head) or declared == "html":
        return "html"
    if declared == "pdf":
        return "pdf"  # declared PDF without a PDF header: the PDF reader reports it as corrupt
    if _looks_like_text(head):
        return "csv" if declared in ("csv", "xls") else "text"
    return "unknown"


def is_readable(fmt: str) -> bool:
    return fmt in READABLE


def describe(fmt: str) -> str:
    return DESCRIPTIONS.get(fmt, fmt)


def _sniff(head: bytes, opener) -> str | None:  # type: ignore[no-untyped-def]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        with opener() as stream:
            return _zip_format(stream)
    if head.startswith(_OLE_MAGIC):
        with opener() as stream:
            return _ole_format(stream)
    return None


def _zip_format(stream: IO[bytes]) -> str:
    """docx, xlsx, pptx, odt, ods, odp or plain zip, from the container's own declarations."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        stream.seek(0)
        return _damaged_zip_format(stream.read(_MAX_SNIFF_ENTRY))
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            declared = _small_entry(archive, "mimetype").decode("ascii", errors="replace").strip()
            if declared in _ODF_TYPES:
                return _ODF_TYPES[declared]
            if declared.startswith("application/vnd.oasis.opendocument."):
                return "odf"
        if "[Content_Types].xml" in names:
            types = _small_entry(archive, "[Content_Types].xml")
            for pattern, fmt in _OOXML_MAIN:
                if pattern.search(types):
                    return fmt
        for part, fmt in _OOXML_PARTS:
            if part in names:
                return fmt
    return "zip"


def _damaged_zip_format(head: bytes) -> str:
    """A ZIP whose directory is lost (a download cut short): its entries' local headers still
    name the parts, so a broken Word or OpenDocument file is still known (and read as corrupt)."""
    if head[30:38] == b"mimetype" and len(head) > 30:
        start = 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little")
        declared = head[start:start + 80].split(b"PK", 1)[0].decode("ascii", errors="replace").strip()
        for mimetype, fmt in sorted(_ODF_TYPES.items(), key=lambda item: -len(item[0])):
            if declared.startswith(mimetype):
                return fmt
    for part, fmt in _OOXML_PARTS:
        if b"PK\x03\x04" in head and part.encode() in head:
            return fmt
    return "zip"


def _small_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    """At most ``_MAX_SNIFF_ENTRY`` bytes of one entry; nothing if it cannot be read."""
    try:
        with archive.open(name) as entry:
            return entry.read(_MAX_SNIFF_ENTRY)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return b""


def _ole_format(stream: IO[bytes]) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(stream)
    except Exception:  # olefile raises several types on a damaged directory
        return "ole"
    try:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except Exception:
        return "ole"
    finally:
        ole.close()
    for name, fmt in _OLE_STREAMS:
        if name in streams:
            return fmt
    return "ole"


def _looks_like_html(head: bytes) -> bool:
    lowered = head.lstrip().lower()
    return lowered.startswith((b"<", b"\xef\xbb\xbf<")) or b"&lt;p" in lowered


def _looks_like_text(head: bytes) -> bool:
    """No NUL or other low control bytes in the first 512 bytes (any 8-bit encoding)."""
    return bool(head) and all(byte >= 9 for byte in head[:512])
