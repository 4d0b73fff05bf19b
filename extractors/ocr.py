"""OCR of scanned pages and image papers with Tesseract, through pytesseract.

Tesseract is a program, not a Python package: Debian's ``tesseract-ocr`` and
``tesseract-ocr-eng`` (``.ci/run`` installs them as it installs chromium). Where it is
missing, ``unavailable_reason`` says why, the extraction stage says so once per run, and the
pages stay ``needs_ocr`` so that they are read on the first run after it is installed.

Bounds: each page gets ``page_seconds`` (Tesseract is killed past it) and each document
``document_seconds`` in all; pages left when that runs out are recorded ``ocr_failed`` with
the reason. Tesseract runs as a child of the reader process, so the reader's memory bound
(an address-space limit, inherited) holds for it too, and it is told to use one thread: the
readers already use every core. Pages are rendered at ``dpi`` but never beyond
``MAX_PIXELS``, so a plan drawn at A0 cannot take the memory of twenty A4 pages.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.paper_text import OcrSettings, ReadError

MAX_PIXELS = 40_000_000
# Fewer letters than this on a page read by OCR is noise (specks, a stamp), not text.
MIN_OCR_CHARS = 20


@dataclass
class OcrPage:
    """What OCR made of one page: its text, or why there is none."""

    text: str
    error: str | None = None


def unavailable_reason(settings: OcrSettings | None) -> str | None:
    """Why OCR cannot run here (None when it can): switched off, Tesseract or a language missing."""
    if settings is None:
        return "OCR is switched off (extract.ocr: false)"
    try:
        import pytesseract
    except ImportError:
        return "the pytesseract package is not installed"
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return "Tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-eng)"
    try:
        installed = set(pytesseract.get_languages(config=""))
    except Exception as error:  # a broken installation answers with an error of its own
        return f"Tesseract does not run ({type(error).__name__}: {error})"
    missing = [language for language in settings.languages.split("+") if language not in installed]
    if missing:
        return f"Tesseract has no language data for {', '.join(missing)} (Debian: tesseract-ocr-{missing[0]})"
    return None


def read_image(image: Any, settings: OcrSettings, seconds: float) -> OcrPage:
    """OCR of one page image (a Pillow image), within ``seconds``.

    A page scanned sideways or upside down reads as gibberish: when the text has almost none of
    the commonest English words, Tesseract's orientation detection (its ``osd`` data) says how
    the page is turned, and the page is read again upright, in the time left.
    """
    deadline = time.monotonic() + seconds
    page = _recognise(image, settings, seconds)
    if page.error is not None or not _garbled(page.text):
        return page
    angle = _turned_by(image, deadline - time.monotonic())
    if not angle or deadline - time.monotonic() < 1.0:
        return page
    upright = _recognise(image.rotate(-angle, expand=True), settings, deadline - time.monotonic())
    if upright.error is None and _english_share(upright.text) > _english_share(page.text):
        return upright
    return page


def _recognise(image: Any, settings: OcrSettings, seconds: float) -> OcrPage:
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        text = pytesseract.image_to_string(image, lang=settings.languages, timeout=max(1.0, seconds))
    except RuntimeError:  # pytesseract's time-out
        return OcrPage("", f"OCR took longer than {seconds:g} s")
    except pytesseract.TesseractError as error:
        return OcrPage("", f"Tesseract failed ({error.message or error.status})")
    return OcrPage(text if sum(character.isalnum() for character in text) >= MIN_OCR_CHARS else "")


# The commonest words of English prose (and of council papers): upright text is full of them,
# a page read sideways has almost none.
_COMMON_WORDS = frozenset(
    "the of and to a in for is on that by with be as are was at from or this it an will has have not which council "
    "its their been were all any".split()
)
MIN_ENGLISH_SHARE = 0.08  # below this share of common words among 30 or more words, the page is turned
MIN_WORDS_TO_JUDGE = 30


def _english_share(text: str) -> float:
    words = [word.strip(".,;:()'\"").lower() for word in text.split()]
    words = [word for word in words if word]
    return sum(word in _COMMON_WORDS for word in words) / len(words) if words else 0.0


def _garbled(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS_TO_JUDGE and _english_share(text) < MIN_ENGLISH_SHARE


def _turned_by(image: Any, seconds: float) -> int:
    """Degrees (clockwise) the page must turn to stand upright, by Tesseract's orientation
    detection; 0 when it cannot tell (no ``osd`` data, out of time, too little text)."""
    import pytesseract

    if seconds < 1.0:
        return 0
    try:
        found = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT, config="--psm 0", timeout=seconds)
    except (RuntimeError, pytesseract.TesseractError):
        return 0
    return int(found.get("rotate", 0)) % 360


def ocr_pdf_pages(path: Path | str, indexes: list[int], settings: OcrSettings) -> dict[int, OcrPage]:
    """OCR of the given (0-based) pages of a PDF, within the document's time budget."""
    import pypdfium2 as pdfium

    results: dict[int, OcrPage] = {}
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        return {index: OcrPage("", f"the page could not be rendered for OCR ({error})") for index in indexes}
    try:
        for index, seconds in _budget(indexes, settings, results):
            try:
                page = document[index]
                try:
                    width, height = page.get_size()
                    image = page.render(scale=_scale(width / 72, height / 72, settings.dpi), grayscale=True).to_pil()
                finally:
                    page.close()
            except pdfium.PdfiumError as error:
                results[index] = OcrPage("", f"the page could not be rendered for OCR ({error})")
                continue
            results[index] = read_image(image, settings, seconds)
    finally:
        document.close()
    return results


def ocr_image_file(path: Path | str, settings: OcrSettings | None, max_pages: int) -> tuple[list[str], list[str], str | None]:
    """Pages, their sources and an error for an image paper (each frame of a TIFF is a page)."""
    from PIL import Image

    frames = list(_frames(path, max_pages))
    if settings is None:
        return [""] * len(frames), ["needs_ocr"] * len(frames), None
    results: dict[int, OcrPage] = {}
    for index, seconds in _budget(list(range(len(frames))), settings, results):
        image = frames[index]
        if image.width * image.height > MAX_PIXELS:
            ratio = (MAX_PIXELS / (image.width * image.height)) ** 0.5
            image = image.resize((max(1, int(image.width * ratio)), max(1, int(image.height * ratio))), Image.Resampling.LANCZOS)
        results[index] = read_image(image, settings, seconds)
    texts = [results[index].text for index in range(len(frames))]
    sources = ["ocr" if results[index].error is None else "ocr_failed" for index in range(len(frames))]
    errors = sorted({result.error for result in results.values() if result.error})
    return texts, sources, "; ".join(errors) or None


def _budget(indexes: list[int], settings: OcrSettings, results: dict[int, OcrPage]) -> Iterator[tuple[int, float]]:
    """Each index with the seconds it may take; the ones past the document's budget are failed."""
    deadline = time.monotonic() + settings.document_seconds
    for index in indexes:
        left = deadline - time.monotonic()
        if left < 1.0:
            results[index] = OcrPage("", f"not read: the document's OCR time of {settings.document_seconds:g} s ran out")
            continue
        yield index, min(settings.page_seconds, left)


def _scale(width_in: float, height_in: float, dpi: int) -> float:
    """Render scale (1 = 72 dpi) for ``dpi``, reduced so the bitmap stays under ``MAX_PIXELS``."""
    pixels = width_in * dpi * height_in * dpi
    if pixels > MAX_PIXELS:
        dpi = int(dpi * (MAX_PIXELS / pixels) ** 0.5)
    return max(dpi, 1) / 72


def _frames(path: Path | str, max_pages: int) -> Iterator[Any]:
    """Each frame of an image file as a greyscale Pillow image; broken or huge files are refused."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:  # Pillow refuses decompression bombs (far more pixels than any page) by raising
        with Image.open(path) as image:
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if number > max_pages:
                    raise ReadError("too_large", f"more frames than the limit of {max_pages}")
                yield frame.convert("L")
    except Image.DecompressionBombError as error:
        raise ReadError("too_large", f"the image is too large to read ({error})") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ReadError("corrupt", f"not a readable image ({error})") from error
