"""Fixtures for crawler tests: a running demo site, a config pointing at it, and crawl helpers.

Every crawl goes over real sockets to the demo site on loopback addresses, in real child
processes, with the download delay at 0 and retries without backoff to keep the suite fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler import CouncilCrawlResult, crawl_councils
from sendwatch.core.config import Config, parse_config
from sendwatch.core.storage import Database, open_database
from sendwatch.demo.site import DemoCouncil, DemoSite


@pytest.fixture
def today() -> dt.date:
    return dt.date.today()


@pytest.fixture
def demo() -> Iterator[Callable[..., DemoSite]]:
    """Start a demo site from a list of councils; stopped after the test."""
    sites: list[DemoSite] = []

    def start(councils: list[DemoCouncil]) -> DemoSite:
        site = DemoSite(councils).start()
        sites.append(site)
        return site

    yield start
    for site in sites:
        site.stop()


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """A Config for the given demo councils; ``crawl`` overrides merge over fast test defaults."""

    def make(site: DemoSite, slugs: list[str], database_url: str | None = None, folder: str = "run", **crawl: Any) -> Config:
        base = tmp_path / folder
        base.mkdir(exist_ok=True)
        data = {
            "database": database_url or f"sqlite:///{base / 'sendwatch.db'}",
            "data_dir": str(base / "data"),
            # ``since`` a little over a year back: every sample meeting, without years of empty CMIS months.
            "crawl": {
                "download_delay": 0,
                "retries": 1,
                "retry_backoff_seconds": 0,
                "timeout_seconds": 10,
                "parallel_councils": 4,
                "council_timeout_seconds": 60,
                "since": (dt.date.today() - dt.timedelta(days=400)).isoformat(),
                **crawl,
            },
            "councils": [site.council_config(slug) for slug in slugs],
        }
        return parse_config(yaml.safe_dump(data), base_dir=base)

    return make


@pytest.fixture
def crawl() -> Iterator[Callable[..., dict[str, CouncilCrawlResult]]]:
    """Run ``crawl_councils`` and return results by slug; databases are closed after the test."""
    opened: dict[str, Database] = {}

    def run(config: Config, **kwargs: Any) -> dict[str, CouncilCrawlResult]:
        database = opened.get(config.database_url)
        if database is None:
            database = opened[config.database_url] = open_database(config.database_url)
        return {result.slug: result for result in crawl_councils(config, database, **kwargs)}

    yield run
    for database in opened.values():
        database.dispose()
