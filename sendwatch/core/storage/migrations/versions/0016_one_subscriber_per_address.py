"""one subscriber per address, whatever its case

Revision ID: 0016_one_subscriber_per_address
Revises: 0015_one_digest_per_week
Create Date: 2026-12-02

``subscribers.email_key`` holds each address as sendwatch compares them (stripped, domain
IDNA-encoded, lower case: ``sendwatch.core.addresses.same_address_key``), unique, so two
sign-ups for "Ann@x.org" and "ann@x.org", even at the same moment, find one row. The exact-email
unique constraint goes: the key is the only one, so ``INSERT ... ON CONFLICT (email_key) DO
NOTHING`` never meets a second constraint it does not handle.

Rows that were already duplicates by case are merged: the oldest that still receives mail
(confirmed, not unsubscribed, not suppressed) is kept, else the oldest; the others are
unsubscribed, lose their key and name the kept row in ``merged_into``, so their old unsubscribe
and manage links lead there. The kept row takes on what the others that still received mail
asked for (councils, statuses, saved searches, figure labels, notify URLs, each once; "every
council" wins), so nobody loses an alert they had; the papers they were alerted to by a saved
search are recorded for the kept row, so none is alerted twice. Downgrading removes the key and
the links but does not split merged rows again: they stay unsubscribed.
"""

import datetime as dt

from alembic import op
import idna
import sqlalchemy as sa

revision = "0016_one_subscriber_per_address"
down_revision = "0015_one_digest_per_week"
branch_labels = None
depends_on = None

# The children of ``subscribers`` as of this revision, which an SQLite rebuild would empty (below).
_CHILDREN = {"keyword_alerts": "CASCADE", "outbox": "SET NULL"}


def upgrade() -> None:
    connection = op.get_bind()
    with _children_kept(connection):
        with op.batch_alter_table("subscribers", schema=None, naming_convention=_NAMES) as batch_op:
            batch_op.add_column(sa.Column("email_key", sa.String(length=320), nullable=True))
            batch_op.add_column(
                sa.Column(
                    "merged_into",
                    sa.Integer(),
                    sa.ForeignKey("subscribers.id", name="fk_subscribers_merged_into", ondelete="SET NULL"),
                    nullable=True,
                )
            )
            for name in _email_constraints(connection):
                batch_op.drop_constraint(name, type_="unique")
    _fill_keys_and_merge(connection)
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscribers_email_key"), ["email_key"], unique=True)


def downgrade() -> None:
    connection = op.get_bind()
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscribers_email_key"))
    with _children_kept(connection):
        with op.batch_alter_table("subscribers", schema=None) as batch_op:
            batch_op.drop_column("merged_into")
            batch_op.drop_column("email_key")
            batch_op.create_unique_constraint("subscribers_email_key", ["email"])


# --------------------------------------------------------------------------- the old constraint

# Names for constraints the first revision left unnamed, so batch mode on SQLite can name the
# one to drop (PostgreSQL named it itself, ``subscribers_email_key``).
_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _email_constraints(connection) -> list[str]:
    """The unique constraints on ``email`` alone, by the name batch mode knows them by."""
    found = sa.inspect(connection).get_unique_constraints("subscribers")
    return [item["name"] or "uq_subscribers_email" for item in found if item["column_names"] == ["email"]]


class _children_kept:
    """On SQLite, batch mode rebuilds ``subscribers`` (a copy, then DROP TABLE of the old one).
    sendwatch opens SQLite with foreign keys on, and the pragma cannot change inside the
    migration's transaction, so that DROP deletes every ``keyword_alerts`` row and empties
    ``outbox.subscriber_id``: both are copied aside first and put back after. PostgreSQL alters
    the table in place: nothing to do."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"

    def __enter__(self) -> None:
        if self.sqlite:
            self.connection.exec_driver_sql("CREATE TEMP TABLE _kept_keyword_alerts AS SELECT * FROM keyword_alerts")
            self.connection.exec_driver_sql(
                "CREATE TEMP TABLE _kept_outbox AS SELECT id, subscriber_id FROM outbox WHERE subscriber_id IS NOT NULL"
            )

    def __exit__(self, kind, error, trace) -> None:
        if not self.sqlite or kind is not None:
            return
        self.connection.exec_driver_sql("DELETE FROM keyword_alerts")
        self.connection.exec_driver_sql("INSERT INTO keyword_alerts SELECT * FROM _kept_keyword_alerts")
        self.connection.exec_driver_sql(
            "UPDATE outbox SET subscriber_id = (SELECT kept.subscriber_id FROM _kept_outbox AS kept WHERE kept.id = outbox.id) "
            "WHERE id IN (SELECT id FROM _kept_outbox)"
        )
        self.connection.exec_driver_sql("DROP TABLE _kept_keyword_alerts")
        self.connection.exec_driver_sql("DROP TABLE _kept_outbox")


# --------------------------------------------------------------------------- keys and merging

_subscribers = sa.table(
    "subscribers",
    sa.column("id", sa.Integer()),
    sa.column("email", sa.String()),
    sa.column("email_key", sa.String()),
    sa.column("merged_into", sa.Integer()),
    sa.column("councils", sa.JSON()),
    sa.column("statuses", sa.JSON()),
    sa.column("queries", sa.JSON()),
    sa.column("figures_wanted", sa.JSON()),
    sa.column("notify", sa.JSON()),
    sa.column("confirmed_at", sa.DateTime()),
    sa.column("unsubscribed_at", sa.DateTime()),
    sa.column("suppressed_at", sa.DateTime()),
    sa.column("created_at", sa.DateTime()),
)
_keyword_alerts = sa.table("keyword_alerts", sa.column("subscriber_id", sa.Integer()), sa.column("document_id", sa.Integer()))


def _fill_keys_and_merge(connection) -> None:
    """Give every row its key; merge each set of rows sharing one into the row kept."""
    rows = connection.execute(sa.select(_subscribers).order_by(_subscribers.c.created_at, _subscribers.c.id)).mappings().all()
    by_key: dict[str, list] = {}
    for row in rows:
        by_key.setdefault(_key(row["email"]), []).append(row)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # stored as naive UTC, like every time
    for key, same in by_key.items():
        kept = next((row for row in same if _receives_mail(row)), same[0])
        others = [row for row in same if row is not kept]
        merged = _merged_choices(kept, [row for row in others if _receives_mail(row)]) if _receives_mail(kept) else {}
        connection.execute(_subscribers.update().where(_subscribers.c.id == kept["id"]).values(email_key=key, **merged))
        for other in others:
            connection.execute(
                _subscribers.update()
                .where(_subscribers.c.id == other["id"])
                .values(merged_into=kept["id"], unsubscribed_at=other["unsubscribed_at"] or now)
            )
            _move_keyword_alerts(connection, other["id"], kept["id"])


def _key(address: str) -> str:
    """``same_address_key`` as of this revision: stripped, domain IDNA-encoded, lower case."""
    local, _, domain = address.strip().rpartition("@")
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError:
            return address.strip().lower()
    return f"{local}@{domain}".lower()


def _receives_mail(row) -> bool:
    return row["confirmed_at"] is not None and row["unsubscribed_at"] is None and row["suppressed_at"] is None


def _merged_choices(kept, others: list) -> dict:
    """The kept row's choices widened by the others' (each once, in the order first chosen)."""
    if not others:
        return {}
    rows = [kept, *others]
    return {
        "councils": _union_or_every([row["councils"] for row in rows]),
        "statuses": _union_or_every([row["statuses"] for row in rows]),
        "figures_wanted": _union([row["figures_wanted"] for row in rows]),
        "notify": _union([row["notify"] for row in rows]),
        "queries": _queries([row["queries"] for row in rows]),
    }


def _union_or_every(lists: list) -> list | None:
    """None ("every council", "every change") if any row had it, else every item once."""
    return None if any(items is None for items in lists) else _union(lists) or None


def _union(lists: list) -> list | None:
    return list(dict.fromkeys(item for items in lists for item in items or [])) or None


def _queries(lists: list) -> list | None:
    """Each saved search once, with the earliest time any row saved it."""
    since: dict[str, str] = {}
    for items in lists:
        for item in items or []:
            if isinstance(item, dict) and "query" in item:
                first = since.get(item["query"])
                since[item["query"]] = item["since"] if first is None else min(first, item["since"])
    return [{"query": query, "since": started} for query, started in since.items()] or None


def _move_keyword_alerts(connection, merged: int, kept: int) -> None:
    """The papers the merged row was alerted to, recorded for the kept row too (each once)."""
    already = sa.select(_keyword_alerts.c.document_id).where(_keyword_alerts.c.subscriber_id == kept)
    connection.execute(
        _keyword_alerts.update()
        .where(_keyword_alerts.c.subscriber_id == merged, _keyword_alerts.c.document_id.not_in(already))
        .values(subscriber_id=kept)
    )
