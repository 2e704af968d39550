"""The multiprocess executor: one process per step, bounded concurrency, crashes contained."""

from __future__ import annotations

import pytest

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import (
    EngineData,
    EventType,
    RunEvent,
    RunFailureData,
    StepFailureData,
)
from headwater.storage.instance import Instance

from .conftest import MULTIPROCESS_2, events, execute, keys, of_type, stored_value, types_of_step

LEAVES = [f"leaf_{index}" for index in range(20)]


def _step_pids(all_events: list[RunEvent]) -> dict[str, int]:
    pids = {}
    for event in of_type(all_events, EventType.ENGINE_EVENT):
        if event.step_key is not None and isinstance(event.data, EngineData):
            pids[event.step_key] = int(event.data.values["pid"])
    return pids


def _max_overlap(all_events: list[RunEvent]) -> int:
    """Most steps that were between their first and last event at the same time."""
    spans: dict[str, list[float]] = {}
    for event in all_events:
        if event.step_key is not None:
            spans.setdefault(event.step_key, []).append(event.timestamp)
    edges = sorted([(min(t), 1) for t in spans.values()] + [(max(t), -1) for t in spans.values()])
    current = best = 0
    for _, change in edges:
        current += change
        best = max(best, current)
    return best


def test_each_step_runs_in_its_own_process_at_most_two_at_a_time(instance: Instance) -> None:
    stored, code = execute(instance, "many", asset_selection=keys(*LEAVES, "summary"),
                           run_config=MULTIPROCESS_2)

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    all_events = events(instance, stored.run_id)
    pids = _step_pids(all_events)
    assert set(pids) == {*LEAVES, "summary"}
    assert len(set(pids.values())) == 21
    assert stored.worker_pid not in pids.values()
    for leaf in LEAVES:
        [log] = of_type(all_events, EventType.LOG, leaf)
        assert log.message == f"{leaf} in pid {pids[leaf]}"
        assert stored_value(instance, leaf) == pids[leaf]
    assert stored_value(instance, "summary") == [pids["leaf_0"], pids["leaf_1"]]
    assert _max_overlap(all_events) <= 2
    plan = of_type(all_events, EventType.ENGINE_EVENT)[0]
    assert "at most 2 at a time" in plan.message


def test_a_step_process_that_dies_fails_its_step_and_the_run(instance: Instance) -> None:
    stored, code = execute(instance, "crashes")

    assert (code, stored.status) == (1, RunStatus.FAILURE)
    all_events = events(instance, stored.run_id)
    [exits] = of_type(all_events, EventType.STEP_FAILURE, "exits")
    assert "exited with code 3 and did not report a result" in exits.message
    [segfaults] = of_type(all_events, EventType.STEP_FAILURE, "segfaults")
    assert "was killed by SIGSEGV (signal 11)" in segfaults.message
    assert isinstance(segfaults.data, StepFailureData)
    assert segfaults.data.error.class_name == "StepProcessDied"
    # What the dead processes reported before dying is kept.
    assert types_of_step(all_events, "exits")[:2] == ["ENGINE_EVENT", "STEP_START"]
    assert of_type(all_events, EventType.STEP_SKIPPED, "after_exit")
    for healthy in ("fine", "independent"):
        assert types_of_step(all_events, healthy) == [
            "ENGINE_EVENT", "STEP_START",
            *(["LOADED_INPUT", "STEP_INPUT"] if healthy == "independent" else []),
            "STEP_OUTPUT", "ASSET_MATERIALIZATION", "HANDLED_OUTPUT", "STEP_SUCCESS"]
    assert stored_value(instance, "independent") == 2
    failure = all_events[-1]
    assert failure.event_type is EventType.RUN_FAILURE
    assert isinstance(failure.data, RunFailureData)
    assert sorted(failure.data.failed_steps) == ["exits", "segfaults"]


@pytest.mark.parametrize("run_config", [{}, MULTIPROCESS_2], ids=["in_process", "multiprocess"])
def test_retry_policy_retries_the_step(instance: Instance, run_config: dict[str, object]) -> None:
    stored, code = execute(instance, "flaky", asset_selection=keys("needs_retry"),
                           run_config=run_config)

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    step_types = types_of_step(events(instance, stored.run_id), "needs_retry")
    assert step_types.count("STEP_UP_FOR_RETRY") == 1
    assert step_types.count("STEP_RESTARTED") == 1
    assert step_types[-1] == "STEP_SUCCESS"


def test_spawn_start_method_runs_steps_in_fresh_interpreters(
    instance: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HW_MANY_ASSETS", "2")
    config = {"execution": {"multiprocess": {"config": {"max_concurrent": 2,
                                                        "start_method": "spawn"}}}}
    stored, code = execute(instance, "many", asset_selection=keys("leaf_0", "leaf_1", "summary"),
                           run_config=config)

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    all_events = events(instance, stored.run_id)
    pids = _step_pids(all_events)
    assert len(set(pids.values())) == 3
    assert "spawned by the run worker" in of_type(all_events, EventType.ENGINE_EVENT, "leaf_0")[
        0].message
    assert stored_value(instance, "summary") == [pids["leaf_0"], pids["leaf_1"]]
