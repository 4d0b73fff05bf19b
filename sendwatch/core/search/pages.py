"""Full-text search over every stored page: one interface, one backend per database.

``search_pages(session, "\"home to school\" transp*", SearchFilters(...))`` parses the query
(``query.parse_query``: one-line ``QueryError`` when malformed), asks the database's own index
for matching pages (``sqlite_fts`` on SQLite, ``postgres_fts`` on PostgreSQL, chosen by the
session's dialect), joins what a reader needs (council, paper, meeting date, committee), applies
the filters, and picks each page's best sentence with the words marked (``snippets``).

The indexes are kept by the database itself as pages are written (a trigger on SQLite, a
generated column on PostgreSQL), so the extract stage's transaction that stores a paper's pages
indexes them too; ``reindex`` rebuilds an index from the pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from sendwatch.core.comparable import text_contains
from sendwatch.core.formatting import page_link
from sendwatch.core.search import postgres_fts, sqlite_fts
from sendwatch.core.search.query import Node, QueryError, parse_query
from sendwatch.core.search.snippets import Snippet, best_snippet
from sendwatch.core.storage.models import Committee, Council, Document, DocumentPage, Meeting

__all__ = ["SearchFilters", "SearchHit", "backend_for", "committees_titled", "reindex", "search_pages"]

# Papers read as one unpaged text: their hits carry no page number.
UNPAGED_KINDS = frozenset({"html", "text", "csv"})
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search; empty fields narrow nothing."""

    councils: tuple[str, ...] = ()  # slugs
    committee: str | None = None  # words in the committee's title (as ``comparable.text_contains`` compares them)
    since: dt.date | None = None  # papers dated (or their meeting held) on or after this day
    statuses: tuple[str, ...] = ()  # the status the paper itself states (its verdict)
    # Only these papers: ids, or a SELECT of ids (keyword alerts: the papers that are news to someone).
    documents: tuple[int, ...] | Select[Any] | None = None


@dataclass(frozen=True)
class SearchHit:
    """One matching page of one paper."""

    council: str
    council_name: str
    document_id: int
    title: str | None
    url: str
    page: int | None
    date: dt.date | None
    committee: str | None
    snippet: Snippet
    kind: str = "pdf"

    @property
    def link(self) -> str:
        """The paper, opened at the page for a PDF (``#page=N``)."""
        return page_link(self.url, self.page, is_pdf=self.kind == "pdf")

    def as_json(self) -> dict[str, Any]:
        """The ``search --json`` shape (interfaces.md), plus the page link."""
        return {
            "council": self.council,
            "title": self.title,
            "url": self.url,
            "page": self.page,
            "date": self.date.isoformat() if self.date else None,
            "snippet": self.snippet.marked(),
            "link": self.link,
        }


def backend_for(session: Session) -> ModuleType:
    """The search backend of the session's database."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite_fts
    if dialect == "postgresql":
        return postgres_fts
    raise QueryError(f"full-text search needs SQLite or PostgreSQL, not {dialect}")


def search_pages(
    session: Session, query: str | Node, filters: SearchFilters | None = None, limit: int = DEFAULT_LIMIT
) -> list[SearchHit]:
    """The pages matching ``query``, best first, at most ``limit``."""
    node = parse_query(query) if isinstance(query, str) else query
    filters = filters or SearchFilters()
    # Unfiltered, the index itself keeps only the best pages: ranking before the joins is most
    # of the cost of a word found on nearly every page.
    unfiltered = not (filters.councils or filters.committee or filters.since or filters.statuses) and filters.documents is None
    matches = backend_for(session).matching_pages(node, best=limit if unfiltered else None).subquery("matches")
    dated = func.coalesce(Document.published_date, Meeting.date)
    statement = (
        select(DocumentPage, Document, Council.slug, Council.name, dated, Committee.title)
        .join(matches, matches.c.page_id == DocumentPage.id)
        .join(Document, Document.id == DocumentPage.document_id)
        .join(Council, Council.id == Document.council_id)
        .outerjoin(Meeting, Meeting.id == Document.meeting_id)
        .outerjoin(Committee, Committee.id == Meeting.committee_id)
    )
    if filters.councils:
        statement = statement.where(Council.slug.in_(filters.councils))
    if filters.committee:
        statement = statement.where(Committee.id.in_(committees_titled(session, filters.committee)))
    if filters.since:
        statement = statement.where(dated >= filters.since)
    if filters.statuses:
        statement = statement.where(Document.verdict_status.in_(filters.statuses))
    if filters.documents is not None:
        statement = statement.where(Document.id.in_(filters.documents))
    statement = statement.order_by(matches.c.rank, dated.desc().nulls_last(), DocumentPage.id).limit(limit)
    hits = []
    for page, document, slug, name, date, committee in session.execute(statement):
        snippet = best_snippet(page.text, node) or Snippet(((page.text[:200], False),))
        hits.append(
            SearchHit(
                council=slug,
                council_name=name,
                document_id=document.id,
                title=document.title,
                url=document.url,
                page=None if document.kind in UNPAGED_KINDS else page.page_number,
                date=date,
                committee=committee,
                snippet=snippet,
                kind=document.kind,
            )
        )
    return hits


def committees_titled(session: Session, words: str) -> list[int]:
    """The ids of the stored committees whose titles contain ``words``. Compared in Python, the
    same on every database: only the watched committees are stored, so they are few."""
    return [id_ for id_, title in session.execute(select(Committee.id, Committee.title)) if text_contains(title, words)]


def reindex(session: Session) -> int:
    """Rebuild the search index of the session's database; the number of pages it now covers."""
    backend_for(session).reindex(session)
    return session.scalar(select(func.count(DocumentPage.id))) or 0
