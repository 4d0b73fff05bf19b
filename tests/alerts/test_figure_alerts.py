"""Figure alerts over a real SMTP server: a forecast deficit that rises past the threshold between two
papers is one email with both sentences, both papers and the difference; a smaller move is none.
Figures are compared like for like (the same label and financial year) and in whole pence."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from alerts_support import Papers
from sqlalchemy import func, select

from alerts import detect_figure_changes, queue_alerts, send_pending, subscribe, sync_subscribers, update_statuses
from sendwatch.core.registry import sync_councils
from sendwatch.core.storage.models import FigureChange, OutboxMessage

DESK = "money.desk@gazette.example"
ONLY_STATUS = "status.only@gazette.example"


def run_cycle(config, database) -> list[FigureChange]:  # type: ignore[no-untyped-def]
    """What the cycle does after extraction: diff (statuses, then figures), queue in the same transaction, send."""
    with database.session() as session:
        events = update_statuses(session)
        moves = detect_figure_changes(session, config.figure_alerts)
        sync_subscribers(session, config)
        queue_alerts(session, config, events, figure_changes=moves)
    send_pending(config, database)
    return moves


def forecast_paper(  # type: ignore[no-untyped-def]
    database, title: str, meeting: dt.date, amount: float | str, text: str, quote: str, year: str | None = "2025/26"
) -> None:
    with database.session() as session:
        papers = Papers(session)
        document = papers.document(papers.council("northshire"), title, meeting=meeting)
        figure = papers.figure(document, amount, text, label="forecast", page=3, year=year)  # type: ignore[arg-type]
        figure.quote = quote


@pytest.fixture
def config(smtp_config, database):  # type: ignore[no-untyped-def]
    _, config = smtp_config(figure_alerts={"labels": ["forecast"], "min_change_gbp": 1_000_000, "min_change_percent": 10})
    with database.session() as session:
        sync_councils(session, config)
        subscribe(session, DESK, councils=["northshire"], figures=["forecast"])
        subscribe(session, ONLY_STATUS, councils=["northshire"])
    forecast_paper(
        database,
        "DSG monitoring: quarter 1",
        dt.date(2025, 7, 10),
        10_000_000,
        "£10m",
        "The high needs block is forecast to end the year £10m in deficit.",
    )
    assert run_cycle(config, database) == []  # the first figure is a baseline
    return config


def test_a_forecast_rising_past_the_threshold_is_one_email_with_both_sentences_and_the_difference(
    config, database, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    forecast_paper(
        database,
        "DSG monitoring: quarter 2",
        dt.date(2025, 10, 9),
        12_500_000,
        "£12.5m",
        "The forecast deficit on the high needs block has risen to £12.5m.",
    )
    [move] = run_cycle(config, database)
    assert (move.label, move.difference_gbp, move.percent) == ("forecast", 2_500_000, 25.0)
    [message] = smtp_server.handler.wait_for(DESK)
    assert message["Subject"] == "Northshire County Council: forecast (2025/26) up £2.5m"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "forecast (2025/26) rose by £2.5m (25.0%), from £10m to £12.5m" in text
    assert 'Before: "The high needs block is forecast to end the year £10m in deficit."' in text
    assert "-- DSG monitoring: quarter 1, page 3, 10 July 2025" in text
    assert 'Now: "The forecast deficit on the high needs block has risen to £12.5m."' in text
    assert "-- DSG monitoring: quarter 2, page 3, 9 October 2025" in text
    assert "report.pdf#page=3" in text
    assert smtp_server.handler.to(ONLY_STATUS) == []  # did not opt into figures

    assert run_cycle(config, database) == []  # a re-run: nothing new
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_forecast_that_moves_less_than_the_threshold_gives_nothing(config, database, smtp_server) -> None:  # type: ignore[no-untyped-def]
    forecast_paper(
        database,
        "DSG monitoring: quarter 2",
        dt.date(2025, 10, 9),
        10_600_000,
        "£10.6m",
        "The forecast deficit on the high needs block is now £10.6m.",
    )
    assert run_cycle(config, database) == []  # +£0.6m: under £1m (and 6%, under 10%)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert session.scalar(select(func.count()).select_from(FigureChange)) == 0
    # The next move is measured from the figure last compared (£10.6m), not the first one.
    forecast_paper(database, "DSG monitoring: quarter 3", dt.date(2026, 1, 15), 11_500_000, "£11.5m", "Forecast: £11.5m.")
    assert run_cycle(config, database) == []  # +£0.9m from £10.6m


def outbox_count(database) -> int:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_a_forecast_for_another_financial_year_is_a_baseline_of_its_own_not_a_move(config, database, smtp_server) -> None:  # type: ignore[no-untyped-def]
    # The fixture's baseline: the 2025/26 forecast at £10m. Next year's forecast, far higher, is news of nothing yet.
    forecast_paper(
        database, "Budget 2026/27", dt.date(2025, 11, 20), 20_000_000, "£20m", "Next year's forecast is £20m.", year="2026/27"
    )
    assert run_cycle(config, database) == []
    assert outbox_count(database) == 0

    # This year's forecast moves from this year's £10m, not from next year's £20m.
    forecast_paper(database, "DSG monitoring: quarter 3", dt.date(2026, 1, 15), 12_500_000, "£12.5m", "Now £12.5m this year.")
    [this_year] = run_cycle(config, database)
    assert (this_year.difference_gbp, this_year.percent, this_year.before["amount_gbp"]) == (2_500_000, 25.0, 10_000_000)
    [message] = smtp_server.handler.wait_for(DESK)
    assert message["Subject"] == "Northshire County Council: forecast (2025/26) up £2.5m"

    # And next year's moves from next year's.
    forecast_paper(
        database, "Budget 2026/27 update", dt.date(2026, 2, 12), 26_000_000, "£26m", "Next year's is £26m.", year="2026/27"
    )
    [next_year] = run_cycle(config, database)
    assert (next_year.difference_gbp, next_year.before["amount_gbp"], next_year.after["financial_year"]) == (
        6_000_000,
        20_000_000,
        "2026/27",
    )
    assert run_cycle(config, database) == []  # a re-run: nothing new
    assert outbox_count(database) == 2


def test_one_paper_moving_two_years_at_once_is_two_moves_each_recorded_once(config, database) -> None:  # type: ignore[no-untyped-def]
    def two_year_table(title: str, meeting: dt.date, amount: float) -> None:
        # A table: both years' forecasts on one page, with the same amount (so nothing but the year tells them apart).
        with database.session() as session:
            papers = Papers(session)
            document = papers.document(papers.council("northshire"), title, meeting=meeting)
            for year in ("2026/27", "2027/28"):
                papers.figure(document, amount, f"£{amount / 1e6:g}m", label="forecast", page=5, year=year)

    two_year_table("Medium-term plan", dt.date(2025, 11, 20), 15_000_000)
    assert run_cycle(config, database) == []  # two new baselines
    two_year_table("Medium-term plan refreshed", dt.date(2026, 2, 12), 18_000_000)
    moves = run_cycle(config, database)
    assert sorted(move.after["financial_year"] for move in moves) == ["2026/27", "2027/28"]
    assert len({move.event_key for move in moves}) == 2
    assert run_cycle(config, database) == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(FigureChange)) == 2


@pytest.fixture
def yearless_config(smtp_config, database):  # type: ignore[no-untyped-def]
    """As ``config``, but the baseline paper gives its forecast without saying for which year."""
    _, config = smtp_config(figure_alerts={"labels": ["forecast"], "min_change_gbp": 1_000_000, "min_change_percent": 10})
    with database.session() as session:
        sync_councils(session, config)
        subscribe(session, DESK, councils=["northshire"], figures=["forecast"])
    forecast_paper(database, "Quarter 1", dt.date(2025, 7, 10), 10_000_000, "£10m", "The forecast is £10m.", year=None)
    assert run_cycle(config, database) == []
    return config


def test_figures_that_state_no_year_are_compared_only_with_each_other(yearless_config, database, smtp_server) -> None:  # type: ignore[no-untyped-def]
    config = yearless_config
    forecast_paper(database, "Budget 2026/27", dt.date(2025, 9, 1), 30_000_000, "£30m", "Forecast 2026/27: £30m.", year="2026/27")
    assert run_cycle(config, database) == []  # a dated figure starts its own year: it never moves the yearless one

    forecast_paper(database, "Quarter 2", dt.date(2025, 10, 9), 12_500_000, "£12.5m", "The forecast is now £12.5m.", year=None)
    [move] = run_cycle(config, database)
    assert (move.difference_gbp, move.before["amount_gbp"], move.after["financial_year"]) == (2_500_000, 10_000_000, None)
    # Its event key is made as it always was (council, label, each paper's link, amount and page), so
    # moves recorded before years were compared are recognised as the same moves.
    parts = [str(move.council_id), "forecast"]
    for figure in (move.before, move.after):
        parts += [figure["url"], str(figure["amount_gbp"]), "3"]
    assert move.event_key == hashlib.sha256("\n".join(parts).encode()).hexdigest()
    [message] = smtp_server.handler.wait_for(DESK)
    assert message["Subject"] == "Northshire County Council: forecast up £2.5m"  # no year to name
    assert "forecast rose by £2.5m (25.0%), from £10m to £12.5m" in message.get_body(preferencelist=("plain",)).get_content()
    assert run_cycle(config, database) == []


@pytest.mark.parametrize(
    ("thresholds", "before", "after", "difference_pence", "percent"),
    [
        # Exactly the pounds threshold, to the penny: floats make the difference 62,989.09999999998.
        ({"min_change_gbp": 62_989.10, "min_change_percent": 0}, "573593.14", "636582.24", 6_298_910, 11.0),
        # Exactly 10 per cent of the earlier figure: floats make it 9.999999999999996 per cent.
        ({"min_change_gbp": 0, "min_change_percent": 10}, "2214431.50", "2435874.65", 22_144_315, 10.0),
    ],
)
def test_a_move_of_exactly_the_threshold_counts_to_the_penny(  # type: ignore[no-untyped-def]
    smtp_config, database, thresholds, before, after, difference_pence, percent
) -> None:
    _, config = smtp_config(figure_alerts={"labels": ["forecast"], **thresholds})
    with database.session() as session:
        sync_councils(session, config)
    forecast_paper(database, "Quarter 1", dt.date(2025, 7, 10), before, f"£{before}", f"Forecast: £{before}.")
    assert run_cycle(config, database) == []
    forecast_paper(database, "Quarter 2", dt.date(2025, 10, 9), after, f"£{after}", f"Forecast: £{after}.")
    [move] = run_cycle(config, database)
    assert (move.difference_pence, move.percent) == (difference_pence, percent)
    assert move.difference_gbp == Decimal(difference_pence) / 100  # exact pounds and pence


def test_a_move_a_penny_short_of_the_threshold_is_not_news(smtp_config, database) -> None:  # type: ignore[no-untyped-def]
    _, config = smtp_config(figure_alerts={"labels": ["forecast"], "min_change_gbp": 62_989.10, "min_change_percent": 0})
    with database.session() as session:
        sync_councils(session, config)
    forecast_paper(database, "Quarter 1", dt.date(2025, 7, 10), "573593.14", "£573,593.14", "Forecast: £573,593.14.")
    assert run_cycle(config, database) == []
    forecast_paper(database, "Quarter 2", dt.date(2025, 10, 9), "636582.23", "£636,582.23", "Forecast: £636,582.23.")
    assert run_cycle(config, database) == []
