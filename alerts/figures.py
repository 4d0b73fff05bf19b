"""Figure alerts: a council's stated figure of one label moved past the threshold between papers.

Labels are the extractors' (``extractors.money``: "cumulative deficit", "forecast", "off track
by", ...). For each council and followed label, the figure its latest paper states (by the
paper's date, else its meeting's, else when it was first seen; the first such figure in the
paper) is compared with the one last compared (``figure_positions``). The first figure a council
ever states for a label is a baseline, never alerted; after that a move of at least
``figure_alerts.min_change_gbp`` pounds and ``figure_alerts.min_change_percent`` per cent of the
earlier figure is a ``FigureChange`` with both sentences, both papers and the difference. Its
``event_key`` comes only from what the move is, so a re-run records nothing new. The caller
commits (alerts are queued in the same transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sendwatch.core.config import FigureAlerts
from sendwatch.core.formatting import page_link
from sendwatch.core.storage.models import Council, Document, Figure, FigureChange, FigurePosition, Meeting, Subscriber, utcnow


def detect_figure_changes(session: Session, settings: FigureAlerts, cycle_id: int | None = None) -> list[FigureChange]:
    """Compare each council's latest figure of every followed label with the last one compared."""
    if not settings.labels:
        return []
    latest = _latest_figures(session, settings.labels)
    positions = {(row.council_id, row.label): row for row in session.scalars(select(FigurePosition))}
    changes = []
    for (council_id, label), figure in sorted(latest.items()):
        position = positions.get((council_id, label))
        if position is None:
            session.add(FigurePosition(council_id=council_id, label=label, figure=figure))
            continue
        before = position.figure
        if (before.get("document_id"), before.get("amount_gbp")) == (figure["document_id"], figure["amount_gbp"]):
            continue
        if not _later(figure, before):
            continue  # an older paper re-read, or papers gone missing: never a move backwards in time
        position.figure = figure
        position.updated_at = utcnow()
        difference = float(figure["amount_gbp"]) - float(before["amount_gbp"])
        percent = abs(difference) / abs(float(before["amount_gbp"])) * 100 if before["amount_gbp"] else None
        if difference == 0 or abs(difference) < settings.min_change_gbp:
            continue
        if percent is not None and percent < settings.min_change_percent:
            continue
        key = _event_key(council_id, label, before, figure)
        if session.scalars(select(FigureChange.id).where(FigureChange.event_key == key)).first() is not None:
            continue
        change = FigureChange(
            event_key=key,
            council_id=council_id,
            label=label,
            before=before,
            after=figure,
            difference_gbp=difference,
            percent=round(percent, 1) if percent is not None else None,
            cycle_id=cycle_id,
        )
        session.add(change)
        changes.append(change)
    session.flush()
    return changes


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
    before: dict[str, Any]
    after: dict[str, Any]
    difference_gbp: float
    percent: float | None

    @property
    def rose(self) -> bool:
        return self.difference_gbp > 0


def figure_views(session: Session, changes: list[FigureChange]) -> dict[int, FigureView]:
    councils = {c.id: c for c in session.scalars(select(Council).where(Council.id.in_({c.council_id for c in changes})))}
    return {
        change.id: FigureView(
            council_name=councils[change.council_id].name,
            council_slug=councils[change.council_id].slug,
            label=change.label,
            before=change.before,
            after=change.after,
            difference_gbp=change.difference_gbp,
            percent=change.percent,
        )
        for change in changes
    }


def _latest_figures(session: Session, labels: list[str]) -> dict[tuple[int, str], dict[str, Any]]:
    """Per (council, label), the first figure of that label in the council's latest paper stating one."""
    dated = func.coalesce(Document.published_date, Meeting.date)
    rows = session.execute(
        select(Figure, Document, dated)
        .join(Document, Document.id == Figure.document_id)
        .outerjoin(Meeting, Meeting.id == Document.meeting_id)
        .where(Figure.label.in_(labels), Document.text_state == "ok")
        .order_by(Figure.council_id, Figure.label, Document.id, Figure.page, Figure.id)
    ).all()
    latest: dict[tuple[int, str], dict[str, Any]] = {}
    for figure, document, date in rows:
        candidate = _describe(figure, document, date)
        key = (figure.council_id, figure.label or "")
        held = latest.get(key)
        if held is None or _later(candidate, held):
            latest[key] = candidate
    return latest


def _describe(figure: Figure, document: Document, date: dt.date | None) -> dict[str, Any]:
    amount = float(figure.amount_gbp)
    return {
        "amount_gbp": int(amount) if amount.is_integer() else amount,
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


def _later(candidate: dict[str, Any], held: dict[str, Any]) -> bool:
    """Whether ``candidate``'s paper is later than ``held``'s (by date, then when first seen, then id)."""
    return _paper_order(candidate) > _paper_order(held)


def _paper_order(figure: dict[str, Any]) -> tuple[str, str, int]:
    return (figure.get("date") or "", figure.get("first_seen") or "", figure.get("document_id") or 0)


def _event_key(council_id: int, label: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    parts = [str(council_id), label]
    for figure in (before, after):
        parts += [str(figure.get("url")), str(figure.get("amount_gbp")), str(figure.get("page"))]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
