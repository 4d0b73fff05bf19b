"""Reading the parts of ZIP-packaged papers (Word .docx, Excel .xlsx, OpenDocument) safely.

Office Open XML and OpenDocument files are ZIP archives of XML parts. A hostile or broken one
can claim small sizes and inflate to gigabytes (a zip bomb), nest entity definitions that
expand without end, or simply be cut short. So parts are read with a hard limit on the bytes
actually inflated (never the size the archive claims), XML is parsed without DTDs, entities or
network access, and every failure becomes a ``ReadError`` with the state to record.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import IO

from lxml import etree

from extractors.paper_text import ReadError

# One XML part inflated beyond this is refused as too large: a 64 MB document.xml holds tens
# of thousands of pages. Streamed parts (spreadsheet sheets) may be larger.
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_STREAMED_PART_BYTES = 512 * 1024 * 1024

_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def open_package(path: Path | str) -> zipfile.ZipFile:
    """The archive, or ``ReadError('corrupt')`` when it is not a readable ZIP."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ReadError("corrupt", f"not a readable ZIP package ({error})") from error


def has_part(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True


def read_part(archive: zipfile.ZipFile, name: str, limit: int = MAX_PART_BYTES) -> bytes:
    """One part's bytes, inflating at most ``limit`` bytes whatever the archive claims."""
    with open_part(archive, name, limit) as stream:
        return stream.read()


def parse_part(archive: zipfile.ZipFile, name: str, limit: int = MAX_PART_BYTES) -> etree._Element:
    """One XML part as an element tree, parsed safely."""
    data = read_part(archive, name, limit)
    try:
        return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as error:
        raise ReadError("corrupt", f"{name} is not well-formed XML ({error})") from error


def iterparse_part(archive: zipfile.ZipFile, name: str, tags: tuple[str, ...], limit: int = MAX_STREAMED_PART_BYTES):
    """Elements named ``tags`` of a large part, one at a time (the caller clears them)."""
    stream = open_part(archive, name, limit)
    try:
        for _, element in etree.iterparse(stream, events=("end",), tag=tags, **_PARSER_OPTIONS):
            yield element
    except etree.XMLSyntaxError as error:
        raise ReadError("corrupt", f"{name} is not well-formed XML ({error})") from error
    finally:
        stream.close()


def open_part(archive: zipfile.ZipFile, name: str, limit: int) -> _LimitedPart:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ReadError("corrupt", f"the package has no {name} part") from None
    if info.flag_bits & 0x1:
        raise ReadError("encrypted", "the package is encrypted and needs a password to open")
    if info.file_size > limit:
        raise ReadError("too_large", f"{name} inflates to {info.file_size} bytes, more than the limit of {limit}")
    try:
        return _LimitedPart(archive.open(info), name, limit)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as error:
        raise ReadError("corrupt", f"{name} cannot be read from the package ({error})") from error


def relationship_targets(archive: zipfile.ZipFile, source: str) -> dict[str, str]:
    """OOXML relationships of ``source`` (``""`` for the package): type name → part name, and id → part name."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if not has_part(archive, rels):
        return {}
    targets: dict[str, str] = {}
    for relation in parse_part(archive, rels):
        target, kind, ident = relation.get("Target"), relation.get("Type") or "", relation.get("Id")
        if not target or relation.get("TargetMode") == "External":
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        targets.setdefault(kind.rsplit("/", 1)[-1], part)
        if ident:
            targets[ident] = part
    return targets


def localname(element: etree._Element) -> str:
    """An element's name without its namespace (transitional and strict OOXML differ only there)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def attribute(element: etree._Element, name: str) -> str | None:
    """An attribute in the element's own namespace (``w:val`` on a ``w:`` element), else unqualified."""
    namespace = etree.QName(element).namespace if isinstance(element.tag, str) else None
    if namespace:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return element.get(name)


class _LimitedPart:
    """A file-like part that refuses to inflate past its limit (a zip bomb stops here)."""

    def __init__(self, stream: IO[bytes], name: str, limit: int):
        self._stream, self._name, self._limit, self._read = stream, name, limit, 0

    def read(self, size: int = -1) -> bytes:
        want = self._limit + 1 - self._read if size is None or size < 0 else min(size, self._limit + 1 - self._read)
        try:
            data = self._stream.read(max(0, want))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as error:
            raise ReadError("corrupt", f"{self._name} cannot be read from the package ({error})") from error
        self._read += len(data)
        if self._read > self._limit:
            raise ReadError("too_large", f"{self._name} inflates to more than {self._limit} bytes")
        return data

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> _LimitedPart:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
