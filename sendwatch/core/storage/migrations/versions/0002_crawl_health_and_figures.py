"""crawl health on councils, and the figures table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Councils gain the health columns that ``sendwatch councils`` shows; money figures found in
documents get their own table. Existing rows keep their data: new columns have defaults.
"""

from alembic import op
import sqlalchemy as sa
import sendwatch.core.storage.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("last_crawled_at", sendwatch.core.storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_success_at", sendwatch.core.storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("consecutive_empty", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("amount_gbp", sa.Float(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=True),
        sa.Column("financial_year", sa.String(length=20), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figures_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_document_id"), ["document_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figures_document_id"))
        batch_op.drop_index(batch_op.f("ix_figures_council_id"))
    op.drop_table("figures")
    with op.batch_alter_table("councils", schema=None) as batch_op:
        for column in ("last_error", "consecutive_empty", "consecutive_failures", "last_success_at", "last_crawled_at", "last_outcome"):
            batch_op.drop_column(column)
