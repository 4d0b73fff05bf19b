"""What every platform's pages share (the page frame, dates as councils write them), and listing pages.

ModernGov's pages and XML are in ``moderngov_pages``, CMIS's in ``cmis_pages``. Listing: a
council web page of links.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from sendwatch.demo.site.spec import DemoCommittee, DemoCouncil, DemoDocument, DemoMeeting

XML_HEADER = '<?xml version="1.0" encoding="utf-8"?>\n'


def uk_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def long_date(day: dt.date) -> str:
    """``Tuesday, 10th February, 2026`` as ModernGov headings write it."""
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.strftime('%A')}, {day.day}{suffix} {day.strftime('%B')}, {day.year}"


def moderngov_time(time: dt.time | None) -> str:
    """``10.00 am`` / ``2.00 pm``, as ModernGov writes a meeting's time; '' when none is published."""
    if time is None:
        return ""
    return f"{(time.hour - 1) % 12 + 1}.{time.minute:02d} {'pm' if time.hour >= 12 else 'am'}"


def cmis_time(time: dt.time | None) -> str:
    """``14:00``, as CMIS writes a meeting's time (24-hour); '' when none is published."""
    return f"{time:%H:%M}" if time is not None else ""


def data_path(committee: DemoCommittee, meeting: DemoMeeting, document: DemoDocument, with_time: bool = False) -> str:
    """Where a site keeps a paper as a file (``data_paper_paths``): ``Data/<committee>/<yyyymmdd>/Agenda/<name>``
    (CMIS adds the meeting's time, ``<yyyymmddhhmm>``), under the platform's folder."""
    folder = re.sub(r"[^A-Za-z0-9 ]+", "", committee.title).strip().replace(" ", "%20")
    when = meeting.date.strftime("%Y%m%d") + (f"{meeting.time:%H%M}" if with_time and meeting.time else "")
    return f"Data/{folder}/{when}/Agenda/{document.file_name}"


def page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n"
        '<div id="modgov"><div class="mgContent">\n'
        f"{body}\n</div></div>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- listing


def listing_page(council: DemoCouncil) -> str:
    links = []
    for committee in council.committees:
        for meeting in sorted(committee.meetings, key=lambda m: m.date, reverse=True):
            when = f"{meeting.date.day} {meeting.date.strftime('%B %Y')}"
            for document in meeting.all_documents():
                if document.restricted:
                    continue
                own = f"/downloads/file/{document.id}/{document.slug_name}{document.suffix}"
                links.append(
                    f'<li><a href="{escape(document.href) if document.href else own}">'
                    f"{escape(committee.title)} {when}: {escape(document.title)}</a> ({document.extension.upper()})</li>"
                )
    body = (
        '<nav><a href="/council-tax">Council tax</a> <a href="/contact-us">Contact us</a>'
        ' <a href="mailto:democracy@example.gov.uk">Email us</a></nav>\n'
        f'<h1>{escape(council.name)}: committee papers</h1>\n<ul class="papers">\n{chr(10).join(links)}\n</ul>'
    )
    return page(f"Committee papers - {council.name}", body)
