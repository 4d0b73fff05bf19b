"""A whole cycle over a ModernGov site whose web service is off and whose meetings list shows only
recent meetings: a council's status stated in a paper older than that, behind "Earlier meetings",
is still found, and the evidence links to that paper."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sendwatch.demo.site import FORUM, DemoCommittee, DemoCouncil, DemoDocument, DemoMeeting, DemoSite
from sendwatch.demo.site.moderngov_pages import RECENT_DAYS
from tests.cycle.conftest import REPORTER, write_cycle_config
from tests.support.smtp import SmtpServer


def harrowfield(today: dt.date) -> DemoCouncil:
    old_day = today - dt.timedelta(days=RECENT_DAYS + 120)
    agreement = DemoDocument(
        "Dedicated Schools Grant: safety valve",
        [
            "Harrowfield Borough Council\nSchools Forum\nDedicated Schools Grant: safety valve",
            "Harrowfield Borough Council has entered into a safety valve agreement with the Department for "
            "Education, which will fund the cumulative deficit over five years.",
        ],
        published=old_day,
    )
    recent = DemoDocument(
        "High needs budget monitoring",
        ["Harrowfield Borough Council\nSchools Forum\nThe forum noted the month 6 monitoring position."],
        published=today - dt.timedelta(days=15),
    )
    return DemoCouncil(
        "harrowfield",
        "Harrowfield Borough Council",
        "moderngov",
        variants={"earlier_meetings"},
        committees=[
            DemoCommittee(
                FORUM,
                [
                    DemoMeeting(date=old_day, documents=[agreement]),
                    DemoMeeting(date=today - dt.timedelta(days=15), documents=[recent]),
                ],
            )
        ],
    )


@pytest.fixture
def site(today: dt.date) -> Iterator[DemoSite]:
    with DemoSite([harrowfield(today)], today=today) as running:
        running.set_web_service("harrowfield", "not_found")
        yield running


@pytest.fixture
def cycle_config(tmp_path: Path, site: DemoSite, smtp_server: SmtpServer) -> Path:
    return write_cycle_config(
        tmp_path, site, smtp_server, ["harrowfield"], [{"email": REPORTER, "councils": "all", "frequency": "immediate"}]
    )


def test_a_status_in_a_paper_behind_earlier_meetings_is_found_without_the_web_service(site: DemoSite, sendwatch) -> None:  # type: ignore[no-untyped-def]
    run = sendwatch("run", "--once")
    assert run.returncode == 0, run.stderr
    assert "councils: 1 ok, 0 empty, 0 blocked, 0 failing" in run.stdout, run.stdout

    (status,) = json.loads(sendwatch("status", "--json").stdout)
    assert status["status"] == "sv_agreed", status
    evidence = status["evidence"][0]
    assert "entered into a safety valve agreement" in evidence["quote"]
    assert evidence["page"] == 2
    asked = site.requests("harrowfield")
    assert [path for path in asked if "Act=earlier" in path], "the older paper was reached through the Earlier meetings link"
    assert [path for path in asked if "mgWebService" in path], "the web service was tried first"
