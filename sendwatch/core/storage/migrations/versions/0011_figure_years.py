"""figure alerts like for like: positions per label and financial year, differences in whole pence

Revision ID: 0011_figure_years
Revises: 0010_distributed
Create Date: 2026-12-01

``figure_positions`` gains ``financial_year`` ("" for figures that state none) and its unique key
becomes (council, label, financial year): a 2025/26 forecast is no longer compared with a
2024/25 one as if it had moved. Each existing position takes the year of the figure it holds,
so the next cycle measures that year from where it was and starts every other year as a
baseline (no alert). ``figure_changes.difference_gbp`` (a float) becomes ``difference_pence``,
settled by ``sendwatch.core.money.to_pence``.

The positions table is rebuilt rather than altered: its old unique key has no name to drop by
on SQLite, and the table only remembers what was last compared.
"""

import json

import sqlalchemy as sa
from alembic import op

from sendwatch.core.money import to_pence
from sendwatch.core.storage.models import UTCDateTime

revision = "0011_figure_years"
down_revision = "0010_distributed"
branch_labels = None
depends_on = None


def _positions_table(name: str, with_year: bool) -> None:
    key = ["council_id", "label", "financial_year"] if with_year else ["council_id", "label"]
    columns = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
    ]
    if with_year:
        columns.append(sa.Column("financial_year", sa.String(length=20), nullable=False, server_default=""))
    op.create_table(
        name,
        *columns,
        sa.Column("figure", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(*key, name=f"figure_positions_{'_'.join(key)}_key"),  # the name PostgreSQL gives it
    )


def _copy_positions(source: str, target: str, with_year: bool) -> None:
    """Copy in SQL (types untouched), then set each copied position's year from its figure.
    Going back to one position per label keeps the earliest of a label's years."""
    if with_year:
        op.execute(
            f"INSERT INTO {target} (council_id, label, financial_year, figure, updated_at) "
            f"SELECT council_id, label, '', figure, updated_at FROM {source} ORDER BY id"
        )
    else:
        op.execute(
            f"INSERT INTO {target} (council_id, label, figure, updated_at) SELECT council_id, label, figure, updated_at "
            f"FROM {source} WHERE id IN (SELECT MIN(id) FROM {source} GROUP BY council_id, label) ORDER BY id"
        )
        return
    connection = op.get_bind()
    for row_id, stored in connection.execute(sa.text(f"SELECT id, figure FROM {target}")).all():
        figure = json.loads(stored) if isinstance(stored, str) else stored
        year = str((figure or {}).get("financial_year") or "").strip() if isinstance(figure, dict) else ""
        if year:
            connection.execute(sa.text(f"UPDATE {target} SET financial_year = :year WHERE id = :id"), {"year": year, "id": row_id})


def _swap_positions(with_year: bool) -> None:
    _positions_table("figure_positions_new", with_year)
    _copy_positions("figure_positions", "figure_positions_new", with_year)
    op.drop_index("ix_figure_positions_council_id", table_name="figure_positions")
    op.drop_table("figure_positions")
    op.rename_table("figure_positions_new", "figure_positions")
    if op.get_bind().dialect.name == "postgresql":  # the key and the id sequence named after the table they now serve
        op.execute("ALTER TABLE figure_positions RENAME CONSTRAINT figure_positions_new_pkey TO figure_positions_pkey")
        op.execute("ALTER SEQUENCE figure_positions_new_id_seq RENAME TO figure_positions_id_seq")
    op.create_index("ix_figure_positions_council_id", "figure_positions", ["council_id"], unique=False)


def upgrade() -> None:
    _swap_positions(with_year=True)
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("difference_pence", sa.BigInteger(), nullable=True))
    connection = op.get_bind()
    for change_id, difference in connection.execute(sa.text("SELECT id, difference_gbp FROM figure_changes")).all():
        connection.execute(
            sa.text("UPDATE figure_changes SET difference_pence = :pence WHERE id = :id"),
            {"pence": to_pence(float(difference)), "id": change_id},
        )
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.alter_column("difference_pence", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("difference_gbp")


def downgrade() -> None:
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("difference_gbp", sa.Float(), nullable=True))
    op.execute("UPDATE figure_changes SET difference_gbp = difference_pence / 100.0")
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.alter_column("difference_gbp", existing_type=sa.Float(), nullable=False)
        batch_op.drop_column("difference_pence")
    _swap_positions(with_year=False)
