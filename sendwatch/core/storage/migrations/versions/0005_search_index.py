"""full-text search index over page text (issue 16)

Revision ID: 0005_search
Revises: 0004
Create Date: 2026-12-01

SQLite: an external-content FTS5 table ``document_pages_fts`` over ``document_pages.text``,
kept by triggers on insert, update and delete, and filled from the pages already stored.
PostgreSQL: a generated ``tsvector`` column ``search_vector`` (configuration ``simple``) with a
GIN index. Either way the database indexes each page in the transaction that writes it.

A later migration that rebuilds ``document_pages`` on SQLite (Alembic's batch "move and copy")
drops these triggers with the old table: it must create them again (and rebuild the index).
"""

from alembic import op

revision = "0005_search"
down_revision = "0004"
branch_labels = None
depends_on = None

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE document_pages_fts USING fts5("
    "text, content='document_pages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER document_pages_fts_insert AFTER INSERT ON document_pages BEGIN "
    "INSERT INTO document_pages_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER document_pages_fts_delete AFTER DELETE ON document_pages BEGIN "
    "INSERT INTO document_pages_fts(document_pages_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER document_pages_fts_update AFTER UPDATE OF text ON document_pages BEGIN "
    "INSERT INTO document_pages_fts(document_pages_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO document_pages_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO document_pages_fts(document_pages_fts) VALUES ('rebuild')",
]

_POSTGRES_UP = [
    "ALTER TABLE document_pages ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, left(text, 200000))) STORED",
    "CREATE INDEX ix_document_pages_search_vector ON document_pages USING gin (search_vector)",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_UP if dialect == "sqlite" else _POSTGRES_UP if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS document_pages_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS document_pages_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_document_pages_search_vector")
        op.execute("ALTER TABLE document_pages DROP COLUMN IF EXISTS search_vector")
