"""Debugging a run: a step's captured output, its re-execution group, step re-execution."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.core.names import ROOT_RUN_TAG
from headwater.errors import HeadwaterError
from headwater.snapshot.events import EventType
from headwater.snapshot.location import JobSnap
from headwater.snapshot.runs import RunRecord, RunsFilter
from headwater.webserver.bodies import ReexecuteBody, read_body
from headwater.webserver.context import ApiContext, context_of
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.run_items import run_item

#: The most runs one re-execution group lists.
GROUP_LIMIT = 500


def _run(context: ApiContext, run_id: str) -> RunRecord:
    run = context.instance.storage.get_run(run_id)
    if run is None:
        raise ApiError(404, f"No run with id '{run_id}'.")
    return run


def step_logs(request: Request) -> Response:
    """``GET /api/runs/{run_id}/logs?step=``: what the step (or every step) printed."""
    context = context_of(request)
    run = _run(context, request.path_params["run_id"])
    step = request.query_params.get("step") or None
    records = context.instance.storage.get_events(
        run.run_id, event_types=[EventType.STEP_STDOUT, EventType.STEP_STDERR])
    texts: dict[EventType, list[str]] = {EventType.STEP_STDOUT: [], EventType.STEP_STDERR: []}
    for record in records:
        if step is None or record.event.step_key == step:
            texts[record.event.event_type].append(record.event.message)
    return JSONResponse({"run_id": run.run_id, "step_key": step,
                         "stdout": "".join(texts[EventType.STEP_STDOUT]),
                         "stderr": "".join(texts[EventType.STEP_STDERR])})


def run_group(request: Request) -> Response:
    """``GET /api/runs/{run_id}/group``: every run of the run's re-execution group, oldest
    first (the root run, then its re-executions at any depth)."""
    context = context_of(request)
    run = _run(context, request.path_params["run_id"])
    root_id = run.root_run_id or run.run_id
    storage = context.instance.storage
    members = storage.get_runs(RunsFilter(tags={ROOT_RUN_TAG: root_id}), limit=GROUP_LIMIT)
    root = storage.get_run(root_id)
    runs = sorted([*([root] if root is not None else []), *members],
                  key=lambda item: item.created_at)
    return JSONResponse({"root_run_id": root_id, "runs": [run_item(item) for item in runs]})


def _job_snap(context: ApiContext, run: RunRecord) -> JobSnap:
    if run.location_name is None:
        raise ApiError(409, f"Run {run.run_id} has no code location; its steps' dependencies "
                            "are unknown. Re-execute selected steps instead.")
    snapshot = context.snapshot(run.location_name)
    for repo in snapshot.repositories:
        for job in repo.jobs:
            if job.name == run.job_name:
                return job
    raise ApiError(409, f"Location '{run.location_name}' no longer has job '{run.job_name}'; "
                        "its steps' dependencies are unknown. Re-execute selected steps instead.")


def downstream_steps(job: JobSnap, start: str, among: Iterable[str] | None) -> list[str]:
    """``start`` and every step that depends on it (at any depth), in the job's order,
    kept to ``among`` (the steps the run planned) when given."""
    names = [op.name for op in job.ops]
    if start not in names:
        raise ApiError(400, f"Job '{job.name}' has no step '{start}' (it has: "
                            f"{', '.join(names[:20]) or 'none'}).")
    chosen = {start}
    changed = True
    while changed:
        changed = False
        for op in job.ops:
            if op.name not in chosen and chosen.intersection(op.depends_on):
                chosen.add(op.name)
                changed = True
    allowed = set(among) if among is not None else None
    if allowed is not None and start not in allowed:
        raise ApiError(400, f"The run did not execute step '{start}' (it executed: "
                            f"{', '.join(sorted(allowed)[:20])}).")
    return [name for name in names if name in chosen and (allowed is None or name in allowed)]


def selected_steps(context: ApiContext, run: RunRecord, body: ReexecuteBody) -> list[str] | None:
    """The steps an explicit re-execution runs (None: from failure / all, as before)."""
    if body.steps is not None and body.from_step is not None:
        raise ApiError(400, "Give either 'steps' or 'from_step', not both.")
    if body.steps is not None:
        if not body.steps:
            raise ApiError(400, "'steps' is empty; name at least one step to re-execute.")
        return list(dict.fromkeys(body.steps))
    if body.from_step is not None:
        return downstream_steps(_job_snap(context, run), body.from_step,
                                run.step_keys_to_execute)
    return None


def reexecute_run(context: ApiContext, run_id: str, body: ReexecuteBody) -> RunRecord:
    """Create the re-execution ``body`` asks for (from failure, all, steps, from a step)."""
    from headwater.execution.launch import create_reexecution_run

    run = _run(context, run_id)
    if not run.status.is_finished:
        raise ApiError(409, f"Run {run_id} is {run.status.value}; re-execute it once it has "
                            "finished (or cancel it first).")
    step_keys = selected_steps(context, run, body)
    try:
        return create_reexecution_run(context.instance, run_id, from_failure=body.from_failure,
                                      step_keys=step_keys)
    except HeadwaterError as exc:
        raise ApiError(409, str(exc)) from None


async def reexecute(request: Request) -> Response:
    """``POST /api/runs/{run_id}/reexecute``: ``{"run_id"}`` (201) of the new run."""
    body = await read_body(request, ReexecuteBody, optional=True)
    run = await run_in_threadpool(reexecute_run, context_of(request),
                                  request.path_params["run_id"], body)
    return JSONResponse({"run_id": run.run_id}, status_code=201)


ROUTES = [
    Route("/api/runs/{run_id}/logs", step_logs, methods=["GET"]),
    Route("/api/runs/{run_id}/group", run_group, methods=["GET"]),
]
