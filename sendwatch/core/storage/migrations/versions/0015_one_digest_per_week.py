"""one national digest per week, whoever builds it

Revision ID: 0015_one_digest_per_week
Revises: 0014_digest_copies
Create Date: 2026-12-02

``digests.week`` holds the ISO week ('2026-W48') of each national copy, unique, so two digest
jobs running at once keep one copy between them. The week's first copy gets its week; a later
copy of the same week, made by such a race before this revision, keeps NULL (it stays readable at
its old link, and the digest job never picks it again).
"""

import datetime as dt

from alembic import op
import sqlalchemy as sa

revision = "0015_one_digest_per_week"
down_revision = "0014_digest_copies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("week", sa.String(length=10), nullable=True))
    connection = op.get_bind()
    digests = sa.table(
        "digests", sa.column("id", sa.Integer()), sa.column("period_end", sa.DateTime()), sa.column("week", sa.String())
    )
    weeks: set[str] = set()
    for digest_id, period_end in connection.execute(sa.select(digests.c.id, digests.c.period_end).order_by(digests.c.id)):
        week = _week_of(period_end)
        if week not in weeks:
            weeks.add(week)
            connection.execute(digests.update().where(digests.c.id == digest_id).values(week=week))
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digests_week"), ["week"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digests_week"))
        batch_op.drop_column("week")



def _week_of(period_end: dt.datetime) -> str:
    """The digest job's week (``alerts.digest.week_id``) of an end stored as naive UTC."""
    year, week, _ = period_end.isocalendar()
    return f"{year}-W{week:02d}"
