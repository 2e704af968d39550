"""Automation sensors' intervals (their own, and headwater.yaml's for the default sensor),
evaluation trees that a restarted daemon does not store again, and conditions on asset checks
requesting runs of just the check, with real code servers."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.daemon.automation.loop import AutomationLoop
from headwater.snapshot.runs import InstigatorType
from headwater.storage.config import load_instance_config
from headwater.storage.daemon_config import AutomationSettings
from headwater.storage.errors import InstanceConfigError
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from headwater.workspace.runs import launch_queued_run, submit_run

from .conftest import USER_CODE, runs_tagged, turn_on, wait_run_status

LOCATION = "automation_location"
ORIGIN = PythonFileOrigin(LOCATION, str(USER_CODE / "automation_location.py"),
                          working_directory=str(USER_CODE))
SENSOR = InstigatorType.SENSOR
DEFAULT = "default_automation_condition_sensor"
DONE = {RunStatus.SUCCESS, RunStatus.FAILURE}


@pytest.fixture
def workspace(make_workspace: Callable[..., Workspace]) -> Workspace:
    return make_workspace([ORIGIN])


def _ticks(instance: Instance, name: str) -> int:
    return len(instance.storage.get_ticks(LOCATION, name, SENSOR, limit=100))


def test_headwater_yaml_sets_the_default_sensors_interval(tmp_path: Path) -> None:
    (tmp_path / "headwater.yaml").write_text("auto_materialize:\n  minimum_interval_seconds: 90\n")
    settings = load_instance_config(tmp_path).daemon.auto_materialize
    assert settings == AutomationSettings(minimum_interval_seconds=90)
    default = load_instance_config(tmp_path / "none").daemon.auto_materialize
    assert default.minimum_interval_seconds == 30
    (tmp_path / "headwater.yaml").write_text("auto_materialize:\n  minimum_interval: 90\n")
    with pytest.raises(InstanceConfigError, match="auto_materialize.minimum_interval"):
        load_instance_config(tmp_path)


def test_the_default_sensor_waits_the_configured_interval(
    workspace: Workspace, instance: Instance,
) -> None:
    loop = AutomationLoop(workspace, instance, default_interval=300)
    now = time.time()
    assert loop.iterate(now) == 1  # only the default sensor runs by default
    assert loop.iterate(now + 60) == 0  # 30 s (the built-in default) would have been due
    assert loop.iterate(now + 299) == 0
    assert loop.iterate(now + 300) == 1
    assert _ticks(instance, DEFAULT) == 2
    restarted = AutomationLoop(workspace, instance, default_interval=300)
    assert restarted.iterate(now + 400) == 0  # due from the stored tick, not from the start


def test_an_automation_sensors_own_interval_is_honoured(
    workspace: Workspace, instance: Instance,
) -> None:
    turn_on(instance, "slow_sensor", SENSOR, location=LOCATION)
    loop = AutomationLoop(workspace, instance, default_interval=10_000)
    now = time.time()
    loop.iterate(now)
    loop.iterate(now + 60)
    assert _ticks(instance, "slow_sensor") == 1  # minimum_interval_seconds=120
    loop.iterate(now + 120)
    assert _ticks(instance, "slow_sensor") == 2


def test_a_restarted_daemon_stores_no_unchanged_tree_again(
    workspace: Workspace, instance: Instance,
) -> None:
    turn_on(instance, "chain_sensor", SENSOR, location=LOCATION)
    now = time.time()
    loop = AutomationLoop(workspace, instance)
    loop.iterate(now)
    loop.iterate(now + 2)  # no longer the initial evaluation: the trees changed
    stored = {key: len(instance.storage.get_automation_evaluations([key], limit=100))
              for key in ("a2", "a3", "a4", "a5")}
    assert stored == dict.fromkeys(stored, 2)
    for offset in (4, 6):  # each a new loop, as after a daemon restart
        AutomationLoop(workspace, instance).iterate(now + offset)
    again = {key: len(instance.storage.get_automation_evaluations([key], limit=100))
             for key in stored}
    assert again == stored


CHECKS = PythonFileOrigin("automation_checks", str(USER_CODE / "automation_checks_location.py"),
                          working_directory=str(USER_CODE))


def test_a_checks_condition_requests_a_run_of_just_the_check(
    make_workspace: Callable[..., Workspace], instance: Instance,
) -> None:
    workspace = make_workspace([CHECKS])
    loop = AutomationLoop(workspace, instance)
    now = time.time()
    loop.iterate(now)
    run = submit_run(workspace, instance, location="automation_checks", job_name=None,
                     asset_selection=[["raw"]])
    launch_queued_run(workspace, instance, run.run_id)
    assert wait_run_status(instance, run.run_id, DONE).status is RunStatus.SUCCESS
    before = instance.storage.get_latest_check_results(["raw"])["raw_not_empty"]
    loop.iterate(now + 30)
    [requested] = runs_tagged(instance, headwater__automation_condition_sensor=DEFAULT)
    assert requested.asset_selection == []
    assert requested.asset_check_selection == [["raw", "raw_not_empty"]]
    launch_queued_run(workspace, instance, requested.run_id)
    assert wait_run_status(instance, requested.run_id, DONE).status is RunStatus.SUCCESS
    after = instance.storage.get_latest_check_results(["raw"])["raw_not_empty"]
    assert after.run_id == requested.run_id and after.passed
    assert before.run_id == run.run_id  # the asset's own run executed it first
    materializations = instance.storage.get_latest_materializations([["raw"]])
    assert materializations[("raw",)].run_id == run.run_id  # the asset was not run again
    loop.iterate(now + 60)
    assert len(runs_tagged(instance, headwater__automation_condition_sensor=DEFAULT)) == 1
    # The check's own evaluation tree is stored apart from its asset's.
    trees = instance.storage.get_latest_check_automation_evaluations(["raw"])
    assert set(trees) == {"raw_not_empty"} and trees["raw_not_empty"].check_name == "raw_not_empty"
    assert trees["raw_not_empty"].tree["result"] in (True, False)
    stored = instance.storage.get_automation_evaluations(["raw"], limit=100,
                                                         check_name="raw_not_empty")
    assert any(record.num_requested == 1 for record in stored)
    assert all(record.check_name is None
               for record in instance.storage.get_automation_evaluations(["raw"], limit=100))


SEMANTICS = PythonFileOrigin("automation_semantics",
                             str(USER_CODE / "automation_semantics_location.py"),
                             working_directory=str(USER_CODE))


def _run(workspace: Workspace, instance: Instance, key: str,
         partition: str | None = None) -> None:
    run = submit_run(workspace, instance, location="automation_semantics", job_name=None,
                     asset_selection=[[key]], partition_key=partition)
    launch_queued_run(workspace, instance, run.run_id)
    assert wait_run_status(instance, run.run_id, DONE).status is RunStatus.SUCCESS


def test_the_daemon_maps_partitions_and_compares_data_versions(
    make_workspace: Callable[..., Workspace], instance: Instance,
) -> None:
    workspace = make_workspace([SEMANTICS])
    loop = AutomationLoop(workspace, instance)
    now = time.time()
    hour = time.strftime("%Y-%m-%d-%H:00", time.gmtime(now - 2 * 86400))
    loop.iterate(now)
    _run(workspace, instance, "readings", hour)
    _run(workspace, instance, "versioned")
    loop.iterate(now + 30)
    runs = runs_tagged(instance, headwater__automation_condition_sensor=DEFAULT)
    by_asset = {run.asset_selection[0][0]: run for run in runs if run.asset_selection}
    assert sorted(by_asset) == ["daily_rollup", "reacts"]
    assert by_asset["daily_rollup"].partition_key == hour[:10]  # only the hour's day
    _run(workspace, instance, "versioned")  # materialized again, the same data version
    loop.iterate(now + 60)
    assert len(runs_tagged(instance, headwater__automation_condition_sensor=DEFAULT)) == 2
