"""Runs: submit, list, inspect, follow (JSON or SSE), cancel, re-execute."""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.core.run_status import RunStatus
from headwater.snapshot.runs import RunRecord, RunsFilter
from headwater.webserver.bodies import RunBody, one_target, read_body
from headwater.webserver.context import ApiContext, context_of
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.params import enum_value, int_param
from headwater.webserver.routes_run_debug import reexecute
from headwater.webserver.run_items import (
    STEP_EVENTS,
    event_item,
    run_detail_item,
    run_item,
    step_items,
)
from headwater.webserver.sse import run_event_stream

logger = logging.getLogger("headwater.webserver")

#: HTTP status of each ``RunSubmissionError.reason``.
SUBMISSION_STATUS = {"not_found": 404, "invalid": 400, "unavailable": 409, "conflict": 409}


def submission_error(exc: Exception) -> ApiError:
    """The HTTP error of a refused run submission."""
    return ApiError(SUBMISSION_STATUS.get(getattr(exc, "reason", "invalid"), 400), str(exc))


def _submit(context: ApiContext, body: RunBody) -> RunRecord:
    from headwater.workspace.runs import RunSubmissionError, submit_run

    try:
        return submit_run(context.workspace, context.instance, location=body.location,
                          job_name=body.job, asset_selection=body.asset_selection,
                          partition_key=body.partition, run_config=body.run_config,
                          tags=body.tags,
                          asset_check_selection=(
                              [check.parts() for check in body.asset_check_selection]
                              if body.asset_check_selection is not None else None))
    except RunSubmissionError as exc:
        raise submission_error(exc) from None


async def submit(request: Request) -> Response:
    """``POST /api/runs``: queue a run of a job, of some assets or of some asset checks alone;
    ``{"run_id"}`` (201)."""
    body = await read_body(request, RunBody)
    one_target(body.job, body.asset_selection, body.asset_check_selection)
    run = await run_in_threadpool(_submit, context_of(request), body)
    return JSONResponse({"run_id": run.run_id}, status_code=201)


def _statuses(raw: str | None) -> list[RunStatus] | None:
    if not raw:
        return None
    return [enum_value("status", name.strip(), RunStatus, "run status")
            for name in raw.split(",")]


def list_runs(request: Request) -> Response:
    """``GET /api/runs?status=A,B&job=&location=&tag=k=v&launched_by=&backfill=&created_after=
    &created_before=&limit=&cursor=``: newest first."""
    context = context_of(request)
    params = request.query_params
    limit = int_param(request, "limit", 100, minimum=1, maximum=1000)
    created_before = None
    cursor = params.get("cursor")
    if cursor:
        after = context.instance.storage.get_run(cursor)
        if after is None:
            raise ApiError(400, f"Query parameter 'cursor': no run with id {cursor!r}.")
        created_before = after.created_at
    from headwater.webserver.run_filters import run_tag_filters, time_param

    before = time_param(request, "created_before")
    if before is not None:
        created_before = min(before, created_before) if created_before is not None else before
    filters = RunsFilter(statuses=_statuses(params.get("status")),
                         job_name=params.get("job") or None,
                         location_name=params.get("location") or None,
                         tags=run_tag_filters(request),
                         created_after=time_param(request, "created_after"),
                         created_before=created_before)
    runs = context.instance.storage.get_runs(filters, limit=limit)
    return JSONResponse({"runs": [run_item(run) for run in runs]})


def _run(context: ApiContext, run_id: str) -> RunRecord:
    run = context.instance.storage.get_run(run_id)
    if run is None:
        raise ApiError(404, f"No run with id '{run_id}'.")
    return run


def run_detail(request: Request) -> Response:
    """``GET /api/runs/{run_id}``: the run and its steps."""
    context = context_of(request)
    run = _run(context, request.path_params["run_id"])
    records = context.instance.storage.get_events(run.run_id, event_types=STEP_EVENTS)
    return JSONResponse({"run": run_detail_item(run),
                         "steps": step_items(records, run.status.is_finished)})


def _after(request: Request) -> int:
    last_event_id = request.headers.get("last-event-id")
    if last_event_id:
        try:
            return max(0, int(last_event_id))
        except ValueError:
            raise ApiError(400, f"Header 'Last-Event-ID' must be an integer, not "
                                f"{last_event_id!r}.") from None
    return int_param(request, "after", 0, minimum=0, maximum=2**62)


def run_events(request: Request) -> Response:
    """``GET /api/runs/{run_id}/events?after=``: JSON, or SSE when asked for."""
    context = context_of(request)
    run = _run(context, request.path_params["run_id"])
    after = _after(request)
    if "text/event-stream" in request.headers.get("accept", ""):
        return run_event_stream(context, run.run_id, after)
    limit = int_param(request, "limit", 1000, minimum=1, maximum=10000)
    records = context.instance.storage.get_events(run.run_id, after_storage_id=after,
                                                  limit=limit)
    return JSONResponse({"events": [event_item(record) for record in records]})


def cancel_one(context: ApiContext, run_id: str) -> dict[str, Any]:
    """Cancel ``run_id`` (through its code server when it runs); the run item."""
    from headwater.execution.launch import cancel_run

    run = _run(context, run_id)
    # The code server that started the worker stops it (the worker may be on its host);
    # anything else (queued, no server, server gone) is settled in storage here.
    if run.status in (RunStatus.STARTING, RunStatus.STARTED) and run.location_name:
        try:
            context.workspace.client(run.location_name).cancel_run(run_id)
            return run_item(_run(context, run_id))
        except Exception as exc:  # noqa: BLE001 - fall back to cancelling through storage
            logger.warning("Cancelling run %s through its code server failed (%s); "
                           "cancelling it here.", run_id, exc)
    cancel_run(context.instance, run_id)
    return run_item(_run(context, run_id))


async def cancel(request: Request) -> Response:
    """``POST /api/runs/{run_id}/cancel``: the run item (CANCELING or CANCELED)."""
    item = await run_in_threadpool(cancel_one, context_of(request), request.path_params["run_id"])
    return JSONResponse(item)


ROUTES = [
    Route("/api/runs", submit, methods=["POST"]),
    Route("/api/runs", list_runs, methods=["GET"]),
    Route("/api/runs/{run_id}", run_detail, methods=["GET"]),
    Route("/api/runs/{run_id}/events", run_events, methods=["GET"]),
    Route("/api/runs/{run_id}/cancel", cancel, methods=["POST"]),
    Route("/api/runs/{run_id}/reexecute", reexecute, methods=["POST"]),
]
