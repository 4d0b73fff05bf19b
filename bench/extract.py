"""Benchmark the extractors: PDF pages per second (PDFium vs pdfminer.six) and signal throughput.

Run: python bench/extract.py [--pages 200] [--text-mb 20] [--corpus DIR]

1. Generates council-style PDFs (paragraphs of minutes and a table of figures per page) with
   reportlab, then reads the same files with both engines in this run and prints pages/s
   and the ratio (target: PDFium at least 20x pdfminer.six).
2. Builds page texts in the shape of an agenda pack (mostly routine business, a few paragraphs
   on the high needs block, figures and the safety valve) and times ``analyse_pages`` on one
   core, in MB of text per second (target: at least 8 MB/s). A dense variant, where every
   paragraph is about the programme, shows the worst case (target: at least 5 MB/s).

3. With ``--corpus DIR`` (a folder of labelled real text, as ``sendwatch evaluate`` reads), the
   same throughput on those real documents, each read for its labelled council.

Times are CPU time of this process (one core), so other work on the machine does not skew them;
the isolated reader (a child process) is timed by the wall clock.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from extractors import analyse_pages
from extractors.isolation import IsolatedReader
from extractors.text_pdf import pdfium_pages, pdfminer_pages

ROUTINE = [
    "The Forum noted the update on admissions for the coming academic year and the work of the inclusion team.",
    "Members thanked officers for the clear report and asked that future reports include trend data by phase.",
    "Apologies were received from three members and substitutes were noted as present for the item.",
    "The Chair reminded members that the next meeting would be held at the Civic Centre in the spring term.",
    "Officers explained the consultation timetable and the arrangements for responses from academies.",
    "A member asked about the capacity of the educational psychology service and the waiting times for assessments.",
    "The minutes of the previous meeting were agreed as a correct record, subject to a correction to item four.",
]
PROGRAMME = [
    "The forecast outturn on the high needs block is an overspend of £{a}m, which adds to the cumulative DSG deficit.",
    "The council remains on track against the conditions of its safety valve agreement for {y}.",
    "Officers reported that the in-year deficit is forecast at £{a}m, £{b}m higher than the agreed trajectory.",
    "Five local authorities have had safety valve payments paused, members heard; the council is not among them.",
    "If the trajectory slips further, there is a risk that the DfE would place the council in enhanced monitoring.",
    "The DfE will contribute £{a}m over the remaining years of the agreement, subject to quarterly returns.",
    "The Delivering Better Value grant of £1m funds three projects on transition and outreach.",
]


def build_pdfs(folder: Path, total_pages: int, pages_per_document: int = 20) -> list[Path]:
    """Council-style reports, ``pages_per_document`` pages each, until ``total_pages``."""
    styles = getSampleStyleSheet()
    rng = random.Random(7)
    paths = []
    for number in range(max(1, total_pages // pages_per_document)):
        story = []
        for page in range(pages_per_document):
            if page:
                story.append(PageBreak())
            for _ in range(9):
                story.append(Paragraph(rng.choice(ROUTINE) + " " + rng.choice(ROUTINE), styles["BodyText"]))
                story.append(Spacer(1, 6))
            story.append(Paragraph(_programme_sentence(rng), styles["BodyText"]))
            rows = [["£m", "2023/24", "2024/25", "2025/26"]] + [
                [label, *(f"{rng.uniform(1, 40):.1f}" for _ in range(3))]
                for label in ("Cumulative deficit", "In-year deficit", "Safety valve income")
            ]
            story.append(Table(rows))
        path = folder / f"pack-{number:03d}.pdf"
        SimpleDocTemplate(str(path), pagesize=A4).build(story)
        paths.append(path)
    return paths


def pages_per_second(reader, paths: list[Path]) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """(pages/s, pages, characters) reading every file with ``reader`` (after one warm-up read)."""
    reader(paths[0])  # library initialisation and fonts are not part of the per-page cost
    start = time.process_time()
    pages = chars = 0
    for path in paths:
        texts = reader(path)
        pages += len(texts)
        chars += sum(len(text) for text in texts)
    return pages / (time.process_time() - start), pages, chars


def pack_text(megabytes: float, programme_share: float, seed: int = 11) -> list[str]:
    """Pages of agenda-pack text: ``programme_share`` of paragraphs concern the programme."""
    rng = random.Random(seed)
    pages: list[str] = []
    size = 0
    target = int(megabytes * 1_000_000)
    while size < target:
        paragraphs = []
        for _ in range(8):
            if rng.random() < programme_share:
                paragraphs.append(_programme_sentence(rng) + " " + rng.choice(ROUTINE))
            else:
                paragraphs.append(" ".join(rng.choice(ROUTINE) for _ in range(3)))
        page = "\n\n".join(paragraphs)
        pages.append(page)
        size += len(page.encode("utf-8"))
    return pages


def signal_throughput(pages: list[str], pages_per_document: int = 40) -> tuple[float, int]:
    """MB of text per second through ``analyse_pages`` (one core), and the evidence found."""
    names = ["Westshire County Council", "WCC"]
    analyse_pages(pages[:pages_per_document], names)  # load the vocabulary outside the timing
    found = 0
    size = sum(len(page.encode("utf-8")) for page in pages)
    start = time.process_time()
    for first in range(0, len(pages), pages_per_document):
        found += len(analyse_pages(pages[first : first + pages_per_document], names).evidence)
    return size / 1_000_000 / (time.process_time() - start), found


def corpus_throughput(folder: Path, rounds: int = 3) -> tuple[float, int, int]:
    """MB/s through ``analyse_pages`` on a labelled folder's documents (best of ``rounds``),
    how many (document, council) rows, and their total size in bytes."""
    rows = list(csv.DictReader((folder / "labels.csv").open(encoding="utf-8")))
    texts = [(folder / "docs" / row["file"]).read_text(encoding="utf-8").split("\n---\n", 1)[-1] for row in rows]
    size = sum(len(text.encode("utf-8")) for text in texts)
    best = 0.0
    for _ in range(rounds):
        start = time.process_time()
        for row, text in zip(rows, texts):
            analyse_pages([text], [row["council"]])
        best = max(best, size / 1_000_000 / (time.process_time() - start))
    return best, len(rows), size


def _programme_sentence(rng: random.Random) -> str:
    year = rng.choice(["2023/24", "2024/25", "2025-26"])
    return rng.choice(PROGRAMME).format(a=f"{rng.uniform(1, 30):.1f}", b=f"{rng.uniform(0.2, 5):.1f}", y=year)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="PDF pages to generate and read (default 200)")
    parser.add_argument("--text-mb", type=float, default=20.0, help="MB of page text for the signal benchmark")
    parser.add_argument("--corpus", type=Path, help="also time a folder of labelled real text (docs/ and labels.csv)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sendwatch-bench-") as folder:
        paths = build_pdfs(Path(folder), args.pages)
        fast, pages, fast_chars = pages_per_second(pdfium_pages, paths)
        slow, _, slow_chars = pages_per_second(pdfminer_pages, paths)
        with IsolatedReader() as reader:
            reader.read(paths[0], "pdf")  # start the child outside the timing
            wall = time.perf_counter()
            for path in paths:
                reader.read(path, "pdf")
            isolated = pages / (time.perf_counter() - wall)
    print(f"PDF text, {pages} generated pages in {len(paths)} documents:")
    print(f"  pypdfium2 (primary)    {fast:8.1f} pages/s   ({fast_chars:,} characters)")
    print(f"  pdfminer.six (reference){slow:7.1f} pages/s   ({slow_chars:,} characters)")
    print(f"  speed-up               {fast / slow:8.1f}x   (target >= 20x)")
    print(f"  pypdfium2 in the bounded reader child {isolated:6.1f} pages/s (wall clock, text sent back)")

    typical, found = signal_throughput(pack_text(args.text_mb, programme_share=0.05))
    dense, dense_found = signal_throughput(pack_text(args.text_mb / 4, programme_share=1.0))
    print("Signal extraction (analyse_pages, one core):")
    print(f"  agenda-pack text, 5% on the programme   {typical:6.1f} MB/s  ({found:,} evidence items; target >= 8 MB/s)")
    print(f"  dense text, every paragraph on it       {dense:6.1f} MB/s  ({dense_found:,} evidence items; target >= 5 MB/s)")
    if args.corpus:
        real, rows, size = corpus_throughput(args.corpus)
        print(f"  real text, {rows} rows of {args.corpus.name} ({size / 1000:,.0f} KB)  {real:6.2f} MB/s")


if __name__ == "__main__":
    main()
