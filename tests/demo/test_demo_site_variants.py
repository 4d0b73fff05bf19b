"""The demo site shows each shape a council's ``variants`` name, and only then, over real sockets.

One sample council with the shape and one without are served side by side, and the same page
of each is read: the shape is on the first and not on the second. The crawler's tests read these
shapes (tests/crawler/test_demo_council_shapes.py); these say the site really shows them.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from sendwatch.demo.site import DemoCouncil, DemoMeeting, DemoSite, sample_council
from sendwatch.demo.site.cmis_pages import cmis_meeting_path
from sendwatch.demo.site.pages import data_path, uk_date

TODAY = dt.date(2026, 12, 2)


def get(site: DemoSite, slug: str, path: str) -> tuple[int, bytes]:
    """The status and body the site answers a path with (``path`` from the server's root)."""
    try:
        with urllib.request.urlopen(site.origin(slug) + path, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def forum(council: DemoCouncil):  # type: ignore[no-untyped-def]
    return next(c for c in council.committees if "forum" in c.title.lower())


def first_meeting(council: DemoCouncil) -> DemoMeeting:
    return next(m for m in forum(council).meetings if m.items)


def with_status(council: DemoCouncil, status: str) -> DemoMeeting:
    return next(m for m in forum(council).meetings if m.status == status)


def meetings_list(council: DemoCouncil) -> str:
    return f"{council.mount}ieListMeetings.aspx?CommitteeId={forum(council).id}&Year={first_meeting(council).date.year}"


def meeting_page(council: DemoCouncil, meeting: DemoMeeting | None = None) -> str:
    meeting = meeting or first_meeting(council)
    if council.platform == "cmis":
        return cmis_meeting_path(council, forum(council), meeting)
    return f"{council.mount}ieListDocuments.aspx?CId={forum(council).id}&MId={meeting.id}&Ver=4"


def month_view(council: DemoCouncil, day: dt.date) -> str:
    return f"{council.mount}Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/{day.replace(day=1)}/Default.aspx"


def web_service(council: DemoCouncil, method: str) -> str:
    start, end = uk_date(TODAY - dt.timedelta(days=400)), uk_date(TODAY + dt.timedelta(days=60))
    return f"{council.mount}mgWebService.asmx/{method}?lCommitteeId={forum(council).id}&sFromDate={start}&sToDate={end}"


# variant -> platform, the page to read (from the council showing it) and what must be on it.
Check = Callable[[DemoCouncil], tuple[str, str]]
SHOWN: dict[str, tuple[str, Check]] = {
    "numeric_dates": ("moderngov", lambda c: (meetings_list(c), f">{uk_date(first_meeting(c).date)}")),
    "xml_dates_with_time": (
        "moderngov",
        lambda c: (web_service(c, "GetMeetings"), f"{uk_date(first_meeting(c).date)} 00:00:00<"),
    ),
    "postponed_meeting": ("moderngov", lambda c: (meetings_list(c), "</a> - POSTPONED</li>")),
    "struck_through": ("moderngov", lambda c: (meetings_list(c), '<li><s><a class="mgMeetingTableLnk"')),
    "lower_case_links": ("moderngov", lambda c: (meetings_list(c), 'href="ielistdocuments.aspx?cid=')),
    "data_paper_paths": ("moderngov", lambda c: (meeting_page(c), 'href="Data/Schools%20Forum/')),
    "typographic_apostrophes": ("moderngov", lambda c: (web_service(c, "GetCommittees"), "<committeetitle>Schools\u2019 Forum<")),
    "school_forum": ("moderngov", lambda c: (web_service(c, "GetCommittees"), "<committeetitle>School Forum<")),
    "status_after_name": (
        "cmis",
        lambda c: (month_view(c, with_status(c, "Cancelled").date), "Schools Forum - CANCELLED</a>"),
    ),
    "iso_dates": ("cmis", lambda c: (meeting_page(c), f'"Value DateTime">{first_meeting(c).date.isoformat()} ')),
}


@pytest.fixture(scope="module")
def served() -> Iterator[Callable[[str], tuple[DemoSite, DemoCouncil, DemoCouncil]]]:
    """A site per variant (made on first use): a council showing it, and one on the same platform without."""
    sites: dict[str, tuple[DemoSite, DemoCouncil, DemoCouncil]] = {}

    def site_for(variant: str) -> tuple[DemoSite, DemoCouncil, DemoCouncil]:
        if variant not in sites:
            platform = SHOWN[variant][0] if variant in SHOWN else "moderngov"
            showing = sample_council("showing", platform, TODAY, variants={variant})  # type: ignore[arg-type]
            plain = sample_council("plain", platform, TODAY)  # type: ignore[arg-type]
            if variant in ("status_after_name", "struck_through"):  # the same cancelled meeting, written without its status
                plain = sample_council("plain", platform, TODAY, variants={"cancelled_meeting"})  # type: ignore[arg-type]
            sites[variant] = (DemoSite([showing, plain], today=TODAY).start(), showing, plain)
        return sites[variant]

    yield site_for
    for site, _, _ in sites.values():
        site.stop()


@pytest.mark.parametrize("variant", SHOWN)
def test_the_site_shows_the_shape_only_on_a_council_with_the_variant(served, variant):
    site, showing, plain = served(variant)
    path, mark = SHOWN[variant][1](showing)
    status, body = get(site, "showing", path)
    assert status == 200 and mark in body.decode("utf-8"), body.decode("utf-8")
    plain_path, _ = SHOWN[variant][1](plain)
    status, body = get(site, "plain", plain_path)
    assert status == 200 and mark.replace("showing", "plain") not in body.decode("utf-8")


@pytest.mark.parametrize("platform", ["moderngov", "cmis"])
def test_a_paper_linked_by_file_path_is_served_from_it_and_only_with_the_variant(platform):
    councils = [
        sample_council(slug, platform, TODAY, variants=v) for slug, v in (("showing", {"data_paper_paths"}), ("plain", ()))
    ]  # type: ignore[arg-type]
    with DemoSite(councils, today=TODAY) as site:
        for council in councils:
            meeting = first_meeting(council)
            paper = meeting.items[-1].documents[0]
            path = council.mount + data_path(forum(council), meeting, paper, with_time=platform == "cmis")
            _, page = get(site, council.slug, meeting_page(council))
            status, body = get(site, council.slug, path)
            if council.slug == "showing":
                assert f'href="{path if platform == "cmis" else path.removeprefix(council.mount)}"' in page.decode("utf-8")
                assert status == 200 and body.startswith(b"%PDF-")
            else:
                assert status == 404 and b"Data/" not in page


def test_a_postponed_meeting_is_postponed_in_the_web_service_and_its_heading_and_has_no_papers():
    council = sample_council("showing", "moderngov", TODAY, variants={"postponed_meeting"})
    with DemoSite([council], today=TODAY) as site:
        postponed = with_status(council, "Postponed")
        assert postponed.all_documents() == [] and postponed.items == []
        _, listed = get(site, "showing", web_service(council, "GetMeetings"))
        assert f"<meetingid>{postponed.id}</meetingid>" in listed.decode() and "<meetingstatus>Postponed<" in listed.decode()
        _, page = get(site, "showing", meeting_page(council, postponed))
        assert "(Postponed)</h2>" in page.decode("utf-8")


def test_a_web_service_listing_no_committees_still_answers_well_formed_xml():
    council = sample_council("showing", "moderngov", TODAY)
    with DemoSite([council], today=TODAY) as site:
        site.set_web_service("showing", "no_committees")
        status, body = get(site, "showing", f"{council.mount}mgWebService.asmx/GetCommittees")
        assert status == 200 and b"<committeescount> 0</committeescount>" in body and b"<committee>" not in body
