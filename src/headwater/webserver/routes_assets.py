"""Assets and jobs."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.core.freshness import freshness_status
from headwater.snapshot.location import AssetSnap
from headwater.snapshot.runs import AssetCheckRecord, AssetEventRecord
from headwater.webserver.asset_health import event_data_version
from headwater.webserver.asset_index import AssetIndex, base_asset_item
from headwater.webserver.context import ApiContext, context_of, loaded_snapshots
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.items import job_item, metadata_item, partition_keys
from headwater.webserver.params import int_param
from headwater.webserver.partition_grid import encoded_view

#: Materializations shown by default on an asset's page.
DEFAULT_HISTORY = 25
#: Evaluations of each check listed on the asset page.
CHECK_HISTORY = 10


def asset_index(context: ApiContext) -> AssetIndex:
    """The app's asset index (created on first use)."""
    index = context.caches.get("assets")
    if index is None:
        index = context.caches.setdefault("assets", AssetIndex(context.workspace,
                                                               context.instance))
    assert isinstance(index, AssetIndex)
    return index


def assets(request: Request) -> Response:
    """``GET /api/assets?partitioned=true``: every asset of every loaded location with its
    latest state (only the partitioned ones when asked)."""
    index = asset_index(context_of(request))
    partitioned = request.query_params.get("partitioned", "")
    if partitioned not in ("", "true", "false"):
        raise ApiError(400, f"Query parameter 'partitioned' must be true or false, not "
                            f"{partitioned!r}.")
    body = index.partitioned_response() if partitioned == "true" else index.response()
    return Response(body, media_type="application/json")


def _find_asset(context: ApiContext, key: list[str],
                location: str | None) -> tuple[str, AssetSnap]:
    found: list[tuple[str, AssetSnap]] = []
    for entry, snapshot in loaded_snapshots(context.workspace):
        if location is not None and entry.name != location:
            continue
        for repo in snapshot.repositories:
            found.extend((entry.name, asset) for asset in repo.assets if asset.key == key)
    shown = "/".join(key)
    if not found:
        where = f" in location '{location}'" if location is not None else ""
        if location is not None:
            context.entry(location)
        raise ApiError(404, f"No asset with key '{shown}'{where}.")
    if len({name for name, _ in found}) > 1:
        names = ", ".join(sorted({name for name, _ in found}))
        raise ApiError(409, f"Asset '{shown}' is defined in several locations ({names}); "
                            "choose one with ?location=NAME.")
    return found[0]


def asset_detail(request: Request) -> Response:
    """``GET /api/assets/{key}``: one asset, its materializations and its checks."""
    context = context_of(request)
    key = [part for part in request.path_params["key"].split("/") if part]
    if not key:
        raise ApiError(404, "No asset key given.")
    limit = int_param(request, "limit", DEFAULT_HISTORY, minimum=1, maximum=1000)
    location, asset = _find_asset(context, key, request.query_params.get("location"))
    storage = context.instance.storage
    history = storage.get_materializations(key, limit=limit)
    observations = storage.get_observations(key, limit=limit)
    checks = storage.get_latest_check_results(key)
    item = base_asset_item(location, asset)
    item.update({
        "latest_materialization": _materialization(history[0]) if history else None,
        "metadata": metadata_item(asset.metadata),
        "tags": dict(asset.tags),
        "owners": list(asset.owners),
        "code_version": asset.code_version,
        "is_observable": asset.is_observable,
        "automation_condition": asset.automation_condition,
        "freshness": _freshness(asset, history[0].timestamp if history else None),
        "partitions": _partitions(context, asset),
        "job_names": list(asset.job_names),
    })
    item["downstream"] = _downstream(context, location, key)
    health = asset_index(context).health(location, key)
    item.update(health)
    item["data_version"] = _current_data_version(history, observations)
    item["latest_observation"] = _materialization(observations[0]) if observations else None
    health_checks = {check["name"]: check for check in health.get("checks", [])}
    return JSONResponse({
        "asset": item,
        "materializations": [_materialization(record, with_metadata=True)
                             for record in history],
        "observations": [_materialization(record, with_metadata=True)
                         for record in observations],
        "checks": [{**_check(name, checks.get(name)),
                    "blocking": health_checks.get(name, {}).get("blocking", False),
                    "severity": health_checks.get(name, {}).get("severity"),
                    "history": [_check(name, record) for record in
                                storage.get_check_history(key, name, limit=CHECK_HISTORY)]}
                   for name in asset.check_names],
    })


def asset_partitions(request: Request) -> Response:
    """``GET /api/asset-partitions/{key}``: every partition of the asset and its status."""
    context = context_of(request)
    key = [part for part in request.path_params["key"].split("/") if part]
    if not key:
        raise ApiError(404, "No asset key given.")
    location, asset = _find_asset(context, key, request.query_params.get("location"))
    if asset.partitions is None:
        raise ApiError(409, f"Asset '{'/'.join(key)}' is not partitioned: it has no "
                            "partition statuses.")
    cache = context.caches.setdefault("partition_views", {})
    return Response(encoded_view(cache, context.instance, key, location, asset.partitions),
                    media_type="application/json")


def _freshness(asset: AssetSnap, last_updated: float | None) -> dict[str, Any] | None:
    """The asset's freshness policy and its status now (PASS, WARN or FAIL)."""
    if asset.freshness_policy is None:
        return None
    return {"policy": asset.freshness_policy,
            "status": freshness_status(asset.freshness_policy, last_updated, time.time())}


def _downstream(context: ApiContext, location: str, key: list[str]) -> list[list[str]]:
    """Keys of the assets of ``location`` that depend on ``key``."""
    snapshot = context.snapshot(location)
    return [list(asset.key) for repo in snapshot.repositories for asset in repo.assets
            if key in asset.deps]


def _partitions(context: ApiContext, asset: AssetSnap) -> dict[str, Any] | None:
    if asset.partitions is None:
        return None
    return {"kind": asset.partitions.kind,
            "keys": partition_keys(asset.partitions, context.instance)}


def _materialization(record: AssetEventRecord, *, with_metadata: bool = False
                     ) -> dict[str, Any]:
    item: dict[str, Any] = {"run_id": record.run_id, "timestamp": record.timestamp,
                            "partition": record.partition,
                            "data_version": event_data_version(record)}
    if with_metadata:
        data = record.event.data
        item["metadata"] = metadata_item(getattr(data, "metadata", {}))
    return item


def _current_data_version(materializations: list[AssetEventRecord],
                          observations: list[AssetEventRecord]) -> str | None:
    """The data version of the newest materialization or observation (None: none given)."""
    newest = max([*materializations[:1], *observations[:1]],
                 key=lambda record: record.storage_id, default=None)
    return event_data_version(newest) if newest is not None else None


def _check(name: str, record: AssetCheckRecord | None) -> dict[str, Any]:
    if record is None:
        return {"name": name, "passed": None, "timestamp": None, "run_id": None,
                "metadata": {}}
    data = record.event.data
    return {"name": name, "passed": record.passed, "timestamp": record.timestamp,
            "run_id": record.run_id, "metadata": metadata_item(getattr(data, "metadata", {}))}


def jobs(request: Request) -> Response:
    """``GET /api/jobs``: every job defined in code (not the implicit asset jobs)."""
    context = context_of(request)
    items: list[dict[str, Any]] = []
    for entry, snapshot in loaded_snapshots(context.workspace):
        for repo in snapshot.repositories:
            items.extend(job_item(entry.name, job, context.instance)
                         for job in repo.jobs if not job.is_implicit)
    return JSONResponse({"jobs": items})


ROUTES = [
    Route("/api/assets", assets, methods=["GET"]),
    Route("/api/assets/{key:path}", asset_detail, methods=["GET"]),
    Route("/api/asset-partitions/{key:path}", asset_partitions, methods=["GET"]),
    Route("/api/jobs", jobs, methods=["GET"]),
]
