"""ModernGov's answers, rendered from the spec: the ``mgWebService.asmx`` XML and the public pages.

XML: no validators, dates as dd/mm/yyyy, HTML escaped inside ``agendatext`` /
``minutesnonemptyhtmlbody``. Pages: ``mgListCommittees``, ``ieListMeetings`` (one year a page
with links to the others, or with the ``earlier_meetings`` variant the recent meetings and
"Earlier meetings" links), ``ieListDocuments`` (items linked to ``mgAi.aspx``, or with
``items_link_to_reports`` titles linking straight to their report) and ``mgAi``. A council's
``variants`` (``spec.VARIANTS``) switch on the other shapes real sites show.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from xml.sax.saxutils import escape as xml_escape

from sendwatch.demo.site.pages import XML_HEADER, data_path, long_date, moderngov_time, page, uk_date
from sendwatch.demo.site.spec import DemoCommittee, DemoCouncil, DemoDocument, DemoItem, DemoMeeting

# How far back ieListMeetings reaches before "Earlier meetings", and how many each earlier page shows.
RECENT_DAYS = 183
EARLIER_PAGE_SIZE = 3


# --------------------------------------------------------------------------- XML


def _title(text: str, variants: set[str]) -> str:
    """A title as the web service writes it: XML-escaped, or HTML-escaped first on installs that escape twice."""
    if "titles_escaped_twice" in variants:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&quot;")
    return xml_escape(text)


def _html_field(fragment: str, variants: set[str]) -> str:
    """An HTML field: escaped (the usual), raw elements, or raw and not well-formed."""
    if "malformed_html_agendatext" in variants and fragment:
        return fragment.replace("</p>", "") + "<br>"
    if "raw_html_agendatext" in variants:
        return fragment
    return xml_escape(fragment)


def _xml_date(day: dt.date, variants: set[str]) -> str:
    """A date as the web service writes it: ``03/12/2026``, or ``03/12/2026 00:00:00`` on installs that add the time."""
    return uk_date(day) + (" 00:00:00" if "xml_dates_with_time" in variants else "")


def mg_committees_xml(council: DemoCouncil, listed: bool = True) -> str:
    """``GetCommittees``; with ``listed`` False, the answer of a web service that lists none."""
    committees = council.committees if listed else []
    parts = [XML_HEADER, "<committees>\n", f"  <committeescount> {len(committees)}</committeescount>\n"]
    for committee in committees:
        parts.append(
            "  <committee>\n"
            f"    <committeeid>{committee.id}</committeeid>\n"
            f"    <committeetitle>{_title(committee.title, council.variants)}</committeetitle>\n"
            "    <committeedeleted>False</committeedeleted>\n"
            "    <committeeexpired>False</committeeexpired>\n"
            f"    <committeecategory>{xml_escape(committee.category)}</committeecategory>\n"
            "  </committee>\n"
        )
    parts.append("</committees>\n")
    return "".join(parts)


def _meeting_summary(meeting: DemoMeeting, indent: str, variants: set[str], extra: str = "") -> str:
    return (
        f"{indent}<meeting>\n"
        f"{indent}  <meetingid>{meeting.id}</meetingid>\n{extra}"
        f"{indent}  <meetingdate>{_xml_date(meeting.date, variants)}</meetingdate>\n"
        f"{indent}  <meetingstatus>{xml_escape(meeting.status)}</meetingstatus>\n"
        f"{indent}  <meetingtime>{moderngov_time(meeting.time)}</meetingtime>\n"
        f"{indent}  <iswebcast>False</iswebcast>\n"
        f"{indent}</meeting>\n"
    )


def mg_meetings_xml(council: DemoCouncil, committee: DemoCommittee, start: dt.date, end: dt.date) -> str:
    """``GetMeetings``: one committee's meetings between two dates."""
    meetings = [m for m in committee.meetings if start <= m.date <= end]
    parts = [
        XML_HEADER,
        "<getmeetings>\n",
        f"  <meetingscount> {len(meetings)}</meetingscount>\n",
        "  <committeescount> 1</committeescount>\n  <committee>\n",
        f"    <committeeid>{committee.id}</committeeid>\n",
        f"    <committeetitle>{_title(committee.title, council.variants)}</committeetitle>\n",
        f"    <committeemeetingcount> {len(meetings)}</committeemeetingcount>\n    <committeemeetings>\n",
        *(_meeting_summary(meeting, "      ", council.variants) for meeting in meetings),
        "    </committeemeetings>\n  </committee>\n</getmeetings>\n",
    ]
    return "".join(parts)


def mg_all_meetings_by_date_xml(council: DemoCouncil, committees: list[DemoCommittee], start: dt.date, end: dt.date) -> str:
    """``GetAllMeetingsByDate`` / ``GetMeetingsByDate``: a flat list of meetings, each naming its committee."""
    rows = sorted(((c, m) for c in committees for m in c.meetings if start <= m.date <= end), key=lambda pair: pair[1].date)
    parts = [XML_HEADER, "<meetings>\n", f"  <meetingscount> {len(rows)}</meetingscount>\n"]
    for committee, meeting in rows:
        parts.append(
            _meeting_summary(
                meeting,
                "  ",
                council.variants,
                f"    <committeeid>{committee.id}</committeeid>\n"
                f"    <committeetitle>{_title(committee.title, council.variants)}</committeetitle>\n",
            )
        )
    parts.append("</meetings>\n")
    return "".join(parts)


def _linked_doc(
    base: str, council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting, item: DemoItem, document: DemoDocument
) -> str:
    published = _xml_date(document.published, council.variants) if document.published else ""
    return (
        "        <linkeddoc>\n"
        f"          <attachmentid>{document.id}</attachmentid>\n"
        f"          <title>{_title(document.title, council.variants)}</title>\n"
        "          <isurl>False</isurl>\n"
        f"          <url>{base}mgConvert2PDF.aspx?ID={document.id}</url>\n"
        f"          <isrestricted>{document.restricted}</isrestricted>\n"
        f"          <publicationdate>{published}</publicationdate>\n"
        f"          <meetingdate>{_xml_date(meeting.date, council.variants)}</meetingdate>\n"
        f"          <committeetitle>{_title(committee.title, council.variants)}</committeetitle>\n"
        f"          <ownertitle>{_title(item.title, council.variants)}</ownertitle>\n"
        "        </linkeddoc>\n"
    )


def _finish(meeting: DemoMeeting) -> str:
    """The planned finish as GetMeeting writes it ("4.30 pm"); none published is a line break and
    indentation, as real answers leave their empty fields."""
    return moderngov_time(meeting.ends) if meeting.ends is not None else "\n  "


def mg_meeting_xml(base: str, council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting) -> str:
    """``GetMeeting``: the meeting, its agenda items (text and minutes inline) and their linked documents."""
    variants = council.variants
    has_minutes = any(item.minutes_html for item in meeting.items)
    parts = [
        XML_HEADER,
        "<meeting>\n",
        f"  <meetingid>{meeting.id}</meetingid>\n",
        f"  <meetingdate>{_xml_date(meeting.date, variants)}</meetingdate>\n",
        f"  <meetingstatus>{xml_escape(meeting.status)}</meetingstatus>\n",
        "  <isdisplayallowed>True</isdisplayallowed>\n",
        f"  <meetingtime>{moderngov_time(meeting.time)}</meetingtime>\n",
        f"  <meetingplannedfinishtime>{_finish(meeting)}</meetingplannedfinishtime>\n",
        "  <meetinglocation>Council Chamber, County Hall</meetinglocation>\n",
        "  <iswebcast>False</iswebcast>\n",
        f"  <agendaid>{meeting.id}</agendaid>\n",
        f"  <agendapublished>{bool(meeting.items)}</agendapublished>\n",
        "  <decisionpublished>False</decisionpublished>\n",
        f"  <minutepublished>{has_minutes}</minutepublished>\n",
        "  <agendaitems>\n",
    ]
    for position, item in enumerate(meeting.items, start=1):
        item_id = "" if "items_without_ids" in variants else f"      <agendaitemid>{item.id}</agendaitemid>\n"
        parts.append(
            "    <agendaitem>\n" + item_id + f"      <agendaitemtitle>{_title(item.title, variants)}</agendaitemtitle>\n"
            f"      <agendatext>{_html_field(item.agenda_html, variants)}</agendatext>\n"
            f"      <actualmeetingdate>{_xml_date(meeting.date, variants)}</actualmeetingdate>\n"
            f"      <agendaitemnumber>{position}</agendaitemnumber>\n"
            f"      <fulldisplaynumberformat>{xml_escape(item.number or f'{position}.')}</fulldisplaynumberformat>\n"
            f"      <minutesnonemptyhtmlbody>{_html_field(item.minutes_html, variants)}</minutesnonemptyhtmlbody>\n"
            f"      <isminutepublished>{bool(item.minutes_html)}</isminutepublished>\n"
            "      <isrestricted>False</isrestricted>\n"
            f"      <refertocommittee>{_title(committee.title, variants)}</refertocommittee>\n"
            "      <linkeddocuments>\n"
            + "".join(_linked_doc(base, council, committee, meeting, item, document) for document in item.documents)
            + "      </linkeddocuments>\n    </agendaitem>\n"
        )
    parts.append("  </agendaitems>\n  <attendees>\n  </attendees>\n</meeting>\n")
    return "".join(parts)


# --------------------------------------------------------------------------- public pages


def _page_link(council: DemoCouncil, href: str) -> str:
    """A link to another page as the site writes it: as ModernGov names its pages, or all in lower case."""
    return href.lower() if "lower_case_links" in council.variants else href


def _heading_date(council: DemoCouncil, day: dt.date) -> str:
    """A meeting's date on the pages: "Tuesday, 10th February, 2026", or ``10/02/2026`` (``numeric_dates``)."""
    return uk_date(day) if "numeric_dates" in council.variants else long_date(day)


def _status_mark(meeting: DemoMeeting) -> str:
    """What the list and heading say of a meeting that will not take place as planned: "CANCELLED", "POSTPONED"."""
    status = meeting.status.lower()
    return meeting.status.upper() if status in ("cancelled", "postponed") else ""


def mg_list_committees(council: DemoCouncil) -> str:
    links = "\n".join(
        f'<li><a href="{_page_link(council, f"mgCommitteeDetails.aspx?ID={c.id}")}">{escape(c.title)}</a></li>'
        for c in council.committees
    )
    body = f'<h1 class="mgMainTitleTxt">Browse meetings</h1>\n<ul class="mgBulletList">\n{links}\n</ul>'
    return page(f"Browse meetings - {council.name}", body)


def _meeting_link(council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting) -> str:
    """One meeting on the list: its date as the link, "- CANCELLED" / "- POSTPONED" after it when it is
    (as Oxford's list), or a cancelled one struck through (``struck_through``)."""
    if "ce_list_documents" in council.variants:
        day = meeting.date
        href = (
            f"CeListDocuments.aspx?CommitteeId={committee.id}&amp;MeetingId={meeting.id}"
            f"&amp;DF={day.day:02d}%2f{day.month:02d}%2f{day.year}&amp;Ver=2"
        )
    else:
        href = _page_link(council, f"ieListDocuments.aspx?CId={committee.id}&amp;MId={meeting.id}&amp;Ver=4")
    time = f"&nbsp;{moderngov_time(meeting.time)}" if meeting.time else ""
    shown = (
        uk_date(meeting.date) if "numeric_dates" in council.variants else f"{meeting.date.day} {meeting.date.strftime('%b %Y')}"
    )
    link = f'<a class="mgMeetingTableLnk" href="{href}">{shown}{time}</a>'
    mark = _status_mark(meeting)
    if mark == "CANCELLED" and "struck_through" in council.variants:
        return f"<li><s>{link}</s></li>"
    return f"<li>{link}{' - ' + mark if mark else ''}</li>"


def mg_list_meetings(council: DemoCouncil, committee: DemoCommittee, year: int) -> str:
    """One year's meetings (the newest year unless asked), with links to the other years, as ModernGov pages them."""
    years = sorted({m.date.year for m in committee.meetings}, reverse=True)
    chosen = sorted((m for m in committee.meetings if m.date.year == year), key=lambda m: m.date, reverse=True)
    pager = " ".join(
        f"<strong>{other}</strong>"
        if other == year
        else f'<a href="{_page_link(council, f"ieListMeetings.aspx?CId={committee.id}&amp;Year={other}")}">{other}</a>'
        for other in years
    )
    return _meetings_page(council, committee, chosen, f'<p class="mgYearPager">Year: {pager}</p>')


def mg_list_meetings_recent(
    council: DemoCouncil, committee: DemoCommittee, today: dt.date, before: dt.date | None = None, after: dt.date | None = None
) -> str:
    """The ``earlier_meetings`` shape: recent and coming meetings, older ones a few at a time behind links.

    ``before`` / ``after`` are the ``D=`` of an ``Act=earlier`` / ``Act=later`` link. The year
    selector is a form posted back to the server, as on real sites; the demo does not answer it.
    """
    meetings = sorted(committee.meetings, key=lambda m: m.date, reverse=True)
    if before is not None:
        chosen = [m for m in meetings if m.date < before][:EARLIER_PAGE_SIZE]
    elif after is not None:
        chosen = [m for m in reversed(meetings) if m.date > after][:EARLIER_PAGE_SIZE][::-1]
    else:
        chosen = [m for m in meetings if m.date >= today - dt.timedelta(days=RECENT_DAYS)]
    links = []
    if chosen and any(m.date > chosen[0].date for m in meetings) and (before is not None or after is not None):
        links.append(_pager_link("later", committee, chosen[0].date, "Later meetings"))
    if chosen and any(m.date < chosen[-1].date for m in meetings):
        links.append(_pager_link("earlier", committee, chosen[-1].date, "Earlier meetings"))
    years = sorted({m.date.year for m in meetings}, reverse=True)
    form = (
        f'<form method="post" action="ieListMeetings.aspx?CId={committee.id}" id="mgFormYear">\n'
        '<label for="ddlYear">Year:</label> <select name="ctl00$MainContent$ddlYear" id="ddlYear">'
        + "".join(f"<option>{year}</option>" for year in years)
        + '</select> <input type="submit" name="ctl00$MainContent$btnYear" value="Go" />\n</form>'
    )
    return _meetings_page(council, committee, chosen, form + '\n<p class="mgPager">' + " ".join(links) + "</p>")


def _pager_link(act: str, committee: DemoCommittee, day: dt.date, text: str) -> str:
    return (
        f'<a href="ieListMeetings.aspx?Act={act}&amp;CId={committee.id}&amp;D={day.strftime("%Y%m%d")}0000'
        f'&amp;MD=ielistmeetings" title="{text}">{text}</a>'
    )


def _meetings_page(council: DemoCouncil, committee: DemoCommittee, meetings: list[DemoMeeting], pager: str) -> str:
    rows = "\n".join(_meeting_link(council, committee, meeting) for meeting in meetings)
    body = (
        f'<h1 class="mgMainTitleTxt">{escape(committee.title)} - Meetings</h1>\n{pager}\n<ul class="mgBulletList">\n{rows}\n</ul>'
    )
    return page(f"Browse meetings - {committee.title}", body)


def _size(document: DemoDocument) -> str:
    return f"{document.extension.upper()} {max(1, len(document.pages) * 12)} KB"


def _doc_link(document: DemoDocument, text: str, href: str | None = None) -> str:
    """A paper's link: to ``documents/s<id>/<name>``, titled "Link to document '<name>' pdf file"; a
    link by file path (``href``) shows only its text, as those sites' links do."""
    if href is not None:
        return f'<a href="{href}" class="mgDocLink">{text}</a>'
    return (
        f'<a href="documents/s{document.id}/{document.file_name}" class="mgDocLink" title="Link to document '
        f"'{escape(document.title)}' {document.extension} file\">{text}</a>"
    )


def _paper_href(council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting, document: DemoDocument) -> str | None:
    """The file path an item's paper is linked by on sites that link papers so (``data_paper_paths``), else None."""
    return data_path(committee, meeting, document) if "data_paper_paths" in council.variants else None


def _doc_links(
    council: DemoCouncil,
    committee: DemoCommittee,
    meeting: DemoMeeting,
    documents: list[DemoDocument],
    number: str,
    label: str = "Documents:",
) -> str:
    links = "\n".join(
        "<li>Restricted enclosure</li>"
        if doc.restricted
        else f"<li>{_doc_link(doc, f'{escape(doc.title)}, item {escape(number)} {_size(doc)}', _paper_href(council, committee, meeting, doc))}</li>"
        for doc in documents
    )
    return f'<p class="mgSubItemTitleTxt">{label}</p>\n<ul class="mgActionList">\n{links}\n</ul>' if documents else ""


def _item_text(html_text: str, variants: set[str]) -> str:
    """Item text as the page holds it: in a ``div.mgWordPara``, or as plain paragraphs."""
    if not html_text:
        return ""
    return html_text if "plain_paragraphs" in variants else f'<div class="mgWordPara">{html_text}</div>'


def _item_row(council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting, item: DemoItem, number: str) -> str:
    """One agenda item: number, title (an mgAi.aspx link, or a link straight to the report), text, minutes, papers."""
    variants = council.variants
    minutes = f'<p class="mgSubItemTitleTxt">Minutes:</p>\n{_item_text(item.minutes_html, variants)}' if item.minutes_html else ""
    public = [doc for doc in item.documents if not doc.restricted]
    if "items_link_to_reports" in variants:
        anchor = f'<a name="AI{item.id}"></a>'
        lead = public[0] if public else None
        title = (
            _doc_link(lead, f"{escape(item.title)} {_size(lead)}", _paper_href(council, committee, meeting, lead))
            if lead
            else escape(item.title)
        )
        others = [doc for doc in item.documents if doc is not lead]
        papers = _doc_links(council, committee, meeting, others, number, "Supporting documents:")
    else:
        anchor = ""
        title = f'<a href="{_page_link(council, f"mgAi.aspx?ID={item.id}")}#mgDocuments">{escape(item.title)}</a>'
        papers = _doc_links(council, committee, meeting, item.documents, number)
    return (
        "<tr>\n"
        f'<td class="mgItemNumberCell"><p class="mgAiTitleTxt">{anchor}{escape(number)}</p></td>\n'
        f'<td><p class="mgAiTitleTxt">{title}</p>\n'
        f"{_item_text(item.agenda_html, variants)}\n{minutes}\n{papers}\n</td>\n"
        "</tr>"
    )


def mg_list_documents(council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting) -> str:
    rows = [
        _item_row(council, committee, meeting, item, item.number or f"{position}.")
        for position, item in enumerate(meeting.items, start=1)
    ]
    status = f" ({escape(meeting.status)})" if _status_mark(meeting) else ""
    # Meeting-level papers (frontsheet, reports pack, printed minutes) sit above the items, under
    # documents/g<meeting id>/; the web service does not list them.
    packs = "\n".join(
        f'<li><a href="documents/g{meeting.id}/{doc.file_name}?T=10">{escape(doc.title)} {_size(doc)}</a></li>'
        for doc in meeting.documents
    )
    body = (
        '<h1 class="mgMainTitleTxt">Agenda and minutes</h1>\n'
        f'<h2 class="mgSubTitleTxt">{escape(committee.title)} - {_heading_date(council, meeting.date)}{" " + moderngov_time(meeting.time) if meeting.time else ""}{status}</h2>\n'
        + (f'<ul class="mgActionList">\n{packs}\n</ul>\n' if packs else "")
        + f'<table class="mgItemTable">\n{chr(10).join(rows)}\n</table>'
    )
    return page(f"Agenda for {committee.title} on {long_date(meeting.date)}", body)


def mg_agenda_item(council: DemoCouncil, committee: DemoCommittee, meeting: DemoMeeting, item: DemoItem) -> str:
    minutes = f"<h2>Minutes:</h2>\n{_item_text(item.minutes_html, council.variants)}" if item.minutes_html else ""
    body = (
        f'<h1 class="mgMainTitleTxt">{escape(item.title)}</h1>\n'
        f"<p>Meeting: {_heading_date(council, meeting.date)} - {escape(committee.title)}</p>\n"
        f"{_item_text(item.agenda_html, council.variants)}\n{minutes}\n"
        f"{_doc_links(council, committee, meeting, item.documents, item.number or '')}"
    )
    return page(f"Issue - items at meetings - {item.title}", body)
