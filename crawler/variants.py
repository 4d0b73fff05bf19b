"""The shapes of ModernGov and CMIS that real councils' sites show, as the spiders report them.

Spiders yield a ``VariantSeen`` with one of these codes wherever they meet the shape, so that
``sendwatch probe`` can say what a site is like (and a crawl's debugging log can too). The codes
are stable: scripts read them from ``probe --json``.
"""

from __future__ import annotations

VARIANTS: dict[str, str] = {
    # ModernGov: which route
    "web_service": "ModernGov web service (mgWebService.asmx) answers",
    "html_pages": "no usable web service: read from the public pages",
    "getallmeetingsbydate": "GetMeetings failed: meetings listed by GetAllMeetingsByDate",
    # ModernGov web service shapes
    "titles_escaped_twice": "web service titles escaped twice (Chair&amp;#39;s report), unescaped once",
    "exempt_papers": "restricted (exempt) papers listed: recorded, not fetched",
    "items_without_ids": "agenda items without an agendaitemid: keyed by position",
    "raw_html_agendatext": "agenda text or minutes as raw HTML elements inside the XML",
    "cancelled_in_service": "GetMeetings lists cancelled meetings (meetingstatus Cancelled): recorded, GetMeeting not asked",
    # ModernGov public pages
    "year_pages": "ieListMeetings pages one year at a time (Year= links)",
    "earlier_meetings": "ieListMeetings shows recent meetings; older ones behind 'Earlier meetings' (Act=earlier)",
    "cancelled_on_list": "cancelled meetings marked '- CANCELLED' (or struck through) on the meetings list",
    "status_on_list": "meetings marked postponed on the list: recorded so, their pages still read",
    "cancelled_on_page": "a meeting's own page (or GetMeeting) says it is cancelled: recorded, its papers not fetched",
    "ce_list_documents": "meeting links to CeListDocuments.aspx?CommitteeId=&MeetingId=",
    "items_link_to_reports": "agenda item titles link straight to their report (anchored AI<id>, no mgAi.aspx link)",
    "plain_paragraphs": "agenda item text in plain paragraphs, not div.mgWordPara",
    # CMIS
    "calendar_tab": "CMIS calendar module under a tab not called Meetings",
    "non_pdf_papers": "papers served in formats other than PDF",
}
