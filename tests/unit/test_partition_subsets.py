"""Subsets, key ranges, exclusions, DST keys, multi-partition keys and the loading context."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import headwater as hw
from headwater.definitions.partitions import partitions_def_from_dict, subset_from_dict
from headwater.errors import HeadwaterError, NotFoundError

NOW = datetime(2024, 3, 1)
DAILY = hw.DailyPartitionsDefinition("2024-01-01")


def test_subsets_hold_keys_in_definition_order_and_combine() -> None:
    empty = DAILY.empty_subset()
    assert empty.is_empty and len(empty) == 0
    some = DAILY.subset_with_partition_keys(["2024-01-03", "2024-01-01", "2024-01-02"])
    assert isinstance(some, hw.TimeWindowPartitionsSubset)
    assert some.get_partition_keys(NOW) == ["2024-01-01", "2024-01-02", "2024-01-03"]
    more = some | DAILY.subset_with_partition_keys(["2024-01-05"])
    assert "2024-01-05" in more and "2024-01-04" not in more
    assert (more - some).get_partition_keys(NOW) == ["2024-01-05"]
    assert (more & some) == some
    assert more.get_partition_key_ranges(current_time=NOW) == [
        hw.PartitionKeyRange("2024-01-01", "2024-01-03"),
        hw.PartitionKeyRange("2024-01-05", "2024-01-05")]
    windows = more.included_time_windows
    assert [(w.start.day, w.end.day) for w in windows] == [(1, 4), (5, 6)]


def test_subset_with_all_partitions_and_key_ranges() -> None:
    every = DAILY.subset_with_all_partitions(current_time=datetime(2024, 1, 11))
    assert len(every) == 10
    ranged = DAILY.empty_subset().with_partition_key_range(
        DAILY, hw.PartitionKeyRange("2024-01-02", "2024-01-04"))
    assert ranged.get_partition_keys() == ["2024-01-02", "2024-01-03", "2024-01-04"]
    assert DAILY.get_partition_keys_in_range(
        hw.PartitionKeyRange("2024-01-30", "2024-02-01")) == [
            "2024-01-30", "2024-01-31", "2024-02-01"]


def test_static_and_multi_subsets_are_default_subsets_and_round_trip() -> None:
    regions = hw.StaticPartitionsDefinition(["eu", "us", "ap"])
    subset = regions.subset_with_partition_keys(["ap", "eu"])
    assert isinstance(subset, hw.DefaultPartitionsSubset)
    assert subset.get_partition_keys() == ["eu", "ap"]
    assert subset_from_dict(subset.to_dict()) == subset


def test_exclusions_leave_windows_out_and_keep_neighbours_bounds() -> None:
    weekdays = hw.DailyPartitionsDefinition("2024-01-01", exclusions=["0 0 * * 6,0"])
    keys = weekdays.get_partition_keys(datetime(2024, 1, 15))
    assert keys[4:6] == ["2024-01-05", "2024-01-08"]
    assert len(keys) == 10
    friday = weekdays.time_window_for_partition_key("2024-01-05")
    assert (friday.start.day, friday.end.day) == (5, 6)
    with pytest.raises(NotFoundError, match="excluded"):
        weekdays.time_window_for_partition_key("2024-01-06")
    # A Friday is complete on Saturday, though the next partition starts on Monday.
    assert weekdays.get_last_partition_key(datetime(2024, 1, 7)) == "2024-01-05"
    holiday = hw.DailyPartitionsDefinition("2024-01-01", exclusions=[datetime(2024, 1, 2)])
    assert holiday.get_partition_keys(datetime(2024, 1, 4)) == ["2024-01-01", "2024-01-03"]
    assert partitions_def_from_dict(weekdays.to_dict()) == weekdays
    assert partitions_def_from_dict(holiday.to_dict()) == holiday


def test_end_offset_adds_the_window_in_progress() -> None:
    ahead = hw.DailyPartitionsDefinition("2024-01-01", end_offset=1)
    assert ahead.get_last_partition_key(datetime(2024, 1, 3, 12)) == "2024-01-03"


def test_hourly_keys_over_a_spring_forward_skip_the_missing_hour() -> None:
    hourly = hw.HourlyPartitionsDefinition("2024-03-10-00:00", timezone="US/Eastern")
    keys = hourly.get_partition_keys(datetime(2024, 3, 10, 5, tzinfo=ZoneInfo("US/Eastern")))
    assert keys == ["2024-03-10-00:00", "2024-03-10-01:00", "2024-03-10-03:00",
                    "2024-03-10-04:00"]


def test_multi_partition_keys_expose_their_dimensions() -> None:
    multi = hw.MultiPartitionsDefinition({
        "date": DAILY, "region": hw.StaticPartitionsDefinition(["eu", "us"])})
    key = hw.MultiPartitionKey({"region": "eu", "date": "2024-01-02"})
    assert key == "2024-01-02|eu"
    assert key.keys_by_dimension == {"date": "2024-01-02", "region": "eu"}
    assert key.dimension_keys == [hw.PartitionDimensionKey("date", "2024-01-02"),
                                  hw.PartitionDimensionKey("region", "eu")]
    assert multi.primary_dimension.name == "date"
    assert multi.secondary_dimension.name == "region"
    assert multi.time_window_dimension.name == "date"
    with hw.partition_loading_context(effective_dt=datetime(2024, 1, 4)):
        assert multi.get_multipartition_keys_with_dimension_value("region", "us") == [
            "2024-01-01|us", "2024-01-02|us", "2024-01-03|us"]
    assert multi.time_window_for_partition_key("2024-01-02|eu").start.day == 2


class _Store:
    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def get_dynamic_partitions(self, partitions_def_name: str) -> list[str]:
        return list(self.keys)

    def has_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> bool:
        return partition_key in self.keys


def test_partition_loading_context_sets_the_time_and_the_dynamic_store() -> None:
    with hw.partition_loading_context(effective_dt=datetime(2024, 1, 3)):
        assert DAILY.get_last_partition_key() == "2024-01-02"
        with hw.partition_loading_context(dynamic_partitions_store=_Store(["x", "y"])):
            # additive: the inner context keeps the outer time
            assert DAILY.get_last_partition_key() == "2024-01-02"
            assert hw.DynamicPartitionsDefinition("files").get_partition_keys() == ["x", "y"]
    with pytest.raises(HeadwaterError, match="partition_loading_context"):
        hw.DynamicPartitionsDefinition("files").get_partition_keys()
