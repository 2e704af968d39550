"""Partitioned config: jobs get their partitions and each partition's run config and tags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

import headwater as hw

SEEN: list[Any] = []


@hw.op(config_schema={"date": str})
def load(context: hw.OpExecutionContext) -> None:
    SEEN.append((context.op_config["date"], context.get_tag("day")))


@hw.daily_partitioned_config(
    start_date="2024-01-01",
    tags_for_partition_fn=lambda start, end: {"day": start.strftime("%a")})
def daily_config(start: datetime, end: datetime) -> dict[str, Any]:
    return {"ops": {"load": {"config": {"date": f"{start:%Y-%m-%d}..{end:%Y-%m-%d}"}}}}


@hw.job(config=daily_config)
def daily_job() -> None:
    load()


@pytest.fixture(autouse=True)
def _clear() -> None:
    SEEN.clear()


def test_the_job_gets_the_configs_partitions_and_each_partitions_config_and_tags() -> None:
    assert daily_job.partitions_def == hw.DailyPartitionsDefinition("2024-01-01")
    assert isinstance(daily_config, hw.PartitionedConfig)
    assert daily_config.get_run_config_for_partition_key("2024-01-02") == {
        "ops": {"load": {"config": {"date": "2024-01-02..2024-01-03"}}}}
    assert daily_config.get_tags_for_partition_key("2024-01-02") == {"day": "Tue"}
    assert daily_job.execute_in_process(partition_key="2024-01-02").success
    assert SEEN == [("2024-01-02..2024-01-03", "Tue")]


def test_run_config_given_at_launch_wins_over_the_partitions() -> None:
    daily_job.execute_in_process(
        partition_key="2024-01-02",
        run_config={"ops": {"load": {"config": {"date": "override"}}}})
    assert SEEN == [("override", "Tue")]


def test_the_decorated_function_stays_callable() -> None:
    assert daily_config(datetime(2024, 1, 1), datetime(2024, 1, 2)) == {
        "ops": {"load": {"config": {"date": "2024-01-01..2024-01-02"}}}}


@pytest.mark.parametrize(("decorator", "key", "expected"), [
    (hw.hourly_partitioned_config(start_date="2024-01-01-00:00"), "2024-01-01-05:00",
     "2024-01-01T05:00"),
    (hw.weekly_partitioned_config(start_date="2024-01-07"), "2024-01-14", "2024-01-14T00:00"),
    (hw.monthly_partitioned_config(start_date="2024-01-01"), "2024-02-01", "2024-02-01T00:00"),
])
def test_time_partitioned_configs_get_the_window(decorator: Any, key: str,
                                                 expected: str) -> None:
    config = decorator(lambda start, end: {"start": start.strftime("%Y-%m-%dT%H:%M")})
    assert config.get_run_config_for_partition_key(key) == {"start": expected}


def test_static_dynamic_and_generic_partitioned_configs_get_the_key() -> None:
    static = hw.static_partitioned_config(["eu", "us"])(lambda key: {"region": key})
    assert static.partitions_def == hw.StaticPartitionsDefinition(["eu", "us"])
    assert static.get_run_config_for_partition_key("us") == {"region": "us"}
    files = hw.DynamicPartitionsDefinition("files")
    dynamic = hw.dynamic_partitioned_config(files)(lambda key: {"file": key})
    assert dynamic.partitions_def == files
    generic = hw.partitioned_config(files, tags_for_partition_key_fn=lambda k: {"f": k})(
        lambda key: {"file": key})
    assert generic.get_tags_for_partition_key("a.csv") == {"f": "a.csv"}


def test_a_config_function_with_the_wrong_shape_is_named() -> None:
    with pytest.raises(hw.InvalidDefinitionError, match="must take"):
        hw.daily_partitioned_config("2024-01-01")(lambda key: {})


def test_a_schedule_from_a_partitioned_config_job_requests_the_last_partition() -> None:
    schedule = hw.build_schedule_from_partitioned_job(daily_job)
    context = hw.build_schedule_context(scheduled_execution_time=datetime(2024, 1, 5, 0, 0))
    result = schedule.evaluate_tick(context)
    requests = result.run_requests or []
    assert [request.partition_key for request in requests] == ["2024-01-04"]
