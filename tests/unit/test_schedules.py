"""Schedules: definition checks, every return shape, time zones, ticks, partitioned schedules."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.asset_job import define_asset_job
from headwater.definitions.automation.partitioned_schedule import (
    UnresolvedPartitionedScheduleDefinition,
    build_schedule_from_partitioned_job,
)
from headwater.definitions.automation.run_request import RunRequest, SkipReason
from headwater.definitions.automation.schedules import (
    DefaultScheduleStatus,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    build_schedule_context,
    schedule,
)
from headwater.definitions.config.resources import ResourceParam
from headwater.definitions.partitions import (
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    MultiPartitionsDefinition,
    StaticPartitionsDefinition,
    WeeklyPartitionsDefinition,
)
from headwater.errors import (
    HeadwaterError,
    InvalidDefinitionError,
    InvalidOutputError,
    UnknownResourceError,
    UserCodeError,
)

UTC = timezone.utc
NEW_YORK = ZoneInfo("America/New_York")
JOB = define_asset_job("orders_job", selection="*")


def _ctx(when: datetime | None = None, **kwargs: Any) -> ScheduleEvaluationContext:
    return build_schedule_context(
        scheduled_execution_time=when or datetime(2024, 1, 2, 6, tzinfo=UTC), **kwargs
    )


class _RunConfig:
    """Stands in for a RunConfig: anything with to_config_dict()."""

    def to_config_dict(self) -> Mapping[str, Any]:
        return {"ops": {"load": {"config": {"limit": 3}}}}


# -- RunRequest ---------------------------------------------------------------------------


def test_run_request_normalises_run_config_objects_and_keys() -> None:
    request = RunRequest(
        run_key="k", run_config=_RunConfig(), asset_selection=["a/b", AssetKey("c")]
    )
    assert request.run_config == {"ops": {"load": {"config": {"limit": 3}}}}
    assert request.asset_selection == [AssetKey(["a", "b"]), AssetKey("c")]
    assert request == RunRequest(run_key="k", run_config=_RunConfig(), asset_selection=["a/b", "c"])


def test_run_request_is_immutable_and_replaceable() -> None:
    request = RunRequest(run_key="k", tags={"a": "1"})
    with pytest.raises(AttributeError):
        request.run_key = "other"  # type: ignore[misc]
    replaced = request.with_replaced_attrs(job_name="j")
    assert (replaced.job_name, replaced.run_key, replaced.tags) == ("j", "k", {"a": "1"})
    assert request.job_name is None


def test_run_request_survives_copy_and_pickle() -> None:
    request = RunRequest(
        run_key="k", run_config={"a": {"b": 1}}, tags={"t": "v"}, asset_selection=["x"]
    )
    clone = copy.deepcopy(request)
    assert clone == request
    assert clone.run_config is not request.run_config
    assert pickle.loads(pickle.dumps(request)) == request


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"tags": {"n": 1}}, "tag keys and values must be strings"),
        ({"run_key": 5}, "run_key must be a string"),
        ({"run_config": [1]}, "run_config"),
        ({"asset_selection": "orders"}, "list of asset keys"),
    ],
)
def test_run_request_rejects_bad_arguments(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidDefinitionError, match=fragment):
        RunRequest(**kwargs)


# -- definition ---------------------------------------------------------------------------


def test_name_defaults_to_job_name_and_job_is_kept() -> None:
    by_job = ScheduleDefinition(job=JOB, cron_schedule="0 6 * * *")
    by_name = ScheduleDefinition(job_name="other", cron_schedule="0 6 * * *")
    assert (by_job.name, by_job.job_name, by_job.job) == ("orders_job_schedule", "orders_job", JOB)
    assert (by_name.name, by_name.job_name, by_name.has_job) == ("other_schedule", "other", False)
    with pytest.raises(InvalidDefinitionError, match="only job_name"):
        _ = by_name.job


def test_target_selection_builds_an_anonymous_asset_job() -> None:
    sched = ScheduleDefinition(name="nightly", target=["orders"], cron_schedule="@daily")
    assert sched.job_name == "__anonymous_asset_job_nightly"
    assert sched.job.name == "__anonymous_asset_job_nightly"
    assert sched.has_anonymous_job
    assert ScheduleDefinition(target=JOB, cron_schedule="@daily").job_name == "orders_job"


def test_target_selection_needs_a_name() -> None:
    with pytest.raises(InvalidDefinitionError, match="needs a name"):
        ScheduleDefinition(target="*", cron_schedule="@daily")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"job": JOB, "job_name": "x"}, "pass only one of job"),
        ({}, "nothing to launch"),
        ({"job": "orders_job"}, "job_name='orders_job'"),
        ({"job": JOB, "cron_schedule": "0 25 * * *"}, "Schedule 'orders_job_schedule'.*0 25"),
        ({"job": JOB, "execution_timezone": "Mars/Base"}, "'Mars/Base'.*IANA"),
        ({"job": JOB, "name": "bad name"}, "letters, digits and underscores"),
        ({"job": JOB, "default_status": "ON"}, "DefaultScheduleStatus.RUNNING"),
        ({"job": JOB, "run_config": {}, "run_config_fn": lambda: {}}, "run_config_fn"),
        ({"job": JOB, "execution_fn": lambda c: None, "run_config": {}}, "execution_fn"),
    ],
)
def test_bad_definitions_are_rejected(kwargs: dict[str, Any], fragment: str) -> None:
    kwargs.setdefault("cron_schedule", "0 6 * * *")
    with pytest.raises(InvalidDefinitionError, match=fragment):
        ScheduleDefinition(**kwargs)


def test_default_status_accepts_the_string_value() -> None:
    sched = ScheduleDefinition(job=JOB, cron_schedule="@daily", default_status="RUNNING")  # type: ignore[arg-type]
    assert sched.default_status is DefaultScheduleStatus.RUNNING


# -- fixed config schedules ---------------------------------------------------------------


def test_fixed_run_config_is_copied_per_tick_and_tagged() -> None:
    config = {"ops": {"load": {"config": {"limit": 1}}}}
    sched = ScheduleDefinition(
        job=JOB, cron_schedule="0 6 * * *", run_config=config, tags={"team": "data"}
    )
    first = sched.evaluate_tick(_ctx()).run_requests[0]
    first.run_config["ops"]["load"]["config"]["limit"] = 99
    second = sched.evaluate_tick(_ctx()).run_requests[0]
    assert second.run_config == {"ops": {"load": {"config": {"limit": 1}}}}
    assert second.job_name == "orders_job"
    assert second.tags == {"team": "data", "headwater/schedule_name": "orders_job_schedule"}


def test_run_config_fn_tags_fn_and_should_execute_see_the_context() -> None:
    sched = ScheduleDefinition(
        job=JOB,
        cron_schedule="0 6 * * *",
        run_config_fn=lambda ctx: {"date": ctx.scheduled_execution_time.date().isoformat()},
        tags_fn=lambda ctx: {"hour": str(ctx.scheduled_execution_time.hour)},
        should_execute=lambda ctx: ctx.scheduled_execution_time.weekday() < 5,
    )
    weekday = sched.evaluate_tick(_ctx(datetime(2024, 1, 2, 6, tzinfo=UTC)))
    assert weekday.run_requests[0].run_config == {"date": "2024-01-02"}
    assert weekday.run_requests[0].tags["hour"] == "6"
    saturday = sched.evaluate_tick(_ctx(datetime(2024, 1, 6, 6, tzinfo=UTC)))
    assert saturday.run_requests == []
    assert saturday.skip_message is not None and "should_execute" in saturday.skip_message


def test_tags_fn_returning_a_non_mapping_is_an_output_error() -> None:
    sched = ScheduleDefinition(job=JOB, cron_schedule="@daily", tags_fn=lambda ctx: ["x"])  # type: ignore[arg-type,return-value]
    with pytest.raises(InvalidOutputError, match="tags_fn of schedule 'orders_job_schedule'"):
        sched.evaluate_tick(_ctx())


# -- @schedule return shapes --------------------------------------------------------------


def test_returning_one_run_request_fills_job_and_tags() -> None:
    @schedule("0 6 * * *", job=JOB)
    def daily(context: ScheduleEvaluationContext) -> RunRequest:
        return RunRequest(run_key="r1", partition_key="p", tags={"x": "y"})

    (request,) = daily.evaluate_tick(_ctx()).run_requests
    assert request.job_name == "orders_job"
    assert request.run_key == "r1"
    assert request.tags == {
        "x": "y",
        "headwater/schedule_name": "daily",
        "headwater/partition": "p",
        "headwater/run_key": "r1",
    }


def test_returning_a_list_or_yielding_run_requests_with_keys() -> None:
    @schedule("0 6 * * *", job=JOB)
    def listed(context: ScheduleEvaluationContext) -> list[RunRequest]:
        return [RunRequest(run_key="a"), RunRequest(run_key="b")]

    @schedule("0 6 * * *", job=JOB)
    def yielded(context: ScheduleEvaluationContext) -> Iterator[RunRequest]:
        yield RunRequest(run_key="a")
        yield RunRequest(run_key="b")

    for sched in (listed, yielded):
        result = sched.evaluate_tick(_ctx())
        assert [r.run_key for r in result.run_requests] == ["a", "b"]
        assert result.skip_message is None


def test_several_run_requests_need_run_keys() -> None:
    @schedule("0 6 * * *", job=JOB)
    def keyless(context: ScheduleEvaluationContext) -> list[RunRequest]:
        return [RunRequest(run_key="a"), RunRequest()]

    with pytest.raises(InvalidOutputError, match="Schedule 'keyless'.*position 1.*run_key"):
        keyless.evaluate_tick(_ctx())


def test_returning_run_config_makes_one_request_with_the_schedule_tags() -> None:
    @schedule("0 6 * * *", job=JOB, tags={"team": "data"})
    def config_only() -> dict[str, Any]:
        return {"ops": {"x": {"config": {"n": 1}}}}

    (request,) = config_only.evaluate_tick(_ctx()).run_requests
    assert request.run_config == {"ops": {"x": {"config": {"n": 1}}}}
    assert request.tags["team"] == "data"
    assert request.run_key is None


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (SkipReason("not today"), "not today"),
        (None, "Schedule function returned an empty result"),
        ([], "Schedule function returned an empty result"),
    ],
)
def test_skips(returned: Any, message: str) -> None:
    @schedule("0 6 * * *", job=JOB)
    def skipper(context: ScheduleEvaluationContext) -> Any:
        return returned

    result = skipper.evaluate_tick(_ctx())
    assert (result.run_requests, result.skip_message) == ([], message)


@pytest.mark.parametrize(
    "returned",
    [42, "run please", [RunRequest(run_key="a"), SkipReason("no")], [RunRequest(run_key="a"), 3]],
)
def test_wrong_returns_name_the_schedule_and_what_is_allowed(returned: Any) -> None:
    @schedule("0 6 * * *", job=JOB)
    def wrong(context: ScheduleEvaluationContext) -> Any:
        return returned

    with pytest.raises(InvalidOutputError, match=r"Schedule 'wrong'.*RunRequest.*SkipReason"):
        wrong.evaluate_tick(_ctx())


def test_request_for_another_job_is_rejected() -> None:
    @schedule("0 6 * * *", job=JOB)
    def elsewhere() -> RunRequest:
        return RunRequest(job_name="other_job")

    with pytest.raises(InvalidOutputError, match="job 'other_job'.*'orders_job'"):
        elsewhere.evaluate_tick(_ctx())


def test_user_errors_are_wrapped_with_the_schedule_name() -> None:
    @schedule("0 6 * * *", job=JOB)
    def broken(context: ScheduleEvaluationContext) -> Iterator[RunRequest]:
        yield RunRequest(run_key="a")
        raise ValueError("boom")

    with pytest.raises(UserCodeError, match="schedule 'broken'.*boom") as info:
        broken.evaluate_tick(_ctx())
    assert isinstance(info.value.original, ValueError)


def test_decorator_takes_name_description_and_rejects_bare_use() -> None:
    @schedule("0 6 * * *", job=JOB, name="renamed")
    def documented() -> None:
        """Runs every morning."""

    assert (documented.name, documented.description) == ("renamed", "Runs every morning.")
    with pytest.raises(InvalidDefinitionError, match="needs a cron schedule"):
        schedule(documented)  # type: ignore[arg-type]


# -- resources ----------------------------------------------------------------------------


class _Warehouse:
    def latest(self) -> str:
        return "2024-01-01"


def test_resources_are_injected_by_parameter_name() -> None:
    @schedule("0 6 * * *", job=JOB)
    def with_resources(
        context: ScheduleEvaluationContext, warehouse: _Warehouse, limit: int = 5
    ) -> RunRequest:
        return RunRequest(run_key=warehouse.latest(), tags={"limit": str(limit)})

    assert with_resources.required_resource_keys == {"warehouse"}
    result = with_resources.evaluate_tick(_ctx(resources={"warehouse": _Warehouse()}))
    assert result.run_requests[0].run_key == "2024-01-01"
    assert result.run_requests[0].tags["limit"] == "5"
    with pytest.raises(UnknownResourceError, match="Schedule 'with_resources'.*'warehouse'"):
        with_resources.evaluate_tick(_ctx())


def test_resource_annotated_parameter_may_come_first() -> None:
    @schedule("0 6 * * *", job=JOB)
    def annotated(
        warehouse: ResourceParam[_Warehouse], context: ScheduleEvaluationContext
    ) -> RunRequest:
        return RunRequest(run_key=f"{warehouse.latest()}@{context.scheduled_execution_time.hour}")

    result = annotated.evaluate_tick(_ctx(resources={"warehouse": _Warehouse()}))
    assert result.run_requests[0].run_key == "2024-01-01@6"


def test_resources_cannot_be_named_twice() -> None:
    with pytest.raises(InvalidDefinitionError, match="both in required_resource_keys"):

        @schedule("0 6 * * *", job=JOB, required_resource_keys={"warehouse"})
        def twice(context: ScheduleEvaluationContext, warehouse: _Warehouse) -> None:
            return None


# -- direct invocation --------------------------------------------------------------------


def test_direct_invocation_returns_what_the_function_returns() -> None:
    config = {"ops": {}}

    @schedule("0 6 * * *", job=JOB)
    def returns_config(context: ScheduleEvaluationContext, warehouse: _Warehouse) -> Any:
        return config

    out = returns_config(build_schedule_context(resources={"warehouse": _Warehouse()}))
    assert out == config and out is not config
    assert returns_config(_ctx(), warehouse=_Warehouse()) == config
    with pytest.raises(InvalidDefinitionError, match="without 'context'"):
        returns_config()


def test_direct_invocation_without_context_parameter() -> None:
    @schedule("0 6 * * *", job=JOB)
    def no_params() -> SkipReason:
        return SkipReason("quiet")

    assert no_params() == SkipReason("quiet")
    with pytest.raises(InvalidDefinitionError, match="no evaluation function"):
        ScheduleDefinition(job=JOB, cron_schedule="@daily")(_ctx())


def test_context_without_time_says_how_to_set_it() -> None:
    with pytest.raises(HeadwaterError, match="scheduled_execution_time="):
        _ = build_schedule_context().scheduled_execution_time
    with pytest.raises(HeadwaterError, match="no instance"):
        _ = build_schedule_context().instance


# -- time zones and ticks -----------------------------------------------------------------


def test_evaluation_time_is_seen_in_the_schedule_time_zone() -> None:
    seen: list[datetime] = []

    @schedule("0 6 * * *", job=JOB, execution_timezone="America/New_York")
    def local(context: ScheduleEvaluationContext) -> None:
        seen.append(context.scheduled_execution_time)

    local.evaluate_tick(_ctx(datetime(2024, 7, 1, 10, tzinfo=UTC)))
    local.evaluate_tick(_ctx(datetime(2024, 7, 1, 6)))  # naive: wall time in New York
    assert seen[0] == datetime(2024, 7, 1, 6, tzinfo=NEW_YORK)
    assert seen[0].utcoffset() == timedelta(hours=-4)
    assert seen[1] == seen[0]
    assert str(seen[1].tzinfo) == "America/New_York"


def test_next_tick_after_uses_the_time_zone() -> None:
    sched = ScheduleDefinition(
        job=JOB, cron_schedule="0 6 * * *", execution_timezone="America/New_York"
    )
    tick = sched.next_tick_after(datetime(2024, 1, 1, 12, tzinfo=UTC))
    assert tick == datetime(2024, 1, 2, 6, tzinfo=NEW_YORK)
    assert tick.astimezone(UTC).hour == 11
    assert ScheduleDefinition(job=JOB, cron_schedule="0 6 * * *").timezone == "UTC"


def test_ticks_between_across_spring_forward() -> None:
    sched = ScheduleDefinition(
        job=JOB, cron_schedule="30 2 * * *", execution_timezone="America/New_York"
    )
    ticks = list(
        sched.ticks_between(datetime(2024, 3, 9, tzinfo=NEW_YORK), datetime(2024, 3, 11, 12))
    )
    # 02:30 does not exist on 10 March: that day's tick fires once, right after the gap.
    assert [t.replace(tzinfo=None) for t in ticks] == [
        datetime(2024, 3, 9, 2, 30),
        datetime(2024, 3, 10, 3, 0),
        datetime(2024, 3, 11, 2, 30),
    ]
    assert [t.utcoffset() for t in ticks] == [
        timedelta(hours=-5),
        timedelta(hours=-4),
        timedelta(hours=-4),
    ]


def test_hourly_ticks_between_follow_real_hours_across_fall_back() -> None:
    sched = ScheduleDefinition(
        job=JOB, cron_schedule="0 * * * *", execution_timezone="America/New_York"
    )
    start = datetime(2024, 11, 3, 0, 0, tzinfo=NEW_YORK)
    end = datetime.fromtimestamp(start.timestamp() + 25 * 3600, NEW_YORK)  # next midnight
    assert end.replace(tzinfo=None) == datetime(2024, 11, 4)
    ticks = list(sched.ticks_between(start, end))
    assert len(ticks) == 25  # the day the clocks go back has 25 hours
    gaps = {b.timestamp() - a.timestamp() for a, b in zip(ticks, ticks[1:], strict=False)}
    assert gaps == {3600.0}
    assert ticks[-1].timestamp() == start.timestamp() + 25 * 3600


# -- partitioned jobs ---------------------------------------------------------------------


def test_daily_partitioned_job_requests_the_last_complete_day() -> None:
    job = define_asset_job(
        "daily_job",
        selection="*",
        partitions_def=DailyPartitionsDefinition(start_date="2024-01-01"),
    )
    sched = build_schedule_from_partitioned_job(job)
    assert isinstance(sched, ScheduleDefinition)
    assert (sched.name, sched.cron_schedule, sched.timezone) == (
        "daily_job_schedule",
        "0 0 * * *",
        "UTC",
    )
    (request,) = sched.evaluate_tick(_ctx(datetime(2024, 3, 10, tzinfo=UTC))).run_requests
    assert (request.partition_key, request.run_key, request.job_name) == (
        "2024-03-09",
        "2024-03-09",
        "daily_job",
    )
    assert request.tags["headwater/partition"] == "2024-03-09"


def test_offsets_shift_the_cadence_and_keep_the_time_zone() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01", timezone="Europe/Berlin")
    job = define_asset_job("berlin_job", selection="*", partitions_def=partitions)
    sched = build_schedule_from_partitioned_job(
        job, hour_of_day=2, minute_of_hour=15, tags={"src": "sched"}
    )
    assert isinstance(sched, ScheduleDefinition)
    assert (sched.cron_schedule, sched.timezone) == ("15 2 * * *", "Europe/Berlin")
    tick = sched.next_tick_after(datetime(2024, 5, 1, 12, tzinfo=UTC))
    (request,) = sched.evaluate_tick(_ctx(tick)).run_requests
    assert request.partition_key == "2024-05-01"
    assert request.tags["src"] == "sched"


def test_weekly_and_monthly_offsets() -> None:
    weekly = define_asset_job(
        "w", selection="*", partitions_def=WeeklyPartitionsDefinition(start_date="2024-01-07")
    )
    monthly = define_asset_job(
        "m", selection="*", partitions_def=MonthlyPartitionsDefinition(start_date="2024-01-01")
    )
    w = build_schedule_from_partitioned_job(weekly, day_of_week=1, hour_of_day=3)
    m = build_schedule_from_partitioned_job(monthly, day_of_month=5)
    assert isinstance(w, ScheduleDefinition) and isinstance(m, ScheduleDefinition)
    assert w.cron_schedule == "0 3 * * 1"
    assert m.cron_schedule == "0 0 5 * *"
    (request,) = m.evaluate_tick(_ctx(datetime(2024, 3, 5, tzinfo=UTC))).run_requests
    assert request.partition_key == "2024-02-01"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"hour_of_day": 3}, "hourly partitions cannot use"),
        ({"minute_of_hour": 75}, "from 0 to 59"),
        ({"day_of_week": 1, "day_of_month": 2}, "both day_of_week and day_of_month"),
        ({"cron_schedule": "0 1 * * *"}, "leave out cron_schedule"),
    ],
)
def test_bad_offsets_are_rejected(kwargs: dict[str, Any], fragment: str) -> None:
    job = define_asset_job(
        "h", selection="*", partitions_def=HourlyPartitionsDefinition(start_date="2024-01-01-00:00")
    )
    with pytest.raises(InvalidDefinitionError, match=fragment):
        build_schedule_from_partitioned_job(job, **kwargs)


def test_static_partitioned_job_requests_every_partition_on_its_cron() -> None:
    job = define_asset_job(
        "regions", selection="*", partitions_def=StaticPartitionsDefinition(["eu", "us"])
    )
    with pytest.raises(InvalidDefinitionError, match="pass cron_schedule"):
        build_schedule_from_partitioned_job(job)
    sched = build_schedule_from_partitioned_job(job, cron_schedule="0 1 * * *")
    assert isinstance(sched, ScheduleDefinition)
    result = sched.evaluate_tick(_ctx())
    assert [(r.partition_key, r.run_key) for r in result.run_requests] == [
        ("eu", "eu"),
        ("us", "us"),
    ]


def test_multi_partitioned_job_requests_the_last_day_in_every_region() -> None:
    partitions = MultiPartitionsDefinition(
        {
            "date": DailyPartitionsDefinition(start_date="2024-01-01"),
            "region": StaticPartitionsDefinition(["eu", "us"]),
        }
    )
    job = define_asset_job("multi", selection="*", partitions_def=partitions)
    sched = build_schedule_from_partitioned_job(job)
    assert isinstance(sched, ScheduleDefinition)
    result = sched.evaluate_tick(_ctx(datetime(2024, 2, 1, tzinfo=UTC)))
    assert [r.partition_key for r in result.run_requests] == ["2024-01-31|eu", "2024-01-31|us"]


def test_unsupported_or_missing_partitions_are_explained() -> None:
    dynamic = define_asset_job(
        "dyn", selection="*", partitions_def=DynamicPartitionsDefinition(name="files")
    )
    with pytest.raises(InvalidDefinitionError, match="supports a time-window"):
        build_schedule_from_partitioned_job(dynamic)
    with pytest.raises(InvalidDefinitionError, match="needs a partitioned job"):
        build_schedule_from_partitioned_job("daily_job")


def test_asset_job_partitions_are_resolved_later() -> None:
    job = define_asset_job("later", selection="*")
    pending = build_schedule_from_partitioned_job(job, hour_of_day=1)
    assert isinstance(pending, UnresolvedPartitionedScheduleDefinition)
    assert (pending.name, pending.job_name) == ("later_schedule", "later")
    sched = pending.resolve(DailyPartitionsDefinition(start_date="2024-01-01"))
    assert sched.cron_schedule == "0 1 * * *"
    (request,) = sched.evaluate_tick(_ctx(datetime(2024, 1, 5, 1, tzinfo=UTC))).run_requests
    assert request.partition_key == "2024-01-04"


def test_unknown_partition_key_is_an_output_error() -> None:
    job = define_asset_job(
        "regions", selection="*", partitions_def=StaticPartitionsDefinition(["eu", "us"])
    )

    @schedule("0 6 * * *", job=job)
    def asks_for_mars() -> RunRequest:
        return RunRequest(partition_key="mars")

    with pytest.raises(InvalidOutputError, match="partition 'mars' of job 'regions'"):
        asks_for_mars.evaluate_tick(_ctx())
