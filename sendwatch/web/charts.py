"""Small charts drawn on the server as inline SVG: no JavaScript, no chart library, no CDN.

Each chart is a picture *and* has its words: the SVG carries a <title> for screen readers, and
the pages print the same facts as text beside it, so no one depends on colour or on seeing it.
Colours come from ``sendwatch.core.palette.STATUS_FILL`` (shared with the emails; chosen to stay distinguishable and readable on white); every
bit of text is escaped, because labels can come from scraped papers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from markupsafe import Markup, escape

from sendwatch.core.formatting import money, status_label, status_words
from sendwatch.core.palette import STATUS_FILL

SERIES_COLOURS = ("#0969da", "#cf222e", "#6639ba")
SERIES_DASHES = ("", "6 3", "2 3")  # a second cue besides colour
MIN_SEGMENT = 6.0  # px: even a one-day status stays visible
# Charts are drawn about as wide as a phone shows them, so their 13-unit text stays 12 px or
# more at 390 px; on wider screens CSS caps how far they grow.
CHART_WIDTH = 400
TEXT_SIZE = 13


class StatusPeriod(Protocol):
    """A period of a council's status history (``queries.Period``)."""

    @property
    def status(self) -> str: ...
    @property
    def since(self) -> dt.date | None: ...
    @property
    def until(self) -> dt.date | None: ...


class AmountPoint(Protocol):
    """A dated amount (``queries.FigurePoint``)."""

    @property
    def date(self) -> dt.date: ...
    @property
    def amount_gbp(self) -> Decimal: ...


def timeline_strip(periods: Sequence[StatusPeriod], today: dt.date, width: int = CHART_WIDTH, height: int = 44) -> Markup:
    """A horizontal strip: one coloured segment per status period, scaled to time, with year ticks.

    ``periods`` are objects with ``status``, ``since`` and ``until`` (``until`` None: ongoing).
    """
    dated = [(period, period.since) for period in periods if period.since is not None]
    if not dated:
        return Markup("")
    start = min(since for _, since in dated)
    end = max(today, max(since for _, since in dated)) + dt.timedelta(days=1)
    span = max(1, (end - start).days)
    bar_height = height - 18
    scale = width / span
    parts = [
        f'<svg class="chart timeline-strip" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="timeline-title">{escape(_describe_periods([period for period, _ in dated], today))}</title>',
    ]
    for period, since in dated:
        until = period.until or end
        x = (since - start).days * scale
        segment = max(MIN_SEGMENT, (until - since).days * scale)
        status = period.status
        label = status_label(status)
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{min(segment, width - x):.1f}" height="{bar_height}" '
            f'fill="{STATUS_FILL.get(status, "#57606a")}" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(label)} from {escape(_day(since))}</title></rect>"
        )
    for year in range(start.year + 1, end.year + 1):
        x = (dt.date(year, 1, 1) - start).days * scale
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{bar_height + 4}" stroke="#24292f" stroke-width="1"/>')
        anchor = "end" if x > width - 30 else "middle"
        parts.append(
            f'<text x="{x:.1f}" y="{height - 2}" font-size="{TEXT_SIZE}" text-anchor="{anchor}" fill="#24292f">{year}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _describe_periods(periods: Sequence[StatusPeriod], today: dt.date) -> str:
    words = [f"{status_label(p.status)} from {_day(p.since)}" for p in periods if p.since is not None]
    return "Status over time: " + "; then ".join(words)


def summary_bar(counts: dict[str, int], quiet: Mapping[str, int] | None = None, width: int = 720, height: int = 20) -> Markup:
    """One bar split by how many councils are in each status, then those with no news by crawl
    health (checked and quiet, never checked, failing...); the legend with counts is text."""
    counts = {**counts, **{f"none:{health}": count for health, count in (quiet or {}).items()}}
    total = sum(counts.values())
    if not total:
        return Markup("")
    parts = [
        f'<svg class="chart summary-bar" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="none" '
        f'role="img" aria-labelledby="summary-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="summary-title">{escape(_describe_counts(counts))}</title>',
    ]
    x = 0.0
    for status, count in counts.items():
        segment = width * count / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{segment:.1f}" height="{height}" fill="{_fill(status)}" '
            f'stroke="#ffffff" stroke-width="1"><title>{escape(_words(status))}: {count}</title></rect>'
        )
        x += segment
    parts.append("</svg>")
    return Markup("".join(parts))


def figures_chart(series: Mapping[str, Sequence[AmountPoint]], width: int = CHART_WIDTH, height: int = 220) -> Markup:
    """A small line chart of amounts over time, one line per label (colour and dash differ).

    ``series`` maps a label to points with ``date`` and ``amount_gbp``, oldest first.
    """
    points = [point for values in series.values() for point in values]
    if not points:
        return Markup("")
    left, right, top, bottom = 64, 12, 12, 28
    dates = [point.date for point in points]
    first, last = min(dates), max(dates)
    span = max(1, (last - first).days)
    highest = max(float(point.amount_gbp) for point in points) or 1.0
    lowest = min(0.0, min(float(point.amount_gbp) for point in points))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(day: dt.date) -> float:
        return left + (plot_w / 2 if first == last else (day - first).days / span * plot_w)

    def y_of(amount: float | Decimal) -> float:
        amount = float(amount)
        return top + plot_h - (amount - lowest) / (highest - lowest or 1) * plot_h

    parts = [
        f'<svg class="chart figures-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="figures-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="figures-title">{escape(_describe_series(series))}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#57606a"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#57606a"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        amount = lowest + (highest - lowest) * fraction
        y = y_of(amount)
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="{TEXT_SIZE}" text-anchor="end" fill="#24292f">{escape(money(amount))}</text>'
        )
        if fraction:
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d7de" stroke-dasharray="2 4"/>'
            )
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(
            f'<text x="{x_of(day):.1f}" y="{height - 8}" font-size="{TEXT_SIZE}" text-anchor="{anchor}" fill="#24292f">{escape(_month(day))}</text>'
        )
    for index, (label, values) in enumerate(series.items()):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        dash = SERIES_DASHES[index % len(SERIES_DASHES)]
        coords = " ".join(f"{x_of(p.date):.1f},{y_of(p.amount_gbp):.1f}" for p in values)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for point in values:
            parts.append(
                f'<circle cx="{x_of(point.date):.1f}" cy="{y_of(point.amount_gbp):.1f}" r="4" fill="{colour}">'
                f"<title>{escape(label)}: {escape(money(point.amount_gbp))} ({escape(_day(point.date))})</title></circle>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _words(key: str) -> str:
    """A summary key's words: a status, or ``none:HEALTH`` for councils with no news."""
    status, _, health = key.partition(":")
    return status_words(status, health) if health else status_label(status)


def _fill(key: str) -> str:
    status, _, health = key.partition(":")
    if health in ("failing", "blocked"):
        return "#a40e26"
    if health and health != "ok":
        return "#d0d7de"
    return STATUS_FILL.get(status, "#57606a")


def _describe_counts(counts: dict[str, int]) -> str:
    return "Councils by status: " + ", ".join(f"{_words(status)} {count}" for status, count in counts.items())


def series_style(index: int) -> tuple[str, str]:
    """The colour and dash pattern of series ``index``, for the legend the page prints."""
    return SERIES_COLOURS[index % len(SERIES_COLOURS)], SERIES_DASHES[index % len(SERIES_DASHES)]


def _describe_series(series: Mapping[str, Sequence[AmountPoint]]) -> str:
    words = []
    for label, values in series.items():
        stated = ", ".join(f"{money(p.amount_gbp)} ({_month(p.date)})" for p in values)
        words.append(f"{label}: {stated}")
    return "Figures over time. " + "; ".join(words)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _month(day: dt.date) -> str:
    return f"{day:%b %Y}"
