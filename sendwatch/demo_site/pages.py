"""The response bodies of each platform, rendered from the spec in the platforms' own shapes.

ModernGov: the ``mgWebService.asmx`` XML (no validators, dates as dd/mm/yyyy, HTML escaped
inside ``agendatext`` / ``minutesnonemptyhtmlbody``) and the public pages (``mgListCommittees``,
``ieListMeetings``, ``ieListDocuments``, ``mgAi``). CMIS: DNN month views whose day headings
carry no year, meeting pages with ``Document.ashx`` links. Listing: a council web page of links.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from xml.sax.saxutils import escape as xml_escape

from sendwatch.demo_site.spec import DemoCommittee, DemoCouncil, DemoDocument, DemoItem, DemoMeeting

XML_HEADER = '<?xml version="1.0" encoding="utf-8"?>\n'


def uk_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def long_date(day: dt.date) -> str:
    """``Tuesday, 10th February, 2026`` as ModernGov headings write it."""
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.strftime('%A')}, {day.day}{suffix} {day.strftime('%B')}, {day.year}"


def page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n"
        '<div id="modgov"><div class="mgContent">\n'
        f"{body}\n</div></div>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- ModernGov XML


def mg_committees_xml(council: DemoCouncil) -> str:
    parts = [XML_HEADER, "<committees>\n", f"  <committeescount> {len(council.committees)}</committeescount>\n"]
    for committee in council.committees:
        parts.append(
            "  <committee>\n"
            f"    <committeeid>{committee.id}</committeeid>\n"
            f"    <committeetitle>{xml_escape(committee.title)}</committeetitle>\n"
            "    <committeedeleted>False</committeedeleted>\n"
            "    <committeeexpired>False</committeeexpired>\n"
            f"    <committeecategory>{xml_escape(committee.category)}</committeecategory>\n"
            "  </committee>\n"
        )
    parts.append("</committees>\n")
    return "".join(parts)


def mg_meetings_xml(committee: DemoCommittee, start: dt.date, end: dt.date) -> str:
    meetings = [m for m in committee.meetings if start <= m.date <= end]
    parts = [
        XML_HEADER, "<getmeetings>\n", f"  <meetingscount> {len(meetings)}</meetingscount>\n",
        "  <committeescount> 1</committeescount>\n  <committee>\n",
        f"    <committeeid>{committee.id}</committeeid>\n",
        f"    <committeetitle>{xml_escape(committee.title)}</committeetitle>\n",
        f"    <committeemeetingcount> {len(meetings)}</committeemeetingcount>\n    <committeemeetings>\n",
    ]
    for meeting in meetings:
        parts.append(
            "      <meeting>\n"
            f"        <meetingid>{meeting.id}</meetingid>\n"
            f"        <meetingdate>{uk_date(meeting.date)}</meetingdate>\n"
            f"        <meetingstatus>{xml_escape(meeting.status)}</meetingstatus>\n"
            f"        <meetingtime>{meeting.time}</meetingtime>\n"
            "        <iswebcast>False</iswebcast>\n"
            "      </meeting>\n"
        )
    parts.append("    </committeemeetings>\n  </committee>\n</getmeetings>\n")
    return "".join(parts)


def mg_meeting_xml(base: str, committee: DemoCommittee, meeting: DemoMeeting) -> str:
    has_minutes = any(item.minutes_html for item in meeting.items)
    parts = [
        XML_HEADER, "<meeting>\n",
        f"  <meetingid>{meeting.id}</meetingid>\n",
        f"  <meetingdate>{uk_date(meeting.date)}</meetingdate>\n",
        f"  <meetingstatus>{xml_escape(meeting.status)}</meetingstatus>\n",
        "  <isdisplayallowed>True</isdisplayallowed>\n",
        f"  <meetingtime>{meeting.time}</meetingtime>\n",
        "  <meetinglocation>Council Chamber, County Hall</meetinglocation>\n",
        "  <iswebcast>False</iswebcast>\n",
        f"  <agendaid>{meeting.id}</agendaid>\n",
        f"  <agendapublished>{bool(meeting.items)}</agendapublished>\n",
        "  <decisionpublished>False</decisionpublished>\n",
        f"  <minutepublished>{has_minutes}</minutepublished>\n",
        "  <agendaitems>\n",
    ]
    for position, item in enumerate(meeting.items, start=1):
        parts.append(
            "    <agendaitem>\n"
            f"      <agendaitemid>{item.id}</agendaitemid>\n"
            f"      <agendaitemtitle>{xml_escape(item.title)}</agendaitemtitle>\n"
            f"      <agendatext>{xml_escape(item.agenda_html)}</agendatext>\n"
            f"      <actualmeetingdate>{uk_date(meeting.date)}</actualmeetingdate>\n"
            f"      <agendaitemnumber>{position}</agendaitemnumber>\n"
            f"      <fulldisplaynumberformat>{xml_escape(item.number or f'{position}.')}</fulldisplaynumberformat>\n"
            f"      <minutesnonemptyhtmlbody>{xml_escape(item.minutes_html)}</minutesnonemptyhtmlbody>\n"
            f"      <isminutepublished>{bool(item.minutes_html)}</isminutepublished>\n"
            "      <isrestricted>False</isrestricted>\n"
            f"      <refertocommittee>{xml_escape(committee.title)}</refertocommittee>\n"
            "      <linkeddocuments>\n"
        )
        for document in item.documents:
            published = uk_date(document.published) if document.published else ""
            parts.append(
                "        <linkeddoc>\n"
                f"          <attachmentid>{document.id}</attachmentid>\n"
                f"          <title>{xml_escape(document.title)}</title>\n"
                "          <isurl>False</isurl>\n"
                f"          <url>{base}mgConvert2PDF.aspx?ID={document.id}</url>\n"
                "          <isrestricted>False</isrestricted>\n"
                f"          <publicationdate>{published}</publicationdate>\n"
                f"          <meetingdate>{uk_date(meeting.date)}</meetingdate>\n"
                f"          <committeetitle>{xml_escape(committee.title)}</committeetitle>\n"
                f"          <ownertitle>{xml_escape(item.title)}</ownertitle>\n"
                "        </linkeddoc>\n"
            )
        parts.append("      </linkeddocuments>\n    </agendaitem>\n")
    parts.append("  </agendaitems>\n  <attendees>\n  </attendees>\n</meeting>\n")
    return "".join(parts)


# --------------------------------------------------------------------------- ModernGov HTML


def mg_list_committees(council: DemoCouncil) -> str:
    links = "\n".join(
        f'<li><a href="mgCommitteeDetails.aspx?ID={c.id}">{escape(c.title)}</a></li>' for c in council.committees
    )
    body = f'<h1 class="mgMainTitleTxt">Browse meetings</h1>\n<ul class="mgBulletList">\n{links}\n</ul>'
    return page(f"Browse meetings - {council.name}", body)


def mg_list_meetings(committee: DemoCommittee, year: int) -> str:
    """One year's meetings (the newest year unless asked), with links to the other years, as ModernGov pages them."""
    years = sorted({m.date.year for m in committee.meetings}, reverse=True)
    rows = []
    for meeting in sorted((m for m in committee.meetings if m.date.year == year), key=lambda m: m.date, reverse=True):
        label = f"{meeting.date.day} {meeting.date.strftime('%b %Y')} {meeting.time}"
        if meeting.status.lower() == "cancelled":
            label += " CANCELLED"
        rows.append(f'<li><a href="ieListDocuments.aspx?CId={committee.id}&amp;MId={meeting.id}&amp;Ver=4">{label}</a></li>')
    pager = " ".join(
        f"<strong>{other}</strong>" if other == year else f'<a href="ieListMeetings.aspx?CId={committee.id}&amp;Year={other}">{other}</a>'
        for other in years
    )
    body = (
        f'<h1 class="mgMainTitleTxt">{escape(committee.title)} - Meetings</h1>\n'
        f'<p class="mgYearPager">Year: {pager}</p>\n'
        f'<ul class="mgBulletList">\n{chr(10).join(rows)}\n</ul>'
    )
    return page(f"Browse meetings - {committee.title}", body)


def _doc_links(documents: list[DemoDocument], number: str) -> str:
    links = "\n".join(
        f'<li><a href="documents/s{doc.id}/{doc.file_name}" class="mgDocLink" title="Link to document '
        f"'{escape(doc.title)}'\">{escape(doc.title)}, item {escape(number)} PDF {max(1, len(doc.pages) * 12)} KB</a></li>"
        for doc in documents
    )
    return f'<p class="mgSubItemTitleTxt">Documents:</p>\n<ul class="mgActionList">\n{links}\n</ul>' if documents else ""


def mg_list_documents(committee: DemoCommittee, meeting: DemoMeeting) -> str:
    rows = []
    for position, item in enumerate(meeting.items, start=1):
        number = item.number or f"{position}."
        minutes = (
            f'<p class="mgSubItemTitleTxt">Minutes:</p>\n<div class="mgWordPara">{item.minutes_html}</div>'
            if item.minutes_html else ""
        )
        rows.append(
            "<tr>\n"
            f'<td class="mgItemNumberCell"><p class="mgAiTitleTxt">{escape(number)}</p></td>\n'
            f'<td><p class="mgAiTitleTxt"><a href="mgAi.aspx?ID={item.id}#mgDocuments">{escape(item.title)}</a></p>\n'
            f'<div class="mgWordPara">{item.agenda_html}</div>\n{minutes}\n{_doc_links(item.documents, number)}\n</td>\n'
            "</tr>"
        )
    status = f" ({escape(meeting.status)})" if meeting.status.lower() == "cancelled" else ""
    # Meeting-level papers (frontsheet, reports pack, printed minutes) sit above the items, under
    # documents/g<meeting id>/; the web service does not list them.
    packs = "\n".join(
        f'<li><a href="documents/g{meeting.id}/{doc.file_name}?T=10">{escape(doc.title)} PDF '
        f"{max(1, len(doc.pages) * 12)} KB</a></li>" for doc in meeting.documents
    )
    body = (
        '<h1 class="mgMainTitleTxt">Agenda and minutes</h1>\n'
        f'<h2 class="mgSubTitleTxt">{escape(committee.title)} - {long_date(meeting.date)} {meeting.time}{status}</h2>\n'
        + (f'<ul class="mgActionList">\n{packs}\n</ul>\n' if packs else "")
        + f'<table class="mgItemTable">\n{chr(10).join(rows)}\n</table>'
    )
    return page(f"Agenda for {committee.title} on {long_date(meeting.date)}", body)


def mg_agenda_item(committee: DemoCommittee, meeting: DemoMeeting, item: DemoItem) -> str:
    minutes = f'<h2>Minutes:</h2>\n<div class="mgWordPara">{item.minutes_html}</div>' if item.minutes_html else ""
    body = (
        f'<h1 class="mgMainTitleTxt">{escape(item.title)}</h1>\n'
        f'<p>Meeting: {long_date(meeting.date)} - {escape(committee.title)}</p>\n'
        f'<div class="mgWordPara">{item.agenda_html}</div>\n{minutes}\n{_doc_links(item.documents, item.number or "")}'
    )
    return page(f"Issue - items at meetings - {item.title}", body)


# --------------------------------------------------------------------------- CMIS


def cmis_home(council: DemoCouncil) -> str:
    return page(
        council.name,
        f'<ul class="Nav"><li><a href="{council.mount}Meetings/tabid/{council.cmis_tab}/Default.aspx">Meetings</a></li>'
        f'<li><a href="{council.mount}Councillors/tabid/62/Default.aspx">Councillors</a></li></ul>',
    )


def cmis_meetings_tab(council: DemoCouncil, today: dt.date) -> str:
    first = today.replace(day=1)
    link = (
        f"{council.mount}Meetings/tabid/{council.cmis_tab}/ctl/MeetingCalendarPublicNoJava/"
        f"mid/{council.cmis_module}/Date/{first.isoformat()}/Default.aspx"
    )
    return page("Meetings", f'<div class="DNNModuleContent ModCMISMeetingsC"><a href="{link}">View the calendar without JavaScript</a></div>')


def cmis_meeting_path(council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting) -> str:
    return (
        f"{council.mount}Meetings/tabid/{council.cmis_tab}/ctl/ViewMeetingPublic/mid/{council.cmis_module}/"
        f"Meeting/{meeting.id}/Committee/{committee.id}/SelectedTab/Documents/Default.aspx"
    )


def cmis_month(council: DemoCouncil, origin: str, month_start: dt.date) -> str:
    by_day: dict[dt.date, list[tuple[DemoCommittee, DemoMeeting]]] = {}
    for committee in council.committees:
        for meeting in committee.meetings:
            if (meeting.date.year, meeting.date.month) == (month_start.year, month_start.month):
                by_day.setdefault(meeting.date, []).append((committee, meeting))
    rows = []
    for index, day in enumerate(sorted(by_day)):
        links = "\n".join(
            f'    <p class="Meeting">\n      <a href="{origin}{cmis_meeting_path(council, c, m)}">'
            f"{m.time.replace('.', ':').split()[0]} {escape(c.title)}</a>\n    </p>"
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


def cmis_meeting(council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting, token_for) -> str:  # type: ignore[no-untyped-def]
    items = []
    for index, document in enumerate(meeting.all_documents()):
        items.append(
            '    <li class="DocumentListItem">\n'
            f'      <a id="dnn_ctr{council.cmis_module}_ViewMeetingPublic_cmisPdfDocuments_rptDocuments_linkTitle_{index}" '
            f"title=\"Click to view '{escape(document.title)}'\" class=\"TitleLink\" "
            f'href="{council.mount}Document.ashx?{token_for(document)}" target="_blank">{escape(document.title)}</a>\n'
            f'      <span class="FileSize">({max(1, len(document.pages) * 12)}Kb)</span>\n    </li>'
        )
    body = (
        '<div class="DNNModuleContent ModCMISMeetingsC">\n  <h1>Meeting Details</h1>\n'
        '  <div class="holder"><div class="DNNLabel CommitteeLabel"><div class="dnnLabel"><label><span>Committee:</span></label></div></div>\n'
        f'    <div class="Value Committee">{escape(committee.title)}</div></div>\n'
        '  <div class="holder"><div class="DNNLabel DateTimeLabel"><div class="dnnLabel"><label><span>Date/Time:</span></label></div></div>\n'
        f'    <div class="Value DateTime">{meeting.date.day} {meeting.date.strftime("%b %Y")} - {meeting.time.replace(".", ":").split()[0]}</div></div>\n'
        '  <div class="holder"><div class="DNNLabel VenueLabel"><div class="dnnLabel"><label><span>Status:</span></label></div></div>\n'
        f'    <div class="Value Venue">{escape(meeting.status)}</div></div>\n'
        f'  <ol class="DocumentList CmisDocumentList">\n{chr(10).join(items)}\n  </ol>\n</div>'
    )
    return page(f"{committee.title} - {meeting.date.isoformat()}", body)


# --------------------------------------------------------------------------- listing


def listing_page(council: DemoCouncil) -> str:
    links = []
    for committee in council.committees:
        for meeting in sorted(committee.meetings, key=lambda m: m.date, reverse=True):
            when = f"{meeting.date.day} {meeting.date.strftime('%B %Y')}"
            for document in meeting.all_documents():
                href = escape(document.href) if document.href else f"/downloads/file/{document.id}/{document.slug_name}{document.suffix}"
                links.append(
                    f'<li><a href="{href}">'
                    f"{escape(committee.title)} {when}: {escape(document.title)}</a> ({document.suffix[1:].upper()})</li>"
                )
    body = (
        '<nav><a href="/council-tax">Council tax</a> <a href="/contact-us">Contact us</a>'
        ' <a href="mailto:democracy@example.gov.uk">Email us</a></nav>\n'
        f"<h1>{escape(council.name)}: committee papers</h1>\n<ul class=\"papers\">\n{chr(10).join(links)}\n</ul>"
    )
    return page(f"Committee papers - {council.name}", body)
