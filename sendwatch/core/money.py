"""Amounts of money as money: whole pence in storage, exact decimals everywhere they go out.

Papers state amounts to the penny at most, but reading them means arithmetic on binary floats
(``4.1 * 1_000_000`` is ``4099999.9999999995``). Every amount is settled to whole pence once,
where it enters storage (``to_pence``), and leaves as whole pounds or an exact decimal
(``pounds``, ``json_amount``): CSV, JSON, ``status --json`` and templates never see float noise.
A figure without a label is a number in a sentence, not a council's "latest figure":
``labelled`` keeps only the figures that say what they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

PENCE = Decimal(100)


def to_pence(amount: object) -> int:
    """``amount`` in pounds (int, float, Decimal or a numeric string) as whole pence.

    A float goes through its shortest decimal spelling first, so ``4099999.9999999995``
    (what ``4.1 * 1e6`` gives) becomes 410,000,000 pence, as the paper said."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal, str)):
        raise TypeError(f"not an amount of money: {amount!r}")
    try:
        value = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
    except InvalidOperation:
        raise ValueError(f"not an amount of money: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount of money: {amount!r}")
    return int((value * PENCE).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def pounds(pence: int) -> Decimal:
    """Whole pence as an exact amount in pounds: ``Decimal('6000000')``, ``Decimal('107739.55')``."""
    value = Decimal(pence) / PENCE
    return value.quantize(Decimal(1)) if pence % 100 == 0 else value


def json_amount(amount: object) -> int | float | None:
    """An amount as JSON writes it: whole pounds as an integer, else pounds and pence, whose
    float prints exactly as its two decimals (``107739.55``); None stays None."""
    if amount is None:
        return None
    pence = to_pence(amount)
    if pence % 100 == 0:
        return pence // 100
    return float(pounds(pence))


def clean_figure(figure: Mapping[str, Any]) -> dict[str, Any]:
    """A stored figure (a JSON dict) with its amount settled by ``json_amount``."""
    cleaned = dict(figure)
    if "amount_gbp" in cleaned:
        try:
            cleaned["amount_gbp"] = json_amount(cleaned["amount_gbp"])
        except (TypeError, ValueError):
            cleaned["amount_gbp"] = None
    return cleaned


def labelled(figures: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The figures that say what they are (cumulative deficit, off track by...), each amount
    and label once, in their order: what every page and email may show."""
    seen: set[tuple[int | None, str]] = set()
    kept = []
    for figure in figures:
        label = figure.get("label")
        if not label:
            continue
        pence: int | None
        try:
            pence = to_pence(figure.get("amount_gbp"))
        except (TypeError, ValueError):
            pence = None
        key = (pence, str(label))
        if key in seen:
            continue
        seen.add(key)
        kept.append(figure)
    return kept
