"""The web app served by ``sendwatch serve``: dashboard, council pages, sign-up, feeds.

``create_app(config, database)`` returns the ASGI app; ``sendwatch.commands.serve`` runs it
under uvicorn. What it serves:

    /                              every council's status; ?status=<status> &q=<name> filter
    /councils/<slug>               timeline, changes with evidence, figures, papers, crawl health
    /councils/<slug>/feed.atom     that council's changes (Atom)
    /feeds/changes.atom            every council's changes (Atom)
    /export/statuses.csv|.json     current statuses (the JSON is ``status --json``'s)
    /digests, /digests/<id>        the archive of weekly digests (/email: as emailed)
    /digests/<id>?view=            that week's digest of one subscriber's councils (signed link)
    /subscribe                     sign-up form; POST queues a confirmation email
    /confirm?token=                expiring confirmation link (GET shows a button; POST confirms)
    /manage?token=                 change choices (the signed link in every email)
    /unsubscribe?token=            GET asks; POST unsubscribes (RFC 8058 one-click included)
"""

from sendwatch.web.app import create_app

__all__ = ["create_app"]
