"""A council's crawl health, decided in one place.

The cycle's summary, ``sendwatch councils [--flagged]``, the weekly digest and the web app all
ask these functions, so they never name different councils. ``crawl_health`` is what the last
crawl said (or why there is none); ``is_flagged`` is the operator's rule: a council that failed,
or found nothing, in ``crawl.flag_after_cycles`` crawls in a row needs a person to look at it.
One bad crawl is not yet news: sites go down for an evening.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sendwatch.core.storage.models import Council
from sendwatch.core.vocabulary import CrawlHealth


def crawl_health(council: Council) -> CrawlHealth:
    """``disabled``, ``never_checked``, or the outcome of the council's last crawl."""
    if not council.enabled:
        return "disabled"
    return council.last_outcome or "never_checked"


def is_flagged(council: Council, flag_after: int) -> bool:
    """Enabled, and failing or empty for ``flag_after`` crawls in a row."""
    return council.enabled and (
        (council.consecutive_failures or 0) >= flag_after or (council.consecutive_empty or 0) >= flag_after
    )


def flagged_councils(session: Session, flag_after: int) -> list[Council]:
    """Every flagged council, by slug."""
    councils = session.scalars(select(Council).where(Council.enabled.is_(True)).order_by(Council.slug))
    return [council for council in councils if is_flagged(council, flag_after)]
