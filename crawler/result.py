"""The summary of one council's crawl that the cycle, the CLI and progress displays read."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.items import CrawlProblem
from sendwatch.core.vocabulary import CrawlOutcome


@dataclass
class CouncilCrawlResult:
    """What one council's crawl found and how it ended.

    ``errors`` are what went wrong (the first one is the council's ``last_error``); ``notes`` are
    what the spider worked around on the way (a web service down, so the HTML pages were read):
    worth knowing, never a failure.
    """

    slug: str
    outcome: CrawlOutcome
    meetings: int = 0
    items: int = 0
    documents: int = 0
    documents_new: int = 0
    documents_changed: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str | None = None


def decide_outcome(
    platform: str,
    problems: list[CrawlProblem],
    meetings_in_window: int,
    documents: int,
    window: str,
    unstored: list[str] | None = None,
) -> tuple[CrawlOutcome, str | None]:
    """ok / empty / blocked / failing, with the reason when it is not ok.

    A refused entry point is ``blocked`` (never "no news"); nothing found with errors on the way
    is ``failing``; nothing found cleanly is ``empty``. Listing councils have no meetings, so
    their papers count instead. Papers whose bodies could not be stored here (``unstored``: a
    full disk, an unwritable data_dir) make the crawl ``failing`` whatever was found: the
    council's news did not reach us, and the fault is ours to fix.
    """
    blocked = [p for p in problems if p.kind == "blocked" and p.entry]
    if blocked:
        return "blocked", f"{blocked[0].message} at {blocked[0].url}"
    if unstored:
        return "failing", f"{len(unstored)} of {documents} papers could not be stored: {unstored[0]}"
    found = documents if platform == "listing" else meetings_in_window
    if found:
        return "ok", None
    errors = [p for p in problems if p.kind in ("error", "blocked")]
    if errors:
        return "failing", f"{errors[0].message} at {errors[0].url}" if errors[0].url else errors[0].message
    what = "no matching papers on the listing pages" if platform == "listing" else f"no meetings of matching committees {window}"
    return "empty", what
