"""Every council crawled at once, each at its own polite pace, in a few shared worker processes.

What one process per council gave is kept: a council that hangs, one that crashes its worker
and one over its time limit, among many healthy ones, cost only themselves; the others complete
and commit; nothing of the bad ones is half-written. What the demo site's request log shows:
councils really are crawled side by side, while one site never has two requests in flight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest
from crawl_support import rows
from poison_support import CRASH_ON_POISON, SPIN_ON_POISON

from sendwatch.core.storage.models import Committee, Council, CrawlRun, Document, Meeting
from sendwatch.demo.site import DemoSite, Served, sample_council

HEALTHY = [f"healthy-{n}" for n in range(10)]


@pytest.fixture
def crowd(demo, today: dt.date) -> DemoSite:
    """Ten healthy councils of every platform, and three that go wrong in different ways."""
    platforms = ["moderngov"] * 7 + ["cmis", "listing", "moderngov"]
    councils = [sample_council(slug, platform, today) for slug, platform in zip(HEALTHY, platforms, strict=True)]  # type: ignore[arg-type]
    councils += [sample_council(slug, "moderngov", today) for slug in ("hangs", "crashes", "overruns")]
    site = demo(councils)
    site.fail("hangs", "hang")  # accepts every request and never answers
    site.fail("crashes", "poison")  # its pages crash the process parsing them
    site.fail("overruns", "slow", size=3000)  # answers everything, three seconds late: far over its limit
    return site


def test_a_hang_a_crash_and_an_overrun_cost_only_themselves(crowd, make_config, crawl):
    slugs = [*HEALTHY, "hangs", "crashes", "overruns"]
    # Two workers, so the crashing council shares its process with about six healthy ones.
    config = make_config(crowd, slugs, workers=2, parallel_councils=None, council_timeout_seconds=8, timeout_seconds=60)

    results = crawl(config, extra_settings=CRASH_ON_POISON)

    for slug in HEALTHY:
        assert results[slug].outcome == "ok", results[slug]
        council = rows(config, Council, slug=slug)[0]
        assert len(rows(config, Meeting, council_id=council.id)) == results[slug].meetings
        assert len(rows(config, Document, council_id=council.id)) == results[slug].documents > 0
    assert "timed out after 8 s" in results["hangs"].reason
    assert "timed out after 8 s" in results["overruns"].reason
    assert "crawl process died without a result (killed by SIGSEGV)" in results["crashes"].reason
    for slug in ("hangs", "crashes", "overruns"):
        assert results[slug].outcome == "failing"
        council = rows(config, Council, slug=slug)[0]
        for model in (Committee, Meeting, Document):
            assert rows(config, model, council_id=council.id) == [], f"{slug}: {model.__name__} written"
        assert council.last_error == results[slug].reason
    for slug in slugs:  # those that died with the crasher were crawled again, and recorded once
        assert len(rows(config, CrawlRun, council_id=rows(config, Council, slug=slug)[0].id)) == 1, slug
    crawled_twice = [slug for slug in HEALTHY if crowd.requests(slug)["/robots.txt"] == 2]
    assert crawled_twice, "the crash took healthy councils down with it, and they were crawled again"


def test_a_parser_that_never_returns_costs_only_its_council(demo, make_config, crawl, today):
    slugs = [f"council-{n}" for n in range(5)]
    site = demo([sample_council(slug, "moderngov", today) for slug in [*slugs, "spins"]])
    site.fail("spins", "poison")
    # One worker: the spinning parser blocks the reactor of every council there is.
    config = make_config(site, [*slugs, "spins"], workers=1, parallel_councils=None, council_timeout_seconds=4)

    results = crawl(config, extra_settings=SPIN_ON_POISON)

    assert {slug: results[slug].outcome for slug in slugs} == dict.fromkeys(slugs, "ok")
    assert results["spins"].outcome == "failing" and "timed out after 4 s" in results["spins"].reason
    spins = rows(config, Council, slug="spins")[0]
    assert rows(config, Meeting, council_id=spins.id) == []
    assert len(rows(config, CrawlRun, council_id=spins.id)) == 1


def first_and_last(log: list[Served]) -> dict[str, tuple[float, float]]:
    """Each site's first request's arrival and last request's answer."""
    spans: dict[str, tuple[float, float]] = {}
    for request in log:
        first, last = spans.get(request.slug, (request.arrived, request.answered))
        spans[request.slug] = (min(first, request.arrived), max(last, request.answered))
    return spans


def most_at_once(spans: Iterable[tuple[float, float]]) -> int:
    edges = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    level = peak = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


def test_councils_are_crawled_side_by_side_each_site_one_request_at_a_time(demo, make_config, crawl, today):
    slugs = [f"council-{n}" for n in range(6)]
    site = demo([sample_council(slug, "moderngov", today) for slug in slugs])
    delay = 0.2
    config = make_config(site, slugs, workers=2, parallel_councils=None, download_delay=delay)

    results = crawl(config)

    assert {result.outcome for result in results.values()} == {"ok"}
    log = site.served()
    spans = first_and_last(log)
    assert max(start for start, _ in spans.values()) < min(end for _, end in spans.values()), (
        "every site had its first request before any site had its last: all crawled at once"
    )
    assert most_at_once(spans.values()) == len(slugs)
    for slug in slugs:
        requests = [request for request in log if request.slug == slug]
        assert len(requests) > 5
        gaps = []
        for before, after in zip(requests, requests[1:], strict=False):
            assert after.arrived >= before.answered, f"{slug}: {after.path} asked while {before.path} was in flight"
            gaps.append(after.arrived - before.arrived)
        # Scrapy waits 0.5 to 1.5 times download_delay between one site's requests, timed as it sends
        # them; arrivals can be closer by what a loaded machine adds to opening the first connection.
        assert min(gaps) >= 0.25 * delay, f"{slug}: a request came {min(gaps):.3f} s after the one before"
        assert sum(gaps) / len(gaps) >= 0.5 * delay, f"{slug}: requests came {sum(gaps) / len(gaps):.3f} s apart on average"


@pytest.mark.parametrize(
    "caps",
    [{"parallel_councils": 2}, {"parallel_councils": None, "workers": 1, "councils_per_worker": 2}],
    ids=["sites in flight", "councils per worker"],
)
def test_the_caps_bound_the_sites_in_flight(demo, make_config, crawl, today, caps):
    slugs = [f"council-{n}" for n in range(5)]
    site = demo([sample_council(slug, "listing", today) for slug in slugs])
    config = make_config(site, slugs, download_delay=0.05, **caps)

    results = crawl(config)

    assert {result.outcome for result in results.values()} == {"ok"}
    assert most_at_once(first_and_last(site.served()).values()) == 2
