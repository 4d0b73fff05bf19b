"""Amounts are money: whole pence in storage, exact in every export, labelled wherever shown."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from sendwatch.core.money import clean_figure, json_amount, labelled, pounds, to_pence

# What papers say, and the float arithmetic reading them gives (4.1 * 1_000_000 and friends).
NOISY = [(4.1 * 1_000_000, 410_000_000), (21.7 * 1_000_000, 2_170_000_000), (1003.6 * 1_000_000, 100_360_000_000)]


@pytest.mark.parametrize(("noisy", "pence"), NOISY)
def test_float_noise_settles_to_the_pence_the_paper_said(noisy: float, pence: int) -> None:
    assert to_pence(noisy) == pence
    assert json_amount(noisy) == pence // 100 and isinstance(json_amount(noisy), int)


def test_pounds_and_pence_stay_exact() -> None:
    assert to_pence("107739.55") == 10_773_955 == to_pence(Decimal("107739.55")) == to_pence(107739.55)
    assert pounds(10_773_955) == Decimal("107739.55") and pounds(600_000_000) == Decimal("6000000")
    assert json_amount(Decimal("107739.55")) == 107739.55 and json_amount(None) is None
    for bad in ("six million", float("nan"), True, None):
        with pytest.raises((TypeError, ValueError)):
            to_pence(bad)


@pytest.mark.parametrize("amount", [4.1 * 1e6, 6_200_000, Decimal("107739.55"), 0.45, 38.4e6, 1_003.6e6])
def test_amounts_round_trip_exactly_through_csv_and_json(amount: object) -> None:
    written = json_amount(amount)
    back_from_json = json.loads(json.dumps({"amount_gbp": written}))["amount_gbp"]
    buffer = io.StringIO()
    csv.writer(buffer).writerow([written])
    back_from_csv = next(csv.reader(io.StringIO(buffer.getvalue())))[0]
    assert to_pence(back_from_json) == to_pence(amount) == to_pence(back_from_csv)
    assert Decimal(back_from_csv) == pounds(to_pence(amount))  # the cell's text is the exact amount
    assert "99999" not in back_from_csv and "00001" not in back_from_csv


def test_only_labelled_figures_are_figures_to_show_each_once() -> None:
    figures = [
        {"amount_gbp": 1_000_000, "text": "£1m", "label": None},  # a grant mentioned in passing
        {"amount_gbp": 4099999.9999999995, "text": "£4.1m", "label": "in-year deficit"},
        {"amount_gbp": 4_100_000, "text": "£4.1 million", "label": "in-year deficit"},  # the same figure again
        {"amount_gbp": 21_700_000, "text": "£21.7m", "label": "cumulative deficit"},
    ]
    assert [figure["text"] for figure in labelled(figures)] == ["£4.1m", "£21.7m"]
    assert clean_figure(figures[1])["amount_gbp"] == 4_100_000
