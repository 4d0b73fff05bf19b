"""The web app served by ``sendwatch serve``: dashboard, council pages, sign-up, feeds.

``create_app(config, database)`` returns the ASGI app; ``sendwatch.commands.serve`` runs it
under uvicorn.
"""

from sendwatch.web.app import create_app

__all__ = ["create_app"]
