"""Automation condition sensors evaluated by the daemon's loop from the snapshot, with real
code servers launching the runs they request."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.daemon.automation.loop import AutomationLoop
from headwater.daemon.instigators import find_instigators
from headwater.snapshot.location import DefaultStatus, SensorType
from headwater.snapshot.runs import InstigatorType, RunRecord, TickStatus
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from headwater.workspace.runs import launch_queued_run, submit_run

from .conftest import USER_CODE, runs_tagged, turn_on, wait_run_status

LOCATION = "automation_location"
ORIGIN = PythonFileOrigin(LOCATION, str(USER_CODE / "automation_location.py"),
                          working_directory=str(USER_CODE))
SENSOR = InstigatorType.SENSOR
DONE = {RunStatus.SUCCESS, RunStatus.FAILURE}


@pytest.fixture
def workspace(make_workspace: Callable[..., Workspace]) -> Workspace:
    return make_workspace([ORIGIN])


def _materialize(workspace: Workspace, instance: Instance, *keys: str,
                 partition: str | None = None) -> None:
    run = submit_run(workspace, instance, location=LOCATION, job_name=None,
                     asset_selection=[[key] for key in keys], partition_key=partition)
    launch_queued_run(workspace, instance, run.run_id)
    assert wait_run_status(instance, run.run_id, DONE).status is RunStatus.SUCCESS


def _launch_all(workspace: Workspace, instance: Instance, runs: list[RunRecord]) -> None:
    for run in runs:
        launch_queued_run(workspace, instance, run.run_id)
        assert wait_run_status(instance, run.run_id, DONE).status is RunStatus.SUCCESS


def _sensor_runs(instance: Instance, name: str) -> list[RunRecord]:
    return runs_tagged(instance, headwater__automation_condition_sensor=name)


def test_the_default_sensor_covers_untargeted_conditions_and_runs_by_default(
    workspace: Workspace,
) -> None:
    sensors = {sensor.name: sensor.snap for sensor in find_instigators(workspace, SENSOR)}
    default = sensors["default_automation_condition_sensor"]
    assert default.sensor_type is SensorType.AUTOMATION  # type: ignore[union-attr]
    assert default.default_status is DefaultStatus.RUNNING
    assert default.asset_selection == [["unsensed"]]  # type: ignore[union-attr]
    assert sensors["chain_sensor"].default_status is DefaultStatus.STOPPED


def test_eager_chain_runs_once_after_the_root(workspace: Workspace, instance: Instance) -> None:
    turn_on(instance, "chain_sensor", SENSOR, location=LOCATION)
    loop = AutomationLoop(workspace, instance)
    now = time.time()
    assert loop.iterate(now) >= 1
    _materialize(workspace, instance, "a1")
    loop.iterate(now + 2)
    [run] = _sensor_runs(instance, "chain_sensor")
    assert sorted(key[0] for key in run.asset_selection or []) == ["a2", "a3", "a4", "a5"]
    assert run.tags["headwater/automation_evaluation_id"] == "2"
    assert run.tags["team"] == "data"  # the sensor's run_tags
    loop.iterate(now + 4)  # queued run: in progress, nothing more
    _launch_all(workspace, instance, [run])
    for offset in (6, 8):
        loop.iterate(now + offset)
    assert len(_sensor_runs(instance, "chain_sensor")) == 1
    ticks = instance.storage.get_ticks(LOCATION, "chain_sensor", SENSOR, limit=10)
    assert [tick.status for tick in ticks].count(TickStatus.SUCCESS) == 1
    [stored, *_] = instance.storage.get_automation_evaluations(["a3"])
    assert stored.tree["name"] == "eager"


def test_a_restart_between_launch_and_cursor_requests_nothing_twice(
    workspace: Workspace, instance: Instance, monkeypatch: pytest.MonkeyPatch,
) -> None:
    turn_on(instance, "chain_sensor", SENSOR, location=LOCATION)
    now = time.time()
    AutomationLoop(workspace, instance).iterate(now)
    _materialize(workspace, instance, "a1")
    dying = AutomationLoop(workspace, instance)

    def die(*args: object) -> None:
        raise SystemExit("daemon killed after launching")

    monkeypatch.setattr(dying, "_save_cursor", die)
    with pytest.raises(SystemExit):
        dying.iterate(now + 2)
    assert len(_sensor_runs(instance, "chain_sensor")) == 1
    monkeypatch.undo()
    restarted = AutomationLoop(workspace, instance)
    restarted.iterate(now + 4)
    runs = _sensor_runs(instance, "chain_sensor")
    assert len(runs) == 1
    _launch_all(workspace, instance, runs)
    restarted.iterate(now + 6)
    assert len(_sensor_runs(instance, "chain_sensor")) == 1


def test_on_missing_fills_only_new_missing_partitions(
    workspace: Workspace, instance: Instance,
) -> None:
    turn_on(instance, "missing_sensor", SENSOR, location=LOCATION)
    loop = AutomationLoop(workspace, instance)
    day = 24 * 3600.0
    now = time.time()

    def latest_at(when: float) -> str:  # a daily partition exists once its day has ended
        return time.strftime("%Y-%m-%d", time.gmtime(when - day))

    loop.iterate(now - 2 * day)  # missing when the condition is first evaluated: not filled
    _materialize(workspace, instance, "daily_events", partition=latest_at(now - day))
    loop.iterate(now - day)  # the new latest partition exists already: nothing to fill
    assert _sensor_runs(instance, "missing_sensor") == []
    loop.iterate(now)  # the next one is missing: filled
    [run] = _sensor_runs(instance, "missing_sensor")
    assert run.tags["headwater/partition"] == latest_at(now)
    loop.iterate(now + 2)
    assert len(_sensor_runs(instance, "missing_sensor")) == 1
    ticks = instance.storage.get_ticks(LOCATION, "missing_sensor", SENSOR, limit=10)
    assert [tick.status for tick in ticks] == [
        TickStatus.SKIPPED, TickStatus.SUCCESS, TickStatus.SKIPPED, TickStatus.SKIPPED]


def test_on_cron_runs_once_per_tick_after_its_deps_update(
    workspace: Workspace, instance: Instance,
) -> None:
    turn_on(instance, "cron_sensor", SENSOR, location=LOCATION)
    loop = AutomationLoop(workspace, instance)
    start = (time.time() // 60) * 60 + 1  # just after a minute tick
    loop.iterate(start)
    loop.iterate(start + 60)  # a cron tick passed, the dep has not updated since
    assert _sensor_runs(instance, "cron_sensor") == []
    _materialize(workspace, instance, "source")
    loop.iterate(start + 62)  # ...now it has: once
    runs = _sensor_runs(instance, "cron_sensor")
    assert [run.asset_selection for run in runs] == [[["hourly_report"]]]
    _launch_all(workspace, instance, runs)
    loop.iterate(start + 64)
    _materialize(workspace, instance, "source")
    loop.iterate(start + 66)  # updated again, but within the same cron tick
    loop.iterate(start + 121)  # the next tick; the dep did not update since it
    assert len(_sensor_runs(instance, "cron_sensor")) == 1
    _materialize(workspace, instance, "source")
    loop.iterate(start + 123)
    assert len(_sensor_runs(instance, "cron_sensor")) == 2
