"""figure alerts: the last figure compared per council and label, figure change events (issue 16)

Revision ID: 0007_figures
Revises: 0006_keywords
Create Date: 2026-12-01

``figure_positions`` holds, per council and figure label, the figure its papers last stated (the
first one seen is a baseline, never alerted); ``figure_changes`` records each move past the
configured threshold, with both sentences and papers. ``subscribers.figures_wanted`` holds the
labels a subscriber opted into. Existing subscribers opt into none.
"""

from alembic import op
import sqlalchemy as sa
import sendwatch.core.storage.models

revision = "0007_figures"
down_revision = "0006_keywords"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("figures_wanted", sa.JSON(), nullable=True))
    op.create_table(
        "figure_positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("figure", sa.JSON(), nullable=False),
        sa.Column("updated_at", sendwatch.core.storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("council_id", "label"),
    )
    with op.batch_alter_table("figure_positions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figure_positions_council_id"), ["council_id"], unique=False)
    op.create_table(
        "figure_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("difference_gbp", sa.Float(), nullable=False),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("detected_at", sendwatch.core.storage.models.UTCDateTime(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_key"),
    )
    with op.batch_alter_table("figure_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figure_changes_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figure_changes_detected_at"), ["detected_at"], unique=False)


def downgrade() -> None:
    op.drop_table("figure_changes")
    op.drop_table("figure_positions")
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("figures_wanted")
