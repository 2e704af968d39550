"""Partitions definitions: static, time windows, multi-dimensional and dynamic."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.definitions.partitions import (
    AddDynamicPartitionsRequest,
    DailyPartitionsDefinition,
    DeleteDynamicPartitionsRequest,
    DynamicPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    MultiPartitionKey,
    MultiPartitionsDefinition,
    PartitionKeyRange,
    PartitionsDefinition,
    StaticPartitionsDefinition,
    TimeWindow,
    TimeWindowPartitionsDefinition,
    WeeklyPartitionsDefinition,
    partitions_def_from_dict,
)
from headwater.errors import HeadwaterError, InvalidDefinitionError, NotFoundError

UTC = timezone.utc
NY = ZoneInfo("America/New_York")


def hours(window: TimeWindow) -> float:
    # Subtracting aware datetimes of one zone gives wall-clock time; go through UTC.
    return (window.end.astimezone(UTC) - window.start.astimezone(UTC)) / timedelta(hours=1)


class FakeStore:
    """An in-memory dynamic partitions store."""

    def __init__(self, **keys: list[str]) -> None:
        self.keys = keys

    def get_dynamic_partitions(self, partitions_def_name: str) -> Sequence[str]:
        return list(self.keys.get(partitions_def_name, []))

    def has_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> bool:
        return partition_key in self.keys.get(partitions_def_name, [])


# -- static --------------------------------------------------------------------------------


def test_static_keys_and_lookups() -> None:
    regions = StaticPartitionsDefinition(["eu", "us", "apac"])
    assert regions.kind == "static"
    assert regions.get_partition_keys() == ["eu", "us", "apac"]
    assert regions.get_num_partitions() == 3
    assert regions.has_partition_key("us") and not regions.has_partition_key("mars")
    assert regions.get_first_partition_key() == "eu"
    assert regions.get_last_partition_key() == "apac"
    assert regions.get_partition_keys_in_range(PartitionKeyRange("us", "apac")) == ["us", "apac"]
    regions.validate_partition_key("eu")


def test_static_unknown_key_lists_valid_ones() -> None:
    many = StaticPartitionsDefinition([f"k{i}" for i in range(20)])
    with pytest.raises(NotFoundError) as info:
        many.validate_partition_key("nope")
    message = str(info.value)
    assert "'nope'" in message and "'k0'" in message and "'k4'" in message
    assert "'k5'" not in message and "20 in all" in message


def test_static_range_errors() -> None:
    regions = StaticPartitionsDefinition(["a", "b", "c"])
    with pytest.raises(InvalidDefinitionError, match="starts after it ends"):
        regions.get_partition_keys_in_range(PartitionKeyRange("c", "a"))
    with pytest.raises(NotFoundError, match="'z'"):
        regions.get_partition_keys_in_range(PartitionKeyRange("a", "z"))


@pytest.mark.parametrize(
    "keys, fragment",
    [
        (["a", "b", "a"], "['a'] appear more than once"),
        (["a", ""], "non-empty strings; got ''"),
        (["a", 3], "non-empty strings; got 3"),
        ("abc", "takes a list"),
    ],
)
def test_static_errors(keys: object, fragment: str) -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        StaticPartitionsDefinition(keys)  # type: ignore[arg-type]
    assert fragment in str(info.value)


def test_partition_key_range_checks_types() -> None:
    with pytest.raises(InvalidDefinitionError, match="end"):
        PartitionKeyRange("a", 3)  # type: ignore[arg-type]


# -- daily, hourly, weekly, monthly ---------------------------------------------------------

NOW = datetime(2024, 1, 5, 12, tzinfo=UTC)


def test_daily_keys_are_complete_windows() -> None:
    daily = DailyPartitionsDefinition(start_date="2024-01-01")
    assert daily.kind == "time_window"
    assert daily.get_partition_keys(NOW) == ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]
    assert daily.get_num_partitions(NOW) == 4
    assert daily.get_first_partition_key(NOW) == "2024-01-01"
    assert daily.get_last_partition_key(NOW) == "2024-01-04"
    assert daily.cron_schedule == "0 0 * * *" and daily.timezone == "UTC"
    at_midnight = datetime(2024, 1, 5, tzinfo=UTC)
    assert daily.get_last_partition_key(at_midnight) == "2024-01-04"
    assert daily.get_last_partition_key(at_midnight - timedelta(seconds=1)) == "2024-01-03"


def test_no_partitions_before_first_window_ends() -> None:
    daily = DailyPartitionsDefinition(start_date="2024-01-01")
    early = datetime(2024, 1, 1, 23, tzinfo=UTC)
    assert daily.get_partition_keys(early) == []
    assert daily.get_first_partition_key(early) is None
    assert daily.get_last_partition_key(early) is None
    assert daily.get_last_partition_window(early) is None
    assert daily.get_partition_keys(datetime(2023, 6, 1, tzinfo=UTC)) == []


@pytest.mark.parametrize(
    "end_offset, last",
    [(1, "2024-01-05"), (2, "2024-01-06"), (-1, "2024-01-03"), (0, "2024-01-04")],
)
def test_daily_end_offset(end_offset: int, last: str) -> None:
    daily = DailyPartitionsDefinition(start_date="2024-01-01", end_offset=end_offset)
    assert daily.get_last_partition_key(NOW) == last
    assert daily.get_first_partition_key(NOW) == "2024-01-01"


def test_end_date_is_exclusive_and_caps_end_offset() -> None:
    daily = DailyPartitionsDefinition("2024-01-01", end_date="2024-01-03", end_offset=5)
    much_later = datetime(2030, 1, 1, tzinfo=UTC)
    assert daily.get_partition_keys(much_later) == ["2024-01-01", "2024-01-02"]
    assert daily.get_partition_keys(datetime(2024, 1, 2, 6, tzinfo=UTC)) == [
        "2024-01-01",
        "2024-01-02",
    ]
    assert not daily.has_partition_key("2024-01-03", datetime(2030, 1, 1, tzinfo=UTC))


def test_daily_with_offsets_and_timezone() -> None:
    daily = DailyPartitionsDefinition(
        "2024-01-01", hour_offset=6, minute_offset=30, timezone="America/Los_Angeles"
    )
    assert daily.cron_schedule == "30 6 * * *"
    # 2024-01-05 12:00 UTC is 04:00 in Los Angeles: the window that began 01-04 06:30 is open.
    assert daily.get_last_partition_key(NOW) == "2024-01-03"
    window = daily.time_window_for_partition_key("2024-01-03")
    assert window.start == datetime(2024, 1, 3, 6, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert window.end.astimezone(UTC) == datetime(2024, 1, 4, 14, 30, tzinfo=UTC)


def test_naive_current_time_is_read_in_the_definition_zone() -> None:
    daily = DailyPartitionsDefinition("2024-01-01", timezone="Asia/Tokyo")
    assert daily.get_last_partition_key(datetime(2024, 1, 5, 0, 30)) == "2024-01-04"
    assert daily.get_last_partition_key(datetime(2024, 1, 5, 0, 30, tzinfo=UTC)) == "2024-01-04"
    assert daily.get_last_partition_key(datetime(2024, 1, 4, 14, 30, tzinfo=UTC)) == "2024-01-03"


def test_daily_windows_across_dst() -> None:
    daily = DailyPartitionsDefinition("2023-01-01", timezone="America/New_York")
    assert hours(daily.time_window_for_partition_key("2023-03-12")) == 23
    assert hours(daily.time_window_for_partition_key("2023-11-05")) == 25
    assert hours(daily.time_window_for_partition_key("2023-06-01")) == 24
    keys = daily.get_partition_keys(datetime(2024, 1, 1, tzinfo=NY))
    assert len(keys) == 365 and keys[-1] == "2023-12-31" and len(set(keys)) == 365
    # In Santiago the clocks jump from 00:00 to 01:00: that day's window starts at 01:00.
    santiago = DailyPartitionsDefinition("2023-09-01", timezone="America/Santiago")
    window = santiago.time_window_for_partition_key("2023-09-03")
    assert (window.start.hour, hours(window)) == (1, 23)
    assert santiago.partition_key_for_time(datetime(2023, 9, 3, 4, 30, tzinfo=UTC)) == "2023-09-03"
    assert santiago.get_partition_keys(datetime(2023, 9, 5, tzinfo=UTC)) == [
        "2023-09-01",
        "2023-09-02",
        "2023-09-03",
    ]


def test_hourly_keys_across_spring_forward() -> None:
    hourly = HourlyPartitionsDefinition("2023-03-12-00:00", timezone="America/New_York")
    keys = hourly.get_partition_keys(datetime(2023, 3, 12, 4, 30, tzinfo=NY))
    assert keys == ["2023-03-12-00:00", "2023-03-12-01:00", "2023-03-12-03:00"]
    with pytest.raises(NotFoundError):
        hourly.time_window_for_partition_key("2023-03-12-02:00")


def test_hourly_repeated_hour_is_a_partition_of_its_own_keyed_with_its_offset() -> None:
    # Dagster's keys: the second 01:00 of a fall-back night carries its UTC offset.
    hourly = HourlyPartitionsDefinition("2023-11-05-00:00", timezone="America/New_York")
    keys = hourly.get_partition_keys(datetime(2023, 11, 5, 4, tzinfo=NY))
    assert keys == ["2023-11-05-00:00", "2023-11-05-01:00", "2023-11-05-01:00-0500",
                    "2023-11-05-02:00", "2023-11-05-03:00"]
    assert hours(hourly.time_window_for_partition_key("2023-11-05-01:00")) == 1
    assert hours(hourly.time_window_for_partition_key("2023-11-05-01:00-0500")) == 1
    second_one_thirty = datetime(2023, 11, 5, 6, 30, tzinfo=UTC)  # 01:30 EST
    assert hourly.partition_key_for_time(second_one_thirty) == "2023-11-05-01:00-0500"
    assert hourly.get_partition_keys_in_range(
        PartitionKeyRange("2023-11-05-01:00", "2023-11-05-02:00")
    ) == ["2023-11-05-01:00", "2023-11-05-01:00-0500", "2023-11-05-02:00"]


def test_hourly_with_offset_in_key_format() -> None:
    hourly = HourlyPartitionsDefinition(
        "2023-11-05-00:00", timezone="America/New_York", fmt="%Y-%m-%d-%H:%M%z"
    )
    keys = hourly.get_partition_keys(datetime(2023, 11, 5, 3, tzinfo=NY))
    assert keys == [
        "2023-11-05-00:00-0400",
        "2023-11-05-01:00-0400",
        "2023-11-05-01:00-0500",
        "2023-11-05-02:00-0500",
    ]
    window = hourly.time_window_for_partition_key("2023-11-05-01:00-0500")
    assert window.start.astimezone(UTC) == datetime(2023, 11, 5, 6, tzinfo=UTC)
    assert hours(window) == 1


def test_hourly_start_formats() -> None:
    by_fmt = HourlyPartitionsDefinition("2024-01-01-05:00")
    by_iso = HourlyPartitionsDefinition("2024-01-01T05:00")
    assert by_fmt == by_iso
    assert by_fmt.get_partition_keys(datetime(2024, 1, 1, 7, tzinfo=UTC)) == [
        "2024-01-01-05:00",
        "2024-01-01-06:00",
    ]
    assert HourlyPartitionsDefinition(date(2024, 1, 1)).start == datetime(2024, 1, 1, tzinfo=UTC)


def test_weekly_and_monthly() -> None:
    weekly = WeeklyPartitionsDefinition("2024-01-01")  # a Monday; weeks start on Sunday
    assert weekly.get_partition_keys(datetime(2024, 1, 22, tzinfo=UTC)) == [
        "2024-01-07",
        "2024-01-14",
    ]
    mondays = WeeklyPartitionsDefinition("2024-01-01", day_offset=1)
    assert mondays.get_partition_keys(datetime(2024, 1, 22, tzinfo=UTC)) == [
        "2024-01-01",
        "2024-01-08",
        "2024-01-15",
    ]
    monthly = MonthlyPartitionsDefinition("2023-11-01")
    assert monthly.get_partition_keys(datetime(2024, 2, 10, tzinfo=UTC)) == [
        "2023-11-01",
        "2023-12-01",
        "2024-01-01",
    ]
    mid_month = MonthlyPartitionsDefinition("2023-11-01", day_offset=15)
    assert mid_month.get_partition_keys(datetime(2024, 2, 10, tzinfo=UTC)) == [
        "2023-11-15",
        "2023-12-15",
    ]
    assert hours(mid_month.time_window_for_partition_key("2023-12-15")) == 31 * 24


def test_custom_time_window_definition() -> None:
    every_six_hours = TimeWindowPartitionsDefinition(
        cron_schedule="0 */6 * * *", start="2024-01-01-00:00", fmt="%Y-%m-%d-%H:%M"
    )
    assert every_six_hours.get_partition_keys(datetime(2024, 1, 1, 19, tzinfo=UTC)) == [
        "2024-01-01-00:00",
        "2024-01-01-06:00",
        "2024-01-01-12:00",
    ]


def test_time_windows_and_keys_for_times() -> None:
    daily = DailyPartitionsDefinition("2024-01-01", end_date="2024-02-01")
    window = daily.time_window_for_partition_key("2024-01-10")
    assert window == TimeWindow(
        datetime(2024, 1, 10, tzinfo=ZoneInfo("UTC")), datetime(2024, 1, 11, tzinfo=ZoneInfo("UTC"))
    )
    assert daily.partition_key_for_time(datetime(2024, 1, 10, 23, 59, tzinfo=UTC)) == "2024-01-10"
    assert daily.partition_key_for_time(datetime(2024, 1, 10)) == "2024-01-10"
    with pytest.raises(NotFoundError, match="before the first partition"):
        daily.partition_key_for_time(datetime(2023, 12, 31, tzinfo=UTC))
    with pytest.raises(NotFoundError, match="after the last partition"):
        daily.partition_key_for_time(datetime(2024, 2, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    "key", ["2023-12-31", "2024-02-01", "2024-1-10", "10/01/2024", "", "2024-01-10 ", "garbage"]
)
def test_time_window_for_unknown_keys(key: str) -> None:
    daily = DailyPartitionsDefinition("2024-01-01", end_date="2024-02-01")
    with pytest.raises(NotFoundError, match=repr(key).replace("/", ".")):
        daily.time_window_for_partition_key(key)
    assert not daily.has_partition_key(key, NOW)


def test_has_and_validate_partition_key() -> None:
    daily = DailyPartitionsDefinition("2024-01-01")
    assert daily.has_partition_key("2024-01-04", NOW)
    assert not daily.has_partition_key("2024-01-05", NOW)  # not complete yet
    assert daily.has_partition_key("2024-01-05", NOW + timedelta(days=1))
    with pytest.raises(NotFoundError, match="'2024-01-05'.*'2024-01-01'"):
        daily.validate_partition_key("2024-01-05", NOW)


def test_time_window_ranges_and_between() -> None:
    daily = DailyPartitionsDefinition("2024-01-01")
    assert daily.get_partition_keys_in_range(PartitionKeyRange("2024-01-02", "2024-01-04")) == [
        "2024-01-02",
        "2024-01-03",
        "2024-01-04",
    ]
    with pytest.raises(InvalidDefinitionError, match="starts after it ends"):
        daily.get_partition_keys_in_range(PartitionKeyRange("2024-01-04", "2024-01-02"))
    between = daily.get_partition_keys_between(
        datetime(2023, 12, 30, tzinfo=UTC), datetime(2024, 1, 3, 12, tzinfo=UTC)
    )
    assert between == ["2024-01-01", "2024-01-02", "2024-01-03"]


def test_ten_years_of_daily_keys() -> None:
    daily = DailyPartitionsDefinition("2014-01-01", timezone="Europe/Berlin")
    keys = daily.get_partition_keys(datetime(2024, 1, 1, tzinfo=ZoneInfo("Europe/Berlin")))
    assert len(keys) == 3652 and keys[0] == "2014-01-01" and keys[-1] == "2023-12-31"
    expected = [str(date(2014, 1, 1) + timedelta(days=i)) for i in range(3652)]
    assert keys == expected
    # A later "now" extends the cached keys; 2024-01-03 00:00 UTC is 01:00 in Berlin.
    later = daily.get_partition_keys(datetime(2024, 1, 3, tzinfo=UTC))
    assert later[-3:] == ["2023-12-31", "2024-01-01", "2024-01-02"]
    assert daily.get_num_partitions(datetime(2014, 1, 3, tzinfo=UTC)) == 2


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda: DailyPartitionsDefinition("2024-02-01", end_date="2024-01-01"), "must be after"),
        (lambda: DailyPartitionsDefinition("2024-01-01", end_date="2024-01-01"), "must be after"),
        (lambda: DailyPartitionsDefinition("2024-01-01", timezone="Moon/Base"), "'Moon/Base'"),
        (lambda: DailyPartitionsDefinition("yesterday"), "start='yesterday'"),
        (lambda: DailyPartitionsDefinition("2024-01-01", fmt="%Y-%m"), "same key"),
        (lambda: DailyPartitionsDefinition("2024-01-01", fmt="daily"), "strftime format"),
        (lambda: DailyPartitionsDefinition("2024-01-01", hour_offset=24), "hour_offset"),
        (lambda: DailyPartitionsDefinition("2024-01-01", end_offset=1.5), "end_offset"),  # type: ignore[arg-type]
        (lambda: HourlyPartitionsDefinition("2024-01-01", minute_offset=-1), "minute_offset"),
        (lambda: WeeklyPartitionsDefinition("2024-01-01", day_offset=7), "day_offset"),
        (lambda: MonthlyPartitionsDefinition("2024-01-01", day_offset=0), "day_offset"),
        (
            lambda: TimeWindowPartitionsDefinition(["0 0 * * *"], "2024-01-01", "%Y-%m-%d"),  # type: ignore[arg-type]
            "single cron string",
        ),
        (lambda: TimeWindowPartitionsDefinition("0 0 * *", "2024-01-01", "%Y-%m-%d"), "5 fields"),
    ],
)
def test_time_window_definition_errors(make: object, fragment: str) -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        make()  # type: ignore[operator]
    assert fragment in str(info.value)


# -- multi ---------------------------------------------------------------------------------


def make_multi() -> MultiPartitionsDefinition:
    return MultiPartitionsDefinition(
        {
            "region": StaticPartitionsDefinition(["eu", "us"]),
            "date": DailyPartitionsDefinition("2024-01-01", end_date="2024-01-03"),
        }
    )


def test_multi_keys() -> None:
    multi = make_multi()
    assert multi.kind == "multi"
    assert multi.partition_dimension_names == ["date", "region"]
    keys = multi.get_partition_keys(NOW)
    assert keys == ["2024-01-01|eu", "2024-01-01|us", "2024-01-02|eu", "2024-01-02|us"]
    assert all(isinstance(key, MultiPartitionKey) for key in keys)
    second = keys[1]
    assert isinstance(second, MultiPartitionKey)
    assert second.keys_by_dimension == {"date": "2024-01-01", "region": "us"}
    assert multi.get_num_partitions(NOW) == 4
    assert multi.has_partition_key("2024-01-02|us", NOW)
    assert multi.has_partition_key(MultiPartitionKey({"region": "eu", "date": "2024-01-01"}), NOW)
    for bad in ["2024-01-02|mars", "us|2024-01-02", "2024-01-02", "a|b|c", "|", ""]:
        assert not multi.has_partition_key(bad, NOW), bad
    with pytest.raises(NotFoundError, match="'nope'"):
        multi.validate_partition_key("nope", NOW)
    assert multi.get_partition_keys_in_range(
        PartitionKeyRange("2024-01-01|us", "2024-01-02|eu"), current_time=NOW
    ) == ["2024-01-01|us", "2024-01-02|eu"]


def test_multi_partition_key() -> None:
    key = MultiPartitionKey({"region": "eu", "date": "2024-01-01"})
    assert key == "2024-01-01|eu" and isinstance(key, str)
    by_key: dict[str, int] = {key: 1}
    assert by_key["2024-01-01|eu"] == 1
    restored = pickle.loads(pickle.dumps(key))
    assert restored == key and restored.keys_by_dimension == key.keys_by_dimension
    parsed = make_multi().get_partition_key_from_str("2024-01-02|us")
    assert parsed.keys_by_dimension == {"date": "2024-01-02", "region": "us"}
    assert make_multi().get_partitions_def_for_dimension("region") == StaticPartitionsDefinition(
        ["eu", "us"]
    )
    with pytest.raises(NotFoundError, match="'size'"):
        make_multi().get_partitions_def_for_dimension("size")
    with pytest.raises(InvalidDefinitionError, match="without '\\|'"):
        MultiPartitionKey({"a": "x|y", "b": "z"})


@pytest.mark.parametrize(
    "dimensions, fragment",
    [
        ({"a": StaticPartitionsDefinition(["x"])}, "exactly two"),
        (
            {k: StaticPartitionsDefinition(["x"]) for k in "abc"},
            "exactly two",
        ),
        ({"a": StaticPartitionsDefinition(["x|y"]), "b": StaticPartitionsDefinition(["z"])}, "'|'"),
        ({"a|b": StaticPartitionsDefinition(["x"]), "c": StaticPartitionsDefinition(["z"])}, "'|'"),
        ({"a": "daily", "b": StaticPartitionsDefinition(["z"])}, "must be a PartitionsDefinition"),
        ({"a": make_multi(), "b": StaticPartitionsDefinition(["z"])}, "multi-dimensional"),
    ],
)
def test_multi_errors(dimensions: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        MultiPartitionsDefinition(dimensions)  # type: ignore[arg-type]
    assert fragment in str(info.value)


# -- dynamic -------------------------------------------------------------------------------


def test_dynamic_keys_come_from_the_store() -> None:
    customers = DynamicPartitionsDefinition("customers")
    store = FakeStore(customers=["acme", "globex"], other=["x"])
    assert customers.kind == "dynamic"
    assert customers.get_partition_keys(dynamic_partitions_store=store) == ["acme", "globex"]
    assert customers.has_partition_key("acme", dynamic_partitions_store=store)
    assert not customers.has_partition_key("x", dynamic_partitions_store=store)
    assert customers.get_num_partitions(dynamic_partitions_store=store) == 2
    assert customers.get_last_partition_key(dynamic_partitions_store=store) == "globex"
    assert customers.get_partition_keys(dynamic_partitions_store=FakeStore()) == []


def test_dynamic_without_store_says_what_is_needed() -> None:
    customers = DynamicPartitionsDefinition(name="customers")
    with pytest.raises(HeadwaterError, match="'customers'.*dynamic_partitions_store"):
        customers.get_partition_keys()
    with pytest.raises(HeadwaterError, match="dynamic_partitions_store"):
        customers.has_partition_key("acme")


def test_dynamic_requests() -> None:
    customers = DynamicPartitionsDefinition("customers")
    add = customers.build_add_request(["acme", "initech"])
    assert add == AddDynamicPartitionsRequest("customers", ("acme", "initech"))
    assert add.partition_keys == ("acme", "initech") and hash(add) == hash(add)
    delete = customers.build_delete_request(["acme"])
    assert isinstance(delete, DeleteDynamicPartitionsRequest)
    assert delete.partitions_def_name == "customers" and delete.partition_keys == ("acme",)
    with pytest.raises(AttributeError):
        add.partition_keys = ()  # type: ignore[misc]
    with pytest.raises(InvalidDefinitionError, match="list of partition keys"):
        customers.build_add_request("acme")
    with pytest.raises(InvalidDefinitionError, match="non-empty strings"):
        customers.build_delete_request(["acme", ""])
    with pytest.raises(InvalidDefinitionError, match="non-empty name"):
        DynamicPartitionsDefinition("  ")


def test_multi_with_dynamic_dimension() -> None:
    multi = MultiPartitionsDefinition(
        {
            "customer": DynamicPartitionsDefinition("customers"),
            "kind": StaticPartitionsDefinition(["a"]),
        }
    )
    store = FakeStore(customers=["acme", "globex"])
    assert multi.get_partition_keys(dynamic_partitions_store=store) == ["acme|a", "globex|a"]
    assert multi.has_partition_key("globex|a", dynamic_partitions_store=store)
    with pytest.raises(HeadwaterError, match="dynamic_partitions_store"):
        multi.get_partition_keys()


# -- equality and serialisation ------------------------------------------------------------


def test_equality_by_value() -> None:
    daily = DailyPartitionsDefinition("2024-01-01", timezone="Europe/Berlin")
    same = TimeWindowPartitionsDefinition(
        "0 0 * * *", datetime(2024, 1, 1), "%Y-%m-%d", timezone="Europe/Berlin"
    )
    assert daily == same and hash(daily) == hash(same)
    assert daily != DailyPartitionsDefinition("2024-01-02", timezone="Europe/Berlin")
    assert daily != DailyPartitionsDefinition("2024-01-01")
    assert StaticPartitionsDefinition(["a"]) != DynamicPartitionsDefinition("a")
    assert len({make_multi(), make_multi(), StaticPartitionsDefinition(["a"])}) == 2
    assert daily != "daily"


def test_copies_keep_working() -> None:
    daily = DailyPartitionsDefinition("2024-01-01")
    daily.get_partition_keys(NOW)
    for clone in (pickle.loads(pickle.dumps(daily)), copy.deepcopy(daily)):
        assert clone == daily
        assert clone.get_partition_keys(NOW) == daily.get_partition_keys(NOW)
        assert isinstance(clone, DailyPartitionsDefinition)


def test_from_dict_errors() -> None:
    with pytest.raises(InvalidDefinitionError, match="'weekly'"):
        partitions_def_from_dict({"kind": "weekly"})
    with pytest.raises(InvalidDefinitionError, match="Malformed 'static'"):
        partitions_def_from_dict({"kind": "static"})
    with pytest.raises(InvalidDefinitionError, match="must be a dict"):
        partitions_def_from_dict(["static"])  # type: ignore[arg-type]


zones = st.sampled_from(["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata"])
start_dates = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1))
offsets = st.integers(-2, 3)
key_text = st.text(alphabet="abcxyzABC0189-_.:/ é€", min_size=1, max_size=8)

time_window_defs = st.one_of(
    st.builds(
        DailyPartitionsDefinition,
        start_date=start_dates,
        minute_offset=st.integers(0, 59),
        hour_offset=st.integers(0, 23),
        timezone=zones,
        end_offset=offsets,
    ),
    st.builds(HourlyPartitionsDefinition, start_date=start_dates, timezone=zones),
    st.builds(
        WeeklyPartitionsDefinition,
        start_date=start_dates,
        day_offset=st.integers(0, 6),
        timezone=zones,
    ),
    st.builds(
        MonthlyPartitionsDefinition,
        start_date=start_dates,
        end_date=st.just(datetime(2031, 1, 1)),
        day_offset=st.integers(1, 28),
    ),
    st.builds(
        TimeWindowPartitionsDefinition,
        cron_schedule=st.sampled_from(["*/15 * * * *", "0 */6 * * *", "0 0 1 */3 *"]),
        start=start_dates,
        fmt=st.just("%Y-%m-%dT%H:%M"),
        timezone=zones,
    ),
)
single_defs = st.one_of(
    time_window_defs,
    st.lists(key_text, min_size=1, max_size=6, unique=True).map(StaticPartitionsDefinition),
    key_text.filter(str.strip).map(DynamicPartitionsDefinition),
)
all_defs: st.SearchStrategy[PartitionsDefinition] = st.one_of(
    single_defs,
    st.tuples(single_defs, single_defs).map(
        lambda pair: MultiPartitionsDefinition({"first": pair[0], "second": pair[1]})
    ),
)


@settings(max_examples=150, deadline=None)
@given(all_defs)
def test_to_dict_round_trips_through_json(definition: PartitionsDefinition) -> None:
    data = definition.to_dict()
    restored = partitions_def_from_dict(json.loads(json.dumps(data)))
    assert restored == definition
    assert restored.to_dict() == data
    assert hash(restored) == hash(definition)


@settings(max_examples=60, deadline=None)
@given(time_window_defs, st.integers(-3 * 24, 60 * 24))
def test_round_tripped_time_windows_give_the_same_keys(
    definition: TimeWindowPartitionsDefinition, hours_after_start: int
) -> None:
    restored = partitions_def_from_dict(definition.to_dict())
    current = definition.start.astimezone(UTC) + timedelta(hours=hours_after_start)
    first = definition.get_first_partition_key(current)
    assert restored.get_first_partition_key(current) == first
    assert restored.get_num_partitions(current) == definition.get_num_partitions(current)
    if first is not None:
        window = definition.time_window_for_partition_key(first)
        assert window.start.timestamp() >= definition.start.timestamp()
        assert window.start.timestamp() < window.end.timestamp()
        assert definition.partition_key_for_time(window.start) == first
