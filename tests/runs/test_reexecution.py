"""Re-execution from failure runs only what did not succeed and loads the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.execution.launch import (
    RunLaunchError,
    create_reexecution_run,
    launch_run_worker,
)
from headwater.snapshot.events import EventType
from headwater.storage.instance import Instance

from .conftest import MULTIPROCESS_2, events, execute, finish, keys, of_type, stored_value


def _calls(shared_dir: Path, name: str) -> int:
    path = shared_dir / f"calls-{name}"
    return int(path.read_text()) if path.exists() else 0


def _reexecute(instance: Instance, parent_id: str) -> tuple[str, RunStatus, list[str] | None]:
    child = create_reexecution_run(instance, parent_id)
    stored, _ = finish(instance, child, launch_run_worker(instance, child.run_id))
    return stored.run_id, stored.status, child.step_keys_to_execute


@pytest.mark.parametrize("run_config", [{}, MULTIPROCESS_2], ids=["in_process", "multiprocess"])
def test_asset_run_reexecuted_from_failure(
    instance: Instance, shared_dir: Path, run_config: dict[str, object]
) -> None:
    parent, code = execute(instance, "flaky",
                           asset_selection=keys("upstream", "middle", "downstream", "side"),
                           run_config=run_config, tags={"team": "data"})
    assert (code, parent.status) == (1, RunStatus.FAILURE)
    assert of_type(events(instance, parent.run_id), EventType.STEP_SKIPPED, "downstream")

    (shared_dir / "fixed").touch()
    child = create_reexecution_run(instance, parent.run_id)
    assert child.step_keys_to_execute == ["middle", "downstream"]
    assert (child.parent_run_id, child.root_run_id) == (parent.run_id, parent.run_id)
    assert child.asset_selection == parent.asset_selection
    assert child.run_config == parent.run_config
    assert child.tags["team"] == "data"
    assert child.tags["headwater/parent_run_id"] == parent.run_id
    stored, code = finish(instance, child, launch_run_worker(instance, child.run_id))

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    child_events = events(instance, child.run_id)
    assert [e.step_key for e in of_type(child_events, EventType.STEP_START)] == [
        "middle", "downstream"]
    assert {name: _calls(shared_dir, name) for name in ("upstream", "side", "middle",
                                                        "downstream")} == {
        "upstream": 1, "side": 1, "middle": 2, "downstream": 1}
    assert stored_value(instance, "downstream") == 84


def test_op_job_reexecution_loads_outputs_of_the_run_that_produced_them(
    instance: Instance, shared_dir: Path
) -> None:
    root, code = execute(instance, "flaky", "op_chain")
    assert (code, root.status) == (1, RunStatus.FAILURE)

    second_id, second_status, second_keys = _reexecute(instance, root.run_id)
    assert (second_status, second_keys) == (RunStatus.FAILURE, ["consume", "report"])

    (shared_dir / "fixed").touch()
    third_id, third_status, third_keys = _reexecute(instance, second_id)
    assert (third_status, third_keys) == (RunStatus.SUCCESS, ["consume", "report"])
    third = instance.storage.get_run(third_id)
    assert third is not None
    assert (third.parent_run_id, third.root_run_id) == (second_id, root.run_id)
    # produce ran once, in the root run; both re-executions read its stored output.
    assert _calls(shared_dir, "produce") == 1
    assert _calls(shared_dir, "consume") == 3
    assert (shared_dir / "report").read_text() == "21"
    loaded = of_type(events(instance, third_id), EventType.LOADED_INPUT, "consume")
    assert loaded and stored_value(instance, root.run_id, "produce", "result") == {"value": 7}

    with pytest.raises(RunLaunchError, match="SUCCESS"):
        create_reexecution_run(instance, third_id)
