"""keyword alerts: subscribers' saved searches, and the papers each was alerted to (issue 16)

Revision ID: 0006_keywords
Revises: 0005_search
Create Date: 2026-12-01

``subscribers.queries`` holds saved searches with the time each was saved (papers first seen
before then are never alerted on); ``keyword_alerts`` records every paper a subscriber was
alerted to, so it is never alerted on twice. Existing subscribers have no saved searches.
"""

from alembic import op
import sqlalchemy as sa
import sendwatch.core.storage.models

revision = "0006_keywords"
down_revision = "0005_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queries", sa.JSON(), nullable=True))
    op.create_table(
        "keyword_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sendwatch.core.storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subscriber_id", "document_id"),
    )
    with op.batch_alter_table("keyword_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_keyword_alerts_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_keyword_alerts_subscriber_id"), ["subscriber_id"], unique=False)


def downgrade() -> None:
    op.drop_table("keyword_alerts")
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("queries")
