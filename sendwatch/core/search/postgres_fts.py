"""Full-text search on PostgreSQL: a ``tsvector`` column on ``document_pages`` with a GIN index.

The column (``search_vector``, migration 0005) is generated from the page's text by PostgreSQL
itself, so every page the extract stage writes is indexed in the same transaction. It uses the
``simple`` configuration (words lower-cased, not stemmed, no stop words dropped): the same words
SQLite's FTS5 index keeps, so both backends find the same pages. Only the first
``INDEXED_CHARS`` characters of a page are indexed (a tsvector is limited to 1 MB).
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, TextualSelect, text
from sqlalchemy.orm import Session

from sendwatch.core.search.query import Node, Or, Phrase, Term

INDEX_NAME = "ix_document_pages_search_vector"
INDEXED_CHARS = 200_000


def render_tsquery(node: Node) -> str:
    """The tree as a ``to_tsquery('simple', ...)`` expression (every word a quoted lexeme)."""
    if isinstance(node, Term):
        return f"'{node.word}'" + (":*" if node.prefix else "")
    if isinstance(node, Phrase):
        return "(" + " <-> ".join(f"'{word}'" for word in node.words) + ")"
    if isinstance(node, Or):
        return "(" + " | ".join(render_tsquery(part) for part in node.either) + ")"
    parts = [render_tsquery(part) for part in node.include] + [f"!{render_tsquery(part)}" for part in node.exclude]
    return "(" + " & ".join(parts) + ")"


def matching_pages(node: Node, best: int | None = None) -> TextualSelect:
    """Pages matching the tree, as (page_id, rank): lower rank is a better match; with ``best``,
    only that many of the best (ranked before any join)."""
    sql = (
        "SELECT p.id AS page_id, -ts_rank_cd(p.search_vector, q) AS rank "
        "FROM document_pages p, to_tsquery('simple', :tsquery) q WHERE p.search_vector @@ q"
    )
    clause = text(sql + (" ORDER BY rank, page_id LIMIT :best" if best else "")).bindparams(tsquery=render_tsquery(node))
    if best:
        clause = clause.bindparams(best=best)
    return clause.columns(page_id=Integer, rank=Float)


def reindex(session: Session) -> None:
    """Rebuild the GIN index (the column itself is always computed from the page's text)."""
    session.execute(text(f"REINDEX INDEX {INDEX_NAME}"))
    session.execute(text("ANALYZE document_pages"))
