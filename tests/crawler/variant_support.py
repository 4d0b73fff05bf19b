"""One demo council per site variant, crawled twice over real sockets, for the per-variant tests.

``crawl_twice`` runs a first crawl (back-filling to ``since``) and a second one with nothing
changed, and keeps what each asked the site for, so a test can check one field of one variant.
``expected`` reads what the demo council publishes, in the terms the database uses.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from crawl_support import rows

from crawler import CouncilCrawlResult, crawl_councils
from sendwatch.core.config import Config, parse_config
from sendwatch.core.storage import open_database
from sendwatch.core.storage.models import AgendaItem, Document, Meeting
from sendwatch.demo.site import DemoSite, sample_council
from sendwatch.demo.site.spec import DemoCommittee, DemoDocument, DemoMeeting

# Variants shown only on ModernGov's public pages: their councils' web service is switched off.
PAGE_VARIANTS = {
    "items_link_to_reports",
    "plain_paragraphs",
    "earlier_meetings",
    "ce_list_documents",
    "cancelled_meeting",
    "struck_through",
    "postponed_meeting",
    "numeric_dates",
    "lower_case_links",
    "data_paper_paths",
}


@dataclass
class VariantCrawl:
    site: DemoSite
    slug: str
    config: Config
    first: CouncilCrawlResult
    second: CouncilCrawlResult
    first_requests: Counter[str]
    first_bodies: Counter[str]
    second_requests: Counter[str]
    second_bodies: Counter[str]

    @property
    def forum(self) -> DemoCommittee:
        return next(c for c in self.site.council(self.slug).committees if "forum" in c.title.lower())

    def meeting_row(self, meeting: DemoMeeting) -> Meeting:
        return next(m for m in rows(self.config, Meeting) if m.external_id == str(meeting.id))

    def items_of(self, meeting: DemoMeeting) -> list[AgendaItem]:
        return sorted(rows(self.config, AgendaItem, meeting_id=self.meeting_row(meeting).id), key=lambda item: item.id)

    def papers(self) -> list[Document]:
        """The stored papers, without the item texts composed from the pages."""
        return [d for d in rows(self.config, Document) if "mgAi.aspx" not in d.url and "#item-" not in d.url]


def start_site(slug: str, platform: str, variants: set[str], today: dt.date, **council: object) -> DemoSite:
    """A running demo site with one sample council showing ``variants`` (web service off for page variants)."""
    site = DemoSite([sample_council(slug, platform, today, variants=variants, **council)]).start()  # type: ignore[arg-type]
    if platform == "moderngov" and variants & PAGE_VARIANTS:
        site.set_web_service(slug, "not_found")
    return site


def variant_config(site: DemoSite, slug: str, folder: Path, **crawl: object) -> Config:
    """A config for the council, fast test defaults, ``since`` a little over a year back."""
    return parse_config(
        yaml.safe_dump(
            {
                "database": f"sqlite:///{folder / 'sendwatch.db'}",
                "data_dir": str(folder / "data"),
                "crawl": {
                    "download_delay": 0,
                    "retries": 1,
                    "retry_backoff_seconds": 0,
                    "timeout_seconds": 10,
                    "since": (dt.date.today() - dt.timedelta(days=400)).isoformat(),
                    **crawl,
                },
                "councils": [site.council_config(slug)],
            }
        ),
        base_dir=folder,
    )


def crawl_twice(site: DemoSite, slug: str, folder: Path, **crawl: object) -> VariantCrawl:
    """Crawl the council, then again with nothing changed; keep what the site saw each time."""
    config = variant_config(site, slug, folder, **crawl)
    database = open_database(config.database_url)
    try:
        site.reset_counts()
        first = crawl_councils(config, database)[0]
        first_requests, first_bodies = site.requests(slug), site.bodies(slug)
        site.reset_counts()
        second = crawl_councils(config, database)[0]
    finally:
        database.dispose()
    return VariantCrawl(site, slug, config, first, second, first_requests, first_bodies, site.requests(slug), site.bodies(slug))


def public_documents(meeting: DemoMeeting) -> list[DemoDocument]:
    return [document for document in meeting.all_documents() if not document.restricted]


def forum_meetings_since(crawled: VariantCrawl) -> list[DemoMeeting]:
    since = crawled.config.crawl.since
    return [meeting for meeting in crawled.forum.meetings if meeting.date >= since]


class OncePerKey:
    """Values built on first use, one demo site each (per test worker), the sites stopped together.

    ``build(key)`` returns ``(value, site)``; a module fixture yields the instance and calls ``stop``.
    """

    def __init__(self, build: Callable[[str], tuple[Any, DemoSite]]):
        self.build = build
        self.values: dict[str, Any] = {}
        self.sites: list[DemoSite] = []

    def __call__(self, key: str) -> Any:
        if key not in self.values:
            value, site = self.build(key)
            self.sites.append(site)
            self.values[key] = value
        return self.values[key]

    def stop(self) -> None:
        for site in self.sites:
            site.stop()
