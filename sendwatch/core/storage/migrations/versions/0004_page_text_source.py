"""where each page's text came from (OCR or the file itself)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Pages gain ``text_source``: ``text`` (the file's own text), ``ocr`` (read from a scanned image
by Tesseract), ``needs_ocr`` (a scan waiting for OCR) or ``ocr_failed``. Evidence quoting an
OCR page says so in alerts and on the web. Existing pages were read from the file's own text
(the column's server default), except those of documents recorded ``needs_ocr`` before OCR
existed: their pages are scans waiting for it, and are marked so, to be read on the next run.
"""

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_source", sa.String(length=20), nullable=False, server_default="text"))
        batch_op.create_index(batch_op.f("ix_document_pages_text_source"), ["text_source"], unique=False)
    op.execute(
        "UPDATE document_pages SET text_source = 'needs_ocr' "
        "WHERE document_id IN (SELECT id FROM documents WHERE text_state = 'needs_ocr')"
    )


def downgrade() -> None:
    with op.batch_alter_table("document_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_pages_text_source"))
        batch_op.drop_column("text_source")
