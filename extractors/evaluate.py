"""Score the extractor on a labelled corpus (``docs/NNN.txt`` + ``labels.csv``), with no database.

The format: each document has ``Key: value`` header lines, a ``---`` line, then the text;
``labels.csv`` has ``file,council,status,amounts_gbp`` rows, one per (document, council).
For each row the extractor reads the document knowing the council's name, as a crawler knows
whose site it fetched. Scores: accuracy, per-status precision/recall/F1, macro F1 over
statuses with support, and figure recall (a listed amount counts as found when some parsed
amount is within 0.5%).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extractors.analyse import Analysis, analyse_pages
from sendwatch.core.vocabulary import STATUSES

FIGURE_TOLERANCE = 0.005


class CorpusError(ValueError):
    """The corpus folder is not in the expected format (names the file and line)."""


@dataclass
class Row:
    """One labelled (document, council) pair and what the extractor made of it."""

    file: str
    council: str
    expected: str
    amounts: list[float]
    predicted: str = "none"
    deciding_quote: str | None = None
    deciding_page: int | None = None
    found_amounts: int = 0


@dataclass
class Scores:
    documents: int
    accuracy: float
    macro_f1: float
    figure_recall: float
    per_status: dict[str, dict[str, float]]
    rows: list[Row] = field(default_factory=list)

    def as_json(self) -> dict:
        """The object ``sendwatch evaluate --json`` prints."""
        return {
            "documents": self.documents,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "figure_recall": self.figure_recall,
            "per_status": self.per_status,
        }

    @property
    def misclassified(self) -> list[Row]:
        return [row for row in self.rows if row.predicted != row.expected]


def read_document(path: Path) -> tuple[dict[str, str], str]:
    """(header fields, text) of one corpus document."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    head, separator, body = raw.partition("\n---\n")
    if not separator:
        if raw.startswith("---\n"):
            return {}, raw[4:]
        return {}, raw
    header: dict[str, str] = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            header[key.strip().upper()] = value.strip()
    return header, body


def read_labels(directory: Path) -> list[Row]:
    """The rows of ``labels.csv``, checked against the documents present."""
    labels = directory / "labels.csv"
    if not labels.is_file():
        raise CorpusError(f"{labels}: not found (a corpus folder holds labels.csv and docs/)")
    rows: list[Row] = []
    with labels.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"file", "council", "status"} - set(reader.fieldnames or [])
        if missing:
            raise CorpusError(f"{labels}: missing column(s) {', '.join(sorted(missing))}")
        for line, record in enumerate(reader, start=2):
            status = (record.get("status") or "").strip()
            if status not in STATUSES:
                raise CorpusError(f"{labels}, line {line}: unknown status {status!r}")
            try:
                amounts = [float(a) for a in (record.get("amounts_gbp") or "").split(";") if a.strip()]
            except ValueError as error:
                raise CorpusError(f"{labels}, line {line}: bad amounts_gbp ({error})") from error
            document = directory / "docs" / record["file"].strip()
            if not document.is_file():
                raise CorpusError(f"{labels}, line {line}: document {document} not found")
            rows.append(Row(record["file"].strip(), record["council"].strip(), status, amounts))
    return rows


def evaluate_corpus(directory: Path, reader: Callable[[list[str], list[str]], Analysis] = analyse_pages) -> Scores:
    """Run the extractor (or another ``reader``, e.g. the naive baseline) over every row and score it."""
    directory = Path(directory)
    rows = read_labels(directory)
    cache: dict[tuple[str, str], Analysis] = {}
    for row in rows:
        key = (row.file, row.council)
        if key not in cache:
            _, text = read_document(directory / "docs" / row.file)
            cache[key] = reader([text], [row.council])
        analysis = cache[key]
        row.predicted = analysis.verdict
        if analysis.deciding is not None:
            row.deciding_quote = analysis.deciding.quote
            row.deciding_page = analysis.deciding.page
        parsed = [figure.amount_gbp for figure in analysis.figures]
        row.found_amounts = sum(1 for amount in row.amounts if _found(amount, parsed))
    return _score(rows)


def _found(amount: float, parsed: list[float]) -> bool:
    return any(abs(value - amount) <= FIGURE_TOLERANCE * max(abs(amount), 1e-9) for value in parsed)


def _score(rows: list[Row]) -> Scores:
    total = len(rows)
    correct = sum(1 for row in rows if row.predicted == row.expected)
    per_status: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    for status in STATUSES:
        support = sum(1 for row in rows if row.expected == status)
        predicted = sum(1 for row in rows if row.predicted == status)
        hits = sum(1 for row in rows if row.expected == status and row.predicted == status)
        if support == 0 and predicted == 0:
            continue
        precision = hits / predicted if predicted else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_status[status] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
        if support > 0:
            f1s.append(f1)
    listed = sum(len(row.amounts) for row in rows)
    found = sum(row.found_amounts for row in rows)
    return Scores(
        documents=total,
        accuracy=round(correct / total, 4) if total else 0.0,
        macro_f1=round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        figure_recall=round(found / listed, 4) if listed else 1.0,
        per_status=per_status,
        rows=rows,
    )


def format_report(scores: Scores) -> str:
    """The human-readable report: totals, a per-status table, then each misclassified row."""
    lines = [
        f"documents {scores.documents}   accuracy {scores.accuracy:.3f}   macro F1 {scores.macro_f1:.3f}   "
        f"figure recall {scores.figure_recall:.3f}",
        "",
        f"{'status':<18}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}",
    ]
    for status, numbers in scores.per_status.items():
        lines.append(
            f"{status:<18}{numbers['precision']:>10.2f}{numbers['recall']:>8.2f}{numbers['f1']:>8.2f}{int(numbers['support']):>9}"
        )
    wrong = scores.misclassified
    lines += ["", f"misclassified: {len(wrong)}"]
    for row in wrong:
        lines.append(f"  {row.file}  {row.council}: expected {row.expected}, got {row.predicted}")
        if row.deciding_quote:
            quote = row.deciding_quote if len(row.deciding_quote) <= 300 else row.deciding_quote[:297] + "..."
            lines.append(f'      decided by (page {row.deciding_page}): "{quote}"')
        else:
            lines.append("      no sentence gave a signal for this council")
    return "\n".join(lines)
