"""Automation sensors' intervals (their own, and headwater.yaml's for the default sensor) and
evaluation trees that a restarted daemon does not store again, with a real code server."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.daemon.automation.loop import AutomationLoop
from headwater.snapshot.runs import InstigatorType
from headwater.storage.config import load_instance_config
from headwater.storage.daemon_config import AutomationSettings
from headwater.storage.errors import InstanceConfigError
from headwater.storage.instance import Instance
from headwater.workspace import Workspace

from .conftest import USER_CODE, turn_on

LOCATION = "automation_location"
ORIGIN = PythonFileOrigin(LOCATION, str(USER_CODE / "automation_location.py"),
                          working_directory=str(USER_CODE))
SENSOR = InstigatorType.SENSOR
DEFAULT = "default_automation_condition_sensor"


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
