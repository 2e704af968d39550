"""Resource set-up and tear-down in real runs: code server → run worker → step process."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_run
from headwater.snapshot.events import EventType
from headwater.storage.instance import Instance

from .conftest import USER_CODE, ServerFactory, origin_of, wait_for

LOCATION = USER_CODE / "resource_lifecycle.py"
EXECUTORS = ["in_process", "multiprocess"]
RESOURCES = ("legacy_generator", "legacy_context_manager", "setup_teardown", "yielding")


def _run_config(log: Path, executor: str) -> Any:
    spec = importlib.util.spec_from_file_location("resource_lifecycle_config", LOCATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run_config(log, executor)


def _launch_and_wait(
    start_server: ServerFactory, home: Path, job_name: str, log: Path, executor: str
) -> tuple[RunStatus, list[str], list[str]]:
    origin = origin_of(LOCATION)
    _, client = start_server(origin)
    client.wait_until_ready(30)
    instance = Instance.ephemeral(home)
    try:
        config = _run_config(log, executor)
        run = create_run(instance, origin=origin, job_name=job_name, run_config=config)
        client.launch_run(run.run_id)

        def finished() -> bool:
            record = instance.storage.get_run(run.run_id)
            return record is not None and record.status.is_finished

        wait_for(finished, f"run of {job_name} to finish", timeout=60)
        record = instance.storage.get_run(run.run_id)
        assert record is not None
        failures = [
            e.event.message
            for e in instance.storage.get_events(run.run_id)
            if e.event.event_type is EventType.STEP_FAILURE
        ]
        return record.status, log.read_text().splitlines(), failures
    finally:
        instance.dispose()


def _assert_all_torn_down_after_the_op(lines: list[str]) -> None:
    ran = lines.index("op:ran")
    for key in RESOURCES:
        assert lines.index(f"{key}:setup") < ran < lines.index(f"{key}:teardown"), lines
    assert len(lines) == 2 * len(RESOURCES) + 1, lines


@pytest.mark.parametrize("executor", EXECUTORS)
def test_resources_are_torn_down_when_the_run_succeeds(
    start_server: ServerFactory, home: Path, tmp_path: Path, executor: str
) -> None:
    status, lines, _ = _launch_and_wait(
        start_server, home, "succeeds_job", tmp_path / "log", executor
    )
    assert status is RunStatus.SUCCESS
    _assert_all_torn_down_after_the_op(lines)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_resources_are_torn_down_when_the_op_fails(
    start_server: ServerFactory, home: Path, tmp_path: Path, executor: str
) -> None:
    status, lines, failures = _launch_and_wait(
        start_server, home, "fails_job", tmp_path / "log", executor
    )
    assert status is RunStatus.FAILURE
    assert any("the op failed on purpose" in (m or "") for m in failures), failures
    _assert_all_torn_down_after_the_op(lines)


def test_teardown_order_is_reverse_of_setup(
    start_server: ServerFactory, home: Path, tmp_path: Path
) -> None:
    _, lines, _ = _launch_and_wait(
        start_server, home, "succeeds_job", tmp_path / "log", "in_process"
    )
    setups = [line.split(":")[0] for line in lines if line.endswith(":setup")]
    teardowns = [line.split(":")[0] for line in lines if line.endswith(":teardown")]
    assert teardowns == list(reversed(setups)), lines
