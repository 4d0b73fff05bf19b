"""money in whole pence: figures' amounts exact, stored figures' JSON without float noise

Revision ID: 0009_money
Revises: 0008_channels
Create Date: 2026-12-01

``figures.amount_gbp`` (a binary float: ``4099999.9999999995`` where a paper said £4.1m)
becomes ``figures.amount_pence``, whole pence, settled by ``sendwatch.core.money.to_pence``.
The figures kept as JSON beside each status period and change event are rewritten the same way
(whole pounds as integers, else pounds and pence), so every export says what the paper said.
"""

import json

import sqlalchemy as sa
from alembic import op

from sendwatch.core.money import clean_figure, to_pence

revision = "0009_money"
down_revision = "0008_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_pence", sa.BigInteger(), nullable=True))
    connection = op.get_bind()
    for figure_id, amount in connection.execute(sa.text("SELECT id, amount_gbp FROM figures")).all():
        connection.execute(
            sa.text("UPDATE figures SET amount_pence = :pence WHERE id = :id"), {"pence": to_pence(float(amount)), "id": figure_id}
        )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.alter_column("amount_pence", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("amount_gbp")
    for table in ("status_history", "change_events"):
        _clean_json_figures(connection, table)


def _clean_json_figures(connection, table: str) -> None:
    rows = connection.execute(sa.text(f"SELECT id, figures FROM {table}")).all()
    for row_id, stored in rows:
        figures = json.loads(stored) if isinstance(stored, str) else stored
        if not figures:
            continue
        cleaned = [clean_figure(figure) if isinstance(figure, dict) else figure for figure in figures]
        if cleaned != figures:
            update = sa.text(f"UPDATE {table} SET figures = :figures WHERE id = :id").bindparams(
                sa.bindparam("figures", type_=sa.JSON())
            )
            connection.execute(update, {"figures": cleaned, "id": row_id})


def downgrade() -> None:
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_gbp", sa.Float(), nullable=True))
    op.execute("UPDATE figures SET amount_gbp = amount_pence / 100.0")
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.alter_column("amount_gbp", existing_type=sa.Float(), nullable=False)
        batch_op.drop_column("amount_pence")
