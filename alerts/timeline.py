"""A council's status over time, derived from the evidence of all its documents.

The rules (issue 5), in the order they are applied:

1. Only evidence that states the council's own position counts: ``kind == "signal"`` with
   ``confidence >= MIN_CONFIDENCE``. Warnings (risks, hypotheticals: "if the plan slips, the DfE
   may withhold payments") never set a status by themselves; ``none`` evidence is ignored too,
   because the absence of news is never news.
2. Each piece of evidence is dated by its meeting's date, else the document's published date,
   else the day sendwatch first saw it. A report inside an agenda pack takes the pack's dates
   where it has none of its own: the pack and its reports are one source.
3. A sentence already seen earlier (the same words, again in minutes, a republished pack, a
   CMIS link that changed) keeps the date it was first seen, and the same bytes under a new
   URL are the first document: documents that only repeat an earlier state change nothing.
   The price, chosen knowingly: a template sentence repeated word for word in a later report
   ("the authority remains on track") cannot by itself mark a return to an earlier status;
   a report announcing one in words of its own does.
4. The most recent date decides; evidence of the same date resolves to the most serious status
   (``sendwatch.core.vocabulary.seriousness``). A later, less serious status ("back on track") is a
   change like any other.
5. Background never undoes a more specific standing (``sendwatch.core.vocabulary.STANDING_TIER``):
   a later paper that only reports the DSG deficit, or DBV work, leaves a council in the safety
   valve programme where it was, and a DBV council stays DBV when a budget paper mentions its
   deficit.

``MIN_CONFIDENCE`` (``sendwatch.core.vocabulary``) is the bar the extractor itself uses for a
document's verdict, so a paper's verdict and the status it contributes never disagree.
The extractor already turns hedged, hypothetical, questioned or superseded sentences into
warnings (which never count here) and scores sentences about other councils low; what is left
at 0.45 or more is a plain statement about this council's own position.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sendwatch.core.formatting import looks_like_pdf, page_link
from sendwatch.core.money import json_amount
from sendwatch.core.storage.models import Document, DocumentPage, Evidence, Figure, Meeting
from sendwatch.core.vocabulary import MIN_CONFIDENCE, STATUSES, seriousness, standing_tier

MAX_EVIDENCE_PER_PERIOD = 5
MAX_FIGURES_PER_PERIOD = 6


@dataclass(frozen=True)
class Sighting:
    """One usable piece of evidence, with the date and source the timeline gives it."""

    status: str
    date: dt.date
    source_id: int  # the top-level document (agenda pack) this evidence belongs to
    document_id: int
    url: str
    title: str
    page: int | None
    quote: str
    confidence: float
    is_pdf: bool
    ocr: bool = False  # the quoted page's text was read by OCR from a scan

    @property
    def link(self) -> str:
        """The document URL, opened at the quoted page for PDFs."""
        return page_link(self.url, self.page, is_pdf=self.is_pdf)

    def as_json(self) -> dict:
        return {
            "url": self.url,
            "title": self.title,
            "date": self.date.isoformat(),
            "page": self.page,
            "quote": self.quote,
            "status": self.status,
            "link": self.link,
            "confidence": round(self.confidence, 3),
            "ocr": self.ocr,
        }


@dataclass
class Period:
    """One stretch of a council's history: a status, when it began, and what established it."""

    status: str
    since: dt.date
    evidence: list[Sighting]
    supporting_sources: list[int] = field(default_factory=list)  # every source backing it, oldest first
    figures: list[dict] = field(default_factory=list)

    def evidence_json(self) -> list[dict]:
        return [sighting.as_json() for sighting in self.evidence]


def normalise_quote(quote: str) -> str:
    """The words of a quote, for spotting the same sentence again (case, spacing, punctuation aside)."""
    return " ".join(re.findall(r"[a-z0-9£]+", quote.lower()))


def load_sightings(session: Session, council_id: int, min_confidence: float = MIN_CONFIDENCE) -> list[Sighting]:
    """Every usable piece of evidence for one council, dated and attributed to its source."""
    documents = {doc.id: doc for doc in session.scalars(select(Document).where(Document.council_id == council_id))}
    meeting_dates = dict(session.execute(select(Meeting.id, Meeting.date).where(Meeting.council_id == council_id)).all())
    rows = session.scalars(
        select(Evidence)
        .where(Evidence.council_id == council_id, Evidence.kind == "signal", Evidence.confidence >= min_confidence)
        .order_by(Evidence.id)
    )
    by_content = _first_document_by_content(documents)
    scanned = pages_read_by_ocr(session, list(documents))
    sightings = []
    for evidence in rows:
        if evidence.status not in STATUSES or evidence.status == "none":
            continue
        document = documents.get(evidence.document_id)
        if document is None:
            continue
        source = _root(document, documents)
        source = by_content.get((source.sha256 or f"id:{source.id}"), source)
        sightings.append(
            Sighting(
                status=evidence.status,
                date=evidence_date(document, documents, meeting_dates),
                source_id=source.id,
                document_id=document.id,
                url=document.url,
                title=(document.title or source.title or document.url).strip(),
                page=evidence.page,
                quote=evidence.quote.strip(),
                confidence=evidence.confidence,
                is_pdf=document.kind == "pdf" or looks_like_pdf(document.url),
                ocr=(document.id, evidence.page) in scanned,
            )
        )
    return first_appearances(sightings)


def pages_read_by_ocr(session: Session, document_ids: list[int]) -> set[tuple[int, int]]:
    """(document id, page number) of the pages among these documents whose text came from OCR."""
    if not document_ids:
        return set()
    rows = session.execute(
        select(DocumentPage.document_id, DocumentPage.page_number).where(
            DocumentPage.text_source == "ocr", DocumentPage.document_id.in_(document_ids)
        )
    )
    return {(document_id, page) for document_id, page in rows}


def evidence_date(document: Document, documents: dict[int, Document], meeting_dates: dict[int, dt.date | None]) -> dt.date:
    """Meeting date, else published date, else first seen; a report inside a pack uses the pack's."""
    chain = [document]
    while chain[-1].parent_id and chain[-1].parent_id in documents and len(chain) < 10:
        chain.append(documents[chain[-1].parent_id])
    for doc in chain:
        if doc.meeting_id and (day := meeting_dates.get(doc.meeting_id)):
            return day
    for doc in chain:
        if doc.published_date:
            return doc.published_date
    return min(doc.first_seen_at for doc in chain).date()


def _root(document: Document, documents: dict[int, Document]) -> Document:
    """The agenda pack a report sits in (or the document itself)."""
    seen = {document.id}
    while document.parent_id and document.parent_id in documents and document.parent_id not in seen:
        document = documents[document.parent_id]
        seen.add(document.id)
    return document


def _first_document_by_content(documents: dict[int, Document]) -> dict[str, Document]:
    """Same bytes under two URLs (CMIS links change) are one source: the first one seen."""
    first: dict[str, Document] = {}
    for doc in sorted(documents.values(), key=lambda d: (d.first_seen_at, d.id)):
        if doc.sha256:
            first.setdefault(doc.sha256, doc)
    return first


def first_appearances(sightings: list[Sighting]) -> list[Sighting]:
    """Keep each sentence once, at its earliest date (per status): repeats change nothing."""
    earliest: dict[tuple[str, str], Sighting] = {}
    for sighting in sorted(sightings, key=lambda s: (s.date, s.source_id, s.document_id, s.page or 0)):
        earliest.setdefault((sighting.status, normalise_quote(sighting.quote)), sighting)
    return sorted(earliest.values(), key=lambda s: (s.date, s.source_id, s.page or 0))


def derive_timeline(sightings: list[Sighting]) -> list[Period]:
    """Periods of status, oldest first: per date the most serious status; a new period on change."""
    by_date: dict[dt.date, list[Sighting]] = defaultdict(list)
    for sighting in sightings:
        by_date[sighting.date].append(sighting)
    periods: list[Period] = []
    for date in sorted(by_date):
        day = by_date[date]
        status = max((s.status for s in day), key=seriousness)
        deciding = [s for s in day if s.status == status]
        if periods and standing_tier(status) < standing_tier(periods[-1].status):
            continue  # background (a deficit, DBV work) never undoes a more specific standing
        if periods and periods[-1].status == status:
            _add_support(periods[-1], deciding)
            continue
        period = Period(status=status, since=date, evidence=_one_per_source(deciding)[:MAX_EVIDENCE_PER_PERIOD])
        _add_support(period, deciding)
        periods.append(period)
    return periods


def _one_per_source(sightings: list[Sighting]) -> list[Sighting]:
    """The strongest sentence from each source (a pack and its reports count once)."""
    best: dict[int, Sighting] = {}
    for sighting in sorted(sightings, key=lambda s: (-s.confidence, s.page or 0)):
        best.setdefault(sighting.source_id, sighting)
    return sorted(best.values(), key=lambda s: (s.source_id, s.page or 0))


def _add_support(period: Period, sightings: list[Sighting]) -> None:
    for sighting in sightings:
        if sighting.source_id not in period.supporting_sources:
            period.supporting_sources.append(sighting.source_id)


def attach_figures(session: Session, council_id: int, periods: list[Period]) -> None:
    """Give each period the figures of its latest supporting source that states any."""
    documents = dict(session.execute(select(Document.id, Document.parent_id).where(Document.council_id == council_id)).all())
    figures_by_source: dict[int, list[Figure]] = defaultdict(list)
    for figure in session.scalars(select(Figure).where(Figure.council_id == council_id).order_by(Figure.page, Figure.id)):
        figures_by_source[_root_id(figure.document_id, documents)].append(figure)
    for period in periods:
        for source_id in reversed(period.supporting_sources):
            if figures_by_source.get(source_id):
                period.figures = figures_json(figures_by_source[source_id])
                break


def _root_id(document_id: int, parents: dict[int, int | None]) -> int:
    seen = {document_id}
    while parents.get(document_id) and parents[document_id] not in seen:
        document_id = parents[document_id]  # type: ignore[assignment]
        seen.add(document_id)
    return document_id


def figures_json(figures: list[Figure]) -> list[dict]:
    """Labelled figures first, each amount once, as the JSON the status history keeps."""
    ordered = sorted(figures, key=lambda f: (f.label is None, f.page or 0, f.id or 0))
    seen: set[tuple[int, str | None]] = set()
    result = []
    for figure in ordered:
        key = (figure.amount_pence, figure.label)
        if key in seen:
            continue
        seen.add(key)
        result.append(
            {
                "amount_gbp": json_amount(figure.amount_gbp),
                "text": figure.text,
                "label": figure.label,
                "financial_year": figure.financial_year,
                "page": figure.page,
            }
        )
        if len(result) >= MAX_FIGURES_PER_PERIOD:
            break
    return result


def council_timeline(session: Session, council_id: int, min_confidence: float = MIN_CONFIDENCE) -> list[Period]:
    """The whole derived history of one council, with figures."""
    periods = derive_timeline(load_sightings(session, council_id, min_confidence))
    attach_figures(session, council_id, periods)
    return periods
