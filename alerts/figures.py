"""Figure alerts: a council's stated figure of one label and year moved past the threshold between papers.

Labels are the extractors' (``extractors.money``: "cumulative deficit", "forecast", "off track
by", ...). A council's figures form one series per label and financial year: a 2025/26 forecast
is compared only with earlier 2025/26 forecasts, never with a 2024/25 one, since a new year's
figure under the same label is a different quantity, not a move. A figure that states no year
is its own series per label, compared only with earlier figures of that label that state none
either: it might be either year, and guessing would report a change of year as news (and a
dated figure never moves a yearless one). Its position is stored with ``financial_year`` "".

For each council and followed (label, year), the figure its latest paper states (by the paper's
date, else its meeting's, else when it was first seen; the first such figure in the paper) is
compared with the one last compared (``figure_positions``). The first figure of a series is a
baseline, never alerted; after that a move of at least ``figure_alerts.min_change_gbp`` pounds
and ``figure_alerts.min_change_percent`` per cent of the earlier figure is a ``FigureChange``
with both sentences, both papers and the difference. All arithmetic is on whole pence (amounts
as stored, thresholds converted exactly by ``sendwatch.core.money``), so a move of exactly the
threshold counts whatever binary floats would make of it. ``event_key`` comes only from what the
move is (council, label, both papers' links, amounts and pages, and the year when one is
stated, so moves of figures without a year keep the keys they always had), so a re-run records
nothing new. The caller commits (alerts are queued in the same transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sendwatch.core.config import FigureAlerts
from sendwatch.core.formatting import page_link
from sendwatch.core.money import json_amount, to_pence
from sendwatch.core.storage.models import Council, Document, Figure, FigureChange, FigurePosition, Meeting, Subscriber, utcnow


def detect_figure_changes(session: Session, settings: FigureAlerts, cycle_id: int | None = None) -> list[FigureChange]:
    """Compare each council's latest figure of every followed label and year with the last one compared."""
    if not settings.labels:
        return []
    latest = _latest_figures(session, settings.labels)
    positions = {(row.council_id, row.label, row.financial_year): row for row in session.scalars(select(FigurePosition))}
    changes = []
    for (council_id, label, year), figure in sorted(latest.items()):
        position = positions.get((council_id, label, year))
        if position is None:
            session.add(FigurePosition(council_id=council_id, label=label, financial_year=year, figure=figure))
            continue
        before = position.figure
        before_pence, after_pence = _pence(before), _pence(figure)
        if (before.get("document_id"), before_pence) == (figure["document_id"], after_pence):
            continue
        if not _later(figure, before):
            continue  # an older paper re-read, or papers gone missing: never a move backwards in time
        position.figure = figure
        position.updated_at = utcnow()
        difference = after_pence - before_pence
        if not _is_news(difference, before_pence, settings):
            continue
        key = _event_key(council_id, label, year, before, figure)
        if session.scalars(select(FigureChange.id).where(FigureChange.event_key == key)).first() is not None:
            continue
        change = FigureChange(
            event_key=key,
            council_id=council_id,
            label=label,
            before=before,
            after=figure,
            difference_pence=difference,
            percent=_percent(difference, before_pence),
            cycle_id=cycle_id,
        )
        session.add(change)
        changes.append(change)
    session.flush()
    return changes


def _is_news(difference: int, before: int, settings: FigureAlerts) -> bool:
    """At least the threshold in pounds and in per cent of the earlier figure (from zero, any
    move past the pounds threshold), compared exactly in whole pence."""
    if difference == 0 or abs(difference) < settings.min_change_pence:
        return False
    return before == 0 or abs(difference) >= settings.min_change_fraction * abs(before)


def _percent(difference: int, before: int) -> float | None:
    """The size of the move in per cent of the earlier figure, to one decimal place (None from zero)."""
    if before == 0:
        return None
    return float((Decimal(abs(difference)) * 100 / abs(before)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN))


def wants_figure(subscriber: Subscriber, council_slug: str, change: FigureChange) -> bool:
    """Did this subscriber opt into moves of this label, for this council?"""
    if not subscriber.figures_wanted or change.label not in subscriber.figures_wanted:
        return False
    return subscriber.councils is None or council_slug in subscriber.councils


@dataclass
class FigureView:
    """A figure move as alerts show it."""

    council_name: str
    council_slug: str
    label: str
    financial_year: str | None
    before: dict[str, Any]
    after: dict[str, Any]
    difference_gbp: Decimal
    percent: float | None

    @property
    def rose(self) -> bool:
        return self.difference_gbp > 0

    @property
    def what(self) -> str:
        """The figure as alerts name it: its label, and the year it is for when it states one."""
        return f"{self.label} ({self.financial_year})" if self.financial_year else self.label


def figure_views(session: Session, changes: list[FigureChange]) -> dict[int, FigureView]:
    councils = {c.id: c for c in session.scalars(select(Council).where(Council.id.in_({c.council_id for c in changes})))}
    return {
        change.id: FigureView(
            council_name=councils[change.council_id].name,
            council_slug=councils[change.council_id].slug,
            label=change.label,
            financial_year=_year((change.after or {}).get("financial_year")) or None,
            before=change.before,
            after=change.after,
            difference_gbp=change.difference_gbp,
            percent=change.percent,
        )
        for change in changes
    }


def _latest_figures(session: Session, labels: list[str]) -> dict[tuple[int, str, str], dict[str, Any]]:
    """Per (council, label, year), the first figure of that label and year in the council's latest paper stating one."""
    dated = func.coalesce(Document.published_date, Meeting.date)
    rows = session.execute(
        select(Figure, Document, dated)
        .join(Document, Document.id == Figure.document_id)
        .outerjoin(Meeting, Meeting.id == Document.meeting_id)
        .where(Figure.label.in_(labels), Document.text_state == "ok")
        .order_by(Figure.council_id, Figure.label, Document.id, Figure.page, Figure.id)
    ).all()
    latest: dict[tuple[int, str, str], dict[str, Any]] = {}
    for figure, document, date in rows:
        candidate = _describe(figure, document, date)
        key = (figure.council_id, figure.label or "", _year(figure.financial_year))
        held = latest.get(key)
        if held is None or _later(candidate, held):
            latest[key] = candidate
    return latest


def _year(value: object) -> str:
    """The financial year a figure states, as the extractors write it (``2024/25``); "" for none."""
    return str(value).strip() if value else ""


def _describe(figure: Figure, document: Document, date: dt.date | None) -> dict[str, Any]:
    return {
        "amount_gbp": json_amount(figure.amount_gbp),
        "amount_pence": figure.amount_pence,
        "text": figure.text,
        "financial_year": figure.financial_year,
        "quote": figure.quote,
        "page": figure.page,
        "document_id": document.id,
        "title": document.title,
        "url": document.url,
        "link": page_link(document.url, figure.page, is_pdf=document.kind == "pdf"),
        "date": (date or document.first_seen_at.date()).isoformat(),
        "first_seen": document.first_seen_at.isoformat(),
    }


def _pence(figure: dict[str, Any]) -> int:
    """A compared figure's amount in whole pence (positions stored before pence were kept hold
    only ``amount_gbp``, settled the same way)."""
    pence = figure.get("amount_pence")
    return pence if isinstance(pence, int) and not isinstance(pence, bool) else to_pence(figure["amount_gbp"])


def _later(candidate: dict[str, Any], held: dict[str, Any]) -> bool:
    """Whether ``candidate``'s paper is later than ``held``'s (by date, then when first seen, then id)."""
    return _paper_order(candidate) > _paper_order(held)


def _paper_order(figure: dict[str, Any]) -> tuple[str, str, int]:
    return (figure.get("date") or "", figure.get("first_seen") or "", figure.get("document_id") or 0)


def _event_key(council_id: int, label: str, year: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    parts = [str(council_id), label]
    for figure in (before, after):
        parts += [str(figure.get("url")), str(figure.get("amount_gbp")), str(figure.get("page"))]
    if year:  # only where stated: moves of figures without a year keep the keys they had
        parts.append(f"financial year {year}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
