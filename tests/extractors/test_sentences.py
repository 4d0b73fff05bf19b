"""Sentences rebuilt from page text: wrapped lines, bullets, headings, abbreviations, tables."""

from __future__ import annotations

from extractors.sentences import split_pages


def texts(page: str) -> list[str]:
    return [sentence.text for sentence in split_pages([page])]


def test_wrapped_lines_join_and_hyphenated_words_mend() -> None:
    page = "The forecast outturn on the high needs block is an over-\nspend of £6.2m, which is an increase\non the quarter 2 forecast. Members noted it."
    assert texts(page) == [
        "The forecast outturn on the high needs block is an overspend of £6.2m, which is an increase on the quarter 2 forecast.",
        "Members noted it.",
    ]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    page = "Cllr. J. Patel asked about para. 4.2 of the report, e.g. the transport costs. Officers replied."
    assert texts(page) == ["Cllr. J. Patel asked about para. 4.2 of the report, e.g. the transport costs.", "Officers replied."]


def test_each_bullet_is_its_own_sentence() -> None:
    page = "Key points:\n• SEND costs are £1m higher than expected\n• Out of area costs rose by £0.3m\n(a) the forum noted the report"
    assert texts(page) == [
        "Key points:",
        "SEND costs are £1m higher than expected",
        "Out of area costs rose by £0.3m",
        "the forum noted the report",
    ]


def test_a_heading_without_a_full_stop_stands_alone() -> None:
    page = "Safety Valve Update\nThe council submitted its quarterly return in January."
    assert texts(page) == ["Safety Valve Update", "The council submitted its quarterly return in January."]


def test_question_and_answer_lines_stay_separate() -> None:
    page = "Q. Is the LA still in the programme?\nA. Yes, discussions continue."
    assert texts(page) == ["Q. Is the LA still in the programme?", "A. Yes, discussions continue."]


def test_sentences_keep_their_page_and_order() -> None:
    sentences = split_pages(["First page sentence.", "", "Third page. Another one."])
    assert [(s.page, s.index) for s in sentences] == [(1, 0), (3, 1), (3, 2)]


def test_rows_under_a_money_heading_carry_its_unit() -> None:
    sentences = split_pages(["Summary (£000)\nCentral costs 1,204 1,310\nPlacements 9,876 10,020"])
    units = [(s.text, s.table_unit) for s in sentences]
    assert ("Central costs 1,204 1,310", 1000.0) in units
    assert ("Placements 9,876 10,020", 1000.0) in units


def test_a_table_printed_one_cell_per_paragraph_becomes_rows_under_its_unit() -> None:
    page = "\n\n".join(["Summary", "Plan", "Actual", "(£000)", "Top-up funding", "1,950", "2,104", "Transport", "310", "355"])
    units = [(s.text, s.table_unit) for s in split_pages([page])]
    assert ("Top-up funding 1,950 2,104", 1000.0) in units
    assert ("Transport 310 355", 1000.0) in units


def test_short_paragraphs_with_no_money_unit_stay_as_they_are() -> None:
    page = "\n\n".join(["Present", "Cllr A Shah", "Cllr B Owen", "Item 4", "12", "Item 5", "14"])
    assert texts(page) == ["Present", "Cllr A Shah", "Cllr B Owen", "Item 4", "12", "Item 5", "14"]


def test_paragraphs_that_cannot_matter_are_skipped_when_asked() -> None:
    page = "Apologies were received.\n\nThe DSG deficit is £3m."
    kept = split_pages([page], keep=lambda paragraph: "DSG" in paragraph)
    assert [s.text for s in kept] == ["The DSG deficit is £3m."]


def test_a_short_wrapped_line_before_a_capital_is_not_a_heading() -> None:
    page = "The quarterly return shows that the authority is not on track to meet\nCondition 4 of the Safety Valve agreement."
    assert texts(page) == [
        "The quarterly return shows that the authority is not on track to meet Condition 4 of the Safety Valve agreement."
    ]


def test_numbered_paragraphs_start_new_sentences() -> None:
    page = "4. Financial position\n4.1 The forecast overspend is £7.1m.\n4.2 Members noted the position."
    assert texts(page) == ["Financial position", "The forecast overspend is £7.1m.", "Members noted the position."]


def test_an_amount_in_millions_ends_a_sentence() -> None:
    assert texts("The deficit is £3m. The council is on track.") == ["The deficit is £3m.", "The council is on track."]


def test_a_bullet_followed_by_wide_spacing_is_a_bullet_not_a_table_row() -> None:
    page = "·         Members noted the DSG deficit of £5m.\n·         The forum agreed the transfer."
    assert texts(page) == ["Members noted the DSG deficit of £5m.", "The forum agreed the transfer."]


def test_a_programme_name_wrapped_across_lines_is_one_sentence() -> None:
    page = "Westshire County Council's work in the Department's Delivering\nBetter Value in SEND programme ended in 2024."
    assert texts(page) == [
        "Westshire County Council's work in the Department's Delivering Better Value in SEND programme ended in 2024."
    ]
    page = "Members Noted The Safety\nValve Agreement Was Signed."
    assert len(texts(page)) == 1
