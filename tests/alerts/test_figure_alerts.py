"""Figure alerts over a real SMTP server: a forecast deficit that rises past the threshold between two
papers is one email with both sentences, both papers and the difference; a smaller move is none."""

from __future__ import annotations

import datetime as dt

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


def forecast_paper(database, title: str, meeting: dt.date, amount: float, text: str, quote: str) -> None:  # type: ignore[no-untyped-def]
    with database.session() as session:
        papers = Papers(session)
        document = papers.document(papers.council("northshire"), title, meeting=meeting)
        figure = papers.figure(document, amount, text, label="forecast", page=3, year="2025/26")
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
    assert message["Subject"] == "Northshire County Council: forecast up £2.5m"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "forecast rose by £2.5m (25.0%), from £10m to £12.5m" in text
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
