"""Host processes list partition keys from snapshot data: the same keys as the definitions."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from headwater.core.partition_keys import partition_keys
from headwater.definitions.partitions import (
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    MultiPartitionsDefinition,
    PartitionsDefinition,
    StaticPartitionsDefinition,
    WeeklyPartitionsDefinition,
)

NOW = datetime(2025, 3, 15, 12, 30, tzinfo=timezone.utc)

DEFINITIONS = [
    HourlyPartitionsDefinition(start_date="2016-01-01-00:00"),
    DailyPartitionsDefinition(start_date="2024-01-01", timezone="America/New_York", end_offset=1),
    HourlyPartitionsDefinition(start_date="2024-11-01-00:00", timezone="America/New_York",
                               end_date="2024-11-05-00:00"),
    WeeklyPartitionsDefinition(start_date="2024-01-01"),
    MonthlyPartitionsDefinition(start_date="2020-01-01", end_offset=-1),
    DailyPartitionsDefinition(start_date="2024-01-01", exclusions=["0 0 * * 6,0"]),
    StaticPartitionsDefinition(["x", "y"]),
    MultiPartitionsDefinition({"region": StaticPartitionsDefinition(["eu", "us"]),
                               "date": DailyPartitionsDefinition(start_date="2025-01-01")}),
]


@pytest.mark.parametrize("definition", DEFINITIONS, ids=repr)
def test_host_keys_equal_the_definitions_keys(definition: PartitionsDefinition) -> None:
    expected = definition.get_partition_keys(current_time=NOW)
    assert expected
    assert partition_keys(definition.to_dict(), now=NOW.timestamp()) == list(expected)


def test_the_repeated_fall_back_hour_is_its_own_key() -> None:
    keys = partition_keys(DEFINITIONS[2].to_dict(), now=NOW.timestamp())
    assert "2024-11-03-01:00" in keys and "2024-11-03-01:00-0500" in keys


def test_dynamic_keys_come_from_the_instance() -> None:
    data = DynamicPartitionsDefinition(name="files").to_dict()
    assert partition_keys(data, lambda name: [f"{name}-1", f"{name}-2"]) == ["files-1", "files-2"]
    assert partition_keys(data) == []


def test_ranges_and_unknown_keys_are_checked_like_the_definitions() -> None:
    from headwater.core.partition_keys import check_partition_key, keys_in_range
    from headwater.errors import InvalidDefinitionError, NotFoundError

    data = DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024-01-10").to_dict()
    assert keys_in_range(data, "2024-01-02", "2024-01-04") == [
        "2024-01-02", "2024-01-03", "2024-01-04"]
    with pytest.raises(NotFoundError, match="'2023-12-31' is not in the time-window partitions"):
        keys_in_range(data, "2023-12-31", "2024-01-04")
    with pytest.raises(InvalidDefinitionError, match="starts after it ends"):
        keys_in_range(data, "2024-01-04", "2024-01-02")
    with pytest.raises(NotFoundError, match="Use one of its keys: '2024-01-01'"):
        check_partition_key(data, "nope")
    check_partition_key(data, "2024-01-09")
