"""Asset sensors and run-failure sensors, evaluated by the real code server from what the
instance stores, driven by the daemon's sensor loop."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from headwater.core.run_status import RunStatus
from headwater.daemon.sensors import SensorLoop
from headwater.snapshot.runs import InstigatorType, TickRecord, TickStatus
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from headwater.workspace.runs import launch_queued_run, submit_run

from .conftest import LOCATION, runs_tagged, turn_on, wait_run_status

SENSOR = InstigatorType.SENSOR
DONE = {RunStatus.SUCCESS, RunStatus.FAILURE}


@pytest.fixture
def loop(workspace: Workspace, instance: Instance) -> Iterator[SensorLoop]:
    made = SensorLoop(workspace, instance)
    yield made
    made.shutdown()


def tick(loop: SensorLoop, instance: Instance, name: str, now: float) -> TickRecord:
    loop.iterate(now)
    assert loop.wait_idle(30)
    return instance.storage.get_ticks(LOCATION, name, SENSOR, limit=1)[0]


def run_job(workspace: Workspace, instance: Instance, job_name: str) -> str:
    run = submit_run(workspace, instance, location=LOCATION, job_name=job_name)
    launch_queued_run(workspace, instance, run.run_id)
    wait_run_status(instance, run.run_id, DONE)
    return run.run_id


def test_an_asset_sensor_fires_once_per_materialization(
    workspace: Workspace, instance: Instance, loop: SensorLoop,
) -> None:
    turn_on(instance, "plain_asset_sensor", SENSOR)
    now = time.time()
    assert tick(loop, instance, "plain_asset_sensor", now).status is TickStatus.SKIPPED
    materializing = run_job(workspace, instance, "plain_job")
    fired = tick(loop, instance, "plain_asset_sensor", now + 1)
    assert fired.status is TickStatus.SUCCESS, fired.error
    assert fired.run_keys == [f"after-{materializing}"]
    assert tick(loop, instance, "plain_asset_sensor", now + 2).status is TickStatus.SKIPPED
    [run] = runs_tagged(instance, headwater__sensor_name="plain_asset_sensor")
    assert run.job_name == "hello_job" and fired.run_ids == [run.run_id]


def test_a_run_failure_sensor_fires_for_a_failed_run(
    workspace: Workspace, instance: Instance, loop: SensorLoop,
) -> None:
    turn_on(instance, "on_failure", SENSOR)
    now = time.time()
    first = tick(loop, instance, "on_failure", now)
    assert first.status in {TickStatus.SKIPPED, TickStatus.SUCCESS}, first.error
    failed = run_job(workspace, instance, "failing_job")
    assert instance.storage.get_run(failed).status is RunStatus.FAILURE  # type: ignore[union-attr]
    fired = tick(loop, instance, "on_failure", now + 1)
    assert fired.status is TickStatus.SUCCESS, fired.error
    assert fired.run_keys == [f"cleanup-{failed}"]
    assert tick(loop, instance, "on_failure", now + 2).status is TickStatus.SKIPPED
