"""The events of in-process runs: their order, LOG events, and their serialised form."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from headwater import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetObservation,
    DagsterEvent,
    Failure,
    OpExecutionContext,
    Output,
    RetryPolicy,
    asset,
    asset_check,
    job,
    materialize,
    materialize_to_memory,
    op,
)
from headwater.snapshot.events import (
    AssetEventData,
    EventType,
    InputData,
    OutputData,
    StepSuccessData,
    decode_event,
    encode_event,
)


@asset
def first() -> int:
    return 1


@asset
def second(first: int) -> int:
    return first + 1


def test_event_order_of_a_simple_asset_run() -> None:
    result = materialize([first, second])
    types = [e.event_type.value for e in result.all_events]
    assert types == [
        "RUN_START",
        "STEP_START",
        "STEP_OUTPUT",
        "ASSET_MATERIALIZATION",
        "HANDLED_OUTPUT",
        "STEP_SUCCESS",
        "STEP_START",
        "LOADED_INPUT",
        "STEP_INPUT",
        "STEP_OUTPUT",
        "ASSET_MATERIALIZATION",
        "HANDLED_OUTPUT",
        "STEP_SUCCESS",
        "RUN_SUCCESS",
    ]
    assert {e.run_id for e in result.all_events} == {result.run_id}
    assert {e.job_name for e in result.all_events} == {result.job_name}
    assert [e.step_key for e in result.all_events if e.event_type is EventType.STEP_START] == [
        "first",
        "second",
    ]
    loaded = next(e for e in result.all_events if e.event_type is EventType.LOADED_INPUT)
    assert isinstance(loaded.data, InputData)
    assert loaded.data.input_name == "first"
    assert loaded.data.upstream_step_key == "first"
    assert loaded.data.asset_key == ["first"]
    assert loaded.data.manager_key == "io_manager"
    success = result.get_step_success_events()[0]
    assert isinstance(success.data, StepSuccessData) and success.data.duration_ms >= 0
    timestamps = [e.timestamp for e in result.all_events]
    assert timestamps == sorted(timestamps)


def test_event_order_of_an_op_job() -> None:
    @op
    def produce() -> int:
        return 1

    @job
    def pipeline() -> None:
        produce()

    types = [e.event_type.value for e in pipeline.execute_in_process().all_events]
    assert types == [
        "RUN_START",
        "STEP_START",
        "STEP_OUTPUT",
        "HANDLED_OUTPUT",
        "STEP_SUCCESS",
        "RUN_SUCCESS",
    ]


def test_context_log_becomes_log_events_with_levels() -> None:
    @asset
    def chatty(context: AssetExecutionContext) -> None:
        context.log.debug("details %s", 1)
        context.log.info("hello")
        context.log.warning("careful")
        context.log.error("bad")

    result = materialize_to_memory([chatty])
    logs = [(e.level, e.message) for e in result.all_events if e.event_type is EventType.LOG]
    assert logs == [
        (logging.DEBUG, "details 1"),
        (logging.INFO, "hello"),
        (logging.WARNING, "careful"),
        (logging.ERROR, "bad"),
    ]
    assert all(e.step_key == "chatty" for e in result.all_events if e.event_type is EventType.LOG)


def test_log_exception_includes_the_traceback() -> None:
    @op
    def recovers(context: OpExecutionContext) -> None:
        try:
            raise ValueError("inner problem")
        except ValueError:
            context.log.exception("caught it")

    @job
    def pipeline() -> None:
        recovers()

    result = pipeline.execute_in_process()
    [log] = [e for e in result.all_events if e.event_type is EventType.LOG]
    assert log.level == logging.ERROR
    assert "caught it" in log.message and "ValueError: inner problem" in log.message


def test_observations_and_output_events() -> None:
    @op
    def observes(context: OpExecutionContext) -> Iterator[Any]:
        yield AssetObservation("watched", metadata={"rows": 5})
        yield Output(1)

    @job
    def pipeline() -> None:
        observes()

    result = pipeline.execute_in_process()
    [observation] = result.asset_observations_for_node("observes")
    assert observation.asset_key.to_user_string() == "watched"
    assert observation.metadata["rows"].value == 5
    output = next(e for e in result.all_events if e.event_type is EventType.STEP_OUTPUT)
    assert isinstance(output.data, OutputData) and output.data.output_name == "result"


def _assert_round_trips(events: list[DagsterEvent]) -> None:
    for wrapped in events:
        event = wrapped.run_event  # what storage keeps
        decoded = decode_event(encode_event(event))
        assert decoded == event
        assert decoded.event_type is event.event_type


def test_every_event_round_trips_through_the_encoder() -> None:
    attempts: list[int] = []

    @asset(metadata={"definition": "meta"}, retry_policy=RetryPolicy(max_retries=1))
    def rich(context: AssetExecutionContext) -> Output[int]:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first attempt fails")
        context.log.warning("about to return")
        context.log_event(AssetObservation("rich", metadata={"seen": True}))
        return Output(1, metadata={"rows": 10, "ratio": 0.25, "name": "x",
                                   "nested": {"a": [1, 2]}}, tags={"t": "v"})

    @asset_check(asset=rich)
    def rich_ok(rich: int) -> AssetCheckResult:
        return AssetCheckResult(passed=False, metadata={"why": "demo"})

    @asset
    def explodes(rich: int) -> int:
        raise Failure("deliberate", metadata={"code": 7})

    @asset
    def skipped(explodes: int) -> int:
        return explodes

    result = materialize([rich, rich_ok, explodes, skipped], raise_on_error=False)
    types = {e.event_type for e in result.all_events}
    assert {
        EventType.RUN_START,
        EventType.STEP_START,
        EventType.STEP_UP_FOR_RETRY,
        EventType.STEP_RESTARTED,
        EventType.LOG,
        EventType.STEP_OUTPUT,
        EventType.HANDLED_OUTPUT,
        EventType.LOADED_INPUT,
        EventType.ASSET_MATERIALIZATION,
        EventType.ASSET_OBSERVATION,
        EventType.ASSET_CHECK_EVALUATION,
        EventType.STEP_SUCCESS,
        EventType.STEP_FAILURE,
        EventType.STEP_SKIPPED,
        EventType.RUN_FAILURE,
    } <= types
    _assert_round_trips(result.all_events)
    mat = next(e for e in result.all_events if e.event_type is EventType.ASSET_MATERIALIZATION)
    assert isinstance(mat.data, AssetEventData)
    assert mat.data.tags == {"t": "v"}
    decoded = decode_event(encode_event(mat.run_event))
    assert isinstance(decoded.data, AssetEventData)
    assert decoded.data.metadata == mat.data.metadata


def test_run_level_failure_events_round_trip() -> None:
    @asset
    def needs_partition(context: AssetExecutionContext) -> None: ...

    result = materialize_to_memory([needs_partition], partition_key="x", raise_on_error=False)
    assert [e.event_type for e in result.all_events] == [EventType.RUN_START,
                                                         EventType.RUN_FAILURE]
    _assert_round_trips(result.all_events)


def test_events_for_node_and_filters() -> None:
    result = materialize_to_memory([first, second])
    assert {e.step_key for e in result.events_for_node("second")} == {"second"}
    assert len(result.all_node_events) == len(result.all_events) - 2
    assert len(result.get_asset_materialization_events()) == 2
    assert result.filter_events(lambda e: e.event_type is EventType.RUN_SUCCESS)
