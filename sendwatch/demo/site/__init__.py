"""A local imitation of councils' committee sites (ModernGov, CMIS, listing pages), for tests and demos.

Each council is data (``DemoCouncil`` → ``DemoCommittee`` → ``DemoMeeting`` → ``DemoItem`` →
``DemoDocument`` with one text per PDF page) and is served on its own 127.0.x.y address with an
ephemeral port, in the shapes the real platforms use: ModernGov's ``mgWebService.asmx`` XML and
public HTML pages (also when installed under a folder such as ``/moderngov/``), CMIS month views
and meeting pages with opaque ``Document.ashx`` links, and plain listing pages. A council's
``variants`` (``VARIANTS``) switch on the other shapes live sites show (Oxford's item rows,
"Earlier meetings" pages, titles escaped twice, restricted papers, CMIS calendar tabs...).
Papers are PDFs made with reportlab unless their ``format`` says otherwise (``papers.FORMATS``:
HTML, Word and Word 97, OpenDocument, RTF, Excel and Excel 97, CSV, PowerPoint, scanned PDFs and
images, a binary of no known format), served as their own type unless ``served_as`` says
another. Static files carry ETag / Last-Modified (answering 304 to conditional requests, as IIS
does), papers served by a script (CMIS ``Document.ashx``, a listing's download handler) carry
none unless they are PDFs; the web service XML carries no validators, as on real servers.

Usage::

    from sendwatch.demo.site import DemoSite, sample_council

    with DemoSite([sample_council("northshire", "moderngov", today)]) as site:
        entry = site.council_config("northshire")        # a ``councils:`` entry for config.yaml
        entries = site.config_entries()                   # ... for every council on the site
        site.set_web_service("northshire", "not_found")  # force the HTML fallback
        site.fail("northshire", "truncated_pdf")          # see FAILURES; clear_failures() undoes
        meeting = site.publish_meeting("northshire", "Schools Forum", DemoMeeting(date=today))
        site.change_document("northshire", document_id, ["new page text"])
        sample_council("oxford", "moderngov", today, variants={"items_link_to_reports"})  # see VARIANTS
        site.bodies("northshire")                         # document bodies served, per path
        site.serve_saved("northshire", "/ieListMeetings.aspx?CommitteeId=7", page_bytes)  # a hand-written page
"""

from sendwatch.demo.site.sample import FORUM, sample_council
from sendwatch.demo.site.server import FAILURES, POISON_HEADER, WEB_SERVICE_MODES, DemoSite, Served
from sendwatch.demo.site.spec import VARIANTS, DemoCommittee, DemoCouncil, DemoDocument, DemoItem, DemoMeeting

__all__ = [
    "FAILURES",
    "FORUM",
    "POISON_HEADER",
    "VARIANTS",
    "WEB_SERVICE_MODES",
    "DemoCommittee",
    "DemoCouncil",
    "DemoDocument",
    "DemoItem",
    "DemoMeeting",
    "DemoSite",
    "Served",
    "sample_council",
]
