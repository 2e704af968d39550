"""The celery executor: steps of a run spread over real Celery worker processes."""

from __future__ import annotations

import pickle
from collections import Counter

import pytest

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType
from polling import wait_for

from .conftest import Cluster, executing_host, of_type

pytestmark = pytest.mark.slow


def _value(cluster: Cluster, name: str) -> object:
    with open(cluster.shared / "outputs" / name, "rb") as file:
        return pickle.load(file)


def test_a_200_step_run_spreads_over_two_workers(cluster: Cluster) -> None:
    first = cluster.start_worker("w1")
    second = cluster.start_worker("w2")
    run = cluster.create_run("fleet")
    process = cluster.run_worker(run)
    assert process.wait(timeout=100) == 0

    stored = cluster.instance.storage.get_run(run.run_id)
    assert stored is not None and stored.status is RunStatus.SUCCESS
    events = cluster.events(run.run_id)
    steps = [f"leaf_{index}" for index in range(199)] + ["total"]
    for kind in (EventType.STEP_START, EventType.STEP_OUTPUT, EventType.STEP_SUCCESS,
                 EventType.ASSET_MATERIALIZATION):
        per_step = Counter(e.step_key for e in of_type(events, kind))
        assert per_step == Counter(steps), kind
    assert not of_type(events, EventType.STEP_FAILURE)
    assert [e.event_type for e in events if e.step_key is None][-1] is EventType.RUN_SUCCESS
    hosts = Counter(executing_host(events, key) for key in steps)
    assert set(hosts) == {first, second}, hosts
    assert _value(cluster, "leaf_198") == 198 * 198
    assert _value(cluster, "total") == 1


def test_dynamic_outputs_are_mapped_over_workers_and_collected(cluster: Cluster) -> None:
    first = cluster.start_worker("w1")
    second = cluster.start_worker("w2")
    run = cluster.create_run("fanned_out")
    process = cluster.run_worker(run)
    assert process.wait(timeout=100) == 0

    assert cluster.status(run.run_id) is RunStatus.SUCCESS
    events = cluster.events(run.run_id)
    mapped = [f"square[n{index}]" for index in range(12)]
    succeeded = [e.step_key for e in of_type(events, EventType.STEP_SUCCESS)]
    assert sorted(succeeded) == sorted(["fan_out", *mapped, "sum_all"])
    assert succeeded[-1] == "sum_all"
    hosts = Counter(executing_host(events, key) for key in mapped)
    assert set(hosts) == {first, second}, hosts
    # Collected in the order the mapping keys were yielded, each loaded from its mapped step.
    assert _value(cluster, f"{run.run_id}/sum_all/result") == [i * i for i in range(12)]
    loaded = of_type(events, EventType.LOADED_INPUT, "sum_all")
    assert len(loaded) == 12


def test_cancelling_the_run_terminates_its_steps_on_the_workers(cluster: Cluster) -> None:
    from headwater.execution.launch import cancel_run

    cluster.env["HW_FLEET_LEAVES"] = "2"
    cluster.start_worker("w1")
    run = cluster.create_run("holding_once", asset_selection=[["hold_once"]])
    process = cluster.run_worker(run)
    wait_for((cluster.shared / "started-hold_once-0").exists, "the step to start")

    assert cancel_run(cluster.instance, run.run_id)
    assert process.wait(timeout=60) == 1
    assert cluster.status(run.run_id) is RunStatus.CANCELED
    events = cluster.events(run.run_id)
    [failure] = of_type(events, EventType.STEP_FAILURE, "hold_once")
    assert "interrupted because its run was canceled" in failure.message


def test_steps_run_on_workers_behind_a_rabbitmq_broker(rabbit_cluster: Cluster) -> None:
    cluster = rabbit_cluster
    cluster.env["HW_FLEET_LEAVES"] = "20"
    first = cluster.start_worker("w1")
    second = cluster.start_worker("w2")
    run = cluster.create_run("fleet")
    process = cluster.run_worker(run)
    assert process.wait(timeout=60) == 0
    events = cluster.events(run.run_id)
    steps = [f"leaf_{index}" for index in range(20)] + ["total"]
    assert Counter(e.step_key for e in of_type(events, EventType.STEP_SUCCESS)) == Counter(steps)
    assert {executing_host(events, key) for key in steps} <= {first, second}
    assert _value(cluster, "total") == 1
