"""Secrets read from the environment never appear in events, errors, snapshots or the UI's API.

A real workspace (a code server with the secret in its environment) runs jobs whose config
and resources read it (``StringSource``, ``IntSource``, ``EnvVar``), one of them failing on
it; then every stored event, the location snapshot and every GET answer of the API are
searched for the secret's text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.workspace import Workspace

from .conftest import HERE, launch_and_wait, serving, submit

SECRET = "Zq9-very-secret-token-77"
ORIGIN = PythonFileOrigin("secrets", str(HERE / "secrets_location.py"),
                          working_directory=str(HERE))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Instance]]:
    env = {"HW_SECRET_TOKEN": SECRET, "HW_SECRET_PORT": SECRET}
    with serving(tmp_path_factory.mktemp("secrets"), [ORIGIN], env=env) as served_pair:
        yield served_pair


def _run(client: TestClient, served: tuple[Workspace, Instance], **body: object) -> str:
    run_id = submit(client, "secrets", **body)
    launch_and_wait(*served, run_id)
    return run_id


def test_the_secret_is_in_no_event_snapshot_or_api_answer(
    served: tuple[Workspace, Instance], tmp_path: Path
) -> None:
    workspace, instance = served
    assert SECRET not in os.environ.get("HW_SECRET_TOKEN", "")  # only the code server has it
    with TestClient(create_app(workspace, instance)) as client:
        good = _run(client, served, job="secret_job", run_config={
            "ops": {"uses_token": {"config": {"token": {"env": "HW_SECRET_TOKEN"}}}}})
        bad = _run(client, served, job="secret_job", run_config={
            "ops": {"uses_token": {"config": {"token": "plain",
                                               "port": {"env": "HW_SECRET_PORT"}}}}})
        asset = _run(client, served, asset_selection=[["guarded"]])
        statuses = {run_id: instance.get_run(run_id).status  # type: ignore[union-attr]
                    for run_id in (good, bad, asset)}
        assert statuses == {good: RunStatus.SUCCESS, bad: RunStatus.FAILURE,
                            asset: RunStatus.SUCCESS}
        failure = instance.get_run(bad)
        assert failure is not None
        answers = [client.get(path) for path in (
            "/api/locations", "/api/assets", "/api/assets/guarded", "/api/jobs", "/api/runs",
            "/api/schedules", "/api/sensors", "/api/backfills",
            *(f"/api/runs/{run_id}" for run_id in statuses),
            *(f"/api/runs/{run_id}/events" for run_id in statuses),
        )]
    assert all(a.status_code == 200 for a in answers), [(a.url, a.status_code) for a in answers]
    events = [e for run_id in statuses for e in instance.storage.get_events(run_id)]
    # The failing run says which variable was unusable, without its value.
    assert any("HW_SECRET_PORT" in e.event.message for e in events)
    assert any("api with a token of" in e.event.message for e in events)
    entry = workspace.get("secrets")
    snapshot = msgspec.json.encode(entry.snapshot)
    searched = {
        "stored events": msgspec.json.encode([e.event for e in events]),
        "stored runs": msgspec.json.encode([instance.get_run(r) for r in statuses]),
        "location snapshot": snapshot,
        **{str(a.url): a.content for a in answers},
    }
    leaked = [where for where, content in searched.items() if SECRET.encode() in content]
    assert leaked == []
    assert b"HW_SECRET_TOKEN" in snapshot  # the variable's name is shown, its value never
