"""The HTTP API's documented JSON shapes (briefs/contracts.md), served from memory.

The UI tests in ``test_ui_pages.py`` render against this to check what the pages do with
every field (escaping, validation, selection, plots) independently of the code servers;
``test_end_to_end.py`` drives the real ``headwater dev``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from headwater.webserver.ui.routes import ui_routes

HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
NOW = 1_700_000_000.0


#: A location error item as the API sends it for an exception raised while importing.
IMPORT_ERROR = {
    "message": f"ValueError: bad value {HOSTILE}", "class_name": "ValueError",
    "stack": ['  File "defs.py", line 3, in <module>\n    load()\n',
              '  File "defs.py", line 2, in load\n    raise ValueError("bad value")\n'],
    "cause": None,
}
#: ... and for a syntax error: no stack, the file/line/caret block is in the message.
SYNTAX_ERROR = {
    "message": '  File "defs.py", line 7\n    def broken(:\n               ^\n'
               "SyntaxError: invalid syntax",
    "class_name": "SyntaxError", "stack": [], "cause": None,
}


def asset_item(index: int, *, deps: list[list[str]], group: str) -> dict[str, Any]:
    """One /api/assets item."""
    return {
        "key": [f"asset_{index}"], "location": "loc", "group": group, "kinds": ["python"],
        "description": f"Asset number {index}. {HOSTILE}", "deps": deps, "partitioned": False,
        "latest_materialization": {"run_id": f"run-{index}", "timestamp": NOW, "partition": None}
        if index % 3 == 0 else None,
        "latest_run_status": "FAILURE" if index % 7 == 0 else None, "check_names": [],
    }


def chain_assets(count: int, groups: int = 4) -> list[dict[str, Any]]:
    """``count`` assets; each depends on one or two earlier ones (a wide DAG)."""
    return [
        asset_item(i, group=f"group_{i % groups}",
                   deps=[[f"asset_{d}"] for d in sorted({i // 2, (i * 7) % max(1, i)}) if d < i])
        for i in range(count)
    ]


@dataclass
class ContractState:
    """What the fake API serves, and every mutation the UI sent."""

    assets: list[dict[str, Any]] = field(default_factory=lambda: chain_assets(6))
    posts: list[tuple[str, Any]] = field(default_factory=list)
    location_error: bool = True
    error: dict[str, Any] = field(default_factory=lambda: dict(IMPORT_ERROR))
    schedule_running: bool = False
    #: A run that ends while its last events are still on their way: the stream sends the
    #: first event and a STARTED status, from then on the run reads SUCCESS, and the rest of
    #: the stream waits for ``release`` (set by the test once the page shows SUCCESS).
    run_ends_mid_stream: bool = False
    run_status: str = "SUCCESS"
    release: threading.Event = field(default_factory=threading.Event)

    def location(self) -> dict[str, Any]:
        error = self.error
        return {
            "name": "loc", "status": "error" if self.location_error else "loaded",
            "error": error if self.location_error else None, "updated_at": NOW,
            "source": f"python file {HOSTILE}", "server_id": "s1",
            "counts": {"assets": len(self.assets), "jobs": 1, "schedules": 1, "sensors": 0},
            "server": None if self.location_error else {
                "headwater_version": "0.1.0", "python_version": "3.11", "pid": 1,
                "load_seconds": 0.5},
        }


JOB_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "properties": {"ops": {"type": "object", "additionalProperties": False, "properties": {
        "top": {"type": "object", "additionalProperties": False, "required": ["config"],
                "properties": {"config": {"$ref": "#/$defs/Top"}}}}}},
    "$defs": {"Top": {"type": "object", "additionalProperties": False,
                      "properties": {"limit": {"type": "integer", "default": 3},
                                     "mode": {"enum": ["fast", "slow"], "default": "fast"}}}},
}

RUN = {"run_id": "run-new", "job_name": "__asset_job", "location": "loc", "status": "SUCCESS",
       "tags": {}, "created_at": NOW, "start_time": NOW, "end_time": NOW + 2,
       "asset_selection": [["asset_0"]], "partition": None, "failure_message": None}
EVENTS = [
    {"storage_id": 1, "timestamp": NOW, "event_type": "RUN_START", "step_key": None,
     "message": "Started.", "level": "INFO"},
    {"storage_id": 2, "timestamp": NOW + 0.5, "event_type": "STEP_START", "step_key": "asset_0",
     "message": f"step <b>log</b> {HOSTILE}", "level": "INFO"},
    {"storage_id": 3, "timestamp": NOW + 2, "event_type": "RUN_SUCCESS", "step_key": None,
     "message": "Finished.", "level": "INFO"},
]


def _step(key: str, start: float, end: float, status: str = "SUCCESS") -> dict[str, Any]:
    return {"step_key": key, "status": status, "start_time": NOW + start,
            "end_time": NOW + end, "attempts": 1}


#: A run with a graph-backed asset's ops and 1,000 steps mapped over a dynamic output (one
#: of them failed, so the collecting step was skipped).
MAPPED_STEPS = [
    _step("raw", 0.0, 0.1), _step("refined.plus_one", 0.1, 0.2),
    _step("refined.times_ten", 0.2, 0.3), _step("fan", 0.3, 0.5),
    *(_step(f"square[n{i}]", 0.5 + i * 0.002, 0.52 + i * 0.002,
            "FAILURE" if i == 417 else "SUCCESS") for i in range(1000)),
    {"step_key": "total", "status": "SKIPPED", "start_time": None, "end_time": NOW + 2.6,
     "attempts": 0},
]


class ContractApi:
    """The endpoint handlers, reading and recording ``state``."""

    def __init__(self, state: ContractState) -> None:
        self.state = state


    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": "0.1.0", "read_only": False,
                             "daemon": {"alive": True, "last_heartbeat": time.time()}})

    async def locations(self, request: Request) -> Response:
        return JSONResponse({"locations": [self.state.location()]})

    async def reload(self, request: Request) -> Response:
        self.state.posts.append((request.url.path, await request.json()))
        self.state.location_error = False
        return JSONResponse(self.state.location())

    async def events(self, request: Request) -> Response:
        async def stream() -> AsyncIterator[bytes]:
            yield b": connected\n\n"
            await asyncio.sleep(0.2)

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def assets(self, request: Request) -> Response:
        return JSONResponse({"assets": self.state.assets})

    async def asset(self, request: Request) -> Response:
        item = {**self.state.assets[0], "metadata": {"note": {"type": "text", "value": HOSTILE}},
                "tags": {}, "owners": [], "code_version": None, "partitions": [],
                "job_names": ["__asset_job"]}
        history = [{"run_id": f"r{i}", "timestamp": NOW + 60 * i, "partition": None,
                    "metadata": {"row_count": {"type": "int", "value": 10 + i * i * 1000},
                                 "ratio": {"type": "float", "value": 0.5 + i / 10},
                                 "path": {"type": "path", "value": "/x"}}} for i in range(4)]
        history.append({"run_id": "r4", "timestamp": NOW + 240, "partition": None, "metadata": {
            "row_count": {"type": "int", "value": 16010}, "ratio": {"type": "float", "value": 0.9},
            "path": {"type": "path", "value": f"/data/{HOSTILE}.csv"},
            "preview": {"type": "md", "value": "| id | name |\n| --- | --- |\n| 1 | " + HOSTILE
                        + " |\n" + "| 2 | b |\n" * 40},
            "dashboard": {"type": "url", "value": "https://example.com/d?x=1"},
            "sneaky": {"type": "url", "value": "javascript:window.__xss=3"},
            "stats": {"type": "json", "value": {"mean": 1.5, "tags": [HOSTILE]}},
        }})
        return JSONResponse({"asset": item, "materializations": history, "checks": []})

    async def jobs(self, request: Request) -> Response:
        return JSONResponse({"jobs": [{
            "name": "report", "location": "loc", "description": HOSTILE, "is_asset_job": False,
            "partitioned": False, "run_config_schema": JOB_SCHEMA, "default_run_config": {},
            "tags": {}}]})

    async def job(self, request: Request) -> Response:
        item = (await self.jobs(request)).body
        op = {"name": "top", "op_name": "top", "graph": [], "kind": "op", "description": HOSTILE,
              "inputs": [], "outputs": [{"name": "result", "is_dynamic": False,
                                         "is_required": True, "asset_key": None,
                                         "check_name": None, "io_manager_key": "io_manager"}],
              "depends_on": [], "config_schema": JOB_SCHEMA["$defs"]["Top"],
              "required_resource_keys": [], "tags": {}}
        return JSONResponse({"job": json.loads(item)["jobs"][0], "ops": [op], "assets": []})

    async def schedules(self, request: Request) -> Response:
        return JSONResponse({"schedules": [{
            "name": "daily", "location": "loc", "job_name": "report", "cron_schedule": "0 6 * * *",
            "execution_timezone": "UTC", "status": "RUNNING" if self.state.schedule_running
            else "STOPPED", "next_tick": NOW + 3600, "description": HOSTILE}]})

    async def schedule_action(self, request: Request) -> Response:
        self.state.posts.append((request.url.path, await request.json()))
        self.state.schedule_running = request.path_params["action"] == "start"
        return await self.schedules(request)

    async def create_run(self, request: Request) -> Response:
        self.state.posts.append((request.url.path, await request.json()))
        return JSONResponse({"run_id": "run-new"}, status_code=201)

    async def run(self, request: Request) -> Response:
        if request.path_params["id"] == "run-mapped":
            return JSONResponse({"run": {**RUN, "run_id": "run-mapped", "job_name": "fanned",
                                         "status": "FAILURE"}, "steps": MAPPED_STEPS})
        steps = [{"step_key": "asset_0", "status": "SUCCESS", "start_time": NOW + 0.5,
                  "end_time": NOW + 1.5, "attempts": 1}]
        return JSONResponse({"run": {**RUN, "status": self.state.run_status}, "steps": steps})

    async def run_group(self, request: Request) -> Response:
        run = {**RUN, "status": self.state.run_status}
        return JSONResponse({"root_run_id": run["run_id"], "runs": [run]})

    async def run_events(self, request: Request) -> Response:
        if "text/event-stream" not in request.headers.get("accept", ""):
            return JSONResponse({"events": EVENTS})

        async def stream() -> AsyncIterator[bytes]:
            for index, event in enumerate(EVENTS):
                yield f"event: run_event\nid: {event['storage_id']}\n".encode()
                yield f"data: {json.dumps(event)}\n\n".encode()
                if index == 0 and self.state.run_ends_mid_stream:
                    yield b'event: run_status\ndata: {"status": "STARTED"}\n\n'
                    self.state.run_status = "SUCCESS"
                    loop = asyncio.get_running_loop()
                    await loop.run_in_executor(None, self.state.release.wait, 30)
            yield b'event: run_status\ndata: {"status": "SUCCESS"}\n\n'

        return StreamingResponse(stream(), media_type="text/event-stream")


def build_app(state: ContractState) -> Starlette:
    """A Starlette app with the UI routes and the contract endpoints the tests use."""
    api = ContractApi(state)
    return Starlette(routes=[
        Route("/api/health", api.health), Route("/api/locations", api.locations),
        Route("/api/locations/{name}/reload", api.reload, methods=["POST"]),
        Route("/api/events", api.events), Route("/api/assets", api.assets),
        Route("/api/assets/{key:path}", api.asset), Route("/api/jobs", api.jobs),
        Route("/api/jobs/{loc}/{name}", api.job),
        Route("/api/schedules", api.schedules),
        Route("/api/schedules/{loc}/{name}/{action}", api.schedule_action, methods=["POST"]),
        Route("/api/runs", api.create_run, methods=["POST"]), Route("/api/runs/{id}", api.run),
        Route("/api/runs/{id}/events", api.run_events),
        Route("/api/runs/{id}/group", api.run_group), *ui_routes(),
    ])


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port in a thread; yields the base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="contract-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not (server.started and server.servers):
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the contract API server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
