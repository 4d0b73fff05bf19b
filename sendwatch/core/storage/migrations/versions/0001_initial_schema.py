"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22

Every table of the first release. Revision 0002 adds crawl health and figures.
"""

from alembic import op
import sqlalchemy as sa
import sendwatch.core.storage.models


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('councils',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('gss_code', sa.String(length=12), nullable=True),
    sa.Column('platform', sa.String(length=20), nullable=True),
    sa.Column('base_url', sa.String(length=500), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('period_end', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('locks',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('subscribers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('councils', sa.JSON(), nullable=True),
    sa.Column('statuses', sa.JSON(), nullable=True),
    sa.Column('frequency', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('confirmed_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('unsubscribed_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('suppressed_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('suppressed_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('change_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_key', sa.String(length=64), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('old_status', sa.String(length=30), nullable=True),
    sa.Column('new_status', sa.String(length=30), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('is_baseline', sa.Boolean(), nullable=False),
    sa.Column('detected_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_key')
    )
    with op.batch_alter_table('change_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_events_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_events_detected_at'), ['detected_at'], unique=False)

    op.create_table('committees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('first_seen_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('council_id', 'external_id')
    )
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committees_council_id'), ['council_id'], unique=False)

    op.create_table('crawl_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('meetings_found', sa.Integer(), nullable=False),
    sa.Column('items_found', sa.Integer(), nullable=False),
    sa.Column('documents_found', sa.Integer(), nullable=False),
    sa.Column('documents_new', sa.Integer(), nullable=False),
    sa.Column('documents_changed', sa.Integer(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_runs_council_id'), ['council_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_key', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('event_ids', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id'),
    sa.UniqueConstraint('message_key')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('reference_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=60), nullable=False),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('date', sa.String(length=20), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('source_url', sa.String(length=1000), nullable=True),
    sa.Column('verified', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reference_programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_programmes_council_id'), ['council_id'], unique=False)

    op.create_table('status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_history_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_history_is_current'), ['is_current'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=True),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=60), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('first_seen_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('last_checked_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('changed_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('council_id', 'external_id')
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_date'), ['date'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('agenda_html', sa.Text(), nullable=True),
    sa.Column('minutes_html', sa.Text(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('first_seen_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'external_id')
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('published_date', sa.Date(), nullable=True),
    sa.Column('fetch_state', sa.String(length=20), nullable=False),
    sa.Column('fetch_error', sa.Text(), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('content_type', sa.String(length=200), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('file_path', sa.String(length=1000), nullable=True),
    sa.Column('first_seen_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.Column('fetched_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('changed_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('text_state', sa.String(length=20), nullable=False),
    sa.Column('text_error', sa.Text(), nullable=True),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('char_count', sa.Integer(), nullable=True),
    sa.Column('extracted_sha256', sa.String(length=64), nullable=True),
    sa.Column('extractor_version', sa.String(length=40), nullable=True),
    sa.Column('extracted_at', sendwatch.core.storage.models.UTCDateTime(), nullable=True),
    sa.Column('verdict_status', sa.String(length=30), nullable=True),
    sa.Column('verdict_confidence', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['documents.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('council_id', 'url')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_council_id'), ['council_id'], unique=False)
        batch_op.create_index('ix_documents_council_sha256', ['council_id', 'sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('document_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('page_number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'page_number')
    )
    with op.batch_alter_table('document_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_pages_document_id'), ['document_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.String(length=100), nullable=True),
    sa.Column('extractor_version', sa.String(length=40), nullable=False),
    sa.Column('created_at', sendwatch.core.storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_document_id'), ['document_id'], unique=False)



def downgrade() -> None:

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_document_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_council_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('document_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_pages_document_id'))

    op.drop_table('document_pages')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_meeting_id'))
        batch_op.drop_index('ix_documents_council_sha256')
        batch_op.drop_index(batch_op.f('ix_documents_council_id'))

    op.drop_table('documents')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_date'))
        batch_op.drop_index(batch_op.f('ix_meetings_council_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_committee_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('status_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_history_is_current'))
        batch_op.drop_index(batch_op.f('ix_status_history_council_id'))

    op.drop_table('status_history')
    with op.batch_alter_table('reference_programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_programmes_council_id'))

    op.drop_table('reference_programmes')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_state'))

    op.drop_table('outbox')
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_runs_council_id'))

    op.drop_table('crawl_runs')
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committees_council_id'))

    op.drop_table('committees')
    with op.batch_alter_table('change_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_events_detected_at'))
        batch_op.drop_index(batch_op.f('ix_change_events_council_id'))

    op.drop_table('change_events')
    op.drop_table('subscribers')
    op.drop_table('locks')
    op.drop_table('digests')
    op.drop_table('cycles')
    op.drop_table('councils')
