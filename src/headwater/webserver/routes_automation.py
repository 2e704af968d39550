"""Declarative automation: automation sensors with their ticks, and per-asset evaluations.

``GET /api/automation`` lists the automation condition sensors of every loaded location, each
with its recent ticks and the assets each tick requested; ``GET /api/automation/evaluations/
{key}`` returns an asset's stored evaluation trees, newest first ("why didn't it run?").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.snapshot.location import SensorType
from headwater.snapshot.runs import InstigatorType
from headwater.webserver.context import context_of, loaded_snapshots
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.items import instigator_status, tick_item
from headwater.webserver.params import int_param

if TYPE_CHECKING:
    from headwater.storage.sql_automation import AutomationEvaluationRecord

#: Ticks shown per sensor by default.
DEFAULT_TICKS = 20


def automation(request: Request) -> Response:
    """``GET /api/automation``: automation sensors, their recent ticks and requested assets."""
    context = context_of(request)
    limit = int_param(request, "limit", DEFAULT_TICKS, minimum=1, maximum=200)
    storage = context.instance.storage
    states = {(state.location_name, state.name): state for state in
              storage.get_instigator_states(instigator_type=InstigatorType.SENSOR)}
    sensors: list[dict[str, Any]] = []
    for entry, snapshot in loaded_snapshots(context.workspace):
        for repo in snapshot.repositories:
            for sensor in repo.sensors:
                if sensor.sensor_type is not SensorType.AUTOMATION:
                    continue
                ticks = storage.get_ticks(entry.name, sensor.name, InstigatorType.SENSOR,
                                          limit=limit)
                sensors.append({
                    "name": sensor.name,
                    "location": entry.name,
                    "status": instigator_status(states.get((entry.name, sensor.name)),
                                                sensor.default_status),
                    "minimum_interval_seconds": sensor.minimum_interval_seconds,
                    "asset_selection": [list(key) for key in sensor.asset_selection or []],
                    "ticks": [_tick(storage, tick) for tick in ticks],
                })
    return JSONResponse({"sensors": sensors})


def _tick(storage: Any, tick: Any) -> dict[str, Any]:
    item = tick_item(tick)
    requested: list[dict[str, Any]] = []
    for run_id in tick.run_ids:
        run = storage.get_run(run_id)
        if run is not None:
            requested.extend({"key": list(key), "partition": run.partition_key,
                              "run_id": run_id} for key in run.asset_selection or [])
    item["evaluation_id"] = tick.cursor
    item["requested"] = requested
    return item


def evaluations(request: Request) -> Response:
    """``GET /api/automation/evaluations/{key}``: an asset's evaluation trees, newest first,
    and the newest tree of each of its checks' own conditions."""
    context = context_of(request)
    key = [part for part in request.path_params["key"].split("/") if part]
    if not key:
        raise ApiError(404, "No asset key given.")
    limit = int_param(request, "limit", 10, minimum=1, maximum=100)
    storage = context.instance.storage
    records = storage.get_automation_evaluations(key, limit=limit)
    checks = storage.get_latest_check_automation_evaluations(key)
    return JSONResponse({
        "evaluations": [_evaluation_item(record) for record in records],
        "checks": {name: _evaluation_item(record) for name, record in sorted(checks.items())},
    })


def _evaluation_item(record: AutomationEvaluationRecord) -> dict[str, Any]:
    return {
        "evaluation_id": record.evaluation_id,
        "timestamp": record.timestamp,
        "sensor_name": record.sensor_name,
        "location": record.location_name,
        "num_requested": record.num_requested,
        "tree": record.tree,
    }


ROUTES = [
    Route("/api/automation", automation, methods=["GET"]),
    Route("/api/automation/evaluations/{key:path}", evaluations, methods=["GET"]),
]
