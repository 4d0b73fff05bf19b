"""Keyword alerts: new papers matching a subscriber's saved searches, quoted in their alert.

A paper is news to a saved search when it was first seen after the search was saved and the
subscriber has never been alerted to it (``keyword_alerts``, written in the transaction that
queues the email): so a paper that matched before the search existed never alerts, and a paper
read late (a scan waiting for OCR) still alerts once, whenever it becomes searchable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sendwatch.core.search.pages import SearchFilters, SearchHit, search_pages
from sendwatch.core.search.query import QueryError
from sendwatch.core.search.snippets import Snippet
from sendwatch.core.storage.models import Document, KeywordAlert, OutboxMessage, Subscriber

# At most this many papers per saved search in one email (the rest come in the next one).
PAPERS_PER_QUERY = 10
QUOTES_PER_PAPER = 3


@dataclass(frozen=True)
class Quote:
    """A matching sentence, its page and the link that opens the paper there."""

    snippet: Snippet
    page: int | None
    link: str


@dataclass
class KeywordMatch:
    """One new paper matching a saved search, with its matching sentences (terms marked)."""

    query: str
    document_id: int
    council_name: str
    council_slug: str
    title: str | None
    url: str
    date: dt.date | None
    link: str
    quotes: list[Quote] = field(default_factory=list)


def keyword_matches(session: Session, subscriber: Subscriber) -> list[KeywordMatch]:
    """The papers this subscriber's saved searches find that are news to them, by search then paper."""
    saved = [item for item in subscriber.queries or [] if isinstance(item, dict) and item.get("query")]
    if not saved:
        return []
    alerted = select(KeywordAlert.document_id).where(KeywordAlert.subscriber_id == subscriber.id)
    found: dict[int, KeywordMatch] = {}
    for item in saved:
        since = dt.datetime.fromisoformat(item["since"])
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.timezone.utc)
        fresh = select(Document.id).where(
            Document.first_seen_at >= since, Document.id.not_in(alerted), Document.id.not_in(list(found) or [0])
        )
        filters = SearchFilters(councils=tuple(subscriber.councils or ()), documents=fresh)
        try:
            hits = search_pages(session, item["query"], filters, limit=PAPERS_PER_QUERY * QUOTES_PER_PAPER * 2)
        except QueryError:  # saved before the language changed: nothing to find, nothing to break
            continue
        papers = 0
        for hit in hits:
            match = found.get(hit.document_id)
            if match is None:
                if papers >= PAPERS_PER_QUERY:
                    continue
                papers += 1
                match = found[hit.document_id] = _match(item["query"], hit)
            if match.query == item["query"] and len(match.quotes) < QUOTES_PER_PAPER:
                match.quotes.append(Quote(hit.snippet, hit.page, hit.link))
    return list(found.values())


def _match(query: str, hit: SearchHit) -> KeywordMatch:
    return KeywordMatch(
        query=query,
        document_id=hit.document_id,
        council_name=hit.council_name,
        council_slug=hit.council,
        title=hit.title,
        url=hit.url,
        date=hit.date,
        link=hit.link,
    )


def record_keyword_alerts(session: Session, subscriber: Subscriber, matches: list[KeywordMatch], message: OutboxMessage) -> None:
    """Remember, in the outbox row's transaction, that these papers were alerted to this subscriber."""
    for match in matches:
        session.add(
            KeywordAlert(subscriber_id=subscriber.id, document_id=match.document_id, query=match.query, outbox_id=message.id)
        )
    session.flush()
