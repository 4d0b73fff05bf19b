"""meetings keep their planned finish time

Revision ID: 0013_meeting_ends
Revises: 0012_meeting_times
Create Date: 2026-12-02

``meetings`` gains ``end_time``: the UK local time the council plans the meeting to finish
(ModernGov's ``meetingplannedfinishtime`` in ``GetMeeting``), NULL where it gives none, which is
most meetings and every CMIS one (CMIS shows no finish time). Existing meetings have none until
their next crawl reads it; until then the calendar gives them two hours, as before. A known
finish time is part of a meeting's fingerprint, as a known start time is, so on that first
crawl each meeting re-checked whose ``GetMeeting`` names a planned finish counts as changed once
and its papers are asked for again (ModernGov sends no validators): the same bytes come back,
and nothing is read or alerted. Meetings without one keep the fingerprint they had.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_meeting_ends"
down_revision = "0012_meeting_times"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_time", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("end_time")
