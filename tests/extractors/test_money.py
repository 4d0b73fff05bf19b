"""Money in every shape council papers write it, into pounds, with labels and financial years."""

from __future__ import annotations

import pytest

from extractors import analyse_pages
from extractors.amounts import parse_amounts

COUNCIL = ["Westshire County Council"]


def amounts(text: str) -> list[float]:
    return [round(value, 2) for value, _, _ in parse_amounts(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("spend came down from £4.7 to £2.2 million over the year", [4_700_000, 2_200_000]),
        ("the deficit is likely to rise to c£16.4m by year end", [16_400_000]),
        ("an overspend of c £11m on top-up budgets", [11_000_000]),
        ("a pressure of £1.5mil in transport", [1_500_000]),
        ("savings of £2.6 mil were found", [2_600_000]),
        ("a contribution of £20million from the DfE", [20_000_000]),
        ("a gap of £6.5-7m remains", [6_500_000, 7_000_000]),
        ("a budget of £1,003.6 million for the year", [1_003_600_000]),
        ("a balance of £107,739 at year end", [107_739]),
        ("out of area costs rose by £0.4m", [400_000]),
        ("a reserve of £101k", [101_000]),
        ("a Band D charge of £2,115.86", [2_115.86]),
        ("between £70m and £100m by 2027/28", [70_000_000, 100_000_000]),
        ("borrowing of £1.2bn", [1_200_000_000]),
        ("£5m to 10 schools", [5_000_000]),
        ("a cost of between £5 and £7 million", [5_000_000, 7_000_000]),
        ("fees of £250 and £1.2m respectively", [250, 1_200_000]),
        ("a variance of £(2.1)m against budget", [2_100_000]),
        ("the balance stands at £-3.4m", [3_400_000]),
    ],
)
def test_every_money_shape_becomes_pounds(text: str, expected: list[float]) -> None:
    assert amounts(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("reserves met £14.315 million of it, where £9.402 had been planned", [14_315_000, 9_402_000]),
        ("a top-up of £3.6, set against the £40m budget", [3_600_000, 40_000_000]),
        ("a ticket costs £12.5 and lunch £4.25", [12.5, 4.25]),
        ("a £2.40 fee beside a £3m grant", [2.40, 3_000_000]),
    ],
)
def test_a_unit_left_off_is_taken_from_the_nearest_amount_that_has_one(text: str, expected: list[float]) -> None:
    """Pounds and pence have two decimals: £10.977 beside £20.952 million is millions too."""
    assert amounts(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We are forecasting an overspend of 848k this year.", [848_000]),
        ("The gross deficit is just over 31 million.", [31_000_000]),
        ("Savings of 2.5m were found towards the high needs deficit.", [2_500_000]),
        ("The deficit is forecast to reach 12 million pounds by March.", [12_000_000]),
        ("The high needs block will end the year 4.5m pounds short.", [4_500_000]),
        ("The budget pays for 1,200 places.", []),
        ("Funding for 3,000 pupils with plans was agreed.", []),
        ("The deficit rose by 40 pupils' worth of placements.", []),
    ],
)
def test_money_written_without_its_sign_after_a_word_for_money(text: str, expected: list[float]) -> None:
    """Minutes transcribe speech: "an overspend of 848k" is pounds; a count of places is not."""
    found = analyse_pages([text], COUNCIL).figures
    assert [round(figure.amount_gbp) for figure in found] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The leader said the deficit was eighteen point four million pounds.", [18_400_000]),
        ("We are looking at an overspend of two and a half million this year.", [2_500_000]),
        ("The high needs deficit has cost a hundred and twenty-five million pounds since 2019.", [125_000_000]),
        ("The safety valve grant is worth seven point two five million.", [7_250_000]),
        ("One of the million pupils in the region was interviewed.", []),
    ],
)
def test_money_said_in_words_as_transcripts_write_it(text: str, expected: list[float]) -> None:
    """Radio and council-meeting transcripts spell numbers out; with a unit, after a word for money or before "pounds"."""
    found = analyse_pages([text], COUNCIL).figures
    assert [round(figure.amount_gbp) for figure in found] == expected


def test_words_after_m_are_not_units() -> None:
    assert amounts("a sum of £5 more than last year") == [5]


@pytest.mark.parametrize(
    "sentence, label",
    [
        ("The cumulative deficit at 31 March 2025 is forecast to be £18.2 million.", "cumulative deficit"),
        ("The in-year deficit for the high needs block is £3.4m.", "in-year deficit"),
        ("The projected outturn for the DSG is £41.2m.", "forecast"),
        ("The council is off track by £6m against the safety valve trajectory.", "off track by"),
        ("The forecast position is £6.2m behind the agreed trajectory for 2025/26.", "off track by"),
        ("The DfE will contribute £14.5m over six years under the agreement.", "DfE contribution"),
        ("Forum supported a block transfer of £1.9m from the schools block.", "block transfer"),
    ],
)
def test_labels_come_from_the_words_before_the_amount(sentence: str, label: str) -> None:
    figures = analyse_pages([sentence], COUNCIL).figures
    assert [figure.label for figure in figures] == [label]


@pytest.mark.parametrize(
    "sentence, year",
    [
        ("The high needs overspend in 2024/25 is £3.1m.", "2024/25"),
        ("The high needs overspend in 2024-25 is £3.1m.", "2024/25"),
        ("The forecast for FY25 is an overspend of £3.1m.", "2024/25"),
        ("The deficit is expected to reach £31m by March 2026.", "2025/26"),
        ("An overspend of £3.1m is reported.", None),
    ],
)
def test_the_financial_year_is_taken_when_stated(sentence: str, year: str | None) -> None:
    (figure,) = analyse_pages([sentence], COUNCIL).figures
    assert figure.financial_year == year


def test_amounts_in_a_table_take_the_unit_of_its_heading() -> None:
    page = "Table 2: High needs block summary (£m)\n2023/24 2024/25\nCumulative deficit 12.4 15.6\nIn-year deficit 3.1 3.2\n"
    figures = analyse_pages([page], COUNCIL).figures
    assert sorted(round(f.amount_gbp) for f in figures) == [3_100_000, 3_200_000, 12_400_000, 15_600_000]
    labels = {round(f.amount_gbp): (f.label, f.financial_year) for f in figures}
    assert labels[12_400_000] == ("cumulative deficit", "2023/24")
    assert labels[15_600_000] == ("cumulative deficit", "2024/25")
    assert labels[3_100_000] == ("in-year deficit", "2023/24")


def test_a_thousands_heading_is_a_unit_not_an_amount_of_nothing() -> None:
    page = "Table 3\n£000\nHigh needs block 12,345\nEarly years block 1,200\n"
    figures = analyse_pages([page], COUNCIL).figures
    assert sorted(round(f.amount_gbp) for f in figures) == [1_200_000, 12_345_000]


def test_a_table_heading_set_apart_by_a_blank_line_gives_the_rows_its_unit() -> None:
    page = "Table 3: High needs block forecast (£m)\n\n2023/24 2024/25\nIn-year deficit 8.4 14.1\n\nThe plan is set out below."
    assert sorted(round(f.amount_gbp) for f in analyse_pages([page], COUNCIL).figures) == [8_400_000, 14_100_000]
    rows_by_year = "Safety valve profile (£m)\n\nYear Agreed Actual\n2023/24 12.1 11.8\n"
    assert sorted(round(f.amount_gbp) for f in analyse_pages([rows_by_year], COUNCIL).figures) == [11_800_000, 12_100_000]


def test_a_unit_written_as_a_label_before_its_number() -> None:
    assert amounts("Balance at 1 April 2024 (£m): (4.1)") == [4_100_000]


def test_a_table_printed_one_cell_per_paragraph_keeps_its_unit_and_labels() -> None:
    # Text taken from a PDF table: every cell on its own line, blank lines between them.
    cells = [
        "High needs position",
        "Budget",
        "Forecast",
        "(£m)",
        "Carried forward",
        "2.20",
        "2.20",
        "In-year overspend",
        "-9.35",
        "-7.80",
    ]
    figures = analyse_pages(["\n\n".join(cells)], COUNCIL).figures
    labels = {round(f.amount_gbp): f.label for f in figures}
    assert sorted(labels) == [2_200_000, 7_800_000, 9_350_000]
    assert labels[9_350_000] == "in-year deficit"


def test_each_figure_keeps_its_page_and_sentence() -> None:
    pages = ["Apologies were received from two members.", "The DSG deficit stood at £9.9m at 31 March 2024."]
    (figure,) = analyse_pages(pages, COUNCIL).figures
    assert figure.page == 2
    assert figure.quote == "The DSG deficit stood at £9.9m at 31 March 2024."
    assert figure.text == "£9.9m"
    assert figure.financial_year == "2023/24"
