"""delivery beyond email: outbox channel and target, subscribers' Apprise URLs (issue 16)

Revision ID: 0008_channels
Revises: 0007_figures
Create Date: 2026-12-01

Outbox rows gain ``channel`` (``email``, the server default every existing row keeps, or
``apprise``) and ``target`` (the Apprise URL of an ``apprise`` row). Subscribers gain ``notify``,
the Apprise URLs that get their alerts besides email.
"""

from alembic import op
import sqlalchemy as sa

revision = "0008_channels"
down_revision = "0007_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=20), nullable=False, server_default="email"))
        batch_op.add_column(sa.Column("target", sa.Text(), nullable=True))
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notify", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("notify")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("target")
        batch_op.drop_column("channel")
