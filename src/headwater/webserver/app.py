"""The webserver application: the HTTP API, its OpenAPI document and the browser UI.

    app = create_app(workspace, instance)          # a Starlette (ASGI) app
    uvicorn.run(app, host="127.0.0.1", port=3000)   # or headwater.webserver.server.serve

The app reads code locations from the :class:`~headwater.workspace.Workspace` (it never
imports user code) and runs, events and schedule/sensor state from the instance's storage.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from headwater.storage.instance import Instance
from headwater.webserver import (
    routes_assets,
    routes_automation,
    routes_backfills,
    routes_external_assets,
    routes_instigator_tools,
    routes_instigators,
    routes_jobs,
    routes_locations,
    routes_overview,
    routes_run_debug,
    routes_runs,
    run_filters,
)
from headwater.webserver.auth import AuthGuard, Credentials
from headwater.webserver.context import ApiContext, DaemonStatusProvider
from headwater.webserver.errors import EXCEPTION_HANDLERS, JSONResponse
from headwater.webserver.guard import MutationGuard
from headwater.webserver.location_feed import LocationFeed
from headwater.webserver.openapi import openapi_document
from headwater.workspace import Workspace


def openapi(request: Request) -> Response:
    """``GET /openapi.json``."""
    return JSONResponse(openapi_document())


def api_routes() -> list[BaseRoute]:
    """Every route of the HTTP API (without the UI)."""
    return [
        *routes_locations.ROUTES,
        *routes_assets.ROUTES,
        *routes_jobs.ROUTES,
        *routes_instigator_tools.ROUTES,
        *routes_instigators.ROUTES,
        *routes_automation.ROUTES,
        *run_filters.ROUTES,
        *routes_runs.ROUTES,
        *routes_run_debug.ROUTES,
        *routes_overview.ROUTES,
        *routes_backfills.ROUTES,
        *routes_external_assets.ROUTES,
        Route("/openapi.json", openapi, methods=["GET"]),
    ]


def create_app(
    workspace: Workspace,
    instance: Instance,
    *,
    read_only: bool = False,
    daemon_status: DaemonStatusProvider | None = None,
    allowed_hosts: Collection[str] | None = None,
    location_feed: LocationFeed | None = None,
    credentials: Credentials | None = None,
) -> Starlette:
    """The webserver's ASGI app.

    Args:
        workspace: the code locations (started by the caller, who also stops it).
        instance: the instance whose runs and state the API shows and changes.
        read_only: refuse every mutation (403) — runs, reloads, schedule/sensor switches.
        daemon_status: returns the daemon's status for ``/api/health`` (``alive``,
            ``last_heartbeat``); without it the daemon is reported as not alive.
        allowed_hosts: answer only requests whose ``Host`` is one of these names (any
            port); ``headwater dev``/``webserver`` pass the loopback names when they listen
            on a loopback address. None: any host.
        location_feed: the feed the workspace publishes its changes to (its
            ``on_change``), so that ``/api/events`` sends every change as it happens;
            without it the stream polls the workspace.
        credentials: require them on every request (see :mod:`headwater.webserver.auth`);
            None: no authentication.

    Returns:
        A Starlette app; ``app.state.context`` holds the shared state (its ``stopping``
        event ends the server-sent event streams when set).
    """
    from headwater.webserver.ui.routes import ui_routes

    middleware = [Middleware(MutationGuard, read_only=read_only, allowed_hosts=allowed_hosts)]
    if credentials is not None:
        middleware.insert(0, Middleware(AuthGuard, credentials=credentials))
    app = Starlette(
        routes=[*api_routes(), *ui_routes()],
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.context = ApiContext(workspace=workspace, instance=instance,
                                   read_only=read_only, daemon_status=daemon_status,
                                   location_feed=location_feed)
    return app
