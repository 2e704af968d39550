"""Backfills: one run per partition key of a job or an asset selection."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.errors import HeadwaterError, NotFoundError
from headwater.snapshot.runs import BackfillRecord, BackfillStatus
from headwater.webserver.bodies import BackfillBody, one_target, read_body
from headwater.webserver.context import ApiContext, context_of
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.items import error_item
from headwater.webserver.params import enum_value, int_param
from headwater.webserver.partition_grid import backfill_status_letters
from headwater.webserver.routes_runs import submission_error


def backfill_item(backfill: BackfillRecord) -> dict[str, Any]:
    """One backfill as listed."""
    return {
        "backfill_id": backfill.backfill_id,
        "location": backfill.location_name,
        "job_name": backfill.job_name,
        "asset_selection": ([list(key) for key in backfill.asset_selection]
                            if backfill.asset_selection is not None else None),
        "partition_keys": list(backfill.partition_keys),
        "status": backfill.status.value,
        "created_at": backfill.created_at,
        "end_timestamp": backfill.end_timestamp,
        "submitted": backfill.submitted,
        "tags": dict(backfill.tags),
        "error": error_item(backfill.error),
    }


def list_backfills(request: Request) -> Response:
    """``GET /api/backfills?status=&limit=``: newest first."""
    context = context_of(request)
    raw = request.query_params.get("status")
    status = enum_value("status", raw, BackfillStatus, "backfill status") if raw else None
    limit = int_param(request, "limit", 100, minimum=1, maximum=1000)
    backfills = context.instance.storage.get_backfills(status=status, limit=limit)
    return JSONResponse({"backfills": [backfill_item(backfill) for backfill in backfills]})


def _backfill(context: ApiContext, backfill_id: str) -> BackfillRecord:
    backfill = context.instance.storage.get_backfill(backfill_id)
    if backfill is None:
        raise ApiError(404, f"No backfill with id '{backfill_id}'.")
    return backfill


def backfill_detail(request: Request) -> Response:
    """``GET /api/backfills/{id}``: the backfill and each partition's run and status."""
    context = context_of(request)
    from headwater.workspace.backfills import partition_statuses

    backfill = _backfill(context, request.path_params["backfill_id"])
    by_key = partition_statuses(context.instance, backfill)
    partitions = [
        {"partition": key, "run_id": run_id,
         "status": status.value if status is not None else None}
        for key, (status, run_id) in by_key.items()
    ]
    letters = backfill_status_letters(backfill.partition_keys,
                                      {key: status for key, (status, _) in by_key.items()})
    return JSONResponse({"backfill": backfill_item(backfill), "partitions": partitions,
                         "statuses": letters})


def _create(context: ApiContext, body: BackfillBody) -> BackfillRecord:
    from headwater.workspace.backfills import create_backfill

    span = body.partition_range
    try:
        return create_backfill(
            context.workspace, context.instance, location=body.location, job_name=body.job,
            asset_selection=body.asset_selection, partition_keys=body.partitions,
            partition_range=(span.start, span.end) if span is not None else None,
            run_config=body.run_config, tags=body.tags)
    except NotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    except HeadwaterError as exc:
        raise submission_error(exc) from None


async def create(request: Request) -> Response:
    """``POST /api/backfills``: ``{"backfill_id"}`` (201)."""
    body = await read_body(request, BackfillBody)
    one_target(body.job, body.asset_selection)
    if (body.partitions is None) == (body.partition_range is None):
        raise ApiError(400, "Give exactly one of 'partitions' and 'partition_range'.")
    if body.partitions is not None and not body.partitions:
        raise ApiError(400, "'partitions' is empty: list at least one partition key.")
    backfill = await run_in_threadpool(_create, context_of(request), body)
    return JSONResponse({"backfill_id": backfill.backfill_id, **backfill_item(backfill)},
                        status_code=201)


def _cancel(context: ApiContext, backfill_id: str) -> BackfillRecord:
    from headwater.workspace.backfills import cancel_backfill

    _backfill(context, backfill_id)
    try:
        return cancel_backfill(context.instance, backfill_id)
    except HeadwaterError as exc:
        raise submission_error(exc) from None


async def cancel(request: Request) -> Response:
    """``POST /api/backfills/{id}/cancel``: the backfill item."""
    backfill = await run_in_threadpool(_cancel, context_of(request),
                                       request.path_params["backfill_id"])
    return JSONResponse(backfill_item(backfill))


ROUTES = [
    Route("/api/backfills", list_backfills, methods=["GET"]),
    Route("/api/backfills", create, methods=["POST"]),
    Route("/api/backfills/{backfill_id}", backfill_detail, methods=["GET"]),
    Route("/api/backfills/{backfill_id}/cancel", cancel, methods=["POST"]),
]
