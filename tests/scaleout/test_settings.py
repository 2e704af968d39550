"""Configuration of the Celery executor and run launcher (no broker needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from headwater.celery.settings import (
    CeleryConnection,
    resolve_connection,
    step_priority,
    worker_lost_timeout,
)
from headwater.definitions.ops.executors import celery_executor
from headwater.errors import ConfigError
from headwater.storage.config import RunLauncherSettings, parse_instance_config
from headwater.storage.errors import InstanceConfigError

ROOT = Path("/srv/headwater")


def test_run_launcher_defaults_to_subprocess() -> None:
    assert parse_instance_config({}, ROOT).run_launcher == RunLauncherSettings()
    config = parse_instance_config({"run_launcher": {"subprocess": {}}}, ROOT)
    assert config.run_launcher.kind == "subprocess"


def test_run_launcher_celery_section_is_read_with_env_references() -> None:
    config = parse_instance_config(
        {"run_launcher": {"celery": {"broker": {"env": "BROKER"}, "queue": "runs"}}}, ROOT,
        environ={"BROKER": "amqp://guest:guest@mq:5672//"})
    assert config.run_launcher == RunLauncherSettings(
        kind="celery", broker="amqp://guest:guest@mq:5672//", queue="runs")


@pytest.mark.parametrize(("section", "message"), [
    ({"celery": {}}, "missing key 'broker'"),
    ({"celery": {"broker": "redis://x", "brokr": 1}}, "unknown key"),
    ({"kubernetes": {}}, "unknown key"),
    ({"celery": {"broker": "redis://x"}, "subprocess": {}}, "exactly one"),
])
def test_bad_run_launcher_sections_name_the_key(section: object, message: str) -> None:
    with pytest.raises(InstanceConfigError, match=message) as caught:
        parse_instance_config({"run_launcher": section}, ROOT, source="headwater.yaml")
    assert "run_launcher" in str(caught.value)


def test_connection_comes_from_config_then_launcher_then_environment() -> None:
    launcher = RunLauncherSettings(kind="celery", broker="redis://launcher:6379/0", queue="q1")
    assert resolve_connection({"queue": "mine"}, launcher, {}) == CeleryConnection(
        "redis://launcher:6379/0", "redis://launcher:6379/0", "mine")
    assert resolve_connection({}, None, {"HEADWATER_CELERY_BROKER": "redis://env:1/0"}
                              ).broker == "redis://env:1/0"
    with pytest.raises(ConfigError, match="needs a broker URL"):
        resolve_connection({}, None, {})
    with pytest.raises(ConfigError, match="give a result backend"):
        resolve_connection({"broker": "amqp://mq//"}, None, {})


def test_priorities_and_timeouts_are_validated() -> None:
    assert step_priority({}, "a") == 5
    assert step_priority({"headwater/celery_priority": "9"}, "a") == 9
    with pytest.raises(ConfigError, match="step 'a'|Step 'a'"):
        step_priority({"headwater/celery_priority": "high"}, "a")
    assert worker_lost_timeout({}) == 10.0
    with pytest.raises(ConfigError, match="worker_lost_timeout"):
        worker_lost_timeout({"worker_lost_timeout": 0})


def test_celery_executor_resolves_with_its_config() -> None:
    from headwater import Definitions, asset
    from headwater.execution.executor_config import CELERY, resolve_executor

    @asset
    def one() -> int:
        return 1

    defs = Definitions(assets=[one], executor=celery_executor.configured({"queue": "q"}))
    job = defs.get_implicit_global_asset_job_def()
    settings = resolve_executor(job, {"execution": {"celery": {"config": {
        "max_concurrent": 8, "broker": "redis://b:6379/0"}}}})
    assert settings.name == CELERY and settings.max_concurrent == 8
    assert dict(settings.options) == {"queue": "q", "broker": "redis://b:6379/0"}
    with pytest.raises(ConfigError, match='Unexpected config entry "start_method" at path '
                       "execution.config"):
        resolve_executor(job, {"execution": {"config": {"start_method": "fork"}}})


def test_definitions_and_the_subprocess_launcher_do_not_import_celery() -> None:
    code = ("import sys, json, headwater.definitions.ops.executors, headwater.celery.launcher, "
            "headwater.celery.settings; print(json.dumps('celery' in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert json.loads(result.stdout) is False
