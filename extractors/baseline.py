"""A naive keyword reader, kept only as the yardstick ``sendwatch evaluate --baseline`` scores.

It is what a first attempt looks like: the most serious status whose keywords appear anywhere
in the text, whoever they are about and however they are hedged, and every "£" number read
with a crude unit rule. The gap between its scores and ``analyse_pages``'s is what attribution,
negation, hypotheticals and the money parser buy.
"""

from __future__ import annotations

import re

from extractors.analyse import Analysis
from extractors.money import Money
from extractors.reading import Signal

_KEYWORDS: list[tuple[str, re.Pattern[str]]] = [
    ("sv_completed", re.compile(r"agreement (?:has )?(?:concluded|completed)", re.I)),
    ("payment_withheld", re.compile(r"payments? (?:\w+ )?(?:withheld|suspended|paused)", re.I)),
    ("ems", re.compile(r"enhanced monitoring", re.I)),
    ("sv_off_track", re.compile(r"off[- ]track|not on track", re.I)),
    ("sv_on_track", re.compile(r"on track", re.I)),
    ("sv_agreed", re.compile(r"safety valve agreement", re.I)),
    ("sv_negotiating", re.compile(r"safety valve", re.I)),
    ("dbv", re.compile(r"delivering better value|\bDBV\b", re.I)),
    ("deficit_only", re.compile(r"deficit", re.I)),
]
_MONEY = re.compile(r"£([\d,]+(?:\.\d+)?)\s?(m|million)?", re.I)


def naive_analyse(pages: list[str], council_names: list[str]) -> Analysis:
    """The first status in ``_KEYWORDS`` order found anywhere, and every plain £ amount."""
    text = "\n".join(pages)
    figures = [
        Money(float(m.group(1).replace(",", "")) * (1e6 if m.group(2) else 1), m.group(0), None, None, 1, "")
        for m in _MONEY.finditer(text)
        if m.group(1).strip(",.")
    ]
    for status, pattern in _KEYWORDS:
        found = pattern.search(text)
        if found:
            signal = Signal(status, text[max(0, found.start() - 80) : found.end() + 80], 1, 0.5, "signal", f"keyword:{status}")
            return Analysis(status, 0.5, [signal], figures, signal)
    return Analysis("none", 0.0, [], figures, None)
