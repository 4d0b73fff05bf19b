"""outbox claims with a holder and a lease; relay pauses; who ran each cycle

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

A drain now names itself on the rows it holds (``claimed_by``) until ``claimed_until``, renewed
while it lives, so no row is ever in two drains and a dead drain's rows are taken back at once.
``mail_pauses`` records a relay that refused mail for reasons no recipient caused (quota,
content, policy). Cycles record their holder, so one whose process died is closed as
interrupted. Existing rows keep their data: every new column may be empty.
"""

from alembic import op
import sqlalchemy as sa
import sendwatch.core.storage.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sendwatch.core.storage.models.UTCDateTime(), nullable=True))
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder", sa.String(length=200), nullable=True))
    op.create_table(
        "mail_pauses",
        sa.Column("relay", sa.String(length=300), nullable=False),
        sa.Column("paused_until", sendwatch.core.storage.models.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("since", sendwatch.core.storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("relay"),
    )


def downgrade() -> None:
    op.drop_table("mail_pauses")
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_column("holder")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
