"""meetings keep their start time

Revision ID: 0012_meeting_times
Revises: 0011_figure_years
Create Date: 2026-12-01

``meetings`` gains ``start_time``: the UK local start time the council publishes (ModernGov's
``meetingtime``, the time on its pages and on CMIS calendars), NULL where it gives none.
Existing meetings have none until their next crawl reads it; until then the calendar shows
them all day, as before. A known time is part of a meeting's fingerprint, so on that first
crawl each meeting re-checked with a time counts as changed once and its papers are asked for
again (ModernGov sends no validators): the same bytes come back, and nothing is read or alerted.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_meeting_times"
down_revision = "0011_figure_years"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_time", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("start_time")
