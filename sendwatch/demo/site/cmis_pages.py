"""CMIS (DotNetNuke) pages, rendered from the spec in the shapes real installs use.

The site's navigation links its tabs (``<tab>/tabid/<n>/Default.aspx``); the calendar tab is
``Meetings`` on most installs, ``MeetingsCalendar`` or ``CalendarofMeetings`` on others
(``DemoCouncil.cmis_tab_name``). It holds the calendar module (``dnn_ctr<mid>_…``) with this
month's meetings, and a link to the no-JavaScript month view unless the ``calendar_tab`` variant
leaves it out. Month views' day headings carry no year; meeting pages list ``Document.ashx``
links with the file-type icon CMIS shows beside each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from sendwatch.demo.site.pages import cmis_time, data_path, page, uk_date
from sendwatch.demo.site.spec import DemoCommittee, DemoCouncil, DemoDocument, DemoMeeting

COMMITTEES_TAB = 62


def tab_path(council: DemoCouncil) -> str:
    """The calendar tab's path under the site: ``/ccc_live/MeetingsCalendar/tabid/70/``."""
    return f"{council.mount}{council.cmis_tab_name}/tabid/{council.cmis_tab}/"


def cmis_home(council: DemoCouncil) -> str:
    """The front page: the DNN navigation, with the calendar among other tabs."""
    tabs = [
        (f"{council.mount}Home/tabid/36/Default.aspx", "Home"),
        (f"{council.mount}Committees/tabid/{COMMITTEES_TAB}/Default.aspx", "Committees"),
        (f"{tab_path(council)}Default.aspx", "Calendar of meetings" if council.cmis_tab_name != "Meetings" else "Meetings"),
        (f"{council.mount}Councillors/tabid/63/Default.aspx", "Councillors"),
        (f"{council.mount}Search/tabid/64/Default.aspx", "Search documents"),
    ]
    links = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in tabs)
    return page(council.name, f'<div id="dnn_dnnNAV"><ul class="Nav">{links}</ul></div>')


def cmis_committees_tab(council: DemoCouncil) -> str:
    """The committees tab: links to each committee's page (a module that is not the calendar)."""
    links = "".join(
        f'<li><a href="{council.mount}Committees/tabid/{COMMITTEES_TAB}/ctl/ViewCMIS_CommitteeDetails/mid/381/'
        f'id/{committee.id}/Default.aspx">{escape(committee.title)}</a></li>'
        for committee in council.committees
    )
    return page("Committees", f'<div class="DNNModuleContent ModCMISCommitteesC"><ul>{links}</ul></div>')


def cmis_meetings_tab(council: DemoCouncil, origin: str, today: dt.date) -> str:
    """The calendar tab: this month's meetings in the calendar module, and the no-JavaScript link."""
    first = today.replace(day=1)
    nojava = (
        f'<a href="{tab_path(council)}ctl/MeetingCalendarPublicNoJava/mid/{council.cmis_module}/'
        f'Date/{first.isoformat()}/Default.aspx">View the calendar without JavaScript</a>'
    )
    if "calendar_tab" in council.variants:
        nojava = ""
    meetings = sorted(
        ((c, m) for c in council.committees for m in c.meetings if (m.date.year, m.date.month) == (today.year, today.month)),
        key=lambda pair: pair[1].date,
    )
    rows = "\n".join(
        f'<tr class="rgRow"><td class="DateColumn"><a id="dnn_ctr{council.cmis_module}_MeetingCalendarPublic_lnkMeeting_{index}" '
        f'href="{origin}{cmis_meeting_path(council, c, m)}">{m.date.day} {m.date.strftime("%b %Y")}'
        f"{' ' + cmis_time(m.time) if m.time else ''} - {escape(c.title)}{_status_after(council, m)}</a></td></tr>"
        for index, (c, m) in enumerate(meetings)
    )
    body = (
        f'<div class="DNNModuleContent ModCMISMeetingsC" id="dnn_ctr{council.cmis_module}_MeetingCalendarPublic_pnlCalendar">\n'
        f'<table id="dnn_ctr{council.cmis_module}_MeetingCalendarPublic_grdRadMeeting_ctl00">\n{rows}\n</table>\n{nojava}\n</div>'
    )
    return page("Meetings", body)


def cmis_meeting_path(council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting) -> str:
    """A meeting page's path, as the calendar links it (all in lower case with ``lower_case_links``)."""
    path = (
        f"{tab_path(council)}ctl/ViewMeetingPublic/mid/{council.cmis_module}/"
        f"Meeting/{meeting.id}/Committee/{committee.id}/SelectedTab/Documents/Default.aspx"
    )
    return path.lower() if "lower_case_links" in council.variants else path


def _status_after(council: DemoCouncil, meeting: DemoMeeting) -> str:
    """The status after the committee in a calendar entry, " - CANCELLED" (``status_after_name``), else nothing."""
    if "status_after_name" in council.variants and meeting.status.lower() in ("cancelled", "postponed"):
        return f" - {meeting.status.upper()}"
    return ""


def _date_time(council: DemoCouncil, meeting: DemoMeeting) -> str:
    """The meeting page's Date/Time: "3 Dec 2026 - 14:00", or ``03/12/2026 14:00`` / ``2026-12-03 14:00``."""
    time = cmis_time(meeting.time) if meeting.time else ""
    if "numeric_dates" in council.variants or "iso_dates" in council.variants:
        day = meeting.date.isoformat() if "iso_dates" in council.variants else uk_date(meeting.date)
        return f"{day} {time}".strip()
    return f"{meeting.date.day} {meeting.date.strftime('%b %Y')}{' - ' + time if time else ''}"


def cmis_month(council: DemoCouncil, origin: str, month_start: dt.date) -> str:
    """The no-JavaScript month view: a row per day ("Monday, 8 June", no year), its meetings."""
    by_day: dict[dt.date, list[tuple[DemoCommittee, DemoMeeting]]] = {}
    for committee in council.committees:
        for meeting in committee.meetings:
            if (meeting.date.year, meeting.date.month) == (month_start.year, month_start.month):
                by_day.setdefault(meeting.date, []).append((committee, meeting))
    rows = []
    for index, day in enumerate(sorted(by_day)):
        links = "\n".join(
            f'    <p class="Meeting">\n      <a href="{origin}{cmis_meeting_path(council, c, m)}">'
            f"{cmis_time(m.time) + ' ' if m.time else ''}{escape(c.title)}{_status_after(council, m)}</a>\n    </p>"
            for c, m in by_day[day]
        )
        css = "rgRow" if index % 2 == 0 else "rgAltRow"
        rows.append(
            f'<tr class="{css}" id="dnn_ctr{council.cmis_module}_MeetingCalendarPublicPrinter_grdRadMeeting_ctl00__{index}">\n'
            f'  <td class="SimpleCalendarDate">{day.strftime("%A")}, {day.day} {day.strftime("%B")}</td>\n'
            f"  <td>\n{links}\n  </td>\n</tr>"
        )
    table = (
        f'<div class="DNNModuleContent ModCMISMeetingsC">\n<h2>{month_start.strftime("%B %Y")}</h2>\n'
        f'<table class="rgMasterTable" id="dnn_ctr{council.cmis_module}_MeetingCalendarPublicPrinter_grdRadMeeting_ctl00">\n'
        f"{chr(10).join(rows)}\n</table>\n</div>"
    )
    return page("Meetings", table)


def cmis_meeting(
    council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting, token_for: Callable[[DemoDocument], str]
) -> str:
    """A meeting page: committee, date, status, and its papers as opaque ``Document.ashx`` links (agenda
    items' papers by their file path with ``data_paper_paths``)."""
    items = []
    by_path = {id(doc) for item in meeting.items for doc in item.documents} if "data_paper_paths" in council.variants else set()
    for index, document in enumerate(meeting.all_documents()):
        href = (
            council.mount + data_path(committee, meeting, document, with_time=True)
            if id(document) in by_path
            else f"{council.mount}Document.ashx?{token_for(document)}"
        )
        items.append(
            '    <li class="DocumentListItem">\n'
            f'      <img class="FileTypeImage" src="{council.mount}images/FileManager/Icons/{document.extension}.gif" '
            f'alt="{document.extension}" />\n'
            f'      <a id="dnn_ctr{council.cmis_module}_ViewMeetingPublic_cmisPdfDocuments_rptDocuments_linkTitle_{index}" '
            f'title="Click to view \'{escape(document.title)}\'" class="TitleLink" '
            f'href="{href}" target="_blank">{escape(document.title)}</a>\n'
            f'      <span class="FileSize">({max(1, len(document.pages) * 12)}Kb)</span>\n    </li>'
        )
    body = (
        '<div class="DNNModuleContent ModCMISMeetingsC">\n  <h1>Meeting Details</h1>\n'
        '  <div class="holder"><div class="DNNLabel CommitteeLabel"><div class="dnnLabel"><label><span>Committee:</span></label></div></div>\n'
        f'    <div class="Value Committee">{escape(committee.title)}</div></div>\n'
        '  <div class="holder"><div class="DNNLabel DateTimeLabel"><div class="dnnLabel"><label><span>Date/Time:</span></label></div></div>\n'
        f'    <div class="Value DateTime">{_date_time(council, meeting)}</div></div>\n'
        '  <div class="holder"><div class="DNNLabel VenueLabel"><div class="dnnLabel"><label><span>Status:</span></label></div></div>\n'
        f'    <div class="Value Venue">{escape(meeting.status)}</div></div>\n'
        f'  <ol class="DocumentList CmisDocumentList">\n{chr(10).join(items)}\n  </ol>\n</div>'
    )
    return page(f"{committee.title} - {meeting.date.isoformat()}", body)
