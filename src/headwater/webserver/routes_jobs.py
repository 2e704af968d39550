"""One job's structure for its page: the op graph and, for asset jobs, its assets."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.snapshot.location import AssetSnap, JobSnap, OpSnap
from headwater.webserver.context import context_of
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.items import job_item


def op_item(op: OpSnap) -> dict[str, Any]:
    """One step of the job: ``name`` is its handle (``graph.op`` inside a graph), ``graph``
    the graphs it is nested in, outermost first."""
    return {
        "name": op.name,
        "op_name": op.op_name,
        "graph": op.name.split(".")[:-1],
        "kind": op.kind,
        "description": op.description,
        "inputs": [{"name": i.name, "upstream": [[ref.step, ref.output] for ref in i.upstream],
                    "asset_key": list(i.asset_key) if i.asset_key is not None else None,
                    "is_nothing": i.is_nothing, "has_default": i.has_default,
                    "is_fan_in": i.is_fan_in} for i in op.inputs],
        "outputs": [{"name": o.name, "is_dynamic": o.is_dynamic, "is_required": o.is_required,
                     "asset_key": list(o.asset_key) if o.asset_key is not None else None,
                     "check_name": o.check_name, "io_manager_key": o.io_manager_key}
                    for o in op.outputs],
        "depends_on": list(op.depends_on),
        "config_schema": op.config_schema,
        "required_resource_keys": list(op.required_resource_keys),
        "tags": dict(op.tags),
    }


def _asset_item(asset: AssetSnap) -> dict[str, Any]:
    return {"key": list(asset.key), "group": asset.group_name,
            "deps": [list(dep) for dep in asset.deps], "description": asset.description,
            "kinds": list(asset.kinds),
            "node_name": asset.node_name, "check_names": list(asset.check_names)}


def job_detail(request: Request) -> Response:
    """``GET /api/jobs/{location}/{name}``: the job with its ops (inputs, outputs, upstream
    steps, config schema) and, for an asset job, the assets it materializes."""
    context = context_of(request)
    location = request.path_params["location"]
    name = request.path_params["name"]
    snapshot = context.snapshot(location)
    names: list[str] = []
    for repo in snapshot.repositories:
        for job in repo.jobs:
            if job.name == name:
                return JSONResponse(_detail(location, job, repo.assets, context.instance))
            if not job.is_implicit:
                names.append(job.name)
    raise ApiError(404, f"Location '{location}' has no job named '{name}' "
                        f"(it has: {', '.join(names) or 'none'}).")


def _detail(location: str, job: JobSnap, assets: list[AssetSnap],
            instance: Any) -> dict[str, Any]:
    selected = {tuple(key) for key in job.asset_selection}
    return {
        "job": job_item(location, job, instance),
        "ops": [op_item(op) for op in job.ops],
        "assets": [_asset_item(asset) for asset in assets if tuple(asset.key) in selected],
    }


ROUTES = [
    Route("/api/jobs/{location}/{name}", job_detail, methods=["GET"]),
]
