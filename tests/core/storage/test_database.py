"""The database is created on first use, migrated forward without data loss, and portable."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import JSON, DateTime, Time, bindparam, func, inspect, select, text

from sendwatch.core.storage import open_database
from sendwatch.core.storage.db import DatabaseError, current_revision, head_revision, known_head, make_engine, upgrade
from sendwatch.core.storage.models import (
    Council,
    Cycle,
    Document,
    DocumentPage,
    Evidence,
    Figure,
    MailPause,
    OutboxMessage,
    StatusRecord,
    utcnow,
)
from tests.support.in_step import processes_at_once
from tests.support.postgres import postgres_database


def test_a_new_database_is_created_and_migrated_to_the_latest_schema(database_url: str) -> None:
    db = open_database(database_url)
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "councils",
        "meetings",
        "documents",
        "document_pages",
        "evidence",
        "figures",
        "status_history",
        "change_events",
        "subscribers",
        "outbox",
        "crawl_runs",
        "locks",
    } <= tables
    assert current_revision(db.engine) == head_revision()
    db.dispose()


def test_the_newest_revision_read_from_the_migration_files_is_alembics() -> None:
    assert known_head() == head_revision()


def test_opening_an_up_to_date_database_does_not_load_alembic(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    script = f"import sys; from sendwatch.core.storage import open_database; open_database({sqlite_url!r}).dispose(); print('alembic' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_opening_twice_is_harmless(database_url: str) -> None:
    open_database(database_url).dispose()
    db = open_database(database_url)
    assert current_revision(db.engine) == head_revision()
    db.dispose()


def test_an_upgrade_from_the_previous_schema_keeps_every_row(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO councils (id, slug, name, enabled, created_at) VALUES (1, 'kirklees', 'Kirklees Council', :t, :now)"
            ),
            {"t": True, "now": dt.datetime(2024, 5, 1, 9, 30)},
        )
        connection.execute(
            text(
                "INSERT INTO documents (id, council_id, url, kind, fetch_state, text_state, first_seen_at, sha256) "
                "VALUES (7, 1, 'https://democracy.kirklees.example/documents/s1/report.pdf', 'pdf', 'ok', 'ok', :now, 'ab12')"
            ),
            {"now": dt.datetime(2024, 5, 1, 9, 31)},
        )
    assert "last_outcome" not in {column["name"] for column in inspect(engine).get_columns("councils")}
    engine.dispose()

    db = open_database(database_url)
    with db.session() as session:
        council = session.scalars(select(Council)).one()
        assert (council.slug, council.name, council.consecutive_failures, council.last_outcome) == (
            "kirklees",
            "Kirklees Council",
            0,
            None,
        )
        assert council.created_at == dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.timezone.utc)
        document = session.get(Document, 7)
        assert document is not None and document.sha256 == "ab12"
        session.add(Figure(document_id=7, council_id=1, amount_gbp=6_000_000, text="£6m", label="off track by"))
    with db.session() as session:
        assert session.scalars(select(Figure.amount_pence)).all() == [600_000_000]
    db.dispose()


def test_an_upgrade_to_mail_claims_keeps_the_outbox_and_cycles(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0002")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO cycles (id, started_at, state) VALUES (3, :now, 'running')"), {"now": dt.datetime(2025, 1, 6, 6)}
        )
        connection.execute(
            text(
                "INSERT INTO outbox (id, message_key, message_id, kind, recipient, subject, raw, event_ids, state, attempts, created_at) "
                "VALUES (1, 'k1', '<k1@example.org>', 'alert', 'desk@example.org', 'Now EMS', 'raw', '[]', 'pending', 2, :now)"
            ),
            {"now": dt.datetime(2025, 1, 6, 6, 5)},
        )
    assert "claimed_by" not in {column["name"] for column in inspect(engine).get_columns("outbox")}
    engine.dispose()

    db = open_database(database_url)
    with db.session() as session:
        row = session.get(OutboxMessage, 1)
        assert (row.state, row.attempts, row.claimed_by, row.claimed_until) == ("pending", 2, None, None)
        cycle = session.get(Cycle, 3)
        assert (cycle.state, cycle.holder) == ("running", None)
        session.add(MailPause(relay="smtp://relay:25", paused_until=utcnow(), reason="550 5.4.5 quota", count=1))
    with db.session() as session:
        assert session.scalars(select(MailPause.reason)).all() == ["550 5.4.5 quota"]
    db.dispose()


def insert_council_with_a_read_paper(connection) -> None:  # type: ignore[no-untyped-def]
    """Kirklees (council 1) with paper 7 fetched and read, written as an old schema holds them."""
    connection.execute(
        text(
            "INSERT INTO councils (id, slug, name, enabled, created_at, consecutive_failures, consecutive_empty) "
            "VALUES (1, 'kirklees', 'Kirklees Council', :t, :now, 0, 0)"
        ),
        {"t": True, "now": dt.datetime(2024, 5, 1, 9, 30)},
    )
    connection.execute(
        text(
            "INSERT INTO documents (id, council_id, url, kind, fetch_state, text_state, first_seen_at) "
            "VALUES (7, 1, 'https://democracy.kirklees.example/documents/s1/report.pdf', 'pdf', 'ok', 'ok', :now)"
        ),
        {"now": dt.datetime(2024, 5, 1, 9, 31)},
    )


def test_an_upgrade_to_page_text_sources_marks_pages_read_from_their_text_or_waiting_for_ocr(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0003")
    with engine.begin() as connection:
        insert_council_with_a_read_paper(connection)
        connection.execute(
            text(
                "INSERT INTO documents (id, council_id, url, kind, fetch_state, text_state, first_seen_at) "
                "VALUES (8, 1, 'https://democracy.kirklees.example/documents/s2/letter.pdf', 'pdf', 'ok', 'needs_ocr', :now)"
            ),
            {"now": dt.datetime(2024, 5, 1, 9, 32)},
        )
        connection.execute(
            text(
                "INSERT INTO document_pages (document_id, page_number, text) "
                "VALUES (7, 1, 'The DSG deficit is £9m.'), (7, 2, ''), (8, 1, '')"
            )
        )
    assert "text_source" not in {column["name"] for column in inspect(engine).get_columns("document_pages")}
    engine.dispose()

    db = open_database(database_url)
    with db.session() as session:
        pages = session.scalars(select(DocumentPage).order_by(DocumentPage.document_id, DocumentPage.page_number)).all()
        assert [(page.document_id, page.page_number, page.text, page.text_source) for page in pages] == [
            (7, 1, "The DSG deficit is £9m.", "text"),
            (7, 2, "", "text"),
            (8, 1, "", "needs_ocr"),
        ]
        session.add(DocumentPage(document_id=7, page_number=3, text="Read from a scan.", text_source="ocr"))
    with db.session() as session:
        assert session.scalars(select(DocumentPage.text_source).where(DocumentPage.page_number == 3)).one() == "ocr"
    db.dispose()


def test_a_database_from_newer_code_is_refused_not_damaged(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    with pytest.raises(DatabaseError, match="9999, newer than this sendwatch knows"):
        open_database(sqlite_url)


def test_an_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(DatabaseError, match="cannot open database postgresql"):
        open_database("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")


def test_passwords_never_appear_in_errors() -> None:
    with pytest.raises(DatabaseError) as caught:
        open_database("postgresql+psycopg://nobody:s3cr3t@127.0.0.1:1/none?connect_timeout=2")
    assert "s3cr3t" not in str(caught.value)


def test_datetimes_come_back_aware_in_utc(database: Database) -> None:  # noqa: F821
    moment = dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with database.session() as session:
        council = Council(slug="york", name="City of York Council", last_crawled_at=moment)
        session.add(council)
    with database.session() as session:
        stored = session.scalars(select(Council.last_crawled_at)).one()
    assert stored == moment and stored.tzinfo is not None and stored.utcoffset() == dt.timedelta(0)


def test_naive_datetimes_are_refused(database: Database) -> None:  # noqa: F821
    with pytest.raises(Exception, match="naive datetime"):
        with database.session() as session:
            session.add(Council(slug="york", name="York", last_crawled_at=dt.datetime(2025, 1, 1)))


def test_deleting_a_document_takes_its_evidence_with_it(database: Database) -> None:  # noqa: F821
    with database.session() as session:
        council = Council(slug="york", name="City of York Council")
        session.add(council)
        session.flush()
        document = Document(council_id=council.id, url="https://york.example/a.pdf")
        session.add(document)
        session.flush()
        session.add(
            Evidence(
                document_id=document.id,
                council_id=council.id,
                status="sv_on_track",
                quote="The authority remains on track.",
                page=2,
                confidence=0.9,
                extractor_version="t",
            )
        )
    with database.session() as session:
        session.execute(text("DELETE FROM documents"))
    with database.session() as session:
        assert session.scalars(select(Evidence)).all() == []


_OPEN_WHEN_TOLD = (
    "import sys; from sendwatch.core.storage import open_database; print('ready', flush=True); sys.stdin.readline(); "
    "open_database(sys.argv[1]).dispose(); print('ok')"
)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_processes_opening_a_new_database_at_once_all_succeed_and_migrate_it_once(backend: str, tmp_path) -> None:
    for round_ in range(3):  # three new databases: each time the processes race to create the schema
        with _new_database(backend, tmp_path / f"round-{round_}.db") as url:
            results = processes_at_once(_OPEN_WHEN_TOLD, [url], count=2)
            assert [code for code, _, _ in results] == [0, 0], results
            db = open_database(url)
            assert current_revision(db.engine) == head_revision()
            db.dispose()


@contextlib.contextmanager
def _new_database(backend: str, path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A new, empty database's URL: a SQLite file not made yet, or a PostgreSQL database of its own."""
    if backend == "sqlite":
        yield f"sqlite:///{path}"
        return
    with postgres_database() as url:
        yield url


def test_an_upgrade_to_money_in_pence_settles_float_noise_in_figures_and_their_json(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0004")
    noisy = 4.1 * 1_000_000  # 4099999.9999999995, as the extractor's arithmetic stored it
    with engine.begin() as connection:
        insert_council_with_a_read_paper(connection)
        connection.execute(
            text(
                "INSERT INTO figures (id, document_id, council_id, amount_gbp, text, label) VALUES "
                "(1, 7, 1, :noisy, '£4.1m', 'in-year deficit'), (2, 7, 1, 107739.55, '£107,739.55', NULL)"
            ),
            {"noisy": noisy},
        )
        connection.execute(
            text(
                "INSERT INTO status_history (council_id, status, since, evidence, figures, is_current, recorded_at) "
                "VALUES (1, 'deficit_only', :since, '[]', :figures, :t, :now)"
            ),
            {
                "since": dt.date(2024, 5, 1),
                "figures": json.dumps([{"amount_gbp": noisy, "text": "£4.1m", "label": "in-year deficit"}]),
                "t": True,
                "now": dt.datetime(2024, 5, 1, 9, 32),
            },
        )
    engine.dispose()

    db = open_database(database_url)
    with db.session() as session:
        figures = session.scalars(select(Figure).order_by(Figure.id)).all()
        assert [(figure.amount_pence, figure.amount_gbp) for figure in figures] == [
            (410_000_000, Decimal("4100000")),
            (10_773_955, Decimal("107739.55")),
        ]
        [record] = session.scalars(select(StatusRecord)).all()
        assert record.figures == [{"amount_gbp": 4_100_000, "text": "£4.1m", "label": "in-year deficit"}]
    assert "amount_gbp" not in {column["name"] for column in inspect(db.engine).get_columns("figures")}
    db.dispose()


def test_an_upgrade_to_figure_years_keeps_each_position_in_its_own_year_and_differences_in_pence(database_url: str) -> None:
    from alerts.figures import detect_figure_changes
    from sendwatch.core.config import FigureAlerts
    from sendwatch.core.storage.models import FigureChange, FigurePosition

    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0010_distributed")
    stated = {"amount_gbp": 12_500_000, "financial_year": "2025/26", "document_id": 7, "page": 3, "date": "2024-05-01"}
    with engine.begin() as connection:
        insert_council_with_a_read_paper(connection)
        connection.execute(
            text(
                "INSERT INTO figures (id, document_id, council_id, amount_pence, text, label, financial_year, page) VALUES "
                "(1, 7, 1, 1250000000, '£12.5m', 'forecast', '2025/26', 3), (2, 7, 1, 300000000, '£3m', 'off track by', NULL, 4)"
            )
        )
        positions = text("INSERT INTO figure_positions (council_id, label, figure, updated_at) VALUES (1, :label, :figure, :now)")
        positions = positions.bindparams(bindparam("figure", type_=JSON()))
        now = dt.datetime(2024, 5, 1, 9, 40)
        connection.execute(positions, {"label": "forecast", "figure": stated, "now": now})
        connection.execute(
            positions,
            {"label": "off track by", "figure": {"amount_gbp": 3_000_000, "financial_year": None, "document_id": 7}, "now": now},
        )
        connection.execute(
            text(
                "INSERT INTO figure_changes (event_key, council_id, label, before, after, difference_gbp, percent, detected_at) "
                "VALUES ('k1', 1, 'forecast', '{}', '{}', 2500000.1, 25.0, :now)"
            ),
            {"now": now},
        )
    engine.dispose()

    db = open_database(database_url)
    assert current_revision(db.engine) == head_revision()
    with db.session() as session:
        kept = session.scalars(select(FigurePosition).order_by(FigurePosition.label)).all()
        assert [(row.label, row.financial_year, row.figure["amount_gbp"]) for row in kept] == [
            ("forecast", "2025/26", 12_500_000),
            ("off track by", "", 3_000_000),
        ]
        [change] = session.scalars(select(FigureChange)).all()
        assert (change.difference_pence, change.difference_gbp) == (250_000_010, Decimal("2500000.1"))
        # The same papers compared again: each figure is where its position left it, so nothing is new.
        assert detect_figure_changes(session, FigureAlerts(labels=["forecast", "off track by"])) == []
        assert session.scalar(select(func.count()).select_from(FigurePosition)) == 2
    assert "difference_gbp" not in {column["name"] for column in inspect(db.engine).get_columns("figure_changes")}
    db.dispose()


def test_an_upgrade_to_meeting_times_keeps_every_meeting_with_no_time_until_one_is_read(database_url: str) -> None:
    from sendwatch.core.storage.models import Meeting

    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0011_figure_years")
    with engine.begin() as connection:
        insert_council_with_a_read_paper(connection)
        connection.execute(
            text(
                "INSERT INTO meetings (id, council_id, external_id, date, status, fingerprint, first_seen_at) "
                "VALUES (3, 1, '4967', '2026-02-10', 'Confirmed', 'f1', :now)"
            ),
            {"now": dt.datetime(2024, 5, 1, 9, 32)},
        )
    engine.dispose()

    db = open_database(database_url)
    assert current_revision(db.engine) == head_revision()
    with db.session() as session:
        [kept] = session.scalars(select(Meeting)).all()
        assert (kept.external_id, kept.date, kept.status, kept.fingerprint) == ("4967", dt.date(2026, 2, 10), "Confirmed", "f1")
        assert kept.start_time is None  # unknown until a crawl reads it, never guessed
        kept.start_time = dt.time(14, 0)
    with db.session() as session:
        assert session.scalars(select(Meeting)).one().start_time == dt.time(14, 0)
    db.dispose()


def test_an_upgrade_to_meeting_ends_keeps_every_meeting_and_its_start_with_no_finish_until_one_is_read(
    database_url: str,
) -> None:
    from sendwatch.core.storage.models import Meeting

    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0012_meeting_times")
    with engine.begin() as connection:
        insert_council_with_a_read_paper(connection)
        connection.execute(
            text(
                "INSERT INTO meetings (id, council_id, external_id, date, start_time, status, fingerprint, first_seen_at) "
                "VALUES (3, 1, '4967', '2026-02-10', :starts, 'Confirmed', 'f1', :now)"
            ).bindparams(bindparam("starts", type_=Time())),  # as the 0012 schema stores a time on each database
            {"starts": dt.time(10, 0), "now": dt.datetime(2024, 5, 1, 9, 32)},
        )
    engine.dispose()

    db = open_database(database_url)
    assert current_revision(db.engine) == head_revision()
    with db.session() as session:
        [kept] = session.scalars(select(Meeting)).all()
        assert (kept.external_id, kept.date, kept.start_time, kept.fingerprint) == (
            "4967",
            dt.date(2026, 2, 10),
            dt.time(10, 0),
            "f1",
        )
        assert kept.end_time is None  # unknown until a crawl reads it: the calendar allows two hours meanwhile
        kept.end_time = dt.time(14, 0)
    with db.session() as session:
        assert session.scalars(select(Meeting)).one().end_time == dt.time(14, 0)
    db.dispose()


def test_an_upgrade_to_one_digest_per_week_gives_each_week_its_first_copy_and_keeps_the_rest_readable(database_url: str) -> None:
    from sendwatch.core.storage.models import Digest

    engine = make_engine(database_url)
    upgrade(engine, database_url, revision="0014_digest_copies")
    with engine.begin() as connection:
        for digest_id, end in (
            (1, dt.datetime(2026, 11, 23, 8)),
            (2, dt.datetime(2026, 11, 23, 8, 5)),
            (3, dt.datetime(2026, 11, 30, 8)),
        ):
            connection.execute(
                text(
                    "INSERT INTO digests (id, period_start, period_end, html, text, created_at) "
                    "VALUES (:id, :start, :end, '<p>week</p>', 'week', :end)"
                ).bindparams(bindparam("start", type_=DateTime()), bindparam("end", type_=DateTime())),
                {"id": digest_id, "start": end - dt.timedelta(days=7), "end": end},
            )
    engine.dispose()

    db = open_database(database_url)
    assert current_revision(db.engine) == head_revision()
    with db.session() as session:
        weeks = {digest.id: digest.week for digest in session.scalars(select(Digest))}
    assert weeks == {1: "2026-W48", 2: None, 3: "2026-W49"}  # the race's second copy keeps its page, not the week
    db.dispose()
