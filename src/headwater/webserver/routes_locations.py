"""Health, code locations, reloads and the live stream of location changes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.core.version import __version__
from headwater.storage.errors import StorageError
from headwater.webserver.context import context_of
from headwater.webserver.errors import STORAGE_UNAVAILABLE, JSONResponse
from headwater.webserver.items import location_item
from headwater.webserver.sse import location_stream

logger = logging.getLogger("headwater.webserver")


def health(request: Request) -> Response:
    """``GET /api/health``: up, version, daemon heartbeat, storage, read-only.

    503 while the instance storage cannot be reached (``storage.error`` says why).
    """
    context = context_of(request)
    daemon: dict[str, Any] = {"alive": False, "last_heartbeat": None}
    if context.daemon_status is not None:
        try:
            status = context.daemon_status()
            daemon = {"alive": bool(status.get("alive")),
                      "last_heartbeat": status.get("last_heartbeat")}
        except Exception:
            logger.exception("Reading the daemon's status failed")
    storage: dict[str, Any] = {"available": True, "error": None}
    try:
        context.instance.storage.ping()
    except StorageError as exc:
        storage = {"available": False, "error": str(exc)}
    return JSONResponse({"status": "ok" if storage["available"] else STORAGE_UNAVAILABLE,
                         "version": __version__, "daemon": daemon, "storage": storage,
                         "read_only": context.read_only},
                        status_code=200 if storage["available"] else 503)


def locations(request: Request) -> Response:
    """``GET /api/locations``."""
    entries = context_of(request).workspace.get_entries()
    return JSONResponse({"locations": [location_item(entry) for entry in entries]})


async def reload_location(request: Request) -> Response:
    """``POST /api/locations/{name}/reload``: answers once the new code loaded (or failed)."""
    context = context_of(request)
    name = request.path_params["name"]
    context.entry(name)
    # Awaited, not run in the thread pool: a storm of reloads must not take the threads
    # the synchronous read endpoints need; concurrent requests share one reload.
    entry = await asyncio.wrap_future(context.workspace.request_reload(name))
    return JSONResponse(location_item(entry))


async def reload_all(request: Request) -> Response:
    """``POST /api/reload``: every location, in parallel."""
    futures = context_of(request).workspace.request_reload_all()
    entries = [await asyncio.wrap_future(future) for future in futures]
    return JSONResponse({"locations": [location_item(entry) for entry in entries]})


async def events(request: Request) -> Response:
    """``GET /api/events``: an SSE stream with an ``event: location`` per change."""
    return location_stream(context_of(request))


ROUTES = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/locations", locations, methods=["GET"]),
    Route("/api/locations/{name}/reload", reload_location, methods=["POST"]),
    Route("/api/reload", reload_all, methods=["POST"]),
    Route("/api/events", events, methods=["GET"]),
]
