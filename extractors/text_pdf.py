"""Text of PDF papers, one string per page, and what state the file is in.

pypdfium2 (PDFium) is the primary engine: on council packs it gives the same text as
pdfminer.six at well over twenty times the speed. pdfminer.six stays as the reference engine
(``engine="pdfminer"``) and the fallback when PDFium cannot open a file it can.

States (``sendwatch.core.vocabulary.TEXT_STATES``): ``ok``; ``encrypted`` (needs a password to open);
``corrupt`` (not a readable PDF); ``needs_ocr`` (pages are images with no text layer);
``too_large`` (more pages than the configured bound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# A page with fewer characters than this, holding an image, is a scan without a text layer.
MIN_TEXT_CHARS_PER_PAGE = 20
# A page mostly covered by images with no more text than this is a scan too: packs stamp their
# scanned appendices with text headers and page numbers ("Agenda Item 5  Appendix B  Page 23").
STAMPED_SCAN_TEXT_CHARS = 200
STAMPED_SCAN_COVERAGE = 0.5


@dataclass
class PdfText:
    """The outcome of reading one PDF: a state, its pages' text, and the error if any."""

    state: str
    pages: list[str] = field(default_factory=list)
    error: str | None = None
    engine: str = "pdfium"
    # Per page: a scan that OCR should read (an image and no text layer to speak of).
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
    scanned = [_is_scan(page, coverage) for page, coverage in zip(pages, images)]
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


def _pages_pdfium(path: Path, max_pages: int) -> tuple[list[str], list[float]]:
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
        images: list[float] = []
        for index in range(count):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_bounded()
                finally:
                    textpage.close()
                coverage = 0.0
                if len(text.strip()) < STAMPED_SCAN_TEXT_CHARS:
                    width, height = page.get_size()
                    boxes = [image.get_bounds() for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3)]
                    coverage = _coverage(boxes, width * height)
            finally:
                page.close()
            pages.append(text)
            images.append(coverage)
        return pages, images
    except pdfium.PdfiumError as error:
        raise PdfError("corrupt", f"PDFium could not read a page ({error})") from error
    finally:
        document.close()


def _pages_pdfminer(path: Path, max_pages: int) -> tuple[list[str], list[float]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTFigure, LTImage, LTTextContainer
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    pages: list[str] = []
    images: list[float] = []
    try:
        for number, layout in enumerate(extract_pages(str(path), laparams=LAParams()), start=1):
            if number > max_pages:
                raise PdfError("too_large", f"more pages than the limit of {max_pages}")
            parts: list[str] = []
            boxes = []
            for element in layout:
                if isinstance(element, LTTextContainer):
                    parts.append(element.get_text())
                elif isinstance(element, (LTFigure, LTImage)):
                    boxes.append(element.bbox)
            pages.append("\n".join(parts))
            images.append(_coverage(boxes, layout.width * layout.height))
    except PdfError:
        raise
    except PDFPasswordIncorrect as error:
        raise PdfError("encrypted", "the PDF is encrypted and needs a password to open") from error
    except Exception as error:  # pdfminer raises many exception types on bad input, by design
        if "password" in str(error).lower() or "encrypt" in type(error).__name__.lower():
            raise PdfError("encrypted", "the PDF is encrypted and needs a password to open") from error
        raise PdfError("corrupt", f"not a readable PDF ({type(error).__name__}: {error})") from error
    return pages, images


def _is_image_only(pages: list[str], images: list[float]) -> bool:
    """Every page is (nearly) empty of text and at least one holds an image."""
    empty = [len(page.strip()) < MIN_TEXT_CHARS_PER_PAGE for page in pages]
    return all(empty) and any(images)


def _is_scan(text: str, coverage: float) -> bool:
    """A page OCR should read: an image and (nearly) no text, or mostly image and a few stamped words."""
    length = len(text.strip())
    return coverage > 0 and (
        length < MIN_TEXT_CHARS_PER_PAGE or (length < STAMPED_SCAN_TEXT_CHARS and coverage >= STAMPED_SCAN_COVERAGE)
    )


def _coverage(boxes: list[tuple[float, float, float, float]], page_area: float) -> float:
    """The share of the page the image boxes cover (overlaps count twice; capped at 1); above 0 if any image."""
    if not boxes:
        return 0.0
    area = sum(max(0.0, right - left) * max(0.0, top - bottom) for left, bottom, right, top in boxes)
    return max(1e-6, min(1.0, area / page_area)) if page_area > 0 else 1e-6


def _clean(text: str) -> str:
    """Unify line ends and drop the control characters some engines emit."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]", "", text)
