"""The pieces of the run worker that need no process: executor settings, re-execution
step choice, the event pipe, cancellation."""

from __future__ import annotations

import os
import time

import pytest

from headwater import Definitions, asset, multiprocess_executor
from headwater.definitions.ops.executors import ExecutorDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import ConfigError
from headwater.execution.cancellation import Cancellation, RunInterrupted
from headwater.execution.event_pipe import EventPipeReader, EventPipeWriter
from headwater.execution.executor_config import ExecutorSettings, resolve_executor
from headwater.execution.reexecution import plan_event_values, steps_to_reexecute
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EngineData, EventType, RunEvent, StepFailureData


@asset
def only() -> int:
    return 1


def _job(executor: ExecutorDefinition | None = None) -> JobDefinition:
    return Definitions(assets=[only], executor=executor).get_repository_def().get_job(
        "__ASSET_JOB")


def test_executor_settings_come_from_the_job_and_the_run_config() -> None:
    assert resolve_executor(_job(), None) == ExecutorSettings("in_process")
    configured = _job(multiprocess_executor.configured({"max_concurrent": 3}))
    assert resolve_executor(configured, {}).max_concurrent == 3
    overridden = resolve_executor(configured, {"execution": {"config": {"max_concurrent": 5}}})
    assert overridden.max_concurrent == 5
    chosen = resolve_executor(_job(), {"execution": {"multiprocess": {
        "config": {"max_concurrent": 0, "start_method": "spawn"}}}})
    assert chosen == ExecutorSettings("multiprocess", os.cpu_count() or 1, "spawn")
    assert resolve_executor(_job(multiprocess_executor), None).start_method == "fork"


@pytest.mark.parametrize(("executor", "run_config", "message"), [
    (multiprocess_executor, {"execution": {"config": {"max_concurrent": -1}}},
     "'max_concurrent' of job '__ASSET_JOB' must be a whole number"),
    (multiprocess_executor, {"execution": {"config": {"max_concurrent": "4"}}},
     "at path execution.config.max_concurrent: expected Int, got '4'"),
    (multiprocess_executor, {"execution": {"config": {"start_method": "forkserver"}}},
     "'start_method' of job '__ASSET_JOB' must be 'fork' or 'spawn'"),
    (multiprocess_executor, {"execution": {"config": {"max_concurent": 2}}},
     'Unexpected config entry "max_concurent" at path execution.config; .*'
     'Did you mean "max_concurrent"'),
    (None, {"execution": {"config": {"max_concurrent": 2}}},
     "executor 'in_process' of job '__ASSET_JOB'.*\n.*"
     'Unexpected config entry "max_concurrent" at path execution.config'),
    (ExecutorDefinition("dask"), None, "executor 'dask', which run workers do not support"),
    (None, {"execution": "fast"}, "'execution' must be a mapping"),
    (None, {"execution": {"dask": {}}}, "unexpected keys 'dask'"),
])
def test_bad_executor_settings_are_errors_naming_the_key(
    executor: ExecutorDefinition | None, run_config: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_executor(_job(executor), run_config)


def _event(kind: EventType, step_key: str | None = None, **values: str) -> RunEvent:
    data = EngineData(values=values) if values else None
    return RunEvent("r", kind, time.time(), step_key=step_key, data=data)


def test_reexecution_runs_the_planned_steps_that_did_not_succeed() -> None:
    parent = [
        _event(EventType.ENGINE_EVENT, **plan_event_values(["a", "b", "c", "d"])),
        _event(EventType.STEP_SUCCESS, "a"),
        _event(EventType.STEP_SUCCESS, "c"),
    ]
    assert steps_to_reexecute(parent, None) == ["b", "d"]
    # No plan recorded (the run failed while loading): the parent's own subset, or everything.
    assert steps_to_reexecute([], ["x", "y"]) == ["x", "y"]
    assert steps_to_reexecute([], None) is None


def test_event_pipe_carries_whole_events_in_order() -> None:
    read_fd, write_fd = os.pipe()
    reader = EventPipeReader(read_fd)
    writer = EventPipeWriter(write_fd)
    big = RunEvent("r", EventType.STEP_FAILURE, 1.0, message="x" * 200_000, step_key="s",
                   data=StepFailureData(error=ErrorInfo("boom", "RuntimeError")))
    received: list[RunEvent] = []
    writer.emit(_event(EventType.STEP_START, "s"))
    received += reader.read()
    import threading

    thread = threading.Thread(target=writer.emit, args=(big,))  # larger than the pipe buffer
    thread.start()
    while len(received) < 2:
        received += reader.read()
    thread.join()
    writer.close()
    received += reader.read()
    assert [e.event_type for e in received] == [EventType.STEP_START, EventType.STEP_FAILURE]
    assert received[1] == big
    assert reader.at_eof and reader.leftover == 0
    reader.close()


def test_cancellation_interrupts_only_inside_interruptible_blocks() -> None:
    outside = Cancellation()
    outside.request()  # not interruptible: only the flag
    assert outside.requested and outside.wait(10)
    with pytest.raises(RunInterrupted):
        with outside.interruptible():
            pass

    inside = Cancellation()
    with pytest.raises(RunInterrupted):
        with inside.interruptible():
            with inside.deferred():
                inside.request()  # held back until the deferred block ends
                held = True
    assert held
    for token in (outside, inside):
        token.close()
