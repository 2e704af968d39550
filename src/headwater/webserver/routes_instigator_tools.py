"""Schedules and sensors by hand: preview a tick, view/edit/reset a sensor's cursor, turn
several on or off at once."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.errors import HeadwaterError, NotFoundError
from headwater.snapshot.location import ScheduleSnap, SensorSnap
from headwater.snapshot.runs import InstigatorStatus, InstigatorType
from headwater.webserver.bodies import read_body
from headwater.webserver.context import ApiContext, context_of
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.items import schedule_item, sensor_item

_KINDS = {"schedule": InstigatorType.SCHEDULE, "sensor": InstigatorType.SENSOR}


class PreviewBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``POST .../preview``: a schedule's tick time (default now)."""

    timestamp: float | None = None


class CursorBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``POST /api/sensors/{location}/{name}/cursor``: the new cursor (null resets it)."""

    cursor: str | None


class BulkItem(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: str
    location: str
    name: str


class BulkSwitchBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``POST /api/instigators/bulk``: turn several schedules/sensors on or off."""

    action: str
    items: list[BulkItem]


def _preview(context: ApiContext, kind: InstigatorType, location: str, name: str,
             at: float | None) -> dict[str, Any]:
    from headwater.workspace.instigators import preview_tick

    try:
        return preview_tick(context.workspace, context.instance, kind, location, name, at=at)
    except NotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    except HeadwaterError as exc:
        raise ApiError(409, str(exc)) from None


def _preview_endpoint(kind: InstigatorType) -> Any:
    async def endpoint(request: Request) -> Response:
        body = await read_body(request, PreviewBody, optional=True)
        params = request.path_params
        answer = await run_in_threadpool(_preview, context_of(request), kind,
                                         params["location"], params["name"], body.timestamp)
        return JSONResponse(answer)

    return endpoint


def _set_cursor(context: ApiContext, location: str, name: str,
                cursor: str | None) -> dict[str, Any]:
    from headwater.workspace.instigators import find_instigator, set_cursor

    try:
        _, snap = find_instigator(context.workspace, InstigatorType.SENSOR, location, name)
    except NotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    assert isinstance(snap, SensorSnap)
    default = InstigatorStatus(snap.default_status.value)
    state = set_cursor(context.instance, location, name, cursor, default)
    return sensor_item(location, snap, state)


async def sensor_cursor(request: Request) -> Response:
    """``POST /api/sensors/{location}/{name}/cursor {"cursor": "..." | null}``: the sensor."""
    body = await read_body(request, CursorBody)
    params = request.path_params
    item = await run_in_threadpool(_set_cursor, context_of(request), params["location"],
                                   params["name"], body.cursor)
    return JSONResponse(item)


def _bulk(context: ApiContext, body: BulkSwitchBody) -> list[dict[str, Any]]:
    from headwater.workspace.instigators import find_instigator, set_status

    status = InstigatorStatus.RUNNING if body.action == "start" else InstigatorStatus.STOPPED
    results: list[dict[str, Any]] = []
    for item in body.items:
        kind = _KINDS.get(item.kind)
        try:
            if kind is None:
                raise NotFoundError(f"'kind' must be schedule or sensor, not {item.kind!r}.")
            _, snap = find_instigator(context.workspace, kind, item.location, item.name)
            state = set_status(context.instance, kind, item.location, item.name, status)
            built = (schedule_item(item.location, snap, state) if isinstance(snap, ScheduleSnap)
                     else sensor_item(item.location, snap, state))
            results.append({"ok": True, "kind": item.kind, **built})
        except NotFoundError as exc:
            results.append({"ok": False, "kind": item.kind, "location": item.location,
                            "name": item.name, "error": str(exc)})
    return results


async def bulk_switch(request: Request) -> Response:
    """``POST /api/instigators/bulk {"action": "start"|"stop", "items": [...]}``."""
    body = await read_body(request, BulkSwitchBody)
    if body.action not in ("start", "stop"):
        raise ApiError(400, f"'action' must be start or stop, not {body.action!r}.")
    if not body.items:
        raise ApiError(400, "'items' is empty; name at least one schedule or sensor.")
    results = await run_in_threadpool(_bulk, context_of(request), body)
    return JSONResponse({"results": results})


ROUTES = [
    Route("/api/schedules/{location}/{name}/preview",
          _preview_endpoint(InstigatorType.SCHEDULE), methods=["POST"]),
    Route("/api/sensors/{location}/{name}/preview",
          _preview_endpoint(InstigatorType.SENSOR), methods=["POST"]),
    Route("/api/sensors/{location}/{name}/cursor", sensor_cursor, methods=["POST"]),
    Route("/api/instigators/bulk", bulk_switch, methods=["POST"]),
]
