"""Schedules and sensors: list, detail with recent ticks, turn on and off."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.snapshot.location import ScheduleSnap, SensorSnap
from headwater.snapshot.runs import InstigatorState, InstigatorStatus, InstigatorType
from headwater.webserver.context import ApiContext, context_of, loaded_snapshots
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.items import schedule_item, sensor_item, tick_item
from headwater.webserver.params import int_param

Snap = ScheduleSnap | SensorSnap

#: Per type: the response's list field, the snapshot's list, the item builder.
_KINDS: dict[InstigatorType, tuple[str, str, Callable[..., dict[str, Any]]]] = {
    InstigatorType.SCHEDULE: ("schedule", "schedules", schedule_item),
    InstigatorType.SENSOR: ("sensor", "sensors", sensor_item),
}


def _states(context: ApiContext, kind: InstigatorType
            ) -> dict[tuple[str, str], InstigatorState]:
    return {(state.location_name, state.name): state
            for state in context.instance.storage.get_instigator_states(instigator_type=kind)}


def _list(request: Request, kind: InstigatorType) -> Response:
    context = context_of(request)
    _, field, build = _KINDS[kind]
    states = _states(context, kind)
    items: list[dict[str, Any]] = []
    for entry, snapshot in loaded_snapshots(context.workspace):
        for repo in snapshot.repositories:
            items.extend(build(entry.name, snap, states.get((entry.name, snap.name)))
                         for snap in getattr(repo, field))
    return JSONResponse({field: items})


def _find(context: ApiContext, kind: InstigatorType, location: str, name: str) -> Snap:
    singular, field, _ = _KINDS[kind]
    snapshot = context.snapshot(location)
    names: list[str] = []
    for repo in snapshot.repositories:
        for snap in getattr(repo, field):
            if snap.name == name:
                found: Snap = snap
                return found
            names.append(snap.name)
    raise ApiError(404, f"Location '{location}' has no {singular} named '{name}' "
                        f"(it has: {', '.join(names) or 'none'}).")


def _detail(request: Request, kind: InstigatorType) -> Response:
    context = context_of(request)
    location, name = request.path_params["location"], request.path_params["name"]
    singular, _, build = _KINDS[kind]
    snap = _find(context, kind, location, name)
    limit = int_param(request, "limit", 25, minimum=1, maximum=1000)
    storage = context.instance.storage
    state = storage.get_instigator_state(location, name, kind)
    ticks = storage.get_ticks(location, name, kind, limit=limit)
    return JSONResponse({singular: build(location, snap, state),
                         "ticks": [tick_item(tick) for tick in ticks]})


def _set_status(context: ApiContext, kind: InstigatorType, location: str, name: str,
                status: InstigatorStatus) -> dict[str, Any]:
    _, _, build = _KINDS[kind]
    snap = _find(context, kind, location, name)
    storage = context.instance.storage
    old = storage.get_instigator_state(location, name, kind)
    state = InstigatorState(location_name=location, name=name, instigator_type=kind,
                            status=status, cursor=old.cursor if old is not None else None,
                            updated_at=time.time())
    storage.set_instigator_state(state)
    return build(location, snap, state)


def _switch(kind: InstigatorType, status: InstigatorStatus) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        params = request.path_params
        item = await run_in_threadpool(_set_status, context_of(request), kind,
                                       params["location"], params["name"], status)
        return JSONResponse(item)

    return endpoint


def list_schedules(request: Request) -> Response:
    """``GET /api/schedules``."""
    return _list(request, InstigatorType.SCHEDULE)


def list_sensors(request: Request) -> Response:
    """``GET /api/sensors``."""
    return _list(request, InstigatorType.SENSOR)


def schedule_detail(request: Request) -> Response:
    """``GET /api/schedules/{location}/{name}``."""
    return _detail(request, InstigatorType.SCHEDULE)


def sensor_detail(request: Request) -> Response:
    """``GET /api/sensors/{location}/{name}``."""
    return _detail(request, InstigatorType.SENSOR)


_RUNNING, _STOPPED = InstigatorStatus.RUNNING, InstigatorStatus.STOPPED

ROUTES = [
    Route("/api/schedules", list_schedules, methods=["GET"]),
    Route("/api/schedules/{location}/{name}", schedule_detail, methods=["GET"]),
    Route("/api/schedules/{location}/{name}/start",
          _switch(InstigatorType.SCHEDULE, _RUNNING), methods=["POST"]),
    Route("/api/schedules/{location}/{name}/stop",
          _switch(InstigatorType.SCHEDULE, _STOPPED), methods=["POST"]),
    Route("/api/sensors", list_sensors, methods=["GET"]),
    Route("/api/sensors/{location}/{name}", sensor_detail, methods=["GET"]),
    Route("/api/sensors/{location}/{name}/start",
          _switch(InstigatorType.SENSOR, _RUNNING), methods=["POST"]),
    Route("/api/sensors/{location}/{name}/stop",
          _switch(InstigatorType.SENSOR, _STOPPED), methods=["POST"]),
]
