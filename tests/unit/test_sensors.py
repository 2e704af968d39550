"""Sensors: return shapes, cursors, job resolution, asset sensors and run-status sensors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headwater.core.run_status import (
    FINISHED_STATUSES,
    IN_PROGRESS_RUN_STATUSES,
    DagsterRunStatus,
    RunStatus,
)
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.asset_job import define_asset_job
from headwater.definitions.automation.asset_sensors import AssetSensorDefinition, asset_sensor
from headwater.definitions.automation.event_log_entry import EventLogEntry
from headwater.definitions.automation.run_request import RunRequest, SensorResult, SkipReason
from headwater.definitions.automation.run_status_sensor_context import (
    RunEventView,
    RunFailureSensorContext,
    RunRecordView,
    RunStatusSensorContext,
    build_run_status_sensor_context,
)
from headwater.definitions.automation.run_status_sensors import (
    RunStatusSensorDefinition,
    run_failure_sensor,
    run_status_sensor,
)
from headwater.definitions.automation.sensors import (
    DefaultSensorStatus,
    SensorDefinition,
    SensorEvaluationContext,
    build_sensor_context,
    sensor,
)
from headwater.definitions.ops.results import AssetMaterialization, AssetObservation
from headwater.definitions.partitions import (
    AddDynamicPartitionsRequest,
    DynamicPartitionsDefinition,
    StaticPartitionsDefinition,
)
from headwater.errors import (
    InvalidDefinitionError,
    InvalidOutputError,
    UnknownResourceError,
    UserCodeError,
)

JOB = define_asset_job("ingest", selection="*")
OTHER = define_asset_job("report", selection="*")


# -- definition ---------------------------------------------------------------------------


def test_decorator_defaults() -> None:
    @sensor(job=JOB)
    def watch(context: SensorEvaluationContext) -> None:
        """Looks for new files."""

    assert isinstance(watch, SensorDefinition)
    assert (watch.name, watch.minimum_interval_seconds, watch.sensor_type) == (
        "watch",
        30,
        "standard",
    )
    assert (watch.description, watch.job_name, watch.job) == ("Looks for new files.", "ingest", JOB)
    assert watch.default_status is DefaultSensorStatus.STOPPED


def test_bare_decorator_and_positional_job_forms() -> None:
    @sensor
    def bare(context: SensorEvaluationContext) -> None:
        return None

    @sensor("ingest")
    def by_name(context: SensorEvaluationContext) -> None:
        return None

    @sensor(JOB, minimum_interval_seconds=5)
    def by_job(context: SensorEvaluationContext) -> None:
        return None

    assert (bare.name, bare.job_names) == ("bare", [])
    assert (by_name.job_name, by_name.has_jobs) == ("ingest", True)
    assert (by_job.job_name, by_job.minimum_interval_seconds) == ("ingest", 5)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"minimum_interval_seconds": 0}, "at least 1"),
        ({"job": JOB, "jobs": [OTHER]}, "pass only one of job"),
        ({"jobs": [JOB, JOB]}, "repeated names"),
        ({"job": JOB, "asset_selection": ["a"]}, "asset_selection together with a job"),
        ({"default_status": "maybe"}, "DefaultSensorStatus.RUNNING"),
        ({"name": "has-dash"}, "letters, digits and underscores"),
    ],
)
def test_bad_definitions_are_rejected(kwargs: dict[str, Any], fragment: str) -> None:
    kwargs.setdefault("name", "bad")
    with pytest.raises(InvalidDefinitionError, match=fragment):
        SensorDefinition(evaluation_fn=lambda context: None, **kwargs)


def test_target_selection_builds_an_anonymous_job() -> None:
    s = SensorDefinition("new_orders", evaluation_fn=lambda context: None, target=["orders"])
    assert s.job_name == "__anonymous_asset_job_new_orders"


# -- return shapes ------------------------------------------------------------------------


def _sensor_returning(value: Any, **kwargs: Any) -> SensorDefinition:
    kwargs.setdefault("job", JOB)

    def returns(context: SensorEvaluationContext) -> Any:
        return value

    return SensorDefinition("returns", evaluation_fn=returns, **kwargs)


def test_one_run_request_gets_job_sensor_and_run_key_tags() -> None:
    result = _sensor_returning(RunRequest(run_key="file1", tags={"a": "b"})).evaluate_tick(
        build_sensor_context()
    )
    (request,) = result.run_requests
    assert (request.job_name, request.run_key) == ("ingest", "file1")
    assert request.tags == {
        "a": "b",
        "headwater/sensor_name": "returns",
        "headwater/run_key": "file1",
    }
    assert result.skip_message is None


def test_list_and_generator_results_keep_duplicate_run_keys() -> None:
    @sensor(job=JOB)
    def yielding(context: SensorEvaluationContext) -> Iterator[RunRequest]:
        yield RunRequest(run_key="same")
        yield RunRequest(run_key="same")

    listed = _sensor_returning([RunRequest(run_key="x"), RunRequest()])
    assert [r.run_key for r in yielding.evaluate_tick(build_sensor_context()).run_requests] == [
        "same",
        "same",
    ]
    requests = listed.evaluate_tick(build_sensor_context()).run_requests
    assert [r.run_key for r in requests] == ["x", None]
    assert "headwater/run_key" not in requests[1].tags


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (SkipReason("nothing new"), "nothing new"),
        (None, "Sensor function returned an empty result"),
        ([], "Sensor function returned an empty result"),
        (SensorResult(skip_reason="quiet"), "quiet"),
        (SensorResult(cursor="5"), "Sensor function returned an empty result"),
    ],
)
def test_skips(returned: Any, message: str) -> None:
    result = _sensor_returning(returned).evaluate_tick(build_sensor_context(cursor="4"))
    assert (result.run_requests, result.skip_message) == ([], message)


def test_sensor_result_carries_requests_cursor_partitions_and_events() -> None:
    add = AddDynamicPartitionsRequest(partitions_def_name="files", partition_keys=["f1"])
    event = AssetObservation("orders", metadata={"rows": 3})
    returned = SensorResult(
        run_requests=[RunRequest(run_key="f1", partition_key="f1")],
        cursor="f1",
        dynamic_partitions_requests=[add],
        asset_events=[event],
    )
    result = _sensor_returning(returned).evaluate_tick(build_sensor_context(cursor="f0"))
    assert [r.partition_key for r in result.run_requests] == ["f1"]
    assert result.run_requests[0].tags["headwater/partition"] == "f1"
    assert result.cursor == "f1"
    assert result.dynamic_partitions_requests == [add]
    assert result.asset_events == [event]


@pytest.mark.parametrize(
    "returned",
    [
        42,
        "RunRequest",
        {"ops": {}},
        [RunRequest(), SkipReason("no")],
        [SkipReason("a"), SkipReason("b")],
        [SensorResult(), RunRequest()],
    ],
)
def test_wrong_returns_name_the_sensor_and_what_it_must_return(returned: Any) -> None:
    with pytest.raises(InvalidOutputError, match=r"Sensor 'returns'.*RunRequest.*SensorResult"):
        _sensor_returning(returned).evaluate_tick(build_sensor_context())


def test_sensor_result_rejects_bad_contents() -> None:
    with pytest.raises(InvalidDefinitionError, match="not both"):
        SensorResult(run_requests=[RunRequest()], skip_reason="no")
    with pytest.raises(InvalidDefinitionError, match="only RunRequest"):
        SensorResult(run_requests=["x"])  # type: ignore[list-item]
    with pytest.raises(InvalidDefinitionError, match="AddDynamicPartitionsRequest"):
        SensorResult(dynamic_partitions_requests=["f1"])
    with pytest.raises(InvalidDefinitionError, match="cursors are strings"):
        SensorResult(cursor=3)  # type: ignore[arg-type]
    assert SensorResult(asset_events=[AssetMaterialization("a")]).asset_events[0].asset_key == (
        AssetKey("a")
    )


def test_user_errors_are_wrapped_with_the_sensor_name() -> None:
    @sensor(job=JOB)
    def broken(context: SensorEvaluationContext) -> None:
        raise KeyError("bucket")

    with pytest.raises(UserCodeError, match="sensor 'broken'") as info:
        broken.evaluate_tick(build_sensor_context())
    assert isinstance(info.value.original, KeyError)


# -- cursors ------------------------------------------------------------------------------


def test_cursor_from_update_cursor_carries_to_the_next_tick() -> None:
    files = ["a.csv", "b.csv", "c.csv"]

    @sensor(job=JOB)
    def new_files(context: SensorEvaluationContext) -> Iterator[RunRequest]:
        seen = int(context.cursor or 0)
        for name in files[seen:]:
            yield RunRequest(run_key=name)
        context.update_cursor(str(len(files)))

    first = new_files.evaluate_tick(build_sensor_context())
    assert [r.run_key for r in first.run_requests] == files
    assert first.cursor == "3"
    files.append("d.csv")
    second = new_files.evaluate_tick(build_sensor_context(cursor=first.cursor))
    assert [r.run_key for r in second.run_requests] == ["d.csv"]
    assert second.cursor == "4"


def test_cursor_from_sensor_result_carries_to_the_next_tick() -> None:
    @sensor(job=JOB)
    def counter(context: SensorEvaluationContext) -> SensorResult:
        n = int(context.cursor or 0) + 1
        return SensorResult(run_requests=[RunRequest(run_key=str(n))], cursor=str(n))

    first = counter.evaluate_tick(build_sensor_context())
    second = counter.evaluate_tick(build_sensor_context(cursor=first.cursor))
    assert (first.cursor, second.cursor) == ("1", "2")
    assert second.run_requests[0].run_key == "2"


def test_unchanged_cursor_is_returned_as_is() -> None:
    result = _sensor_returning(SkipReason("no")).evaluate_tick(build_sensor_context(cursor="7"))
    assert result.cursor == "7"


def test_setting_the_cursor_both_ways_is_an_error() -> None:
    @sensor(job=JOB)
    def both(context: SensorEvaluationContext) -> SensorResult:
        context.update_cursor("a")
        return SensorResult(cursor="b")

    with pytest.raises(InvalidOutputError, match="update_cursor.*SensorResult\\(cursor"):
        both.evaluate_tick(build_sensor_context())


def test_cursor_must_be_a_string() -> None:
    context = build_sensor_context()
    with pytest.raises(InvalidDefinitionError, match="must be a string"):
        context.update_cursor(5)  # type: ignore[arg-type]


# -- job resolution -----------------------------------------------------------------------


def test_multi_job_sensor_requires_a_job_name_per_request() -> None:
    two_jobs = _sensor_returning(RunRequest(run_key="x"), job=None, jobs=[JOB, OTHER])
    with pytest.raises(InvalidOutputError, match="several jobs \\(ingest, report\\)"):
        two_jobs.evaluate_tick(build_sensor_context())
    named = _sensor_returning(RunRequest(job_name="report"), job=None, jobs=[JOB, OTHER])
    assert named.evaluate_tick(build_sensor_context()).run_requests[0].job_name == "report"
    assert named.jobs == [JOB, OTHER]


def test_request_for_an_untargeted_job_or_without_target_is_rejected() -> None:
    stray = _sensor_returning(RunRequest(job_name="elsewhere"))
    with pytest.raises(InvalidOutputError, match="job 'elsewhere'.*expected one of: ingest"):
        stray.evaluate_tick(build_sensor_context())
    untargeted = _sensor_returning(RunRequest(), job=None)
    with pytest.raises(InvalidOutputError, match="has no target"):
        untargeted.evaluate_tick(build_sensor_context())


def test_asset_selection_sensor_requests_assets_without_a_job() -> None:
    s = _sensor_returning(
        RunRequest(asset_selection=["orders"]), job=None, asset_selection=["orders"]
    )
    (request,) = s.evaluate_tick(build_sensor_context()).run_requests
    assert (request.job_name, request.asset_selection) == (None, [AssetKey("orders")])
    assert s.asset_selection is not None


def test_unknown_static_partition_is_rejected() -> None:
    job = define_asset_job(
        "regional", selection="*", partitions_def=StaticPartitionsDefinition(["eu"])
    )
    s = _sensor_returning(RunRequest(partition_key="us"), job=job)
    with pytest.raises(InvalidOutputError, match="partition 'us' of job 'regional'"):
        s.evaluate_tick(build_sensor_context())
    dynamic_job = define_asset_job(
        "files_job", selection="*", partitions_def=DynamicPartitionsDefinition(name="files")
    )
    dynamic = _sensor_returning(RunRequest(partition_key="new.csv"), job=dynamic_job)
    assert dynamic.evaluate_tick(build_sensor_context()).run_requests[0].partition_key == "new.csv"


# -- resources and direct invocation ------------------------------------------------------


class _Bucket:
    def __init__(self, files: list[str]) -> None:
        self.files = files


def test_resources_are_injected_by_parameter_name() -> None:
    @sensor(job=JOB)
    def bucket_sensor(context: SensorEvaluationContext, bucket: _Bucket) -> list[RunRequest]:
        return [RunRequest(run_key=name) for name in bucket.files]

    assert bucket_sensor.required_resource_keys == {"bucket"}
    context = build_sensor_context(resources={"bucket": _Bucket(["a"])})
    assert [r.run_key for r in bucket_sensor.evaluate_tick(context).run_requests] == ["a"]
    with pytest.raises(UnknownResourceError, match="Sensor 'bucket_sensor'.*'bucket'"):
        bucket_sensor.evaluate_tick(build_sensor_context())


def test_required_resource_keys_are_checked_and_readable_from_context() -> None:
    @sensor(job=JOB, required_resource_keys={"bucket"})
    def via_context(context: SensorEvaluationContext) -> list[RunRequest]:
        return [RunRequest(run_key=name) for name in context.resources.bucket.files]

    context = build_sensor_context(resources={"bucket": _Bucket(["z"])})
    assert via_context.evaluate_tick(context).run_requests[0].run_key == "z"
    with pytest.raises(UnknownResourceError, match="'bucket'"):
        via_context.evaluate_tick(build_sensor_context())


def test_direct_invocation_calls_the_function() -> None:
    @sensor(job=JOB)
    def direct(context: SensorEvaluationContext, bucket: _Bucket) -> list[RunRequest]:
        context.update_cursor("seen")
        return [RunRequest(run_key=name) for name in bucket.files]

    context = build_sensor_context(resources={"bucket": _Bucket(["a", "b"])})
    assert direct(context) == [RunRequest(run_key="a"), RunRequest(run_key="b")]
    assert context.cursor == "seen"
    assert direct(build_sensor_context(), bucket=_Bucket(["c"])) == [RunRequest(run_key="c")]
    assert direct(context=build_sensor_context(), bucket=_Bucket([])) == []
    with pytest.raises(InvalidDefinitionError, match="without 'context'"):
        direct(bucket=_Bucket([]))


def test_context_exposes_what_the_daemon_passes() -> None:
    context = build_sensor_context(
        cursor="c", repository_name="repo", last_tick_completion_time=12.5, last_run_key="k"
    )
    assert (context.cursor, context.repository_name) == ("c", "repo")
    assert (context.last_tick_completion_time, context.last_run_key) == (12.5, "k")
    assert not context.cursor_updated
    with build_sensor_context(instance="fake-instance") as entered:
        assert entered.instance == "fake-instance"
    _sensor_returning(None).evaluate_tick(context)
    assert context.sensor_name == "returns"
    assert context.log.name == "headwater.sensors.returns"


# -- asset sensors ------------------------------------------------------------------------


def _event(storage_id: int, key: str = "orders") -> EventLogEntry:
    return EventLogEntry(
        run_id=f"run-{storage_id}",
        timestamp=1_700_000_000.0 + storage_id,
        asset_key=AssetKey(key),
        asset_materialization=AssetMaterialization(key, metadata={"rows": storage_id}),
        job_name="ingest",
        storage_id=storage_id,
    )


def test_asset_sensor_receives_the_event_and_advances_the_cursor() -> None:
    @asset_sensor(asset_key=AssetKey("orders"), job=OTHER)
    def on_orders(context: SensorEvaluationContext, asset_event: EventLogEntry) -> RunRequest:
        assert asset_event.asset_materialization is not None
        rows = asset_event.asset_materialization.metadata["rows"]
        return RunRequest(run_key=asset_event.run_id, tags={"rows": str(rows)})

    assert isinstance(on_orders, AssetSensorDefinition)
    assert (on_orders.sensor_type, on_orders.asset_key) == ("asset", AssetKey("orders"))
    result = on_orders.evaluate_tick(build_sensor_context(), asset_event=_event(12))
    (request,) = result.run_requests
    assert (request.run_key, request.job_name, request.tags["rows"]) == ("run-12", "report", "12")
    assert result.cursor == "12"
    assert on_orders(build_sensor_context(), _event(3)).run_key == "run-3"


def test_asset_sensor_without_event_skips_and_keeps_the_cursor() -> None:
    @asset_sensor("orders", job=OTHER)
    def quiet(context: SensorEvaluationContext, asset_event: EventLogEntry) -> None:
        raise AssertionError("not called without an event")

    result = quiet.evaluate_tick(build_sensor_context(cursor="9"))
    assert result.run_requests == []
    assert result.cursor == "9"
    assert result.skip_message == "No new materialization of asset 'orders'."


def test_asset_sensor_keeps_a_cursor_the_function_set() -> None:
    @asset_sensor("orders", job=OTHER)
    def custom(context: SensorEvaluationContext, asset_event: EventLogEntry) -> SkipReason:
        context.update_cursor("custom")
        return SkipReason("later")

    assert custom.evaluate_tick(build_sensor_context(), asset_event=_event(1)).cursor == "custom"


def test_asset_sensor_rejects_events_of_other_assets() -> None:
    @asset_sensor("orders", job=OTHER)
    def picky(context: SensorEvaluationContext, asset_event: EventLogEntry) -> None:
        return None

    with pytest.raises(InvalidDefinitionError, match="watches asset 'orders'"):
        picky.evaluate_tick(build_sensor_context(), asset_event=_event(1, key="customers"))


# -- run status sensors -------------------------------------------------------------------


def _run(status: RunStatus, job_name: str = "ingest") -> RunRecordView:
    return RunRecordView(
        run_id="r1",
        job_name=job_name,
        status=status,
        tags={"headwater/partition": "2024-01-01"},
        start_time=1.0,
        end_time=2.0,
        failure_message="step load failed" if status is RunStatus.FAILURE else None,
    )


def test_run_status_enum_and_sets() -> None:
    assert DagsterRunStatus is RunStatus
    assert RunStatus("FAILURE") is RunStatus.FAILURE
    assert RunStatus.SUCCESS == "SUCCESS"
    assert FINISHED_STATUSES == {RunStatus.SUCCESS, RunStatus.FAILURE, RunStatus.CANCELED}
    assert RunStatus.STARTED in IN_PROGRESS_RUN_STATUSES
    assert RunStatus.CANCELED.is_finished and not RunStatus.QUEUED.is_finished


def test_run_failure_sensor_requests_a_run_for_each_failed_run() -> None:
    @run_failure_sensor(request_job=OTHER, monitored_jobs=[JOB])
    def on_failure(context: RunFailureSensorContext) -> RunRequest:
        assert context.failure_event is not None
        return RunRequest(
            run_key=context.dagster_run.run_id,
            tags={"why": context.failure_event.message or "", "p": context.partition_key or ""},
        )

    assert isinstance(on_failure, RunStatusSensorDefinition)
    assert (on_failure.sensor_type, on_failure.run_status) == ("run_status", RunStatus.FAILURE)
    assert on_failure.monitors(_run(RunStatus.FAILURE))
    assert not on_failure.monitors(_run(RunStatus.SUCCESS))
    assert not on_failure.monitors(_run(RunStatus.FAILURE, job_name="report"))
    context = on_failure.build_context(
        _run(RunStatus.FAILURE), RunEventView("RUN_FAILURE", message="step load failed")
    )
    assert isinstance(context, RunFailureSensorContext)
    (request,) = on_failure.evaluate_for_run(context).run_requests
    assert (request.job_name, request.run_key) == ("report", "r1")
    assert request.tags["why"] == "step load failed"
    assert request.tags["p"] == "2024-01-01"
    assert request.tags["headwater/sensor_name"] == "on_failure"


def test_bare_run_failure_sensor_that_only_alerts_skips() -> None:
    alerts: list[str] = []

    @run_failure_sensor
    def alert(context: RunFailureSensorContext) -> None:
        alerts.append(f"{context.sensor_name}: {context.dagster_run.failure_message}")

    context = build_run_status_sensor_context("alert", dagster_run=_run(RunStatus.FAILURE))
    result = alert.evaluate_for_run(context)
    assert (result.run_requests, result.skip_message) == (
        [],
        "Sensor function returned an empty result",
    )
    assert alerts == ["alert: step load failed"]
    assert alert.name == "alert" and alert.monitored_job_names == ()
    assert alert.monitors(_run(RunStatus.FAILURE, job_name="anything"))


def test_run_status_sensor_on_success_with_resources() -> None:
    @run_status_sensor(RunStatus.SUCCESS, request_jobs=[JOB, OTHER], monitored_jobs=["ingest"])
    def downstream(context: RunStatusSensorContext, bucket: _Bucket) -> list[RunRequest]:
        run_id = context.dagster_run.run_id
        return [RunRequest(job_name="report", run_key=f"{n}-{run_id}") for n in bucket.files]

    context = downstream.build_context(
        _run(RunStatus.SUCCESS), resources={"bucket": _Bucket(["a"])}
    )
    assert type(context) is RunStatusSensorContext
    (request,) = downstream.evaluate_for_run(context).run_requests
    assert (request.job_name, request.run_key) == ("report", "a-r1")
    assert downstream(context) == [RunRequest(job_name="report", run_key="a-r1")]


def test_run_status_sensor_misuse_is_explained() -> None:
    @run_status_sensor(RunStatus.SUCCESS)
    def returns_result(context: RunStatusSensorContext) -> SensorResult:
        return SensorResult(cursor="x")

    context = returns_result.build_context(_run(RunStatus.SUCCESS))
    with pytest.raises(InvalidOutputError, match="Run status sensor 'returns_result'"):
        returns_result.evaluate_for_run(context)
    with pytest.raises(InvalidDefinitionError, match="evaluate_for_run"):
        returns_result.evaluate_tick(build_sensor_context())
    with pytest.raises(InvalidDefinitionError, match="run_status='DONE'"):
        run_status_sensor("DONE")(lambda context: None)  # type: ignore[arg-type]
    with pytest.raises(InvalidDefinitionError, match="monitor_all_code_locations"):
        run_status_sensor(RunStatus.SUCCESS, monitored_jobs=[JOB], monitor_all_code_locations=True)(
            lambda context: None
        )
    with pytest.raises(InvalidOutputError, match="has no target"):
        run_status_sensor(RunStatus.SUCCESS, name="no_target")(
            lambda context: RunRequest()
        ).evaluate_for_run(context)
