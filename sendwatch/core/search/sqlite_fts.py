"""Full-text search on SQLite: an FTS5 index over ``document_pages.text``.

The index (``document_pages_fts``, migration 0005) is an external-content FTS5 table kept by
triggers on ``document_pages``: every page the extract stage writes or deletes updates it in
the same transaction, so the index never disagrees with the pages. Tokens are ``unicode61``
words, lower-cased, accents removed, not stemmed (the same words PostgreSQL's ``simple``
configuration keeps, so both backends find the same pages).
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, TextualSelect, text
from sqlalchemy.orm import Session

from sendwatch.core.search.query import Node, Or, Phrase, Term

INDEX_TABLE = "document_pages_fts"


def render_match(node: Node) -> str:
    """The tree as an FTS5 MATCH expression (every word quoted, so nothing is read as syntax)."""
    if isinstance(node, Term):
        return f'"{node.word}"' + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Or):
        return "(" + " OR ".join(render_match(part) for part in node.either) + ")"
    rendered = "(" + " AND ".join(render_match(part) for part in node.include) + ")"
    for part in node.exclude:  # FTS5's NOT is binary: "a NOT b"
        rendered = f"({rendered} NOT {render_match(part)})"
    return rendered


def matching_pages(node: Node, best: int | None = None) -> TextualSelect:
    """Pages matching the tree, as (page_id, rank): lower rank is a better match (BM25); with
    ``best``, only that many of the best (ranked inside the index, before any join)."""
    sql = f"SELECT rowid AS page_id, bm25({INDEX_TABLE}) AS rank FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :match"
    clause = text(sql + (" ORDER BY rank LIMIT :best" if best else "")).bindparams(match=render_match(node))
    if best:
        clause = clause.bindparams(best=best)
    return clause.columns(page_id=Integer, rank=Float)


def reindex(session: Session) -> None:
    """Rebuild the whole index from the stored pages."""
    session.execute(text(f"INSERT INTO {INDEX_TABLE}({INDEX_TABLE}) VALUES ('rebuild')"))
