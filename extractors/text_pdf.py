"""Text of PDF papers, one string per page, and what state the file is in.

pypdfium2 (PDFium) is the primary engine: on council packs it gives the same text as
pdfminer.six at well over twenty times the speed. pdfminer.six stays as the reference engine
(``engine="pdfminer"``) and the fallback when PDFium cannot open a file it can.

States (``sendwatch.vocabulary.TEXT_STATES``): ``ok``; ``encrypted`` (needs a password to open);
``corrupt`` (not a readable PDF); ``needs_ocr`` (pages are images with no text layer);
``too_large`` (more pages than the configured bound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# A page with fewer characters than this, holding an image, is a scan without a text layer.
MIN_TEXT_CHARS_PER_PAGE = 20


@dataclass
class PdfText:
    """The outcome of reading one PDF: a state, its pages' text, and the error if any."""

    state: str
    pages: list[str] = field(default_factory=list)
    error: str | None = None
    engine: str = "pdfium"
    # Per page: (nearly) no text and an image on it, so a scan that OCR can read.
    scanned: list[bool] = field(default_factory=list)


class PdfError(Exception):
    """A PDF could not be read; ``state`` says why (encrypted, corrupt, too_large)."""

    def __init__(self, state: str, message: str):
        super().__init__(message)
        self.state = state


def read_pdf(path: Path | str, *, engine: str = "pdfium", max_pages: int = 2000) -> PdfText:
    """Read a PDF page by page with the chosen engine, falling back to the other on failure."""
    primary, fallback = (_pages_pdfium, _pages_pdfminer) if engine == "pdfium" else (_pages_pdfminer, _pages_pdfium)
    names = ("pdfium", "pdfminer") if engine == "pdfium" else ("pdfminer", "pdfium")
    try:
        pages, images = primary(Path(path), max_pages)
        used = names[0]
    except PdfError as error:
        if error.state != "corrupt":
            return PdfText(error.state, error=str(error), engine=names[0])
        try:
            pages, images = fallback(Path(path), max_pages)
            used = names[1]
        except PdfError as second:
            return PdfText(second.state if second.state != "corrupt" else error.state, error=str(error), engine=names[0])
    pages = [_clean(page) for page in pages]
    scanned = [image and len(page.strip()) < MIN_TEXT_CHARS_PER_PAGE for page, image in zip(pages, images)]
    if pages and _is_image_only(pages, images):
        return PdfText("needs_ocr", pages, "no text layer: the pages are images (OCR needed)", used, scanned)
    if not pages:
        return PdfText("corrupt", [], "the PDF has no pages", used)
    return PdfText("ok", pages, None, used, scanned)


def pdfium_pages(path: Path | str, max_pages: int = 2000) -> list[str]:
    """Page texts by PDFium only (for benchmarks and comparisons)."""
    return [_clean(page) for page in _pages_pdfium(Path(path), max_pages)[0]]


def pdfminer_pages(path: Path | str, max_pages: int = 2000) -> list[str]:
    """Page texts by pdfminer.six only (the reference engine)."""
    return [_clean(page) for page in _pages_pdfminer(Path(path), max_pages)[0]]


def _pages_pdfium(path: Path, max_pages: int) -> tuple[list[str], list[bool]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise PdfError("encrypted", "the PDF is encrypted and needs a password to open") from error
        raise PdfError("corrupt", f"not a readable PDF ({message})") from error
    try:
        count = len(document)
        if count > max_pages:
            raise PdfError("too_large", f"{count} pages, more than the limit of {max_pages}")
        pages: list[str] = []
        images: list[bool] = []
        for index in range(count):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_bounded()
                finally:
                    textpage.close()
                has_image = False
                if len(text.strip()) < MIN_TEXT_CHARS_PER_PAGE:
                    has_image = any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))
            finally:
                page.close()
            pages.append(text)
            images.append(has_image)
        return pages, images
    except pdfium.PdfiumError as error:
        raise PdfError("corrupt", f"PDFium could not read a page ({error})") from error
    finally:
        document.close()


def _pages_pdfminer(path: Path, max_pages: int) -> tuple[list[str], list[bool]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTFigure, LTImage, LTTextContainer
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    pages: list[str] = []
    images: list[bool] = []
    try:
        for number, layout in enumerate(extract_pages(str(path), laparams=LAParams()), start=1):
            if number > max_pages:
                raise PdfError("too_large", f"more pages than the limit of {max_pages}")
            parts: list[str] = []
            has_image = False
            for element in layout:
                if isinstance(element, LTTextContainer):
                    parts.append(element.get_text())
                elif isinstance(element, (LTFigure, LTImage)):
                    has_image = True
            pages.append("\n".join(parts))
            images.append(has_image)
    except PdfError:
        raise
    except PDFPasswordIncorrect as error:
        raise PdfError("encrypted", "the PDF is encrypted and needs a password to open") from error
    except Exception as error:  # pdfminer raises many exception types on bad input, by design
        if "password" in str(error).lower() or "encrypt" in type(error).__name__.lower():
            raise PdfError("encrypted", "the PDF is encrypted and needs a password to open") from error
        raise PdfError("corrupt", f"not a readable PDF ({type(error).__name__}: {error})") from error
    return pages, images


def _is_image_only(pages: list[str], images: list[bool]) -> bool:
    """Every page is (nearly) empty of text and at least one holds an image."""
    empty = [len(page.strip()) < MIN_TEXT_CHARS_PER_PAGE for page in pages]
    return all(empty) and any(images)


def _clean(text: str) -> str:
    """Unify line ends and drop the control characters some engines emit."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]", "", text)
