"""Through a real code server and run worker, over the HTTP API: executing asset checks
alone, job tags on every run, and stacks without headwater's frames."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.daemon.scheduler import Scheduler
from headwater.daemon.sensors import SensorLoop
from headwater.snapshot.events import EventType
from headwater.snapshot.runs import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    RunRecord,
    RunsFilter,
)
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.workspace import Workspace
from headwater.workspace.backfills import advance_backfill, create_backfill

from .conftest import HERE, launch_and_wait, serving, submit

LOCATION = "checks"
ORIGIN = PythonFileOrigin(LOCATION, str(HERE / "check_runs_location.py"),
                          working_directory=str(HERE))
HEADWATER_DIR = str(Path(__file__).resolve().parents[2] / "src" / "headwater")


class Env:
    def __init__(self, workspace: Workspace, instance: Instance, client: TestClient) -> None:
        self.workspace = workspace
        self.instance = instance
        self.client = client

    def submit(self, **body: Any) -> str:
        return submit(self.client, LOCATION, **body)

    def run(self, run_id: str) -> RunRecord:
        """Launch the QUEUED run through its code server and wait for its end."""
        return launch_and_wait(self.workspace, self.instance, run_id)

    def events(self, run_id: str) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = self.client.get(f"/api/runs/{run_id}/events").json()[
            "events"]
        return answer


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    root = tmp_path_factory.mktemp("check_runs")
    with serving(root, [ORIGIN]) as (workspace, instance):
        entry = workspace.get(LOCATION)
        assert entry.snapshot is not None, entry.error
        with TestClient(create_app(workspace, instance)) as client:
            yield Env(workspace, instance, client)


# Executing a check alone -------------------------------------------------------------------


def test_a_check_runs_alone_reading_its_asset_through_the_io_manager(env: Env) -> None:
    first = env.submit(asset_selection=[["orders"]])
    assert env.run(first).status is RunStatus.SUCCESS
    materialized = env.instance.storage.get_materializations(["orders"], limit=10)
    assert len(materialized) == 1

    run_id = env.submit(asset_check_selection=[{"asset_key": ["orders"],
                                                "name": "orders_not_empty"}])
    run = env.run(run_id)
    assert run.status is RunStatus.SUCCESS, run.failure_message
    assert run.asset_selection == [] and run.asset_check_selection == [
        ["orders", "orders_not_empty"]]
    events = env.events(run_id)
    started = [e["step_key"] for e in events if e["event_type"] == "STEP_START"]
    assert started == ["orders_orders_not_empty"]  # the asset's step did not run
    assert not [e for e in events if e["event_type"] == "ASSET_MATERIALIZATION"]
    [evaluation] = [e for e in events if e["event_type"] == "ASSET_CHECK_EVALUATION"]
    assert evaluation["step_key"] == "orders_orders_not_empty"
    assert len(env.instance.storage.get_materializations(["orders"], limit=10)) == 1
    latest = env.instance.storage.get_latest_check_results(["orders"])["orders_not_empty"]
    assert latest.run_id == run_id and latest.passed
    logs = env.client.get(f"/api/runs/{run_id}/logs?step=orders_orders_not_empty").json()
    assert logs["stdout"] == "checking 3 orders\n"  # the value stored by the first run

    item = env.client.get(f"/api/runs/{run_id}").json()["run"]
    assert item["asset_check_selection"] == [{"asset_key": ["orders"],
                                              "name": "orders_not_empty"}]


def test_a_check_computed_by_its_assets_op_is_refused_with_the_reason(env: Env) -> None:
    before = env.instance.storage.count_runs(RunsFilter())
    response = env.client.post("/api/runs", json={
        "location": LOCATION, "asset_check_selection": [{"asset_key": ["totals"],
                                                         "name": "positive"}]})
    assert response.status_code == 400, response.text
    message = response.json()["error"]
    assert "'positive'" in message and "without materializing totals" in message, message
    assert "@asset_check" in message
    assert env.instance.storage.count_runs(RunsFilter()) == before

    # With its asset selected, the check may be named (it runs with the asset).
    run_id = env.submit(asset_selection=[["totals"]],
                        asset_check_selection=[{"asset_key": ["totals"], "name": "positive"}])
    assert env.run(run_id).status is RunStatus.SUCCESS
    checks = env.instance.storage.get_latest_check_results(["totals"])
    assert checks["positive"].run_id == run_id


def test_the_asset_page_says_which_checks_can_execute(env: Env) -> None:
    orders = env.client.get("/api/assets/orders").json()["checks"]
    assert [(c["name"], c["can_execute_individually"], c["execute_blocked_reason"])
            for c in orders] == [("orders_not_empty", "CAN_EXECUTE", None)]
    [positive] = env.client.get("/api/assets/totals").json()["checks"]
    assert positive["can_execute_individually"] == "REQUIRES_MATERIALIZATION"
    assert "without materializing totals" in positive["execute_blocked_reason"]


@pytest.mark.parametrize(("body", "status", "named"), [
    ({"asset_check_selection": [{"asset_key": ["orders"], "name": "nope"}]}, 404,
     "orders:nope"),
    ({"asset_check_selection": [{"asset_key": ["ghost"], "name": "orders_not_empty"}]}, 404,
     "ghost:orders_not_empty"),
    ({"asset_check_selection": []}, 400, "empty"),
    ({"asset_check_selection": [{"asset_key": [], "name": "x"}]}, 400, "asset_key"),
    ({"asset_check_selection": [{"asset_key": ["orders"], "name": ""}]}, 400, "name"),
    ({"asset_check_selection": [{"asset_key": ["orders"]}]}, 400, "name"),
    ({"job": "tagged_job", "asset_check_selection": [
        {"asset_key": ["orders"], "name": "orders_not_empty"}]}, 400, "runs ops"),
])
def test_bad_check_selections_are_refused(env: Env, body: dict[str, Any], status: int,
                                          named: str) -> None:
    response = env.client.post("/api/runs", json={"location": LOCATION, **body})
    assert response.status_code == status, response.text
    assert named in response.json()["error"], response.text


def test_the_openapi_document_describes_check_selections(env: Env) -> None:
    schemas = env.client.get("/openapi.json").json()["components"]["schemas"]
    request = schemas["RunRequest"]["properties"]
    assert request["asset_check_selection"]["items"] == {
        "$ref": "#/components/schemas/AssetCheckRef"}
    assert set(schemas["AssetCheckRef"]["required"]) == {"asset_key", "name"}
    assert "full_stack" in schemas["ErrorInfo"]["properties"]


# Job tags on runs --------------------------------------------------------------------------


def _tags(env: Env, run_id: str) -> dict[str, str]:
    tags: dict[str, str] = env.client.get(f"/api/runs/{run_id}").json()["run"]["tags"]
    return tags


def test_job_tags_are_on_runs_launched_through_the_api(env: Env) -> None:
    run_id = env.submit(job="tagged_job", tags={"tier": "launchpad"})
    assert _tags(env, run_id) == {"team": "ops", "tier": "launchpad"}  # the run's own win
    assert env.run(run_id).status is RunStatus.SUCCESS
    assert _tags(env, run_id) == {"team": "ops", "tier": "launchpad"}

    # run_tags, when given, go on runs instead of tags.
    split = env.submit(job="run_tagged_job")
    assert _tags(env, split) == {"team": "runs", "cost": "low"}
    asset_job = env.submit(job="split_job")
    assert _tags(env, asset_job) == {"team": "split"}
    jobs = {job["name"]: job for job in env.client.get("/api/jobs").json()["jobs"]}
    assert jobs["run_tagged_job"]["tags"] == {"team": "ops", "kind": "definition-only"}
    assert jobs["run_tagged_job"]["run_tags"] == {"team": "runs", "cost": "low"}
    assert jobs["tagged_job"]["run_tags"] == {"team": "ops", "tier": "gold"}
    listed = env.client.get("/api/runs?tag=team=runs").json()["runs"]
    assert split in [run["run_id"] for run in listed]


def test_job_tags_are_on_schedule_and_sensor_runs(env: Env) -> None:
    storage = env.instance.storage
    for name, kind in (("tagged_schedule", InstigatorType.SCHEDULE),
                       ("tagged_sensor", InstigatorType.SENSOR)):
        storage.set_instigator_state(InstigatorState(
            location_name=LOCATION, name=name, instigator_type=kind,
            status=InstigatorStatus.RUNNING, updated_at=1.0))
    Scheduler(env.workspace, env.instance).iterate(3600.0 * 24 * 400 + 5)
    [scheduled] = storage.get_runs(RunsFilter(tags={"headwater/schedule_name":
                                                    "tagged_schedule"}))
    assert scheduled.tags["team"] == "ops" and scheduled.tags["tier"] == "schedule"

    loop = SensorLoop(env.workspace, env.instance)
    try:
        loop.iterate(10.0)
        assert loop.wait_idle(30)
    finally:
        loop.shutdown()
    [sensed] = storage.get_runs(RunsFilter(tags={"headwater/sensor_name": "tagged_sensor"}))
    assert sensed.tags["team"] == "ops" and sensed.tags["tier"] == "sensor"
    assert env.run(sensed.run_id).status is RunStatus.SUCCESS


def test_job_tags_are_on_backfill_runs(env: Env) -> None:
    backfill = create_backfill(env.workspace, env.instance, location=LOCATION,
                               job_name="daily_job", partition_keys=["2024-01-01",
                                                                     "2024-01-02"],
                               tags={"requested_by": "test"})
    advance_backfill(env.workspace, env.instance, backfill)
    runs = env.instance.storage.get_runs(RunsFilter(tags={"headwater/backfill":
                                                          backfill.backfill_id}))
    assert len(runs) == 2
    for run in runs:
        assert run.tags["team"] == "daily" and run.tags["requested_by"] == "test"


# Stacks ------------------------------------------------------------------------------------


def test_a_step_failure_shows_the_users_frames_and_keeps_the_full_stack(env: Env) -> None:
    run_id = env.submit(asset_selection=[["broken_rows"]])
    assert env.run(run_id).status is RunStatus.FAILURE
    [failure] = [e for e in env.events(run_id) if e["event_type"] == "STEP_FAILURE"]
    error = failure["error"]
    stack = "".join(error["stack"])
    assert "in broken_rows" in stack and "in _load_rows" in stack and "in _parse" in stack
    assert HEADWATER_DIR not in stack, stack
    full = "".join(error["full_stack"])
    assert HEADWATER_DIR in full and "in broken_rows" in full
    assert error["hidden_frames"] == len(error["full_stack"]) - len(error["stack"]) > 0
    steps = env.client.get(f"/api/runs/{run_id}").json()["steps"]
    assert any(step["status"] == "FAILURE" for step in steps)
    stored = env.instance.storage.get_events(run_id, event_types=[EventType.STEP_FAILURE])
    text = stored[0].event.data.error.to_string()  # type: ignore[union-attr]
    assert "headwater frame(s) hidden" in text and HEADWATER_DIR not in text
    assert HEADWATER_DIR in stored[0].event.data.error.to_string(full=True)  # type: ignore[union-attr]


def test_a_sensor_error_shows_the_users_frames_and_keeps_the_full_stack(env: Env) -> None:
    env.instance.storage.set_instigator_state(InstigatorState(
        location_name=LOCATION, name="failing_sensor", instigator_type=InstigatorType.SENSOR,
        status=InstigatorStatus.RUNNING, updated_at=1.0))
    loop = SensorLoop(env.workspace, env.instance)
    try:
        loop.iterate(20.0)
        assert loop.wait_idle(30)
    finally:
        loop.shutdown()
    ticks = env.client.get(f"/api/sensors/{LOCATION}/failing_sensor").json()["ticks"]
    error = ticks[0]["error"]
    assert ticks[0]["status"] == "FAILURE"
    stack = "".join(error["stack"])
    assert "in failing_sensor" in stack and "in _read_cursor_file" in stack, stack
    assert HEADWATER_DIR not in stack
    assert HEADWATER_DIR in "".join(error["full_stack"])
    assert error["hidden_frames"] > 0


def test_a_load_error_keeps_the_full_stack_apart(tmp_path: Path) -> None:
    broken = PythonFileOrigin("broken", str(HERE.parent / "user_code" / "raises_at_import.py"))
    with serving(tmp_path, [broken]) as (workspace, instance), \
            TestClient(create_app(workspace, instance)) as client:
        [location] = client.get("/api/locations").json()["locations"]
        error = location["error"]
        stack = "".join(error["stack"])
        assert "raises_at_import.py" in stack and HEADWATER_DIR not in stack
        full = "".join(error["full_stack"])
        assert "raises_at_import.py" in full and HEADWATER_DIR in full


def test_a_sensors_run_request_can_name_checks(env: Env) -> None:
    env.instance.storage.set_instigator_state(InstigatorState(
        location_name=LOCATION, name="check_sensor", instigator_type=InstigatorType.SENSOR,
        status=InstigatorStatus.RUNNING, updated_at=1.0))
    loop = SensorLoop(env.workspace, env.instance)
    try:
        loop.iterate(30.0)
        assert loop.wait_idle(30)
    finally:
        loop.shutdown()
    runs = {run.tags["headwater/run_key"]: run for run in env.instance.storage.get_runs(
        RunsFilter(tags={"headwater/sensor_name": "check_sensor"}))}
    alone, with_job = runs["check-alone"], runs["job-with-check"]
    assert alone.job_name == with_job.job_name == "orders_job"
    assert alone.asset_selection == [] and with_job.asset_selection == [["orders"]]
    for run in (alone, with_job):
        assert run.asset_check_selection == [["orders", "orders_not_empty"]]
        assert run.tags["team"] == "assets"  # orders_job's tags
        assert env.run(run.run_id).status is RunStatus.SUCCESS
    started = [e["step_key"] for e in env.events(alone.run_id)
               if e["event_type"] == "STEP_START"]
    assert started == ["orders_orders_not_empty"]
    started = [e["step_key"] for e in env.events(with_job.run_id)
               if e["event_type"] == "STEP_START"]
    assert sorted(started) == ["orders", "orders_orders_not_empty"]
