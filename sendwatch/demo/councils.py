"""The papers of the offline demo: three fictional councils and what they publish.

The councils are invented (no real council's position is misrepresented), but their papers are
written in the register of real schools forum minutes and reports. Round one sets a baseline;
round two publishes the papers that move Eastmoor from "on track" to enhanced monitoring.
Dates are relative to the day the demo runs, so the papers always fall in the crawl window.

Between them the councils show shapes real sites have (``spec.VARIANTS``), so that the demo and
the end-to-end tests crawl them: Eastmoor's web service writes a time after its dates and lists a
postponed meeting; Riverton's pages (its web service lists no committees) write dates as numbers,
mark a meeting postponed and strike a cancelled one through, link in lower case and link a paper
by its file path (``Data/...``); Northfield's CMIS calendar writes a status after the committee
(a cancelled meeting whose withdrawn report is still linked), its pages give ISO dates and
lower-case paths, and its forum is "Schools’ Forum". The cancelled meetings' withdrawn reports
would change Riverton's and Northfield's status if they were read: a crawl does not fetch them.
"""

from __future__ import annotations

import datetime as dt

from sendwatch.demo.site.sample import add_variant_data
from sendwatch.demo.site.spec import DemoCommittee, DemoCouncil, DemoDocument, DemoItem, DemoMeeting

FORUM = "Schools Forum"
# The shapes each demo council's site shows (see the module docstring); Riverton's web service
# answers as RIVERTON_WEB_SERVICE (``server.WEB_SERVICE_MODES``).
EASTMOOR_VARIANTS = frozenset({"xml_dates_with_time", "postponed_meeting"})
RIVERTON_VARIANTS = frozenset({"numeric_dates", "postponed_meeting", "struck_through", "lower_case_links", "data_paper_paths"})
NORTHFIELD_VARIANTS = frozenset({"status_after_name", "iso_dates", "lower_case_links", "typographic_apostrophes"})
RIVERTON_WEB_SERVICE = "no_committees"


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def eastmoor(today: dt.date) -> DemoCouncil:
    """A ModernGov council with a safety valve agreement, on track at the baseline."""
    monitoring = DemoDocument(
        title="Safety Valve Monitoring Report Quarter 4",
        pages=[
            "Eastmoor County Council\nSchools Forum\nSafety Valve Monitoring Report: Quarter 4\n"
            "Report of the Director of Education and Skills",
            "1. Purpose\nThis report updates the Forum on the Dedicated Schools Grant management plan agreed with "
            "the Department for Education under the safety valve programme in March 2023.\n"
            "2. Position at Quarter 4\nThe quarterly return submitted to the DfE in April shows that the authority "
            "remains on track against the conditions of the agreement. The cumulative DSG deficit stood at "
            "£38.4m at 31 March, in line with the agreed trajectory.",
        ],
        published=today - dt.timedelta(days=70),
    )
    baseline = DemoMeeting(
        date=today - dt.timedelta(days=63),
        items=[
            DemoItem(title="Minutes of the previous meeting", minutes_html=_p("The minutes were agreed as a correct record.")),
            DemoItem(
                title="High Needs Block and Safety Valve update",
                agenda_html=_p("To receive the quarterly safety valve monitoring report."),
                minutes_html=_p(
                    "The Head of Finance presented the Quarter 4 monitoring report.",
                    "Members noted that Eastmoor had met every condition of its safety valve agreement to date "
                    "and was on track with the agreed DSG management plan.",
                    "A member asked whether other authorities were struggling; officers said that several councils "
                    "on the programme had fallen behind, but that Eastmoor was not among them.",
                ),
                documents=[monitoring],
            ),
        ],
    )
    # The next Forum, already on the calendar (its papers not yet published): the meetings ahead.
    upcoming = DemoMeeting(
        date=today + dt.timedelta(days=24),
        time=dt.time(14, 0),
        ends=dt.time(15, 30),  # its planned finish, published in GetMeeting: the calendar ends it there
        items=[DemoItem(title="Dedicated Schools Grant: Quarter 3 update", agenda_html=_p("To receive the Quarter 3 update."))],
    )
    forum = DemoCommittee(title=FORUM, meetings=[baseline, upcoming])
    cabinet = DemoCommittee(
        title="Cabinet",
        meetings=[
            DemoMeeting(
                date=today - dt.timedelta(days=40),
                items=[
                    DemoItem(
                        title="Highways maintenance contract",
                        minutes_html=_p("Cabinet agreed to award the highways maintenance contract. The project is on track."),
                    )
                ],
            )
        ],
    )
    council = DemoCouncil(
        slug="eastmoor",
        name="Eastmoor County Council",
        platform="moderngov",
        committees=[forum, cabinet],
        variants=set(EASTMOOR_VARIANTS),
    )
    add_variant_data(council, forum, today)
    return council


def eastmoor_off_track_meeting(today: dt.date) -> DemoMeeting:
    """Round two: the minutes and report that put Eastmoor under enhanced monitoring."""
    report = DemoDocument(
        title="DSG Management Plan Quarter 2 Update",
        pages=[
            "Eastmoor County Council\nSchools Forum\nDedicated Schools Grant: Quarter 2 update",
            "1. Summary\nDemand for specialist placements has continued to rise faster than the plan assumed, "
            "and independent school fees have increased by more than inflation.",
            "2. Safety valve position\nThe Quarter 2 return shows the authority is not on track to meet condition 3 "
            "of the agreement, with the forecast position £6.2m behind the agreed trajectory for 2025/26.\n"
            "Following the return, the Department for Education has placed the Council under enhanced monitoring "
            "and support, and has asked for a revised DSG management plan by the end of January.",
        ],
        published=today - dt.timedelta(days=5),
    )
    return DemoMeeting(
        date=today - dt.timedelta(days=2),
        items=[
            DemoItem(
                title="Dedicated Schools Grant and Safety Valve: Quarter 2",
                agenda_html=_p("To consider the Quarter 2 update on the DSG management plan."),
                minutes_html=_p(
                    "The Director of Education and Skills introduced the report.",
                    "The Forum was informed that the DfE had placed Eastmoor under enhanced monitoring and support "
                    "after the Quarter 2 return showed the authority off track by £6.2m.",
                    "Officers would bring a revised plan to the next meeting.",
                ),
                documents=[report],
            )
        ],
    )


def riverton(today: dt.date) -> DemoCouncil:
    """A ModernGov council in Delivering Better Value (its web service lists no committees in the demo).

    Its DfE letter is a scan: image pages with no text layer, read by OCR where Tesseract is installed.
    """
    letter = DemoDocument(
        title="Letter from the Department for Education",
        pages=[
            "Department for Education\nTo the Director of Children's Services, Riverton Borough Council",
            "Dear Director,\nI am writing to confirm that Riverton Borough Council will take part in the Delivering "
            "Better Value in SEND programme, with a grant of £1m for its agreed workstreams.\nYours sincerely,\n"
            "Deputy Director, SEND Funding",
        ],
        published=today - dt.timedelta(days=57),
        format="scanned_pdf",
    )
    meeting = DemoMeeting(
        date=today - dt.timedelta(days=50),
        items=[
            DemoItem(
                title="Delivering Better Value in SEND",
                minutes_html=_p(
                    "The Assistant Director updated the Forum on Riverton's participation in the Delivering Better "
                    "Value programme.",
                    "The council had received a grant of £1m from the DfE to fund three workstreams on early "
                    "intervention and inclusion.",
                ),
                documents=[letter],
            ),
        ],
    )
    forum = DemoCommittee(title="Schools' Forum", meetings=[meeting])
    council = DemoCouncil(
        slug="riverton",
        name="Riverton Borough Council",
        platform="moderngov",
        mount="/moderngov/",
        committees=[forum],
        variants=set(RIVERTON_VARIANTS),
    )
    add_variant_data(council, forum, today)
    return council


def northfield(today: dt.date) -> DemoCouncil:
    """A CMIS council that reports a high needs deficit and no programme, in a Word paper that its
    ``Document.ashx`` link serves as ``application/octet-stream``, as real CMIS sites do."""
    budget = DemoDocument(
        format="docx",
        served_as="application/octet-stream",
        title="High Needs Block Budget Monitoring",
        pages=[
            "Northfield City Council\nSchools Forum\nHigh Needs Block budget monitoring",
            "The forecast outturn for the high needs block is an overspend of £4.1m, which would take the "
            "cumulative DSG deficit to £21.7m by 31 March 2026.\n"
            "The early years block is forecast to break even.",
        ],
        published=today - dt.timedelta(days=30),
    )
    meeting = DemoMeeting(date=today - dt.timedelta(days=28), documents=[budget])
    forum = DemoCommittee(title=FORUM, meetings=[meeting])
    council = DemoCouncil(
        slug="northfield",
        name="Northfield City Council",
        platform="cmis",
        committees=[forum],
        variants=set(NORTHFIELD_VARIANTS),
    )
    add_variant_data(council, forum, today)
    return council


def demo_councils(today: dt.date) -> list[DemoCouncil]:
    """The baseline state of every demo council's site."""
    return [eastmoor(today), riverton(today), northfield(today)]
