"""Benchmark reading speed per paper format, side by side in one run: pages/s and MB/s.

Run: python bench/formats.py [--pages 200] [--ocr-pages 6] [--repeat 3]

The same council-style text (DSG report pages of about 2,000 characters with a table of
figures, ``--pages`` of them) is written in every format with the demo site's writers, then read by each
format's reader in this process (CPU time, best of ``--repeat``), so the figures compare the
readers and nothing else. Spreadsheets take each page as a sheet; CSV is one page. Then the
whole bounded path (``IsolatedReader``: child process, pipe, pickling) is timed by the wall
clock for PDF and Word, and OCR of scanned pages (image-only PDF, Tesseract, one thread).
Text MB/s is the fair comparison: ZIP-packaged formats are compressed, so their file MB/s is low.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractors.isolation import IsolatedReader
from extractors.ocr import unavailable_reason
from extractors.paper_reader import read_document
from extractors.paper_text import OcrSettings, ReadOptions
from sendwatch.demo.site import papers
from sendwatch.demo.site.sample import dsg_report

FORMATS = ["pdf", "docx", "odt", "doc", "rtf", "xlsx", "ods", "xls", "csv", "html"]
TABLE = "Table 1: DSG position (£m) | 2024/25 | 2025/26\nCumulative deficit | 21.4 | 26.9\nIn-year deficit | 4.2 | 5.5"


def council_pages(count: int) -> list[str]:
    """``count`` pages of schools forum reports (about 2,000 characters each, as a real report
    page), each with a small table of figures."""
    day = dt.date(2026, 1, 14)
    pages = []
    for number in range(count):
        first, second = dsg_report("Westshire County Council", day + dt.timedelta(days=number), 8.5 + number / 10)
        pages.append(f"Page {number + 1}\n{first}\n{second}\n{TABLE}\n{second}")
    return pages


def best_cpu(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--ocr-pages", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pages = council_pages(args.pages)
    options = ReadOptions()
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        files = {}
        for fmt in FORMATS:
            path = Path(folder) / f"pack.{fmt}"
            path.write_bytes(papers.write(fmt, "Schools Forum pack", pages))
            files[fmt] = path
            declared = "text/csv" if fmt == "csv" else None
            result = read_document(path, None, declared, options)
            assert result.state == "ok", (fmt, result.state, result.error)
            seconds = best_cpu(lambda path=path, declared=declared: read_document(path, None, declared, options), args.repeat)
            size = path.stat().st_size / 1e6
            rows.append((fmt, size, len(result.pages), result.char_count / 1e6, seconds))
        pdf_seconds = next(row[4] for row in rows if row[0] == "pdf")
        print(f"Reading {args.pages} pages of council text in each format, in process (CPU, best of {args.repeat}):")
        print(
            f"{'format':<8}{'file MB':>9}{'pages':>7}{'text MB':>9}{'seconds':>9}{'pages/s':>10}{'file MB/s':>11}{'text MB/s':>11}{'vs PDF':>8}"
        )
        for fmt, size, count, text_mb, seconds in rows:
            print(
                f"{fmt:<8}{size:>9.2f}{count:>7}{text_mb:>9.2f}{seconds:>9.3f}{count / seconds:>10.0f}"
                f"{size / seconds:>11.1f}{text_mb / seconds:>11.1f}{pdf_seconds / seconds:>7.1f}x"
            )

        print("\nThe bounded reader (child process), wall clock, 5 documents each:")
        with IsolatedReader(timeout_seconds=120) as reader:
            for fmt in ("pdf", "docx", "doc"):
                reader.read(files[fmt])  # the child starts here, not in the timing
                start = time.perf_counter()
                for _ in range(5):
                    reader.read(files[fmt])
                elapsed = (time.perf_counter() - start) / 5
                print(f"  {fmt:<6}{args.pages / elapsed:>8.0f} pages/s  ({elapsed * 1000:.0f} ms a document)")

        reason = unavailable_reason(OcrSettings())
        if reason:
            print(f"\nOCR not measured: {reason}")
            return
        scanned = Path(folder) / "scan.pdf"
        scanned.write_bytes(papers.write("scanned_pdf", "Scanned letter", pages[: args.ocr_pages]))
        for dpi in (200, 300):
            settings = OcrSettings(dpi=dpi)
            start = time.perf_counter()
            result = read_document(scanned, None, None, ReadOptions(ocr=settings))
            elapsed = time.perf_counter() - start
            assert result.sources == ["ocr"] * args.ocr_pages, result.sources
            print(
                f"\nOCR (Tesseract, one thread, {dpi} dpi): {args.ocr_pages} scanned pages in {elapsed:.1f} s = "
                f"{args.ocr_pages / elapsed:.2f} pages/s; {pdf_seconds and (args.pages / pdf_seconds) / (args.ocr_pages / elapsed):.0f}x "
                "slower than a text-layer PDF page"
            )


if __name__ == "__main__":
    main()
