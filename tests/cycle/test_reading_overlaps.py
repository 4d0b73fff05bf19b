"""Reading overlaps crawling: a council's papers are read once it commits, not after the last council."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from sendwatch.core.storage.models import Council, CrawlRun, Document
from sendwatch.demo.site import DemoSite
from tests.cycle.test_kills import database_of


def test_papers_of_a_council_that_committed_are_read_while_a_slow_one_still_crawls(
    site: DemoSite, cycle_config: Path, sendwatch
) -> None:
    site.fail("riverton", "slow", size=500)  # every answer half a second late: the last council to finish

    done = sendwatch("run", "--once")

    assert done.returncode == 0, done.stderr
    database = database_of(cycle_config)
    try:
        with database.session() as session:
            riverton_finished = session.scalar(
                select(CrawlRun.finished_at).join(Council).where(Council.slug == "riverton", CrawlRun.outcome == "ok")
            )
            eastmoor_first_read = session.scalar(
                select(func.min(Document.extracted_at)).join(Council).where(Council.slug == "eastmoor")
            )
            unread = session.scalar(select(func.count()).select_from(Document).where(Document.extracted_at.is_(None)))
    finally:
        database.dispose()
    assert riverton_finished is not None and eastmoor_first_read is not None
    assert eastmoor_first_read < riverton_finished, "eastmoor's papers were read before riverton's crawl ended"
    assert unread == 0, "and every paper was read by the end of the cycle"
