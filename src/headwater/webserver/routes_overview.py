"""The home page's data (a run timeline per job, what needs attention) and global search."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.core.run_status import RunStatus
from headwater.snapshot.location import LocationSnapshot
from headwater.snapshot.runs import RunsFilter
from headwater.webserver.context import ApiContext, context_of, loaded_snapshots
from headwater.webserver.errors import ApiError, JSONResponse
from headwater.webserver.params import int_param
from headwater.webserver.routes_assets import asset_index

#: The windows the timeline offers, in hours.
WINDOWS = (1, 6, 24)
#: The most runs the timeline draws (the newest in the window).
TIMELINE_RUNS = 1000
#: The most results a search answers.
SEARCH_RESULTS = 20

_IN_PROGRESS = [RunStatus.STARTING, RunStatus.STARTED, RunStatus.CANCELING]


def overview(request: Request) -> Response:
    """``GET /api/overview?hours=1|6|24``: runs per job in the window, and counts of failed
    runs (in the window), runs in progress or queued, and failing checks."""
    context = context_of(request)
    hours = int_param(request, "hours", 24, minimum=1, maximum=24)
    if hours not in WINDOWS:
        raise ApiError(400, f"Query parameter 'hours' must be one of 1, 6, 24, not {hours}.")
    now = time.time()
    since = now - hours * 3600
    storage = context.instance.storage
    runs = storage.get_runs(RunsFilter(created_after=since), limit=TIMELINE_RUNS)
    jobs: dict[tuple[str | None, str], list[dict[str, Any]]] = {}
    for run in runs:
        jobs.setdefault((run.location_name, run.job_name), []).append({
            "run_id": run.run_id, "status": run.status.value,
            "start": run.start_time or run.created_at, "end": run.end_time})
    counts = {
        "failed": storage.count_runs(RunsFilter(statuses=[RunStatus.FAILURE],
                                                created_after=since)),
        "in_progress": storage.count_runs(RunsFilter(statuses=_IN_PROGRESS)),
        "queued": storage.count_runs(RunsFilter(statuses=[RunStatus.QUEUED])),
        "failing_checks": _failing_checks(context),
    }
    return JSONResponse({
        "since": since, "now": now, "hours": hours, "counts": counts,
        "truncated": len(runs) >= TIMELINE_RUNS,
        "jobs": [{"location": location, "job_name": job, "runs": items}
                 for (location, job), items in sorted(jobs.items(),
                                                      key=lambda kv: (kv[0][1], kv[0][0] or ""))],
    })


def _failing_checks(context: ApiContext) -> int:
    index = asset_index(context)
    index.response()
    return sum(1 for item in index.items() for check in item.get("checks", [])
               if check.get("passed") is False)


def _score(text: str, query: str) -> int | None:
    lower = text.lower()
    if lower == query:
        return 0
    if lower.startswith(query) or lower.rsplit("/", 1)[-1].startswith(query):
        return 1
    return 2 if query in lower else None


def search(request: Request) -> Response:
    """``GET /api/search?q=``: assets, jobs, schedules, sensors, resources and locations whose
    name contains ``q`` (exact, then prefix, then anywhere; at most 20)."""
    context = context_of(request)
    query = (request.query_params.get("q") or "").strip().lower()
    if not query:
        return JSONResponse({"results": []})
    found: list[tuple[int, int, dict[str, Any]]] = []

    def add(kind: str, name: str, location: str, href: str) -> None:
        score = _score(name, query)
        if score is not None:
            found.append((score, len(name), {"kind": kind, "name": name,
                                              "location": location, "href": href}))

    for entry in context.workspace.get_entries():
        add("location", entry.name, entry.name, "/locations")
    for entry, snapshot in loaded_snapshots(context.workspace):
        for candidate in _candidates(entry.name, snapshot):
            add(*candidate)
    found.sort(key=lambda item: (item[0], item[1], item[2]["kind"], item[2]["name"]))
    return JSONResponse({"results": [item for _, _, item in found[:SEARCH_RESULTS]]})


def _candidates(location: str, snapshot: LocationSnapshot) -> Iterator[tuple[str, str, str, str]]:
    where = quote(location)
    for repo in snapshot.repositories:
        for asset in repo.assets:
            yield ("asset", "/".join(asset.key), location,
                   f"/assets/{'/'.join(quote(p) for p in asset.key)}?location={where}")
        for job in repo.jobs:
            if not job.is_implicit:
                yield "job", job.name, location, f"/jobs?job={quote(job.name)}"
        yield from (("schedule", item.name, location, "/schedules") for item in repo.schedules)
        yield from (("sensor", item.name, location, "/sensors") for item in repo.sensors)
        yield from (("resource", item.name, location, "/locations") for item in repo.resources)


ROUTES = [
    Route("/api/overview", overview, methods=["GET"]),
    Route("/api/search", search, methods=["GET"]),
]
