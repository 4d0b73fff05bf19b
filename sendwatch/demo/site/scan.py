"""Scanned papers for the demo site: pages that are pictures of text, with no text layer.

A council that scans a signed letter prints it and feeds it to a scanner: what comes back is
a PDF whose pages are greyscale images. This does the same without a scanner: the page texts
are typeset as a PDF (``pdf.render_pdf``), each page is rasterised with PDFium, and the images
are written as a new, image-only PDF (or as a PNG, for image papers). No system fonts needed.
"""

from __future__ import annotations

import io

from sendwatch.demo.site.pdf import render_pdf

SCAN_DPI = 150


def page_images(title: str, pages: list[str], dpi: int = SCAN_DPI) -> list:
    """Each page as a greyscale Pillow image, as a scanner would return it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(render_pdf(title, pages))
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            try:
                images.append(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            finally:
                page.close()
        return images
    finally:
        document.close()


def scanned_pdf(title: str, pages: list[str], dpi: int = SCAN_DPI) -> bytes:
    """An image-only PDF of the pages (no text layer at all)."""
    images = page_images(title, pages, dpi)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=dpi, save_all=True, append_images=images[1:], title=title)
    return buffer.getvalue()


def scanned_png(title: str, pages: list[str], dpi: int = SCAN_DPI) -> bytes:
    """The first page as a PNG picture (an image paper)."""
    buffer = io.BytesIO()
    page_images(title, pages[:1] or [""], dpi)[0].save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()
