"""Assets read exactly the upstream partitions their mappings give (through ``materialize``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import headwater as hw
from headwater.core.names import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

HOURLY = hw.HourlyPartitionsDefinition("2024-01-01-00:00")
DAILY = hw.DailyPartitionsDefinition("2024-01-01")
WEEKLY = hw.WeeklyPartitionsDefinition("2024-01-07")
DATE_REGION = hw.MultiPartitionsDefinition({
    "date": DAILY, "region": hw.StaticPartitionsDefinition(["eu", "us"])})

SEEN: dict[str, Any] = {}


@hw.asset(partitions_def=HOURLY)
def hourly_events(context: hw.AssetExecutionContext) -> str:
    return f"events {context.partition_key}"


@hw.asset(partitions_def=DAILY)
def daily_summary(context: hw.AssetExecutionContext, hourly_events: dict[str, str]) -> int:
    SEEN["daily_keys"] = context.asset_partition_keys_for_input("hourly_events")
    SEEN["daily_window"] = context.asset_partitions_time_window_for_input("hourly_events")
    SEEN["daily_value"] = hourly_events
    return len(hourly_events)


@hw.asset(partitions_def=DAILY)
def daily_sales(context: hw.AssetExecutionContext) -> str:
    return f"sales {context.partition_key}"


@hw.asset(partitions_def=WEEKLY, ins={"daily_sales": hw.AssetIn(
    partition_mapping=hw.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1))})
def weekly_report(context: hw.AssetExecutionContext, daily_sales: dict[str, str]) -> None:
    SEEN["weekly_keys"] = sorted(daily_sales)
    SEEN["weekly_range"] = context.asset_partition_key_range_for_input("daily_sales")


@hw.asset(partitions_def=DATE_REGION)
def regional(context: hw.AssetExecutionContext) -> str:
    return f"regional {context.partition_key}"


@hw.asset(partitions_def=DAILY)
def all_regions(context: hw.AssetExecutionContext, regional: dict[str, str]) -> None:
    SEEN["regions"] = regional


@hw.asset(partitions_def=DAILY, deps=[hw.AssetDep(
    daily_sales, partition_mapping=hw.TimeWindowPartitionMapping(start_offset=-2))])
def trailing(context: hw.AssetExecutionContext) -> None:
    SEEN["trailing"] = context.asset_partition_keys_for_input("daily_sales")


@hw.asset(partitions_def=DAILY)
def ranged(context: hw.AssetExecutionContext) -> None:
    SEEN["range"] = context.partition_key_range
    SEEN["range_keys"] = list(context.partition_keys)
    SEEN["range_window"] = context.partition_time_window


ALL = [hourly_events, daily_summary, daily_sales, weekly_report, regional, all_regions,
       trailing, ranged]


@pytest.fixture
def io(tmp_path: Path) -> dict[str, object]:
    SEEN.clear()
    return {"io_manager": hw.FilesystemIOManager(base_dir=str(tmp_path))}


def test_a_daily_asset_loads_its_24_hourly_partitions_as_a_dict(io: dict[str, object]) -> None:
    hours = [f"2024-01-02-{hour:02d}:00" for hour in range(24)]
    for key in hours:
        hw.materialize(ALL, selection=[hourly_events], partition_key=key, resources=io)
    result = hw.materialize(ALL, selection=[daily_summary], partition_key="2024-01-02",
                            resources=io)
    assert result.success
    assert SEEN["daily_keys"] == hours
    assert SEEN["daily_value"] == {key: f"events {key}" for key in hours}
    window = SEEN["daily_window"]
    assert (window.start.day, window.end.day) == (2, 3)


def test_a_weekly_asset_reads_the_previous_weeks_days(io: dict[str, object]) -> None:
    days = [f"2024-01-{day:02d}" for day in range(7, 14)]
    for key in days:
        hw.materialize(ALL, selection=[daily_sales], partition_key=key, resources=io)
    assert hw.materialize(ALL, selection=[weekly_report], partition_key="2024-01-14",
                          resources=io).success
    assert SEEN["weekly_keys"] == days
    assert SEEN["weekly_range"] == hw.PartitionKeyRange("2024-01-07", "2024-01-13")


def test_a_date_asset_reads_every_region_of_its_date(io: dict[str, object]) -> None:
    for region in ("eu", "us"):
        key = hw.MultiPartitionKey({"date": "2024-01-03", "region": region})
        hw.materialize(ALL, selection=[regional], partition_key=key, resources=io)
    hw.materialize(ALL, selection=[all_regions], partition_key="2024-01-03", resources=io)
    assert SEEN["regions"] == {"2024-01-03|eu": "regional 2024-01-03|eu",
                               "2024-01-03|us": "regional 2024-01-03|us"}


def test_asset_dep_mappings_give_the_keys_of_deps(io: dict[str, object]) -> None:
    hw.materialize(ALL, selection=[trailing], partition_key="2024-01-05", resources=io)
    assert SEEN["trailing"] == ["2024-01-03", "2024-01-04", "2024-01-05"]


def test_missing_upstream_partitions_fail_the_step_naming_them(io: dict[str, object]) -> None:
    @hw.asset(partitions_def=hw.DailyPartitionsDefinition("2023-12-01"))
    def early(hourly_events: dict[str, str]) -> None: ...

    with pytest.raises(hw.HeadwaterError, match=r"do not exist: 2023-12-31-00:00"):
        hw.materialize([hourly_events, early], selection=[early], partition_key="2023-12-31",
                       resources=io)


def test_a_run_over_a_range_sees_the_range_and_materializes_each_partition(
        io: dict[str, object]) -> None:
    result = hw.materialize(ALL, selection=[ranged], resources=io, tags={
        ASSET_PARTITION_RANGE_START_TAG: "2024-01-01", ASSET_PARTITION_RANGE_END_TAG: "2024-01-03"})
    assert result.success
    assert SEEN["range"] == hw.PartitionKeyRange("2024-01-01", "2024-01-03")
    assert SEEN["range_keys"] == ["2024-01-01", "2024-01-02", "2024-01-03"]
    assert (SEEN["range_window"].start.day, SEEN["range_window"].end.day) == (1, 4)
    materialized = [event.partition for event in result.asset_materializations_for_node("ranged")]
    assert materialized == ["2024-01-01", "2024-01-02", "2024-01-03"]


def test_context_partition_key_on_a_range_run_says_to_use_the_range(
        io: dict[str, object]) -> None:
    @hw.asset(partitions_def=DAILY)
    def wants_one_key(context: hw.AssetExecutionContext) -> None:
        context.partition_key  # noqa: B018 - the access raises

    with pytest.raises(hw.HeadwaterError, match="partition_key_range"):
        hw.materialize([wants_one_key], resources=io, tags={
            ASSET_PARTITION_RANGE_START_TAG: "2024-01-01",
            ASSET_PARTITION_RANGE_END_TAG: "2024-01-02"})
