"""``analyse_pages``: one document's pages and its council's names in; verdict, evidence, figures out.

This is the whole reading step with no I/O, so the pipeline, ``sendwatch evaluate`` and the
tests all call the same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from extractors.attribution import Subject
from extractors.cues import Cues, default_cues
from extractors.money import Money, figures_in
from extractors.reading import Signal, names_dbv, names_safety_valve, read_sentences, speaks_of_the_programme
from extractors.sentences import split_pages
from extractors.verdict import decide, rank_evidence, settle_implied, settle_superseded


@dataclass
class Analysis:
    """What one document says about its council."""

    verdict: str
    confidence: float
    evidence: list[Signal] = field(default_factory=list)
    figures: list[Money] = field(default_factory=list)
    deciding: Signal | None = None  # the signal the verdict rests on

    @property
    def signals(self) -> list[Signal]:
        return [item for item in self.evidence if item.kind == "signal"]

    @property
    def warnings(self) -> list[Signal]:
        return [item for item in self.evidence if item.kind == "warning"]


def analyse_pages(
    pages: list[str], council_names: list[str], *, cues: Cues | None = None, context: Iterable[str] = ()
) -> Analysis:
    """Read a document's pages (``pages[0]`` is page 1) for what they say about this council.

    ``context`` adds document context known from elsewhere (e.g. ``{"sv"}`` for a report in a
    pack whose cover names the safety valve programme); the text's own context is always found.
    """
    cues = cues or default_cues()
    subject = _subject(tuple(council_names))
    context = frozenset(context) | ({"sv"} if any(names_safety_valve(page) for page in pages) else set())
    programme = "sv" in context
    dbv = any(names_dbv(page) for page in pages)  # then "the programme" further on may be it
    sentences = split_pages(
        pages, keep=lambda text: cues.worth_reading(text, programme) or (dbv and speaks_of_the_programme(text))
    )
    hosted_elsewhere = subject.heads_another(_first_line(pages))
    signals = settle_implied(settle_superseded(read_sentences(sentences, subject, context, cues, hosted_elsewhere)))
    status, confidence, deciding = decide(signals)
    return Analysis(status, confidence, rank_evidence(signals), figures_in(sentences), deciding)


def _first_line(pages: list[str]) -> str:
    """The document's first line of text: its heading, or a press item's headline."""
    for page in pages:
        for line in page.splitlines():
            if line.strip():
                return line.strip()
    return ""


@lru_cache(maxsize=512)
def _subject(names: tuple[str, ...]) -> Subject:
    return Subject(list(names))
