"""Executor config through real run workers: tag_concurrency_limits keep tagged steps apart,
``retries: {disabled: {}}`` turns retry policies off (in step processes too), and a custom
``@executor`` builds the run's executor from its validated config."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType
from headwater.storage.instance import Instance

from .conftest import events, execute, finish, of_type, start, wait_for

LOCATION = "executor_settings"


def test_a_tag_concurrency_limit_of_one_runs_tagged_steps_one_at_a_time(
    instance: Instance, shared_dir: Path
) -> None:
    run, process = start(instance, LOCATION, "tagged_job", run_config={"execution": {"config": {
        "max_concurrent": 3,
        "tag_concurrency_limits": [{"key": "database", "value": "warehouse", "limit": 1}],
    }}})

    def started(step: str) -> bool:
        return any(e.event_type is EventType.STEP_START and e.step_key == step
                   for e in events(instance, run.run_id))

    def succeeded(step: str) -> bool:
        return bool(of_type(events(instance, run.run_id), EventType.STEP_SUCCESS, step))

    # The untagged step had a free slot and finished: the executor had considered every
    # ready step, yet only one of the two tagged ones runs.
    wait_for(lambda: succeeded("free"), "the untagged step to finish", 40)
    wait_for(lambda: started("gate_a") or started("gate_b"), "a tagged step to start", 40)
    first, second = ("gate_a", "gate_b") if started("gate_a") else ("gate_b", "gate_a")
    assert not started(second) and not (shared_dir / f"started-{second}").exists()
    (shared_dir / f"release-{first}").write_text("")
    wait_for(lambda: (shared_dir / f"started-{second}").exists(), "the other tagged step", 40)
    (shared_dir / f"release-{second}").write_text("")

    stored, _ = finish(instance, run, process)
    assert stored.status is RunStatus.SUCCESS
    order = [(e.event_type, e.step_key) for e in events(instance, run.run_id)
             if e.step_key in ("gate_a", "gate_b")
             and e.event_type in (EventType.STEP_START, EventType.STEP_SUCCESS)]
    assert order == [(EventType.STEP_START, first), (EventType.STEP_SUCCESS, first),
                     (EventType.STEP_START, second), (EventType.STEP_SUCCESS, second)]


@pytest.mark.parametrize("job_name", ["flaky_job", "flaky_in_process_job"])
@pytest.mark.parametrize(("retries", "expected"), [({"enabled": {}}, 2), ({"disabled": {}}, 0)])
def test_retries_disabled_turns_retry_policies_off(
    instance: Instance, job_name: str, retries: dict[str, object], expected: int
) -> None:
    run, _ = execute(instance, LOCATION, job_name,
                     run_config={"execution": {"config": {"retries": retries}}})

    assert run.status is RunStatus.FAILURE
    stored = events(instance, run.run_id)
    assert len(of_type(stored, EventType.STEP_UP_FOR_RETRY)) == expected
    assert len(of_type(stored, EventType.STEP_FAILURE)) == 1


def test_a_custom_executor_is_built_from_its_validated_config(
    instance: Instance, tmp_path: Path
) -> None:
    path = tmp_path / "executor.json"
    run, _ = execute(instance, LOCATION, "custom_job",
                     run_config={"execution": {"config": {"path": str(path)}}})

    assert run.status is RunStatus.SUCCESS
    written = json.loads(path.read_text())
    assert written["config"] == {"path": str(path), "label": "plain"}
    assert written["pid"] != os.getpid()  # built in the run worker


def test_a_custom_executors_bad_config_fails_the_run_naming_its_path(
    instance: Instance,
) -> None:
    run, _ = execute(instance, LOCATION, "custom_job",
                     run_config={"execution": {"config": {"label": "x"}}})

    assert run.status is RunStatus.FAILURE
    [failure] = of_type(events(instance, run.run_id), EventType.RUN_FAILURE)
    assert "Missing required config entry at path execution.config.path" in failure.message
