"""One stored paper to text: decide its format, hand it to that format's reader, OCR its scans.

The format comes from the bytes first and the declared type second (``sendwatch.core.formats``);
each readable format has one reader module (``text_pdf``, ``text_html``, ``text_docx``,
``text_odf``, ``text_rtf``, ``text_doc``, ``text_sheet`` for spreadsheets, ``ocr`` for images). Formats that are
recognised but not read (PowerPoint, other archives) come back ``unsupported``
with what they are, and are not read again until their content or the extractor changes.

Scanned pages (a PDF page with an image and no text layer, or an image paper) are read by OCR
when ``options.ocr`` is set; without it they are kept as ``needs_ocr`` pages, to be read on a
later run. Every page says where its text came from (``TextResult.sources``).

This runs inside the bounded reader process (``extractors.isolation``): nothing here is
trusted to finish or to fit in memory, and every failure is a ``TextResult`` state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from extractors.ocr import ocr_image_file, ocr_pdf_pages
from extractors.paper_text import ReadError, ReadOptions, TextResult, tidy
from extractors.text_doc import read_doc
from extractors.text_docx import read_docx
from extractors.text_html import html_to_text
from extractors.text_odf import read_ods, read_odt
from extractors.text_pdf import read_pdf
from extractors.text_rtf import read_rtf
from extractors.text_sheet import read_csv, read_xls, read_xlsx
from sendwatch.core.formats import describe, kind_of_file, ole_missing_bytes

Reader = Callable[[Path, ReadOptions], TextResult]
_OLE_KINDS = frozenset({"ole", "doc", "xls", "ppt", "office_encrypted"})


def read_document(
    path: Path | str, kind: str | None = None, content_type: str | None = None, options: ReadOptions | None = None
) -> TextResult:
    """The paper's text page by page, or the state saying why there is none."""
    path = Path(path)
    options = options or ReadOptions()
    if not path.exists():
        return TextResult("corrupt", error=f"stored file missing: {path}")
    fmt = kind_of_file(path, kind, content_type)
    missing = ole_missing_bytes(path) if fmt in _OLE_KINDS else None
    if missing is not None:
        return TextResult("corrupt", error=f"a legacy Office file cut short: at least {missing:,} bytes missing", format=fmt)
    if fmt == "office_encrypted":
        return TextResult("encrypted", error=f"{describe(fmt)}: it needs a password to open", format=fmt)
    reader = READERS.get(fmt)
    if reader is None:
        declared = f"; declared {content_type or kind}" if (content_type or kind) else ""
        return TextResult("unsupported", error=f"{describe(fmt)}{declared}: sendwatch does not read this format", format=fmt)
    try:
        result = reader(path, options)
    except ReadError as error:
        return TextResult(error.state, error=str(error), format=fmt)
    result.format = fmt
    return result


def _read_pdf(path: Path, options: ReadOptions) -> TextResult:
    pdf = read_pdf(path, engine=options.engine, max_pages=options.max_pages)
    result = TextResult(pdf.state, pdf.pages, pdf.error, pdf.engine, format="pdf")
    scanned = [index for index, flag in enumerate(pdf.scanned) if flag]
    if pdf.state not in ("ok", "needs_ocr") or not scanned:
        return result
    result.sources = ["text"] * len(pdf.pages)
    if options.ocr is None:
        for index in scanned:
            result.sources[index] = "needs_ocr"
        return result
    options.starting_ocr(len(scanned))
    failures = []
    for index, page in ocr_pdf_pages(path, scanned, options.ocr).items():
        if page.text.strip():  # else keep what little text layer the page had (a stamped header)
            result.pages[index] = tidy(page.text)
        result.sources[index] = "ocr" if page.error is None else "ocr_failed"
        if page.error:
            failures.append(f"page {index + 1}: {page.error}")
    result.engine = f"{pdf.engine}+tesseract"
    found = any(result.pages[index] for index in scanned)
    if pdf.state == "needs_ocr" and found:
        result.state, result.error = "ok", None
    elif pdf.state == "needs_ocr":
        result.error = "no text layer, and OCR found no text on the page images"
    if failures:
        result.error = "; ".join(filter(None, [result.error, "OCR failed on " + ", ".join(failures[:5])]))
    return result


def _read_image(path: Path, options: ReadOptions) -> TextResult:
    if options.ocr is not None:
        options.starting_ocr(1)
    pages, sources, error = ocr_image_file(path, options.ocr, options.max_pages)
    pages = [tidy(page) for page in pages]
    if any(pages):
        return TextResult("ok", pages, error, "tesseract", sources)
    reason = "an image paper: OCR needed" if options.ocr is None else "an image paper, and OCR found no text in it"
    return TextResult("needs_ocr", pages, "; ".join(filter(None, [reason, error])), "tesseract", sources)


def _read_html(path: Path, options: ReadOptions) -> TextResult:
    return TextResult("ok", [html_to_text(path.read_bytes())], None, "html")


def _read_text(path: Path, options: ReadOptions) -> TextResult:
    return TextResult("ok", [path.read_text(encoding="utf-8", errors="replace")], None, "text")


READERS: dict[str, Reader] = {
    "pdf": _read_pdf,
    "image": _read_image,
    "html": _read_html,
    "text": _read_text,
    "csv": read_csv,
    "docx": read_docx,
    "odt": read_odt,
    "ods": read_ods,
    "rtf": read_rtf,
    "doc": read_doc,
    "xlsx": read_xlsx,
    "xls": read_xls,
}
