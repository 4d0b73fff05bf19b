"""``/healthz``: "ok" for a load balancer; with the distributed executor, also its workers and queue.

With ``executor.kind: distributed`` the answer is JSON: ``{"status": "ok", "executor":
"distributed", "workers": [...], "queue": {"queued": N, "running": N}}``, the same workers and
counts as ``sendwatch status --workers --json``, read from the database the workers beat into.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sendwatch.distributed.heartbeats import executor_health
from sendwatch.web.responses import state


async def healthz(request: Request) -> Response:
    web = state(request)
    if web.config.executor.kind != "distributed":
        return Response("ok\n", media_type="text/plain")
    with web.database.session() as session:
        health = executor_health(session, web.config.executor.heartbeat_seconds)
    return JSONResponse({"status": "ok", "executor": "distributed", **health})
