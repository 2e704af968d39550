"""Partition mappings: the upstream partitions a downstream partition reads (and back).

Expected values were checked against Dagster 1.13 (see the issue 17 report).
"""

from __future__ import annotations

from datetime import datetime

import pytest

import headwater as hw
from headwater.definitions.partitions import infer_partition_mapping, partition_mapping_from_dict
from headwater.errors import InvalidDefinitionError

NOW = datetime(2024, 3, 1)
HOURLY = hw.HourlyPartitionsDefinition("2024-01-01-00:00")
DAILY = hw.DailyPartitionsDefinition("2024-01-01")
WEEKLY = hw.WeeklyPartitionsDefinition("2024-01-07")
REGIONS = hw.StaticPartitionsDefinition(["eu", "us"])
DATE_REGION = hw.MultiPartitionsDefinition({"date": DAILY, "region": REGIONS})


def upstream(mapping: hw.PartitionMapping, keys: list[str], down: hw.PartitionsDefinition,
             up: hw.PartitionsDefinition) -> tuple[list[str], list[str]]:
    result = mapping.get_upstream_mapped_partitions_result_for_partitions(
        down.subset_with_partition_keys(keys), down, up, current_time=NOW)
    return (result.partitions_subset.get_partition_keys(NOW),
            result.required_but_nonexistent_subset.get_partition_keys(NOW))


def downstream(mapping: hw.PartitionMapping, keys: list[str], up: hw.PartitionsDefinition,
               down: hw.PartitionsDefinition) -> list[str]:
    return mapping.get_downstream_partitions_for_partitions(
        up.subset_with_partition_keys(keys), up, down, current_time=NOW).get_partition_keys(NOW)


@pytest.mark.parametrize(("down", "up", "expected"), [
    (DAILY, HOURLY, hw.TimeWindowPartitionMapping()),
    (HOURLY, DAILY, hw.TimeWindowPartitionMapping()),
    (DAILY, DATE_REGION, hw.MultiToSingleDimensionPartitionMapping()),
    (DATE_REGION, DAILY, hw.MultiToSingleDimensionPartitionMapping()),
    (REGIONS, REGIONS, hw.IdentityPartitionMapping()),
    (DAILY, None, hw.AllPartitionMapping()),
    (None, DAILY, hw.AllPartitionMapping()),
    (DATE_REGION, DATE_REGION, hw.IdentityPartitionMapping()),
])
def test_the_default_mapping_is_the_one_dagster_picks(
        down: hw.PartitionsDefinition | None, up: hw.PartitionsDefinition | None,
        expected: hw.PartitionMapping) -> None:
    assert infer_partition_mapping(None, down, up) == expected


def test_an_explicit_mapping_wins_over_the_default() -> None:
    mapping = hw.LastPartitionMapping()
    assert infer_partition_mapping(mapping, DAILY, HOURLY) is mapping


def test_daily_reads_the_24_hours_of_its_day_and_an_hour_feeds_its_day() -> None:
    keys, missing = upstream(hw.TimeWindowPartitionMapping(), ["2024-01-02"], DAILY, HOURLY)
    assert keys == [f"2024-01-02-{hour:02d}:00" for hour in range(24)]
    assert missing == []
    assert downstream(hw.TimeWindowPartitionMapping(), ["2024-01-02-05:00"], HOURLY, DAILY) == [
        "2024-01-02"]


def test_hourly_reads_the_day_containing_it() -> None:
    assert upstream(hw.TimeWindowPartitionMapping(), ["2024-01-02-05:00"], HOURLY, DAILY) == (
        ["2024-01-02"], [])


def test_weekly_reads_the_previous_weeks_days_with_an_offset() -> None:
    mapping = hw.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
    keys, _ = upstream(mapping, ["2024-01-14"], WEEKLY, DAILY)
    assert keys == [f"2024-01-{day:02d}" for day in range(7, 14)]
    assert downstream(mapping, ["2024-01-10"], DAILY, WEEKLY) == ["2024-01-14"]


def test_offsets_never_reach_before_the_upstream_start() -> None:
    keys, missing = upstream(hw.TimeWindowPartitionMapping(start_offset=-1), ["2024-01-01"],
                             DAILY, DAILY)
    assert (keys, missing) == (["2024-01-01"], [])


def test_upstream_partitions_before_the_upstream_start_are_reported_missing() -> None:
    early = hw.DailyPartitionsDefinition("2023-12-01")
    assert upstream(hw.TimeWindowPartitionMapping(), ["2023-12-31"], early, DAILY) == (
        [], ["2023-12-31"])
    allowed = hw.TimeWindowPartitionMapping(allow_nonexistent_upstream_partitions=True)
    assert upstream(allowed, ["2023-12-31"], early, DAILY) == ([], [])


def test_time_window_mapping_rejects_other_partitions_and_other_zones() -> None:
    with pytest.raises(InvalidDefinitionError, match="time-window partitions"):
        hw.TimeWindowPartitionMapping().validate_partition_mapping(REGIONS, DAILY)
    paris = hw.DailyPartitionsDefinition("2024-01-01", timezone="Europe/Paris")
    with pytest.raises(InvalidDefinitionError, match="time zones"):
        hw.TimeWindowPartitionMapping().validate_partition_mapping(paris, DAILY)


def test_a_date_reads_every_region_of_its_date_and_back() -> None:
    mapping = hw.MultiToSingleDimensionPartitionMapping()
    keys, _ = upstream(mapping, ["2024-01-02"], DAILY, DATE_REGION)
    assert keys == ["2024-01-02|eu", "2024-01-02|us"]
    assert downstream(mapping, ["2024-01-02|eu"], DATE_REGION, DAILY) == ["2024-01-02"]
    assert upstream(mapping, ["2024-01-02|us"], DATE_REGION, DAILY) == (["2024-01-02"], [])


def test_multi_to_single_infers_a_time_dimension_of_another_granularity() -> None:
    keys, _ = upstream(hw.MultiToSingleDimensionPartitionMapping(), ["2024-01-02-03:00"],
                       HOURLY, DATE_REGION)
    assert keys == ["2024-01-02|eu", "2024-01-02|us"]


def test_multi_partition_mapping_maps_dimensions_and_reads_unmapped_ones_whole() -> None:
    numbers = hw.MultiPartitionsDefinition({
        "daily": DAILY, "num": hw.StaticPartitionsDefinition(["1", "2"])})
    mapping = hw.MultiPartitionMapping({
        "date": hw.DimensionPartitionMapping("daily", hw.IdentityPartitionMapping())})
    keys, _ = upstream(mapping, [hw.MultiPartitionKey({"daily": "2024-01-03", "num": "1"})],
                       numbers, DATE_REGION)
    assert keys == ["2024-01-03|eu", "2024-01-03|us"]
    with pytest.raises(InvalidDefinitionError, match="dimension 'nope'"):
        hw.MultiPartitionMapping({"nope": hw.DimensionPartitionMapping(
            "daily", hw.IdentityPartitionMapping())}).validate_partition_mapping(
                DATE_REGION, numbers)


def test_static_specific_last_all_and_identity_mappings() -> None:
    letters = hw.StaticPartitionsDefinition(["a", "b", "c"])
    static = hw.StaticPartitionMapping({"a": ["eu", "us"], "b": "us"})
    assert upstream(static, ["us"], REGIONS, letters) == (["a", "b"], [])
    assert downstream(static, ["a"], letters, REGIONS) == ["eu", "us"]
    static.validate_partition_mapping(letters, REGIONS)
    with pytest.raises(InvalidDefinitionError, match="does not have"):
        hw.StaticPartitionMapping({"z": "eu"}).validate_partition_mapping(letters, REGIONS)
    specific = hw.SpecificPartitionsPartitionMapping(["b", "x"])
    assert upstream(specific, ["eu"], REGIONS, letters) == (["b"], ["x"])
    assert downstream(specific, ["b"], letters, REGIONS) == ["eu", "us"]
    assert upstream(hw.LastPartitionMapping(), ["eu"], REGIONS, letters) == (["c"], [])
    assert downstream(hw.LastPartitionMapping(), ["a"], letters, REGIONS) == []
    assert upstream(hw.AllPartitionMapping(), ["eu"], REGIONS, letters) == (["a", "b", "c"], [])
    wider = hw.StaticPartitionsDefinition(["a", "b", "z"])
    assert upstream(hw.IdentityPartitionMapping(), ["a", "z"], wider, letters) == (["a"], ["z"])


@pytest.mark.parametrize("mapping", [
    hw.TimeWindowPartitionMapping(start_offset=-2, end_offset=1,
                                  allow_nonexistent_upstream_partitions=True),
    hw.IdentityPartitionMapping(), hw.AllPartitionMapping(), hw.LastPartitionMapping(),
    hw.StaticPartitionMapping({"a": ["x", "y"]}), hw.SpecificPartitionsPartitionMapping(["k"]),
    hw.MultiToSingleDimensionPartitionMapping("date"),
    hw.MultiPartitionMapping({"a": hw.DimensionPartitionMapping(
        "b", hw.TimeWindowPartitionMapping(start_offset=-1))}),
])
def test_every_mapping_round_trips_through_its_plain_form(mapping: hw.PartitionMapping) -> None:
    assert partition_mapping_from_dict(mapping.to_dict()) == mapping


def test_an_unknown_mapping_kind_says_to_upgrade() -> None:
    with pytest.raises(InvalidDefinitionError, match="Upgrade headwater"):
        partition_mapping_from_dict({"kind": "from_the_future"})
