"""Query parameters of the run list beyond status/job/location: tags, who launched the run
(a schedule, a sensor, a backfill or a person), and a creation time range; and bulk actions
over several runs."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.core.names import BACKFILL_TAG, SCHEDULE_NAME_TAG, SENSOR_NAME_TAG
from headwater.webserver.bodies import ReexecuteBody, read_body
from headwater.webserver.context import ApiContext, context_of
from headwater.webserver.errors import ApiError, JSONResponse

#: ``launched_by=KIND:NAME`` -> the tag that records it.
LAUNCHED_BY_TAGS = {"schedule": SCHEDULE_NAME_TAG, "sensor": SENSOR_NAME_TAG,
                    "backfill": BACKFILL_TAG}
#: The most runs one bulk request acts on.
BULK_LIMIT = 500


def run_tag_filters(request: Request) -> dict[str, str] | None:
    """The tags every listed run must have: ``tag=k=v`` (repeatable), ``backfill=ID`` and
    ``launched_by=schedule:NAME|sensor:NAME|backfill:ID``."""
    tags: dict[str, str] = {}
    for raw in request.query_params.getlist("tag"):
        key, sep, value = raw.partition("=")
        if not sep or not key:
            raise ApiError(400, f"Query parameter 'tag' must be KEY=VALUE, not {raw!r}.")
        tags[key] = value
    backfill = request.query_params.get("backfill")
    if backfill:
        tags[BACKFILL_TAG] = backfill
    launched_by = request.query_params.get("launched_by")
    if launched_by:
        kind, sep, name = launched_by.partition(":")
        if not sep or kind not in LAUNCHED_BY_TAGS or not name:
            raise ApiError(400, "Query parameter 'launched_by' must be schedule:NAME, "
                                f"sensor:NAME or backfill:ID, not {launched_by!r}.")
        tags[LAUNCHED_BY_TAGS[kind]] = name
    return tags or None


def time_param(request: Request, name: str) -> float | None:
    """A timestamp query parameter (seconds since the epoch)."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ApiError(400, f"Query parameter '{name}' must be seconds since the epoch, "
                            f"not {raw!r}.") from None


class BulkBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``POST /api/runs/bulk``: cancel or re-execute several runs."""

    action: str
    run_ids: list[str]
    from_failure: bool = False


def _bulk(context: ApiContext, body: BulkBody) -> list[dict[str, Any]]:
    from headwater.webserver.routes_run_debug import reexecute_run
    from headwater.webserver.routes_runs import cancel_one

    results: list[dict[str, Any]] = []
    for run_id in body.run_ids:
        try:
            if body.action == "cancel":
                results.append({"run_id": run_id, "ok": True,
                                "status": cancel_one(context, run_id)["status"]})
            else:
                new = reexecute_run(context, run_id, ReexecuteBody(from_failure=body.from_failure))
                results.append({"run_id": run_id, "ok": True, "new_run_id": new.run_id})
        except ApiError as exc:
            results.append({"run_id": run_id, "ok": False, "error": exc.message})
    return results


async def bulk(request: Request) -> Response:
    """``POST /api/runs/bulk {"action": "cancel"|"reexecute", "run_ids": [...]}``: one result
    per run (``ok``, and the new run or the error)."""
    body = await read_body(request, BulkBody)
    if body.action not in ("cancel", "reexecute"):
        raise ApiError(400, f"'action' must be cancel or reexecute, not {body.action!r}.")
    if not body.run_ids or len(body.run_ids) > BULK_LIMIT:
        raise ApiError(400, f"'run_ids' must name 1 to {BULK_LIMIT} runs.")
    results = await run_in_threadpool(_bulk, context_of(request), body)
    return JSONResponse({"results": results})


ROUTES = [Route("/api/runs/bulk", bulk, methods=["POST"])]
