"""The document's verdict: the strongest status it supports for its council, and why.

Only signals count (warnings are shown, never decide). A later signal can end an earlier state
("back on track" after "off track"): signals that ``supersede`` statuses turn the earlier
signals of those statuses into warnings; implied evidence of an agreement yields, as a warning,
to a plain statement that talks are still going on. Among what remains the most serious status wins (``sendwatch.core.vocabulary``
order); its confidence grows a little with each further sentence saying the same.
"""

from __future__ import annotations

from extractors.reading import Signal
from sendwatch.core.vocabulary import MIN_CONFIDENCE, seriousness


def settle_superseded(signals: list[Signal]) -> list[Signal]:
    """Earlier signals of a status a later signal supersedes become warnings."""
    settled = list(signals)
    for later in signals:
        ended = set(later.supersedes)
        if not ended or later.kind != "signal":
            continue
        for position, earlier in enumerate(settled):
            if earlier.kind == "signal" and earlier.status in ended and earlier.index < later.index:
                settled[position] = earlier.demoted("superseded")
    return settled


def settle_implied(signals: list[Signal]) -> list[Signal]:
    """Signals that only imply an agreement ("the agreement will require ...") become warnings
    when the same paper says plainly that the council is still negotiating: that agreement is
    the one being negotiated. Done on the evidence itself, so the status history (which reads
    evidence, not verdicts) agrees with the paper's verdict."""
    negotiating = any(
        s.kind == "signal" and s.status == "sv_negotiating" and not s.weak and s.confidence >= MIN_CONFIDENCE for s in signals
    )
    if not negotiating:
        return signals
    return [
        s.demoted("implied") if s.kind == "signal" and s.weak and seriousness(s.status) > seriousness("sv_negotiating") else s
        for s in signals
    ]


def decide(signals: list[Signal]) -> tuple[str, float, Signal | None]:
    """(status, confidence, deciding signal); ``none`` when no signal is strong enough."""
    strong = [s for s in signals if s.kind == "signal" and s.confidence >= MIN_CONFIDENCE]
    if not strong:
        return "none", 0.0, None
    top = max(strong, key=lambda s: (seriousness(s.status), s.confidence))
    return top.status, corroborated(strong)[top.status], top


def corroborated(signals: list[Signal]) -> dict[str, float]:
    """Per status, the confidence of its surest signal, raised a little by each further one.

    Several sentences of one document saying the same thing make it surer than any one of
    them; each extra sentence removes 30% of its own confidence from the remaining doubt.
    """
    surest: dict[tuple[str, int], float] = {}  # one per sentence: two phrases of one sentence are one statement
    for signal in signals:
        if signal.kind == "signal":
            key = (signal.status, signal.index)
            surest[key] = max(surest.get(key, 0.0), signal.confidence)
    by_status: dict[str, list[float]] = {}
    for (status, _), confidence in surest.items():
        by_status.setdefault(status, []).append(confidence)
    combined: dict[str, float] = {}
    for status, values in by_status.items():
        values.sort(reverse=True)
        doubt = 1.0 - values[0]
        for value in values[1:]:
            doubt *= 1.0 - value * 0.3
        combined[status] = round(min(0.99, 1.0 - doubt), 3)
    return combined


def rank_evidence(signals: list[Signal]) -> list[Signal]:
    """Evidence most serious and surest first, one entry per (status, sentence, kind)."""
    seen: set[tuple[str, str, str]] = set()
    ranked: list[Signal] = []
    for signal in sorted(signals, key=lambda s: (s.kind != "signal", -seriousness(s.status), -s.confidence, s.index)):
        key = (signal.status, signal.quote, signal.kind)
        if key not in seen:
            seen.add(key)
            ranked.append(signal)
    return ranked
