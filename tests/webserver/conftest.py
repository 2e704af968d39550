"""Fixtures of the webserver tests: one real workspace (real code servers over gRPC) and one
real SQLite instance for the whole directory, an in-process client, and a live uvicorn server
(streams are read from a real socket)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.snapshot.runs import RunRecord
from headwater.storage.config import CodeServerSettings
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.webserver.binding import bind
from headwater.webserver.location_feed import LocationFeed
from headwater.webserver.server import WebServer
from headwater.workspace import Workspace
from polling import wait_for

HERE = Path(__file__).resolve().parent
USER_CODE = HERE.parent / "user_code"

API = PythonFileOrigin("api", str(HERE / "api_location.py"), working_directory=str(HERE))
BROKEN = PythonFileOrigin("broken", str(USER_CODE / "raises_at_import.py"))

FAST = CodeServerSettings(startup_timeout=30.0, rpc_timeout=15.0, heartbeat_interval=0.5,
                          heartbeat_timeout=10.0, restart_backoff_max=1.0)


@dataclass
class Served:
    """The workspace and instance every webserver test shares, and the workspace's feed."""

    workspace: Workspace
    instance: Instance
    feed: LocationFeed


@contextmanager
def serving(root: Path, origins: list[PythonFileOrigin],
            env: dict[str, str] | None = None) -> Iterator[tuple[Workspace, Instance]]:
    """A started workspace of ``origins`` (settled) and the instance at ``root`` its code
    servers use; both stopped afterwards. ``env`` adds to the code servers' environment."""
    instance = Instance(root)
    workspace = Workspace(origins, settings=FAST,
                          env={**os.environ, "HEADWATER_HOME": str(root), **(env or {})})
    workspace.start()
    try:
        workspace.wait_until_settled(60)
        yield workspace, instance
    finally:
        workspace.stop()
        instance.dispose()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("instance")
    instance = Instance(root)
    feed = LocationFeed()
    workspace = Workspace([API, BROKEN], settings=FAST, on_change=feed.publish,
                          env={**os.environ, "HEADWATER_HOME": str(root)})
    workspace.start()
    try:
        workspace.wait_until_settled(60)
        yield Served(workspace, instance, feed)
    finally:
        workspace.stop()
        instance.dispose()


@pytest.fixture(scope="session")
def client(served: Served) -> Iterator[TestClient]:
    app = create_app(served.workspace, served.instance)
    with TestClient(app) as test_client:
        yield test_client


@contextmanager
def live_server(served: Served, *, feed: bool = True) -> Iterator[str]:
    """A real uvicorn server on a free port, in a thread; its URL."""
    app = create_app(served.workspace, served.instance,
                     location_feed=served.feed if feed else None)
    server = WebServer(app, bind("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, name="test-webserver", daemon=True)
    thread.start()
    url = server.url
    wait_for(lambda: _answers(url), "the live webserver to answer", 30)
    try:
        yield url
    finally:
        server.stop()
        thread.join(timeout=30)
        assert not thread.is_alive()


@pytest.fixture(scope="session")
def live_url(served: Served) -> Iterator[str]:
    """A real uvicorn server (location changes pushed by the workspace's feed)."""
    with live_server(served) as url:
        yield url


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def launch_and_wait(workspace: Workspace, instance: Instance, run_id: str,
                    timeout: float = 90.0) -> RunRecord:
    """Launch a QUEUED run through its code server and wait until it finished."""
    from headwater.workspace.runs import launch_queued_run

    launch_queued_run(workspace, instance, run_id)

    def finished() -> RunRecord | None:
        run = instance.storage.get_run(run_id)
        return run if run is not None and run.status.is_finished else None

    return wait_for(finished, f"run {run_id} to finish", timeout)


def run_to_end(served: Served, run_id: str, timeout: float = 60.0) -> RunRecord:
    """:func:`launch_and_wait` on the session's location."""
    return launch_and_wait(served.workspace, served.instance, run_id, timeout)


def submit(client: TestClient, location: str = "api", **body: object) -> str:
    """POST /api/runs to ``location``; the new run's id."""
    response = client.post("/api/runs", json={"location": location, **body})
    assert response.status_code == 201, response.text
    run_id: str = response.json()["run_id"]
    return run_id


def run_through_api(client: TestClient, workspace: Workspace, instance: Instance,
                    location: str, **body: object
                    ) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """Submit a run over HTTP, launch it through its code server and wait for its end:
    (its status, its detail, its events) as the API answers them."""
    run_id = submit(client, location, **body)
    launch_and_wait(workspace, instance, run_id)
    detail: dict[str, Any] = client.get(f"/api/runs/{run_id}").json()
    events: list[dict[str, Any]] = client.get(
        f"/api/runs/{run_id}/events?limit=10000").json()["events"]
    return detail["run"]["status"], detail, events


SUCCESS = RunStatus.SUCCESS
