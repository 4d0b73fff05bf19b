"""digests narrowed to a subscriber's councils, kept for the web

Revision ID: 0014_digest_copies
Revises: 0013_meeting_ends
Create Date: 2026-12-02

``digest_copies`` keeps each week's digest narrowed to one set of councils (their slugs, sorted
and comma-separated), as the weekly subscribers of that set were sent it: the page a digest
notification's summary links to (``/digests/N?view=TOKEN``, the token signed). One row per
week and set, made when the week's digests are queued. Weeks already sent have none, and their
summaries went out with the national link, which still works.
"""

from alembic import op
import sqlalchemy as sa
import sendwatch.core.storage.models

revision = "0014_digest_copies"
down_revision = "0013_meeting_ends"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("councils", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sendwatch.core.storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["digest_id"], ["digests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest_id", "councils"),
    )
    with op.batch_alter_table("digest_copies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_copies_digest_id"), ["digest_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("digest_copies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_copies_digest_id"))
    op.drop_table("digest_copies")
