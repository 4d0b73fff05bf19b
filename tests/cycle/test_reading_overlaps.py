"""Reading overlaps crawling: a council's papers are read once it commits, not after the last council."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select

from sendwatch.core.storage.models import Council, CrawlRun, Document
from sendwatch.demo.site import DemoSite
from tests.cycle.test_kills import Run, database_of
from tests.support.waiting import wait_until


def test_papers_of_a_council_that_committed_are_read_while_a_slow_one_still_crawls(site: DemoSite, cycle_config: Path) -> None:
    # Riverton's pages are held unanswered until eastmoor's papers have been read: if reading waited
    # for the last council's crawl, that would never happen and the wait below would time out.
    settings = yaml.safe_load(cycle_config.read_text(encoding="utf-8"))
    settings["crawl"]["timeout_seconds"] = 300  # riverton's held request must outlast the wait
    cycle_config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    site.fail("riverton", "hang")
    database = database_of(cycle_config)
    run = Run(cycle_config)
    try:

        def eastmoor_read_at() -> object:
            with database.session() as session:
                return session.scalar(select(func.min(Document.extracted_at)).join(Council).where(Council.slug == "eastmoor"))

        # The demo site answers a held request after 120 s at the latest: wait less than that.
        wait_until(
            lambda: run.process.poll() is not None or eastmoor_read_at() is not None,
            timeout=100,
            message="eastmoor's papers to be read",
        )
        assert run.process.poll() is None, "the cycle ended while riverton's pages were still held"
        eastmoor_first_read = eastmoor_read_at()
        site.clear_failures("riverton")
        assert run.process.wait(timeout=240) == 0, "".join(run.lines)
        with database.session() as session:
            riverton_finished = session.scalar(
                select(CrawlRun.finished_at).join(Council).where(Council.slug == "riverton", CrawlRun.outcome == "ok")
            )
            unread = session.scalar(select(func.count()).select_from(Document).where(Document.extracted_at.is_(None)))
    finally:
        if run.process.poll() is None:
            run.kill()
        database.dispose()
    assert riverton_finished is not None, "riverton's crawl completed once its pages were answered"
    assert eastmoor_first_read < riverton_finished, "eastmoor's papers were read before riverton's crawl ended"
    assert unread == 0, "and every paper was read by the end of the cycle"
