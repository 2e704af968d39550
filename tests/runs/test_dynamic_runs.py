"""Dynamic outputs executed by real run workers: in-process, forked and spawned step processes,
retries of one mapped step and re-execution from the failure of one."""

from __future__ import annotations

from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_reexecution_run, launch_run_worker
from headwater.snapshot.events import EngineData, EventType, RunEvent
from headwater.storage.instance import Instance

from .conftest import MULTIPROCESS_2, events, execute, finish, of_type, stored_value

SPAWN_2 = {"execution": {"multiprocess": {"config": {"max_concurrent": 2,
                                                      "start_method": "spawn"}}}}
EXECUTORS = pytest.mark.parametrize(
    "run_config", [{}, MULTIPROCESS_2, SPAWN_2], ids=["in_process", "fork", "spawn"]
)
MAPPED = ["alpha", "b", "gamma"]


def _succeeded(all_events: list[RunEvent]) -> list[str]:
    return [e.step_key or "" for e in of_type(all_events, EventType.STEP_SUCCESS)]


def _step_pids(all_events: list[RunEvent]) -> dict[str, str]:
    return {
        e.step_key: e.data.values["pid"] for e in of_type(all_events, EventType.ENGINE_EVENT)
        if e.step_key is not None and isinstance(e.data, EngineData) and "pid" in e.data.values
    }


@EXECUTORS
def test_fan_out_map_chain_and_collect(instance: Instance, run_config: dict[str, object]) -> None:
    stored, code = execute(instance, "dynamic", "fanned", run_config=run_config)

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    all_events = events(instance, stored.run_id)
    done = _succeeded(all_events)
    assert sorted(done) == sorted(
        ["fan", "offset", "total", *(f"length[{k}]" for k in MAPPED),
         *(f"plus[{k}]" for k in MAPPED)]
    )
    for key in MAPPED:  # each mapped step after the one it is fed by
        assert done.index(f"plus[{key}]") > done.index(f"length[{key}]") > done.index("fan")
    assert done[-1] == "total"
    outputs = of_type(all_events, EventType.STEP_OUTPUT, "fan")
    assert [e.data.mapping_key for e in outputs] == MAPPED  # type: ignore[union-attr]
    # Collected in the order the mapping keys were yielded.
    assert stored_value(instance, stored.run_id, "total", "result") == [105, 101, 105]
    assert stored_value(instance, stored.run_id, "fan", "result", "b") == "b"
    assert stored_value(instance, stored.run_id, "plus[b]", "result") == 101
    if run_config:
        pids = _step_pids(all_events)
        assert {f"length[{k}]" for k in MAPPED} <= set(pids)
        assert len({pids[f"length[{k}]"] for k in MAPPED}) == 3  # one process per mapped step
        [log] = of_type(all_events, EventType.LOG, "length[b]")
        assert log.message == f"length[b] in pid {pids['length[b]']}"


@pytest.mark.parametrize("run_config", [{}, MULTIPROCESS_2], ids=["in_process", "fork"])
def test_one_mapped_step_fails_then_only_it_is_reexecuted(
    instance: Instance, shared_dir: Path, run_config: dict[str, object]
) -> None:
    parent, code = execute(instance, "dynamic", "fails_on_b", run_config=run_config)

    assert (code, parent.status) == (1, RunStatus.FAILURE)
    parent_events = events(instance, parent.run_id)
    [failure] = of_type(parent_events, EventType.STEP_FAILURE)
    assert failure.step_key == "fail_on_b[b]"
    assert "b is broken" in failure.message
    assert of_type(parent_events, EventType.STEP_SKIPPED, "total")
    assert sorted(_succeeded(parent_events)) == ["fail_on_b[alpha]", "fail_on_b[gamma]", "fan"]

    (shared_dir / "fixed").touch()
    child = create_reexecution_run(instance, parent.run_id)
    assert child.step_keys_to_execute is not None
    assert sorted(child.step_keys_to_execute) == ["fail_on_b[b]", "total"]
    stored, code = finish(instance, child, launch_run_worker(instance, child.run_id))

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    assert sorted(_succeeded(events(instance, child.run_id))) == ["fail_on_b[b]", "total"]
    assert stored_value(instance, child.run_id, "total", "result") == ["ALPHA", "B", "GAMMA"]


@pytest.mark.parametrize("run_config", [{}, MULTIPROCESS_2], ids=["in_process", "fork"])
def test_mapped_steps_are_retried_one_by_one(
    instance: Instance, run_config: dict[str, object]
) -> None:
    stored, code = execute(instance, "dynamic", "retried", run_config=run_config)

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    all_events = events(instance, stored.run_id)
    retried = [e.step_key for e in of_type(all_events, EventType.STEP_UP_FOR_RETRY)]
    assert sorted(retried) == [f"first_attempt_fails[{k}]" for k in sorted(MAPPED)]
    assert len(of_type(all_events, EventType.STEP_RESTARTED)) == 3
    assert stored_value(instance, stored.run_id, "total", "result") == MAPPED
