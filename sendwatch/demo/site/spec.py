"""What a demo council publishes: committees, meetings, agenda items and documents, as data.

The demo site renders these records in each platform's own shapes (ModernGov XML and HTML,
CMIS month views and meeting pages, a plain listing page). Ids are given out by the site when
the spec is loaded, so a spec can be written without inventing numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sendwatch.core.vocabulary import Platform

# Shapes real councils' sites show (``platforms.md``, "Variants seen on live sites"); a demo
# council shows those in its ``variants``. Those marked (data) change what the sample council
# publishes (``sample_council`` adds it); the rest change how the site renders it.
VARIANTS: dict[str, str] = {
    # ModernGov public pages
    "items_link_to_reports": "ieListDocuments: item titles link straight to their report (documents/s<id>/<Name>.pdf, "
    '"Link to document \'<Name>\' pdf file"), anchored <a name="AI<id>">, no mgAi.aspx link (Oxford)',
    "plain_paragraphs": "ieListDocuments: item text in plain <p> paragraphs, not div.mgWordPara (Oxford)",
    "earlier_meetings": "ieListMeetings: recent meetings only, older ones behind 'Earlier meetings' "
    "(Act=earlier&CId=..&D=yyyymmdd0000&MD=ielistmeetings); the year selector is a POST form",
    "ce_list_documents": "ieListMeetings: meeting links to CeListDocuments.aspx?CommitteeId=..&MeetingId=..&DF=.. (Senedd)",
    "cancelled_meeting": "(data) a cancelled forum meeting, '- CANCELLED' after its link on ieListMeetings (Oxford)",
    "struck_through": "cancelled meetings struck through (<s>) on ieListMeetings, with no '- CANCELLED'; (data) a cancelled "
    "forum meeting whose withdrawn report is still linked on its page",
    "postponed_meeting": "(data) a postponed forum meeting, its papers withdrawn: '- POSTPONED' after its link on "
    "ieListMeetings and in its heading, meetingstatus Postponed in the web service, Status: Postponed on a CMIS page",
    "numeric_dates": "dates written as numbers, day first: ieListMeetings links and ieListDocuments headings "
    "(03/12/2026 2.00 pm), CMIS meeting pages' Date/Time (03/12/2026 14:00)",
    "lower_case_links": "page links written in lower case (ielistdocuments.aspx?cid=..&mid=.., mgai.aspx?id=.., CMIS "
    "meeting paths), which IIS reads without regard to case",
    "data_paper_paths": "agenda items' papers linked by file path, Data/<committee>/<yyyymmdd>/Agenda/<name>.pdf "
    "(ModernGov ieListDocuments; CMIS meeting pages, <yyyymmddhhmm>), served from there",
    "typographic_apostrophes": "(data) the forum titled with a typographic apostrophe: Schools\u2019 Forum",
    "school_forum": "(data) the forum titled School Forum",
    # ModernGov web service
    "titles_escaped_twice": "web service titles escaped twice: Chair&amp;#39;s report, Fees &amp;amp; Charges "
    "(Brighton & Hove, Lambeth); (data) titles with apostrophes and ampersands",
    "exempt_papers": "(data) a restricted paper: <isrestricted>True</isrestricted> in the web service, not linked "
    "on the pages, refused if asked for (Lambeth)",
    "items_without_ids": "web service agenda items without an <agendaitemid>",
    "raw_html_agendatext": "<agendatext> and minutes holding raw, well-formed HTML elements instead of escaped HTML",
    "malformed_html_agendatext": "<agendatext> and minutes holding raw HTML that is not well-formed",
    "xml_dates_with_time": "web service dates with a time on the end: <meetingdate>03/12/2026 00:00:00</meetingdate>",
    # CMIS
    "calendar_tab": "the calendar module under a tab not called Meetings (MeetingsCalendar), under a site prefix "
    "(/ccc_live/), reached from the site's navigation; no link to the no-JavaScript view (Cambridgeshire)",
    "status_after_name": "calendar entries write a meeting's status after the committee (Schools Forum - CANCELLED); "
    "(data) a cancelled forum meeting whose withdrawn report is still linked on its page",
    "iso_dates": "meeting pages' Date/Time written ISO (2026-12-03 14:00)",
    # Both
    "non_pdf_papers": "(data) HTML and Word papers among the PDFs (served without validators by CMIS Document.ashx "
    "and listing sites' download scripts)",
}


@dataclass
class DemoDocument:
    """A paper: one string of text per page, published as a PDF unless ``format`` says otherwise.

    ``format`` is one of ``papers.FORMATS`` (pdf, scanned_pdf, png, docx, odt, ods, xlsx, xls,
    doc, pptx, rtf, csv, html, bin); ``served_as`` replaces the Content-Type the site declares for it.
    A ``restricted`` paper is exempt from publication: the web service lists it as restricted,
    the pages do not link it, and asking for it anyway is refused.
    """

    title: str
    pages: list[str]
    published: dt.date | None = None
    id: int = 0
    # Where a listing page links this paper when it is not on the council's own site (a file
    # host, or a hostile link): served from there, not by the demo site.
    href: str | None = None
    # Bumped when the content changes, so Last-Modified moves like a re-uploaded file's.
    modified: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    format: str = "pdf"
    served_as: str | None = None
    restricted: bool = False

    @property
    def extension(self) -> str:
        """The file type a site shows and names the file by (a scanned paper is still a pdf)."""
        return "pdf" if self.format in ("pdf", "scanned_pdf") else self.format

    @property
    def suffix(self) -> str:
        return f".{self.extension}"

    @property
    def file_name(self) -> str:
        """The name ModernGov puts in ``documents/s<id>/<name>.<ext>`` links."""
        name = re.sub(r"[^A-Za-z0-9 ._-]+", "", self.title).strip() or "Document"
        return name.replace(" ", "%20") + self.suffix

    @property
    def slug_name(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "document"


@dataclass
class DemoItem:
    """An agenda item: its text, the minutes once published, and the reports attached to it."""

    title: str
    agenda_html: str = ""
    minutes_html: str = ""
    documents: list[DemoDocument] = field(default_factory=list)
    number: str = ""
    id: int = 0


@dataclass
class DemoMeeting:
    """A meeting on a date, at a (UK local) time, or none published; ``documents`` are
    meeting-level papers (CMIS packs, listing papers). ``ends`` is its planned finish, which
    only ModernGov's ``GetMeeting`` publishes (empty where None, as on most real meetings)."""

    date: dt.date
    items: list[DemoItem] = field(default_factory=list)
    documents: list[DemoDocument] = field(default_factory=list)
    status: str = "Confirmed"
    time: dt.time | None = dt.time(10, 0)
    ends: dt.time | None = None
    id: int = 0

    def all_documents(self) -> list[DemoDocument]:
        return [*self.documents, *(doc for item in self.items for doc in item.documents)]


@dataclass
class DemoCommittee:
    title: str
    meetings: list[DemoMeeting] = field(default_factory=list)
    category: str = "Committees"
    id: int = 0


@dataclass
class DemoCouncil:
    """One council's site. ``mount`` is the folder the platform is installed under."""

    slug: str
    name: str
    platform: Platform
    committees: list[DemoCommittee] = field(default_factory=list)
    mount: str = "/"
    # CMIS installs sit under a site folder and a DNN tab (named, numbered) / module id.
    cmis_tab: int = 70
    cmis_module: int = 397
    cmis_tab_name: str = "Meetings"
    variants: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.mount.startswith("/") or not self.mount.endswith("/"):
            raise ValueError(f"mount {self.mount!r} must start and end with '/'")
        unknown = set(self.variants) - set(VARIANTS)
        if unknown:
            raise ValueError(f"unknown variants {sorted(unknown)}; known: {', '.join(VARIANTS)}")
