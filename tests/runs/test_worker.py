"""The run worker executes stored runs and records everything in storage."""

from __future__ import annotations

import pytest

from headwater.core.origins import GrpcServerOrigin
from headwater.core.run_status import RunStatus
from headwater.errors import NotFoundError
from headwater.execution.launch import (
    RunLaunchError,
    cancel_run,
    create_run,
    launch_run_worker,
)
from headwater.snapshot.events import EventType, RunFailureData
from headwater.storage.instance import Instance

from .conftest import (
    ASSET_JOB,
    events,
    execute,
    finish,
    keys,
    of_type,
    origin,
    start,
    stored_value,
    types_of_step,
)

STEP_EVENTS = ["STEP_START", "STEP_OUTPUT", "ASSET_MATERIALIZATION", "HANDLED_OUTPUT",
               "STEP_SUCCESS"]


def test_asset_run_succeeds_with_every_event_stored_in_order(instance: Instance) -> None:
    run, process = start(instance, "basic", asset_selection=keys("a", "b", "c"))
    stored, code = finish(instance, run, process)

    assert code == 0
    assert stored.status is RunStatus.SUCCESS
    assert stored.worker_pid == process.pid
    assert stored.worker_heartbeat is not None
    assert stored.start_time is not None and stored.end_time is not None
    records = instance.storage.get_events(run.run_id)
    ids = [record.storage_id for record in records]
    assert ids == sorted(ids)
    all_events = [record.event for record in records]
    assert all_events[0].event_type is EventType.RUN_START
    assert all_events[-1].event_type is EventType.RUN_SUCCESS
    assert [e.step_key for e in of_type(all_events, EventType.STEP_START)] == ["a", "b", "c"]
    assert types_of_step(all_events, "a") == [*STEP_EVENTS[:1], "LOG", *STEP_EVENTS[1:]]
    assert types_of_step(all_events, "c") == [STEP_EVENTS[0], "LOADED_INPUT", "STEP_INPUT",
                                                 *STEP_EVENTS[1:]]
    assert f"pid {process.pid}" in of_type(all_events, EventType.LOG, "a")[0].message
    plan = of_type(all_events, EventType.ENGINE_EVENT)[0]
    assert "3 step(s) in the run worker's process" in plan.message
    latest = instance.storage.get_latest_materializations([["a"], ["b"], ["c"]])
    assert {key: record.run_id for key, record in latest.items()} == {
        ("a",): run.run_id, ("b",): run.run_id, ("c",): run.run_id}
    assert stored_value(instance, "c") == 20


def test_op_job_run_succeeds_and_stores_outputs_per_run(instance: Instance) -> None:
    stored, code = execute(instance, "basic", "ops_job")

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    all_events = events(instance, stored.run_id)
    assert [e.step_key for e in of_type(all_events, EventType.STEP_SUCCESS)] == ["one", "two"]
    assert all_events[-1].event_type is EventType.RUN_SUCCESS
    assert stored_value(instance, stored.run_id, "two", "result") == 6


def test_load_errors_fail_the_run_with_the_error(instance: Instance) -> None:
    broken, broken_process = start(instance, "broken_import")
    missing, missing_process = start(instance, "basic", "no_such_job")
    gone, gone_process = start(instance, "basic", asset_selection=keys("a", "zzz"))

    for run, process in ((broken, broken_process), (missing, missing_process),
                         (gone, gone_process)):
        stored, code = finish(instance, run, process)
        assert (code, stored.status) == (1, RunStatus.FAILURE)
        [failure] = [e for e in events(instance, run.run_id)]
        assert failure.event_type is EventType.RUN_FAILURE
        assert isinstance(failure.data, RunFailureData) and failure.data.error is not None
        assert stored.failure_message == failure.message
    broken_failure = events(instance, broken.run_id)[0]
    assert "this location cannot be imported" in broken_failure.message
    assert "location 'broken_import'" in broken_failure.message
    assert broken_failure.data.error.stack  # type: ignore[union-attr]
    assert "no_such_job" in events(instance, missing.run_id)[0].message
    assert "zzz" in events(instance, gone.run_id)[0].message


def test_bad_executor_config_fails_the_run(instance: Instance) -> None:
    stored, code = execute(
        instance, "basic", asset_selection=keys("a"),
        run_config={"execution": {"multiprocess": {"config": {"max_concurent": 2}}}},
    )
    assert (code, stored.status) == (1, RunStatus.FAILURE)
    assert "max_concurent" in (stored.failure_message or "")


def test_create_run_stores_a_queued_run_that_launches_once(instance: Instance) -> None:
    run = create_run(
        instance, origin=origin("basic"), job_name=ASSET_JOB, asset_selection=keys("a"),
        partition_key="2024-01-01", tags={"team": "data"}, run_config={"ops": {}},
    )
    stored = instance.storage.get_run(run.run_id)
    assert stored is not None
    assert stored.status is RunStatus.QUEUED
    assert stored.origin == origin("basic").to_dict()
    assert stored.location_name == "basic"
    assert stored.asset_selection == [["a"]]
    assert stored.tags == {"team": "data", "headwater/partition": "2024-01-01"}
    assert stored.partition_key == "2024-01-01"

    assert cancel_run(instance, run.run_id) is True
    canceled = instance.storage.get_run(run.run_id)
    assert canceled is not None and canceled.status is RunStatus.CANCELED
    assert [e.event_type for e in events(instance, run.run_id)] == [
        EventType.RUN_CANCELING, EventType.RUN_CANCELED]
    assert cancel_run(instance, run.run_id) is False
    with pytest.raises(RunLaunchError, match="CANCELED, not QUEUED"):
        launch_run_worker(instance, run.run_id)
    with pytest.raises(NotFoundError, match="no-such-run"):
        launch_run_worker(instance, "no-such-run")


def test_runs_need_an_importable_origin_and_plain_config(instance: Instance) -> None:
    with pytest.raises(RunLaunchError, match="gRPC|grpc_server"):
        create_run(instance, origin=GrpcServerOrigin("remote", "localhost", 4266),
                   job_name=ASSET_JOB)
    with pytest.raises(RunLaunchError, match="plain data"):
        create_run(instance, origin=origin("basic"), job_name=ASSET_JOB,
                   run_config={"ops": {"a": {"config": object()}}})


def test_partitioned_run_materializes_its_partition(instance: Instance) -> None:
    stored, code = execute(instance, "partitioned", asset_selection=keys("letters", "doubled"),
                           partition_key="b")

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    assert stored.tags["headwater/partition"] == "b"
    materialized = of_type(events(instance, stored.run_id), EventType.ASSET_MATERIALIZATION)
    assert [e.data.partition for e in materialized] == ["b", "b"]  # type: ignore[union-attr]
    assert stored_value(instance, "doubled", "b") == "BB"
    assert instance.storage.get_materialized_partitions(["doubled"]) == {"b"}
