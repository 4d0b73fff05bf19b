"""Realistic sample councils for the demo, the tests and the benchmark.

A sample council has a Schools Forum with meetings spread around ``today`` (some inside the
crawl window, some older), each with the agenda items and reports a forum usually has, plus
committees the crawler must ignore. All text is written for sendwatch, in the register of real
committee papers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sendwatch.core.vocabulary import Platform
from sendwatch.demo.site.spec import DemoCommittee, DemoCouncil, DemoDocument, DemoItem, DemoMeeting

FORUM = "Schools Forum"
OTHER_COMMITTEES = ("Audit and Governance Committee", "Planning Committee")


def dsg_report(council_name: str, day: dt.date, deficit_m: float) -> list[str]:
    """Two pages of a Dedicated Schools Grant monitoring report."""
    return [
        f"{council_name}\nSchools Forum, {day.strftime('%d %B %Y')}\n"
        "Dedicated Schools Grant: budget monitoring\n"
        "1. Purpose of the report\n"
        "1.1 This report sets out the forecast outturn position on the Dedicated Schools Grant (DSG) "
        "for the current financial year and the pressures on the High Needs Block.\n"
        f"2.1 The forecast cumulative deficit on the DSG at 31 March is £{deficit_m:.1f}m, "
        "driven by growth in the number of Education, Health and Care Plans and in placements in "
        "independent specialist provision.",
        "3. High Needs Block\n"
        "3.1 Demand for specialist places continues to exceed the places available in maintained special "
        "schools. Officers continue to work with the Department for Education on the local recovery plan.\n"
        "4. Recommendation\n4.1 The Forum is asked to note the forecast position.",
    ]


# When the sample forum meets, in turn: the afternoon, the morning, and once with no time
# published (a blank ``meetingtime``, no time on the pages), which stays unknown.
FORUM_TIMES: list[dt.time | None] = [dt.time(14, 0), dt.time(9, 30), None]
# Their planned finishes, in the same turn: the afternoon meeting's is published (to 4.30 pm, not
# the calendar's two-hour allowance), the others' is left empty, as on most real meetings.
FORUM_FINISHES: list[dt.time | None] = [dt.time(16, 30), None, None]


def forum_meeting(council_name: str, day: dt.date, deficit_m: float, with_minutes: bool) -> DemoMeeting:
    """A Schools Forum meeting: apologies, minutes, DSG monitoring, high needs update."""
    minutes = (lambda text: text) if with_minutes else (lambda text: "")
    return DemoMeeting(
        date=day,
        items=[
            DemoItem(
                "Apologies for absence",
                "<p>To receive apologies for absence.</p>",
                minutes("<p>Apologies were received from two headteacher representatives.</p>"),
            ),
            DemoItem(
                "Minutes of the previous meeting",
                "<p>To approve the minutes of the previous meeting as a correct record.</p>",
                minutes("<p>The minutes of the previous meeting were agreed as a correct record.</p>"),
                [
                    DemoDocument(
                        "Minutes of the previous meeting",
                        [
                            f"Minutes of the Schools Forum held before {day.strftime('%d %B %Y')}. The Forum noted the DSG position."
                        ],
                        published=day - dt.timedelta(days=7),
                    )
                ],
            ),
            DemoItem(
                "Dedicated Schools Grant monitoring",
                "<p>Report of the Director of Children&#8217;s Services on the DSG forecast.</p>",
                minutes(
                    f"<p>The Forum noted the forecast DSG deficit of &#163;{deficit_m:.1f}m and asked for a further "
                    "update on the High Needs Block at its next meeting.</p>"
                ),
                [
                    DemoDocument(
                        "DSG monitoring report", dsg_report(council_name, day, deficit_m), published=day - dt.timedelta(days=7)
                    ),
                    DemoDocument(
                        "Appendix A - High Needs Block forecast",
                        [
                            "Appendix A. High Needs Block forecast by provision type: maintained special schools, "
                            "independent specialist placements, top-up funding for mainstream schools."
                        ],
                        published=day - dt.timedelta(days=7),
                    ),
                ],
            ),
        ],
    )


def other_meeting(day: dt.date, committee: str) -> DemoMeeting:
    return DemoMeeting(
        date=day,
        items=[
            DemoItem(
                "Work programme",
                "<p>To consider the work programme.</p>",
                "",
                [
                    DemoDocument(
                        f"{committee} work programme",
                        [f"{committee}: work programme for the year."],
                        published=day - dt.timedelta(days=5),
                    )
                ],
            )
        ],
    )


def sample_council(
    slug: str,
    platform: Platform,
    today: dt.date,
    name: str | None = None,
    meetings_in_window: int = 3,
    old_meetings: int = 2,
    mount: str | None = None,
    variants: Iterable[str] = (),
) -> DemoCouncil:
    """A council with a Schools Forum (meetings in and before the window) and two other committees.

    Window meetings fall between 100 days ago and 40 days ahead; old ones 200+ days ago.
    ``variants`` (``spec.VARIANTS``) are the shapes its site shows; those that need something to
    show (a cancelled meeting, a restricted paper, Word papers, titles with apostrophes) add it.
    """
    chosen = set(variants)
    name = name or f"{slug.replace('-', ' ').title()} Council"
    days = [today - dt.timedelta(days=100 - index * 140 // max(1, meetings_in_window)) for index in range(meetings_in_window)]
    days += [today - dt.timedelta(days=200 + 60 * index) for index in range(old_meetings)]
    forum = DemoCommittee(
        FORUM,
        [forum_meeting(name, day, 8.5 + index, with_minutes=day < today) for index, day in enumerate(days)],
        category="Education",
    )
    for index, meeting in enumerate(forum.meetings):
        meeting.time = FORUM_TIMES[index % len(FORUM_TIMES)]
        meeting.ends = FORUM_FINISHES[index % len(FORUM_FINISHES)]
    others = [DemoCommittee(title, [other_meeting(today - dt.timedelta(days=30), title)]) for title in OTHER_COMMITTEES]
    default_mount = {"moderngov": "/", "cmis": f"/{slug.replace('-', '')}/", "listing": "/schools-forum/"}[platform]
    if "calendar_tab" in chosen:  # as Cambridgeshire's: /ccc_live/MeetingsCalendar/tabid/70/...
        default_mount = "/ccc_live/"
    council = DemoCouncil(
        slug=slug,
        name=name,
        platform=platform,
        committees=[forum, *others],
        mount=mount or default_mount,
        variants=chosen,
        cmis_tab_name="MeetingsCalendar" if "calendar_tab" in chosen else "Meetings",
    )
    add_variant_data(council, forum, today)
    return council


# The report a cancelled meeting (``struck_through``, ``status_after_name``) still links: what it
# says would change the council's status if it were read, so a crawl that fetched it would show.
WITHDRAWN_REPORT = "Withdrawn report - safety valve proposal"
WITHDRAWN_ITEM = "Safety valve proposal (withdrawn)"


def withdrawn_meeting(council: DemoCouncil, day: dt.date) -> DemoMeeting:
    """A cancelled meeting still listing its withdrawn proposal (``WITHDRAWN_REPORT``), as councils leave them."""
    report = DemoDocument(
        WITHDRAWN_REPORT,
        [
            f"{council.name}\nProposal to the Department for Education\nThe authority has been invited to the "
            "safety valve programme and is negotiating an agreement on its high needs position."
        ],
        published=day - dt.timedelta(days=7),
    )
    return DemoMeeting(
        date=day,
        status="Cancelled",
        items=[DemoItem(WITHDRAWN_ITEM, "<p>To consider the proposal.</p>", "", [report])],
    )


def add_variant_data(council: DemoCouncil, forum: DemoCommittee, today: dt.date) -> None:
    """What the data variants need to show: see ``spec.VARIANTS`` (those marked "(data)").

    Called for sample councils, and for the demo's own councils (``sendwatch.demo.councils``).
    """
    variants, first = council.variants, forum.meetings[0] if forum.meetings else None
    if "cancelled_meeting" in variants:
        forum.meetings.append(DemoMeeting(date=today - dt.timedelta(days=20), status="Cancelled"))
    if "struck_through" in variants or ("status_after_name" in variants and "cancelled_meeting" not in variants):
        forum.meetings.append(withdrawn_meeting(council, today - dt.timedelta(days=34)))
    if "postponed_meeting" in variants:
        forum.meetings.append(DemoMeeting(date=today - dt.timedelta(days=13), status="Postponed"))
    if "typographic_apostrophes" in variants:
        forum.title = "Schools\u2019 Forum"
    if "school_forum" in variants:
        forum.title = "School Forum"
    if "exempt_papers" in variants and first is not None:
        first.items[-1].documents.append(
            DemoDocument(
                "Exempt appendix - placement costs by provider",
                ["Not for publication: commercially sensitive costs."],
                published=first.date - dt.timedelta(days=7),
                restricted=True,
            )
        )
    if "non_pdf_papers" in variants:
        for meeting in forum.meetings:
            for document in meeting.all_documents():
                if document.title.startswith("Appendix"):
                    document.format = "html"
                elif document.title.startswith("Minutes"):
                    document.format = "docx"
    if "titles_escaped_twice" in variants:
        forum.title = "Schools' Forum"
        council.committees.append(
            DemoCommittee(
                "Children & Young People's Scrutiny Committee", [other_meeting(today - dt.timedelta(days=25), "Scrutiny")]
            )
        )
        for meeting in forum.meetings:
            meeting.items.insert(
                0,
                DemoItem(
                    "Chair's communications",
                    "<p>The Chair&#8217;s update on schools&#8217; budgets.</p>",
                    "",
                    [
                        DemoDocument(
                            "Fees & Charges: schools' traded services",
                            ["Traded services fees & charges for 2026-27."],
                            published=meeting.date - dt.timedelta(days=7),
                        )
                    ],
                ),
            )


# --------------------------------------------------------------------------- benchmark-sized councils

TYPICAL_OTHER_COMMITTEES = 40


def typical_forum_meeting(name: str, day: dt.date, index: int) -> DemoMeeting:
    """Four items, twelve papers: a typical Schools Forum agenda."""
    items = []
    for title in (
        "Minutes of the previous meeting",
        "Dedicated Schools Grant monitoring",
        "High Needs Block update",
        "Schools budget consultation",
    ):
        papers = [
            DemoDocument(
                f"{title} - paper {n}", dsg_report(name, day, 6.0 + index + n / 10), published=day - dt.timedelta(days=7)
            )
            for n in range(1, 4)
        ]
        items.append(
            DemoItem(
                title,
                f"<p>Report on {title.lower()}.</p>",
                "<p>The Forum noted the report.</p>" if day < dt.date.today() else "",
                papers,
            )
        )
    return DemoMeeting(date=day, items=items)


def typical_council(index: int, today: dt.date) -> DemoCouncil:
    """Council number ``index`` of a benchmark set, of realistic size, in the national platform mix."""
    platform: Platform = "cmis" if index % 14 == 0 else "listing" if index % 25 == 1 else "moderngov"
    slug = f"council-{index:03d}"
    name = f"Council {index:03d}"
    days = [today - dt.timedelta(days=d) for d in (100, 40, -20, 160, 220, 300)]
    forum = DemoCommittee("Schools Forum", [typical_forum_meeting(name, day, i) for i, day in enumerate(days)])
    others = [DemoCommittee(f"Committee {n}", []) for n in range(TYPICAL_OTHER_COMMITTEES)]
    mount = {"moderngov": "/", "cmis": f"/{slug.replace('-', '')}/", "listing": "/schools-forum/"}[platform]
    return DemoCouncil(slug=slug, name=name, platform=platform, committees=[forum, *others], mount=mount)
