"""Run results' events in Dagster's shape: ``DagsterEvent`` with ``event_type``,
``event_type_value``, ``step_key``, ``asset_key`` as an ``AssetKey``, the ``is_*`` checks and
``event_specific_data`` — from ``execute_in_process``/``materialize`` and from the instance's
event log (``EventLogEntry.dagster_event``)."""

from __future__ import annotations

import pytest

import headwater as hw


@hw.asset(partitions_def=hw.StaticPartitionsDefinition(["p1", "p2"]))
def sales(context: hw.AssetExecutionContext) -> hw.MaterializeResult:
    return hw.MaterializeResult(metadata={"rows": 3, "source": "erp"})


@hw.asset
def fine() -> int:
    return 1


@hw.asset
def broken(fine: int) -> int:
    raise ValueError("broken on purpose")


@hw.asset
def downstream(broken: int) -> int:
    return broken


def test_materialization_events_carry_an_asset_key_and_their_materialization() -> None:
    result = hw.materialize([sales], partition_key="p2")

    [event] = result.get_asset_materialization_events()
    assert isinstance(event, hw.DagsterEvent)
    assert event.event_type is hw.DagsterEventType.ASSET_MATERIALIZATION
    assert event.event_type_value == "ASSET_MATERIALIZATION"
    assert event.step_key == "sales" and event.node_name == "sales"
    assert event.asset_key == hw.AssetKey("sales") and isinstance(event.asset_key, hw.AssetKey)
    assert event.partition == "p2"
    assert event.is_step_materialization and event.is_asset_materialization
    assert event.is_step_event and not event.is_step_success
    materialization = event.event_specific_data.materialization
    assert isinstance(materialization, hw.AssetMaterialization)
    assert materialization.asset_key == hw.AssetKey("sales")
    assert materialization.metadata["rows"].value == 3
    assert materialization.metadata["source"].value == "erp"
    assert event.step_materialization_data.materialization.partition == "p2"
    assert event.job_name == result.job_name and event.run_id == result.run_id


def test_step_events_and_their_checks() -> None:
    result = hw.materialize([fine, broken, downstream], raise_on_error=False)

    assert not result.success
    [success] = result.get_step_success_events()
    assert success.is_step_success and success.step_key == "fine"
    assert success.event_type is hw.DagsterEventType.STEP_SUCCESS
    assert success.step_success_data.duration_ms >= 0
    [failure] = result.get_step_failure_events()
    assert failure.is_step_failure and failure.is_failure and failure.step_key == "broken"
    assert failure.step_failure_data.error.class_name == "ValueError"
    assert "broken on purpose" in failure.step_failure_data.error.message
    [skipped] = result.get_step_skipped_events()
    assert skipped.is_step_skipped and skipped.step_key == "downstream"
    first, last = result.all_events[0], result.all_events[-1]
    assert first.is_job_event and first.event_type_value == "RUN_START"
    assert last.is_job_failure and last.is_run_failure and result.get_run_failure_event() == last
    with pytest.raises(hw.NotFoundError, match="has no RUN_SUCCESS event"):
        result.get_run_success_event()
    outputs = result.filter_events(lambda e: e.is_successful_output)
    assert [e.step_output_data.output_name for e in outputs] == ["result"]
    assert all(e.asset_key is None for e in result.all_events
               if not e.is_step_materialization and not e.is_loaded_input)


def test_node_accessors() -> None:
    result = hw.materialize([fine, broken, downstream], raise_on_error=False)

    assert result.is_node_success("fine") and not result.is_node_failed("fine")
    assert result.is_node_failed("broken") and not result.is_node_success("broken")
    assert result.is_node_skipped("downstream")
    assert result.is_node_untouched("nothing_here") and not result.is_node_untouched("fine")
    assert "broken on purpose" in result.failure_data_for_node("broken").error.message
    assert result.failure_data_for_node("fine") is None
    assert result.retry_attempts_for_node("broken") == 0
    assert {e.event_type_value for e in result.events_for_node("fine")} >= {
        "STEP_START", "STEP_SUCCESS", "ASSET_MATERIALIZATION"}


def test_retries_are_counted_and_mapped_steps_belong_to_their_node() -> None:
    attempts: list[int] = []

    @hw.op(retry_policy=hw.RetryPolicy(max_retries=2))
    def flaky(context: hw.OpExecutionContext) -> int:
        attempts.append(context.retry_number)
        if len(attempts) < 3:
            raise RuntimeError("not yet")
        return 1

    @hw.op(out=hw.DynamicOut())
    def fan() -> object:
        for key in ("x", "y"):
            yield hw.DynamicOutput(key, mapping_key=key)

    @hw.op
    def each(value: str) -> str:
        return value

    @hw.job
    def retried() -> None:
        flaky()
        fan().map(each)

    result = retried.execute_in_process()
    assert result.retry_attempts_for_node("flaky") == 2
    starts = [e.step_key for e in result.events_for_node("each") if e.is_step_start]
    assert sorted(starts) == ["each[x]", "each[y]"]
    assert result.is_node_success("each")


def test_the_event_log_hands_out_the_same_shape() -> None:
    with hw.instance_for_test() as instance:
        result = hw.materialize([sales], partition_key="p1", instance=instance)
        [record] = instance.get_event_records(
            hw.EventRecordsFilter(event_type=hw.DagsterEventType.ASSET_MATERIALIZATION))
        entry = record.event_log_entry
        assert isinstance(entry, hw.EventLogEntry) and entry.is_dagster_event
        event = entry.dagster_event
        assert isinstance(event, hw.DagsterEvent)
        assert event.asset_key == hw.AssetKey("sales") and event.partition == "p1"
        assert event.event_type_value == "ASSET_MATERIALIZATION" and event.step_key == "sales"
        assert event.event_specific_data.materialization.metadata["rows"].value == 3
        assert entry.asset_materialization is not None
        assert entry.dagster_event_type is hw.DagsterEventType.ASSET_MATERIALIZATION
        assert entry.run_id == result.run_id
        [in_process] = result.get_asset_materialization_events()
        assert in_process == event  # the same stored event, the same wrapper


def test_expectation_results_in_dagster_shape() -> None:
    @hw.op
    def validate() -> object:
        yield hw.ExpectationResult(success=False, label="no_nulls", metadata={"nulls": 2})
        yield hw.Output(1)

    @hw.job
    def checked() -> None:
        validate()

    result = checked.execute_in_process()
    [event] = [e for e in result.all_events if e.is_expectation_result]
    assert event.step_key == "validate" and event.event_type_value == "STEP_EXPECTATION_RESULT"
    [expectation] = result.expectation_results_for_node("validate")
    assert isinstance(expectation, hw.ExpectationResult)
    assert expectation.success is False and expectation.label == "no_nulls"
    assert expectation.metadata["nulls"].value == 2
    assert event.event_specific_data.expectation_result == expectation
