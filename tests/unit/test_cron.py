"""Cron schedules: parsing, aliases, lists, time zones and daylight-saving transitions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from cronsim import CronSim
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.core.cron import (
    CRON_ALIASES,
    cron_tick_timestamps,
    cron_ticks,
    get_timezone,
    is_valid_cron_schedule,
    is_valid_timezone,
    next_tick,
    previous_tick,
    validate_cron_schedule,
)
from headwater.errors import InvalidDefinitionError

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc


def take(schedule: str | list[str], start: datetime, tz: str, n: int, **kw: bool) -> list[datetime]:
    return list(islice(cron_ticks(schedule, start, tz, **kw), n))


def stamps(ticks: list[datetime]) -> list[float]:
    """Timestamps: Python compares datetimes of one zone by wall time, ignoring fold."""
    return [tick.timestamp() for tick in ticks]


def local(ticks: list[datetime]) -> list[str]:
    """Render ticks as wall time plus UTC offset, which pins down the instant."""
    return [tick.strftime("%m-%d %H:%M%z") for tick in ticks]


# -- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize("alias", sorted(CRON_ALIASES))
def test_alias_ticks_like_its_expansion(alias: str) -> None:
    start = datetime(2023, 5, 17, 13, 7, tzinfo=UTC)
    assert take(alias, start, "UTC", 5) == take(CRON_ALIASES[alias], start, "UTC", 5)


def test_alias_values() -> None:
    start = datetime(2023, 5, 17, 13, 7, tzinfo=UTC)
    assert next_tick("@hourly", start) == datetime(2023, 5, 17, 14, 0, tzinfo=UTC)
    assert next_tick("@daily", start) == datetime(2023, 5, 18, tzinfo=UTC)
    assert next_tick("@weekly", start) == datetime(2023, 5, 21, tzinfo=UTC)  # a Sunday
    assert next_tick("@monthly", start) == datetime(2023, 6, 1, tzinfo=UTC)
    assert next_tick("@yearly", start) == datetime(2024, 1, 1, tzinfo=UTC)
    assert next_tick(" @DAILY ", start) == datetime(2023, 5, 18, tzinfo=UTC)


def test_list_of_cron_strings_is_the_union_without_duplicates() -> None:
    start = datetime(2023, 5, 17, 22, 30, tzinfo=UTC)
    ticks = take(["0 0 * * *", "0 * * * *", "15 23 * * *"], start, "UTC", 4)
    rendered = [t.strftime("%d %H:%M") for t in ticks]
    assert rendered == ["17 23:00", "17 23:15", "18 00:00", "18 01:00"]


def test_named_days_months_and_last_day() -> None:
    start = datetime(2023, 1, 1, tzinfo=UTC)
    assert next_tick("0 9 * * MON-FRI", datetime(2023, 1, 6, 10, tzinfo=UTC)) == datetime(
        2023, 1, 9, 9, tzinfo=UTC
    )
    assert next_tick("0 0 1 FEB *", start) == datetime(2023, 2, 1, tzinfo=UTC)
    assert next_tick("0 0 L * *", start) == datetime(2023, 1, 31, tzinfo=UTC)
    assert next_tick("0 0 29 2 *", start) == datetime(2024, 2, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ("* * * *", "expected 5 fields, got 4"),
        ("0 * * * * *", "expected 5 fields, got 6"),
        ("", "expected 5 fields, got 0"),
        ("61 * * * *", "Bad minute"),
        ("0 24 * * *", "Bad hour"),
        ("0 0 32 * *", "Bad day-of-month"),
        ("0 0 31 2 *", "Bad day-of-month"),
        ("0 0 * 13 *", "Bad month"),
        ("0 0 * * 8", "Bad day-of-week"),
        ("@fortnightly", "expected 5 fields"),
        ("*/0 * * * *", "Bad minute"),
    ],
)
def test_invalid_cron_strings_are_named_in_the_error(bad: str, fragment: str) -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        validate_cron_schedule(bad)
    message = str(info.value)
    assert repr(bad) in message and fragment in message and "0 6 * * *" in message
    assert not is_valid_cron_schedule(bad)


@pytest.mark.parametrize("bad", [[], ["0 0 * * *", 3], 5, None, ("0 0 * * *", "oops")])
def test_invalid_schedule_values(bad: object) -> None:
    with pytest.raises(InvalidDefinitionError, match="Invalid cron schedule"):
        validate_cron_schedule(bad)  # type: ignore[arg-type]


def test_valid_schedules() -> None:
    validate_cron_schedule(["0 0 * * *", "@hourly", "*/5 9-17 * * 1-5"])
    assert is_valid_cron_schedule("0,30 */2 1,15 JAN-JUN SUN")


def test_errors_are_raised_before_iterating() -> None:
    with pytest.raises(InvalidDefinitionError):
        cron_ticks("nope", datetime(2024, 1, 1))
    with pytest.raises(InvalidDefinitionError, match="'Mars/Olympus_Mons'"):
        cron_ticks("0 0 * * *", datetime(2024, 1, 1), "Mars/Olympus_Mons")


@pytest.mark.parametrize(
    "name, valid",
    [
        ("UTC", True),
        ("America/New_York", True),
        ("Europe/Berlin", True),
        ("Mars/Olympus_Mons", False),
        ("", False),
        ("../etc/passwd", False),
        ("/etc/localtime", False),
    ],
)
def test_is_valid_timezone(name: str, valid: bool) -> None:
    assert is_valid_timezone(name) is valid


def test_get_timezone_error_names_the_zone() -> None:
    with pytest.raises(InvalidDefinitionError, match="'Nowhere/City'.*America/New_York"):
        get_timezone("Nowhere/City")


# -- iteration -----------------------------------------------------------------------------


def test_ticks_are_strictly_after_start() -> None:
    on_tick = datetime(2024, 1, 1, 6, tzinfo=UTC)
    assert next_tick("0 6 * * *", on_tick) == datetime(2024, 1, 2, 6, tzinfo=UTC)
    assert previous_tick("0 6 * * *", on_tick) == datetime(2023, 12, 31, 6, tzinfo=UTC)
    just_before = on_tick - timedelta(microseconds=1)
    assert next_tick("0 6 * * *", just_before) == on_tick
    just_after = on_tick + timedelta(microseconds=1)
    assert previous_tick("0 6 * * *", just_after) == on_tick


def test_ticks_are_in_the_requested_zone() -> None:
    tick = next_tick("0 9 * * *", datetime(2024, 1, 1, tzinfo=UTC), "America/New_York")
    assert tick.tzinfo == NY
    assert tick == datetime(2024, 1, 1, 9, tzinfo=NY)
    assert tick.astimezone(UTC) == datetime(2024, 1, 1, 14, tzinfo=UTC)


def test_naive_start_is_wall_time_in_the_zone() -> None:
    tick = next_tick("0 9 * * *", datetime(2024, 1, 1, 8, 59), "America/New_York")
    assert tick == datetime(2024, 1, 1, 9, tzinfo=NY)


def test_descending_iteration() -> None:
    start = datetime(2024, 3, 1, 12, tzinfo=UTC)
    ticks = take("0 0 * * 1", start, "UTC", 3, ascending=False)
    assert ticks == [datetime(2024, 2, d, tzinfo=UTC) for d in (26, 19, 12)]


def test_timestamps_match_ticks() -> None:
    start = datetime(2023, 11, 4, tzinfo=NY)
    stamps = list(islice(cron_tick_timestamps("*/20 * * * *", start, "America/New_York"), 200))
    ticks = take("*/20 * * * *", start, "America/New_York", 200)
    assert stamps == [int(t.timestamp()) for t in ticks]


def test_previous_tick_of_a_schedule_that_never_ticked() -> None:
    with pytest.raises(InvalidDefinitionError, match="never ticks before"):
        previous_tick("0 0 29 2 *", datetime(4, 1, 1, tzinfo=UTC))


# -- daylight saving -----------------------------------------------------------------------

# New York 2023: clocks jump 02:00 -> 03:00 on 03-12 and fall back 02:00 -> 01:00 on 11-05.
# Berlin 2023: clocks jump 02:00 -> 03:00 on 03-26 and fall back 03:00 -> 02:00 on 10-29.
DST_CASES = [
    pytest.param(
        "America/New_York",
        "30 2 * * *",
        datetime(2023, 3, 10, 12),
        ["03-11 02:30-0500", "03-12 03:00-0400", "03-13 02:30-0400"],
        id="ny-daily-in-spring-gap-fires-at-gap-end",
    ),
    pytest.param(
        "America/New_York",
        "0 2 * * *",
        datetime(2023, 3, 10, 12),
        ["03-11 02:00-0500", "03-12 03:00-0400", "03-13 02:00-0400"],
        id="ny-daily-at-gap-start",
    ),
    pytest.param(
        "America/New_York",
        "30 1 * * *",
        datetime(2023, 11, 3, 12),
        ["11-04 01:30-0400", "11-05 01:30-0500", "11-06 01:30-0500"],
        id="ny-daily-in-repeated-hour-fires-once-second-time",
    ),
    pytest.param(
        "America/New_York",
        "30 * * * *",
        datetime(2023, 3, 12, 0, 0),
        ["03-12 00:30-0500", "03-12 01:30-0500", "03-12 03:30-0400", "03-12 04:30-0400"],
        id="ny-hourly-skips-missing-hour",
    ),
    pytest.param(
        "America/New_York",
        "30 * * * *",
        datetime(2023, 11, 5, 0, 0),
        ["11-05 00:30-0400", "11-05 01:30-0400", "11-05 01:30-0500", "11-05 02:30-0500"],
        id="ny-hourly-fires-each-real-hour",
    ),
    pytest.param(
        "Europe/Berlin",
        "30 2 * * *",
        datetime(2023, 3, 24, 12),
        ["03-25 02:30+0100", "03-26 03:00+0200", "03-27 02:30+0200"],
        id="berlin-daily-in-spring-gap",
    ),
    pytest.param(
        "Europe/Berlin",
        "0 2 * * *",
        datetime(2023, 10, 27, 12),
        ["10-28 02:00+0200", "10-29 02:00+0100", "10-30 02:00+0100"],
        id="berlin-daily-in-repeated-hour",
    ),
    pytest.param(
        "Europe/Berlin",
        "0 3 * * *",
        datetime(2023, 10, 27, 12),
        ["10-28 03:00+0200", "10-29 03:00+0100", "10-30 03:00+0100"],
        id="berlin-daily-after-repeated-hour",
    ),
    pytest.param(
        "Europe/Berlin",
        "0 * * * *",
        datetime(2023, 10, 29, 0, 30),
        ["10-29 01:00+0200", "10-29 02:00+0200", "10-29 02:00+0100", "10-29 03:00+0100"],
        id="berlin-hourly-fall-back",
    ),
    pytest.param(
        "Europe/Berlin",
        "*/30 * * * *",
        datetime(2023, 3, 26, 1, 0),
        ["03-26 01:30+0100", "03-26 03:00+0200", "03-26 03:30+0200"],
        id="berlin-half-hourly-spring-forward",
    ),
    pytest.param(
        "Europe/Berlin",
        "0 2 * * 0",
        datetime(2023, 3, 20),
        ["03-26 03:00+0200", "04-02 02:00+0200"],
        id="berlin-weekly-in-gap",
    ),
    pytest.param(
        "Australia/Lord_Howe",
        "0 2 * * *",
        datetime(2023, 9, 29, 12),
        ["09-30 02:00+1030", "10-01 02:30+1100", "10-02 02:00+1100"],
        id="lord-howe-half-hour-gap",
    ),
    pytest.param(
        "America/Santiago",
        "0 0 * * *",
        datetime(2023, 9, 1, 12),
        ["09-02 00:00-0400", "09-03 01:00-0300", "09-04 00:00-0300"],
        id="santiago-midnight-gap",
    ),
    pytest.param(
        "America/Havana",
        "0 0 * * *",
        datetime(2023, 11, 3, 12),
        ["11-04 00:00-0400", "11-05 00:00-0500", "11-06 00:00-0500"],
        id="havana-repeated-midnight",
    ),
]


@pytest.mark.parametrize("tz, schedule, start, expected", DST_CASES)
def test_dst_transitions(tz: str, schedule: str, start: datetime, expected: list[str]) -> None:
    ticks = take(schedule, start, tz, len(expected))
    assert local(ticks) == expected
    # The same instants, walked backwards from just after the last one.
    after_last = ticks[-1].astimezone(UTC) + timedelta(seconds=1)
    backwards = take(schedule, after_last, tz, len(expected), ascending=False)
    assert stamps(backwards) == stamps(ticks[::-1])


@pytest.mark.parametrize("tz, schedule, start, expected", DST_CASES)
def test_dst_ticks_from_any_start_in_between(
    tz: str, schedule: str, start: datetime, expected: list[str]
) -> None:
    # Arithmetic on aware datetimes of one zone is wall-clock arithmetic: use UTC.
    ticks = [tick.astimezone(UTC) for tick in take(schedule, start, tz, len(expected))]
    for earlier, later in zip(ticks, ticks[1:], strict=False):
        # Starting anywhere in [earlier, later) gives `later` next, and from (earlier, later]
        # walking backwards gives `earlier`.
        step = (later - earlier) / 7
        # Python never finds an ambiguous wall time equal to a time in another zone
        # (PEP 495), so compare in UTC.
        for i in range(7):
            point = earlier + step * i
            assert next_tick(schedule, point, tz).astimezone(UTC) == later
            assert previous_tick(schedule, later - step * i, tz).astimezone(UTC) == earlier


def test_hourly_fall_back_ticks_are_one_real_hour_apart() -> None:
    ticks = take("0 * * * *", datetime(2023, 11, 4, 22, tzinfo=NY), "America/New_York", 8)
    in_utc = [tick.astimezone(UTC) for tick in ticks]
    gaps = {b - a for a, b in zip(in_utc, in_utc[1:], strict=False)}
    assert gaps == {timedelta(hours=1)}
    assert [t.hour for t in ticks] == [23, 0, 1, 1, 2, 3, 4, 5]


def test_daily_across_transitions_keeps_wall_time() -> None:
    ticks = take("15 9 * * *", datetime(2023, 1, 1), "Europe/Berlin", 365)
    assert {(t.hour, t.minute) for t in ticks} == {(9, 15)}
    assert len({t.date() for t in ticks}) == 365


def test_list_in_a_zone_with_overlap() -> None:
    start = datetime(2023, 11, 5, 0, 45, tzinfo=NY)
    ticks = take(["30 1 * * *", "0 * * * *"], start, "America/New_York", 4)
    assert local(ticks) == [
        "11-05 01:00-0400",
        "11-05 01:00-0500",
        "11-05 01:30-0500",
        "11-05 02:00-0500",
    ]


# -- properties ----------------------------------------------------------------------------


def _field(low: int, high: int) -> st.SearchStrategy[str]:
    value = st.integers(low, high)
    return st.one_of(
        st.just("*"),
        value.map(str),
        st.integers(1, max(1, (high - low) // 2)).map(lambda k: f"*/{k}"),
        st.tuples(value, value).map(lambda ab: f"{min(ab)}-{max(ab)}"),
        st.lists(value, min_size=2, max_size=3, unique=True).map(
            lambda xs: ",".join(map(str, sorted(xs)))
        ),
    )


cron_strings = st.tuples(
    _field(0, 59), _field(0, 23), _field(1, 28), _field(1, 12), _field(0, 6)
).map(" ".join)
zones = st.sampled_from(
    ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"]
)
starts = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2035, 1, 1))


@settings(max_examples=150, deadline=None)
@given(cron_strings, starts, zones)
def test_ticks_strictly_increase_after_start(schedule: str, start: datetime, tz: str) -> None:
    aware = start.replace(tzinfo=ZoneInfo(tz))
    ticks = take(schedule, aware, tz, 25)
    # Timestamps, because Python compares datetimes of one zone by wall time (PEP 495).
    stamps = [tick.timestamp() for tick in ticks]
    assert stamps[0] > aware.timestamp()
    assert all(a < b for a, b in zip(stamps, stamps[1:], strict=False))
    assert all(t.second == 0 and t.microsecond == 0 for t in ticks)


@settings(max_examples=150, deadline=None)
@given(cron_strings, starts, zones)
def test_descending_mirrors_ascending(schedule: str, start: datetime, tz: str) -> None:
    ticks = take(schedule, start, tz, 12)
    after_last = ticks[-1].astimezone(UTC) + timedelta(seconds=30)
    assert stamps(take(schedule, after_last, tz, 12, ascending=False)) == stamps(ticks[::-1])


@settings(max_examples=150, deadline=None)
@given(cron_strings, starts)
def test_utc_ticks_agree_with_cronsim(schedule: str, start: datetime) -> None:
    forwards = CronSim(schedule, start)
    expected = [tick.replace(tzinfo=UTC) for tick in islice(forwards, 20)]
    assert take(schedule, start.replace(tzinfo=UTC), "UTC", 20) == expected
    backwards = CronSim(schedule, start, reverse=True)
    expected = [tick.replace(tzinfo=UTC) for tick in islice(backwards, 20)]
    assert take(schedule, start.replace(tzinfo=UTC), "UTC", 20, ascending=False) == expected
