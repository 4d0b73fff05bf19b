"""The weekly digest for editors: what sendwatch detected in the past seven days.

"Detected" is the point: minutes appear weeks after their meeting, so the week is measured on
``ChangeEvent.detected_at`` and ``Evidence.created_at``, never on the papers' own dates.

It has three parts, to be read in two minutes: the week's news grouped by council (its status
changes first, then the other sentences and labelled figures its papers gave, each said once);
councils whose crawls keep failing or finding nothing (flagged, as ``sendwatch councils --flagged`` says)
and the week's papers it could not read, with why (a scan waiting for OCR, a password);
and a national summary (councils per status) drawn as table-cell bars with inline CSS, which
every common mail client renders without scripts or images. It is mailed only to ``weekly`` subscribers, at most once per person per ISO week,
and sent to their ``notify`` URLs as well (the whole digest when it fits one message, else a summary and its link).

A digest of some councils (``councils``) narrows every part about councils to them: their news,
their failing sites, their unread papers. The summary stays national, since one council's status
means most beside every other's, and the narrowed digest's headings say so ("All councils by
status", "watched nationally"), so a reader never takes the country's numbers for their own.

A summary links to the digest its reader was sent: the national copy (``Digest``) for a subscriber
of every council, else the week's copy narrowed to their councils (``DigestCopy``, one per week
and set of councils), reached through a signed link that names the week and the councils only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.channels import Reach, reach
from alerts.outbox import change_views, enqueue, enqueue_notification, links_for, message_key, week_id
from alerts.render import ChangeView, Links, render_pair, render_text
from alerts.sender import SendSummary, send_pending
from alerts.status import current_statuses, status_counts
from alerts.subscriptions import active_subscribers, wants_email
from alerts.timeline import pages_read_by_ocr
from sendwatch.core.config import Config
from sendwatch.core.formatting import page_link, safe_url, status_label, status_words
from sendwatch.core.health import crawl_health, flagged_councils
from sendwatch.core.money import json_amount
from sendwatch.core.palette import STATUS_FILL
from sendwatch.core.storage import Database
from sendwatch.core.storage.models import (
    ChangeEvent,
    Council,
    Digest,
    DigestCopy,
    Document,
    Evidence,
    Figure,
    OutboxMessage,
    Subscriber,
    utcnow,
)
from sendwatch.core.storage.upsert import insert_missing
from sendwatch.core.tokens import DigestView, make_digest_view_token, signing_secret
from sendwatch.core.vocabulary import CRAWL_HEALTHS, MIN_CONFIDENCE, STATUSES

WEEK = dt.timedelta(days=7)


@dataclass
class NewFinding:
    """The sentences and labelled figures found this week in one document, each said once."""

    title: str
    url: str | None
    date: str | None
    quotes: list[dict] = field(default_factory=list)  # each with the statuses it supports
    figures: list[dict] = field(default_factory=list)


@dataclass
class CouncilFindings:
    """One council's week: its status changes, then what else its papers said."""

    name: str
    slug: str
    documents: list[NewFinding]
    changes: list[ChangeView] = field(default_factory=list)


@dataclass
class SummaryBar:
    status: str
    label: str
    count: int
    percent: int
    colour: str


# Why a paper found this week could not be read, in an editor's words (``Document.text_state``).
UNREAD_REASONS = {
    "needs_ocr": "scanned, waiting for OCR",
    "encrypted": "password-protected",
    "corrupt": "damaged or cut short",
    "timed_out": "took too long to read",
    "too_large": "too large to read",
    "unsupported": "in a format sendwatch does not read",
}
UNREAD_SHOWN = 5  # papers named per council; the rest are counted


@dataclass
class UnreadPapers:
    """One council's papers of the week that sendwatch could not read: news may hide in them."""

    name: str
    papers: list[dict]  # title, url, why
    more: int = 0  # papers not named


@dataclass
class DigestContent:
    period_start: dt.datetime
    period_end: dt.datetime
    changes: list[ChangeView]
    findings: list[CouncilFindings]  # every council with news this week, by name, changes first
    troubled: list[dict]
    bars: list[SummaryBar]
    total_councils: int
    unread: list[UnreadPapers] = field(default_factory=list)
    councils: list[str] | None = None  # the reader's councils (slugs) when narrowed; None: every council
    council_names: list[str] = field(default_factory=list)  # their names, by name, for the digest to say whose it is

    @property
    def narrowed(self) -> bool:
        """True when the per-council parts cover the reader's councils only (the templates say so)."""
        return self.councils is not None


def collect_digest(session: Session, config: Config, now: dt.datetime, councils: list[str] | None = None) -> DigestContent:
    """Gather the week ending ``now``; ``councils`` (slugs) narrows every per-council part (news,
    failing sites, unread papers) to them, and leaves the status summary national."""
    start = now - WEEK
    known = session.execute(select(Council.id, Council.slug, Council.name)).all()
    slugs = {council_id: slug for council_id, slug, _ in known}
    wanted: Callable[[int], bool] = (
        (lambda council_id: True) if councils is None else (lambda council_id: slugs.get(council_id) in councils)
    )
    events = [
        event
        for event in session.scalars(
            select(ChangeEvent)
            .where(ChangeEvent.is_baseline.is_(False), ChangeEvent.detected_at >= start, ChangeEvent.detected_at < now)
            .order_by(ChangeEvent.detected_at, ChangeEvent.id)
        )
        if wanted(event.council_id)
    ]
    rows = current_statuses(session)
    counts = status_counts(rows)
    total = max(1, len(rows))
    bars = [
        SummaryBar(
            status, status_label(status), counts.get(status, 0), round(100 * counts.get(status, 0) / total), STATUS_FILL[status]
        )
        for status in reversed(STATUSES)
        if status != "none"
    ]
    # Councils with no news, by why: checked and quiet is not the same as never read.
    quiet = Counter(row.health for row in rows if row.status == "none")
    bars += [
        SummaryBar("none", status_words("none", health), quiet[health], round(100 * quiet[health] / total), STATUS_FILL["none"])
        for health in CRAWL_HEALTHS
        if quiet[health]
    ]
    changes = change_views(session, config, events) if events else []
    return DigestContent(
        period_start=start,
        period_end=now,
        changes=changes,
        findings=_by_council(changes, _new_findings(session, start, now, wanted)),
        troubled=_troubled_councils(session, config, wanted),
        bars=bars,
        total_councils=len(rows),
        unread=_unread_papers(session, start, now, wanted),
        councils=None if councils is None else sorted(set(councils)),
        council_names=[] if councils is None else sorted(name for _, slug, name in known if slug in councils),
    )


def _by_council(changes: list[ChangeView], findings: list[CouncilFindings]) -> list[CouncilFindings]:
    """Each council once: its changes, then its other new sentences (none repeating a change's)."""
    sections = {finding.slug: finding for finding in findings}
    for change in changes:
        section = sections.setdefault(change.council_slug, CouncilFindings(change.council_name, change.council_slug, []))
        section.changes.append(change)
    for section in sections.values():
        told = {_sentence_key(item.get("quote")) for change in section.changes for item in change.evidence}
        told_figures = {_figure_key(figure) for change in section.changes for figure in change.figures}
        for document in section.documents:
            document.quotes = [item for item in document.quotes if _sentence_key(item["quote"]) not in told]
            document.figures = [figure for figure in document.figures if _figure_key(figure) not in told_figures]
        section.documents = [document for document in section.documents if document.quotes or document.figures]
    kept = [section for section in sections.values() if section.changes or section.documents]
    return sorted(kept, key=lambda section: (not section.changes, section.name.lower()))


def _sentence_key(quote: object) -> str:
    return " ".join(str(quote or "").lower().split())


def _figure_key(figure: dict) -> tuple[object, object]:
    return (json_amount(figure.get("amount_gbp")), figure.get("label"))


def _is_a_sentence(quote: str, title: str) -> bool:
    """Evidence worth quoting: not the paper's (or an agenda item's) title repeated back."""
    words = quote.split()
    return _sentence_key(quote) != _sentence_key(title) and (len(words) >= 6 or quote.rstrip().endswith((".", "!", "?")))


def _new_findings(session: Session, start: dt.datetime, end: dt.datetime, wanted: Callable[[int], bool]) -> list[CouncilFindings]:
    evidence = session.scalars(
        select(Evidence)
        .where(
            Evidence.created_at >= start,
            Evidence.created_at < end,
            Evidence.kind == "signal",
            Evidence.confidence >= MIN_CONFIDENCE,
        )
        .order_by(Evidence.council_id, Evidence.document_id, Evidence.page, Evidence.id)
    ).all()
    evidence = [item for item in evidence if wanted(item.council_id)]
    if not evidence:
        return []
    document_ids = {item.document_id for item in evidence}
    documents = {doc.id: doc for doc in session.scalars(select(Document).where(Document.id.in_(document_ids)))}
    figures: dict[int, list[Figure]] = defaultdict(list)
    for figure in session.scalars(select(Figure).where(Figure.document_id.in_(document_ids)).order_by(Figure.page, Figure.id)):
        figures[figure.document_id].append(figure)
    councils = {c.id: c for c in session.scalars(select(Council).where(Council.id.in_({e.council_id for e in evidence})))}
    scanned = pages_read_by_ocr(session, list(document_ids))
    by_council: dict[int, dict[int, NewFinding]] = defaultdict(dict)
    sentences: dict[int, dict[str, dict]] = defaultdict(dict)  # council -> sentence -> its quote
    figures_seen: dict[int, set[tuple[object, object]]] = defaultdict(set)
    for item in evidence:
        document = documents[item.document_id]
        title = (document.title or document.url).strip()
        if not _is_a_sentence(item.quote, title):
            continue
        said = sentences[item.council_id].get(_sentence_key(item.quote))
        if said is not None:  # the same sentence again (a pack and its report, or two statuses): once
            if item.status not in said["statuses"]:
                said["statuses"].append(item.status)
            continue
        finding = by_council[item.council_id].get(document.id)
        if finding is None:
            finding = NewFinding(
                title=title,
                url=safe_url(document.url),
                date=(document.published_date.isoformat() if document.published_date else None),
            )
            for f in figures.get(document.id, []):
                row = {
                    "text": f.text,
                    "label": f.label,
                    "amount_gbp": json_amount(f.amount_gbp),
                    "financial_year": f.financial_year,
                }
                if f.label and _figure_key(row) not in figures_seen[item.council_id] and len(finding.figures) < 6:
                    figures_seen[item.council_id].add(_figure_key(row))
                    finding.figures.append(row)
            by_council[item.council_id][document.id] = finding
        link = page_link(finding.url, item.page, is_pdf=document.kind == "pdf") if finding.url else None
        quote = {
            "quote": item.quote,
            "page": item.page,
            "status": item.status,
            "statuses": [item.status],
            "link": link,
            "ocr": (item.document_id, item.page) in scanned,
        }
        sentences[item.council_id][_sentence_key(item.quote)] = quote
        finding.quotes.append(quote)
    return [
        CouncilFindings(name=councils[council_id].name, slug=councils[council_id].slug, documents=list(docs.values()))
        for council_id, docs in sorted(by_council.items(), key=lambda pair: councils[pair[0]].name.lower())
    ]


def _troubled_councils(session: Session, config: Config, wanted: Callable[[int], bool]) -> list[dict]:
    """The wanted councils flagged for the operator (``sendwatch.core.health``), by name."""
    flagged = sorted(
        (council for council in flagged_councils(session, config.crawl.flag_after_cycles) if wanted(council.id)),
        key=lambda council: council.name,
    )
    return [
        {
            "name": council.name,
            "outcome": crawl_health(council),
            "failures": council.consecutive_failures,
            "empty": council.consecutive_empty,
            "last_success": council.last_success_at.date().isoformat() if council.last_success_at else None,
            "error": (council.last_error or "").strip().splitlines()[0][:200] if council.last_error else None,
        }
        for council in flagged
    ]


def _unread_papers(session: Session, start: dt.datetime, end: dt.datetime, wanted: Callable[[int], bool]) -> list[UnreadPapers]:
    """Papers first found this week that could not be read, by council name."""
    documents = session.scalars(
        select(Document)
        .where(
            Document.first_seen_at >= start,
            Document.first_seen_at < end,
            Document.text_state.in_(list(UNREAD_REASONS)),
        )
        .order_by(Document.council_id, Document.first_seen_at, Document.id)
    ).all()
    by_council: dict[int, list[Document]] = defaultdict(list)
    for document in documents:
        if wanted(document.council_id):
            by_council[document.council_id].append(document)
    names = dict(session.execute(select(Council.id, Council.name).where(Council.id.in_(list(by_council)))).all())
    return [
        UnreadPapers(
            name=names[council_id],
            papers=[
                {
                    "title": document.title or "Untitled paper",
                    "url": safe_url(document.url),
                    "why": UNREAD_REASONS[document.text_state],
                }
                for document in papers[:UNREAD_SHOWN]
            ],
            more=max(0, len(papers) - UNREAD_SHOWN),
        )
        for council_id, papers in sorted(by_council.items(), key=lambda pair: names[pair[0]].lower())
    ]


def render_digest(content: DigestContent, links: Links | None) -> tuple[str, str, str]:
    """Subject, HTML and text of a digest."""
    subject = f"sendwatch weekly digest, week to {content.period_end.date().day} {content.period_end:%B %Y}"
    if content.changes:
        subject += f": {len(content.changes)} status change{'s' if len(content.changes) != 1 else ''}"
    html, text = render_pair("digest", subject=subject, digest=content, links=links)
    return subject, html, text


def build_digest(
    session: Session, config: Config, now: dt.datetime | None = None, councils: list[str] | None = None
) -> tuple[str, str]:
    """The digest's HTML and text for the week ending ``now`` (a preview: no personal links)."""
    _, html, text = render_digest(collect_digest(session, config, now or utcnow(), councils), None)
    return html, text


SUMMARY_CHANGES = 5  # status changes named in a digest's summary; the rest are counted


def render_digest_notification(content: DigestContent, subject: str, web_view: str, service: Reach | None) -> tuple[str, str]:
    """The digest for one notification URL, as Markdown and as plain text (``alerts.channels``
    sends its service the one it shows best): the whole digest when it fits in one of that
    service's messages, else a summary with the link to the whole digest on the web."""
    markdown, text = render_text("digest.md", digest=content), render_text("digest.txt", digest=content, links=None)
    if service is None:  # Apprise cannot use the URL: the send fails and says so, whatever the body
        return markdown, text
    body = text if service.body == "text" else markdown
    if len(body) + (len(subject) + 2 if service.title_in_body else 0) <= service.max_chars:
        return markdown, text
    context = dict(digest=content, web_view=web_view, shown=SUMMARY_CHANGES)
    return render_text("digest_summary.md", **context), render_text("digest_summary.txt", **context)


def queue_digests(session: Session, config: Config, now: dt.datetime) -> int:
    """Queue this week's digest for each weekly subscriber (once per person and target per week):
    an email, and one notification per ``notify`` URL, written in one transaction with the
    week's archived copies, which the notifications link to. Returns how many rows were queued."""
    secret = signing_secret(config)
    archived = _archive(session, config, now)
    queued = 0
    for subscriber in active_subscribers(session, "weekly"):
        content = collect_digest(session, config, now, subscriber.councils)
        if subscriber.notify:
            web_view = _web_view(session, config, secret, archived, subscriber, content)
        links = links_for(config, subscriber, secret)
        subject, html, text = render_digest(content, links)
        key = message_key("digest", subscriber, week_id(now))
        rows: list[OutboxMessage | None] = []
        if wants_email(subscriber):
            rows.append(
                enqueue(
                    session,
                    config,
                    kind="digest",
                    key=key,
                    subscriber=subscriber,
                    subject=subject,
                    html=html,
                    text=text,
                    links=links,
                    now=now,
                )
            )
        for url in subscriber.notify or []:
            markdown, plain = render_digest_notification(content, subject, web_view, reach(url))
            rows.append(
                enqueue_notification(
                    session,
                    config,
                    key=message_key("digest", subscriber, key, "apprise", url),
                    kind="digest",
                    subscriber=subscriber,
                    url=url,
                    title=subject,
                    markdown=markdown,
                    text=plain,
                    now=now,
                )
            )
        queued += sum(row is not None for row in rows)
    return queued


def councils_key(councils: list[str]) -> str:
    """One set of councils as one string: the slugs, sorted, each once."""
    return ",".join(sorted(set(councils)))


def _web_view(
    session: Session, config: Config, secret: bytes, archived: Digest, subscriber: Subscriber, content: DigestContent
) -> str:
    """The link to the digest this subscriber was sent, on the web: the national copy when they
    watch every council, else the week's copy of their councils, kept now if it is not yet."""
    base = config.web.base_url.rstrip("/")
    if subscriber.councils is None:
        return f"{base}/digests/{archived.id}"
    view = DigestView(archived.id, councils_key(subscriber.councils))
    kept = session.scalars(
        select(DigestCopy.id).where(DigestCopy.digest_id == view.digest_id, DigestCopy.councils == view.councils)
    ).first()
    if kept is None:  # the week's first run for this set; a rerun, or a job at the same time, keeps the first
        _, html, text = render_digest(content, None)
        copy = dict(digest_id=view.digest_id, councils=view.councils, html=html, text=text, created_at=utcnow())
        insert_missing(session, DigestCopy, [copy], key=["digest_id", "councils"])
    return f"{base}/digests/{archived.id}?view={make_digest_view_token(secret, view)}"


def _archive(session: Session, config: Config, now: dt.datetime) -> Digest:
    """Keep one national copy per week for the web app: the week's copy, kept before, by a
    digest job running at the same time, or now (``week`` is unique: two jobs keep one)."""
    week = week_id(now)
    kept = select(Digest).where(Digest.week == week)
    archived = session.scalars(kept).first()
    if archived is None:
        _, html, text = render_digest(collect_digest(session, config, now), None)
        copy = dict(week=week, period_start=now - WEEK, period_end=now, html=html, text=text, created_at=utcnow())
        insert_missing(session, Digest, [copy], key=["week"])
        archived = session.scalars(kept).one()
    return archived


def send_digest(config: Config, database: Database, now: dt.datetime | None = None, linger_seconds: float = 0.0) -> SendSummary:
    """Queue the week's digests and drain the outbox (retrying temporary failures for
    ``linger_seconds``)."""
    now = now or utcnow()
    with database.session() as session:
        queue_digests(session, config, now)
    return send_pending(config, database, now=now, linger_seconds=linger_seconds)
