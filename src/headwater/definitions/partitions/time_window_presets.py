"""Hourly, daily, weekly and monthly partitions: time windows with a ready-made schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from headwater.definitions.partitions.time_window import (
    DEFAULT_DATE_FORMAT,
    DEFAULT_HOURLY_FORMAT,
    DateLike,
    TimeWindowPartitionsDefinition,
)
from headwater.errors import InvalidDefinitionError

__all__ = [
    "DailyPartitionsDefinition",
    "HourlyPartitionsDefinition",
    "MonthlyPartitionsDefinition",
    "WeeklyPartitionsDefinition",
]


def _check_offset(owner: str, name: str, value: int, low: int, high: int, meaning: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidDefinitionError(
            f"{owner}: {name} must be an int from {low} to {high} ({meaning}); got {value!r}."
        )
    return value


class HourlyPartitionsDefinition(TimeWindowPartitionsDefinition):
    """One partition per hour, keyed like ``2024-01-31-06:00``.

    Args:
        start_date: first instant covered (a string in ``fmt`` or ISO form, or a datetime).
        end_date: first instant no longer covered (exclusive), or None for open-ended.
        minute_offset: minute of the hour at which windows start.
        timezone: IANA zone name; UTC when omitted.
        fmt: key format; ``"%Y-%m-%d-%H:%M"`` by default.
        end_offset: windows to add after the last complete one.
        exclusions: cron strings or datetimes of windows that are not partitions.
    """

    def __init__(
        self,
        start_date: DateLike,
        end_date: DateLike | None = None,
        minute_offset: int = 0,
        timezone: str | None = None,
        fmt: str | None = None,
        end_offset: int = 0,
        exclusions: Sequence[str | datetime] | None = None,
    ) -> None:
        owner = type(self).__name__
        self.minute_offset = _check_offset(owner, "minute_offset", minute_offset, 0, 59, "minute")
        super().__init__(
            cron_schedule=f"{minute_offset} * * * *",
            start=start_date,
            fmt=fmt or DEFAULT_HOURLY_FORMAT,
            timezone=timezone,
            end=end_date,
            end_offset=end_offset,
            exclusions=exclusions,
        )


class DailyPartitionsDefinition(TimeWindowPartitionsDefinition):
    """One partition per day, keyed like ``2024-01-31``.

    Args:
        start_date: first instant covered (a string in ``fmt`` or ISO form, or a datetime).
        end_date: first instant no longer covered (exclusive), or None for open-ended.
        minute_offset: minute at which each day's window starts.
        hour_offset: hour at which each day's window starts.
        timezone: IANA zone name; UTC when omitted.
        fmt: key format; ``"%Y-%m-%d"`` by default.
        end_offset: windows to add after the last complete one.
        exclusions: cron strings or datetimes of windows that are not partitions.
    """

    def __init__(
        self,
        start_date: DateLike,
        end_date: DateLike | None = None,
        minute_offset: int = 0,
        hour_offset: int = 0,
        timezone: str | None = None,
        fmt: str | None = None,
        end_offset: int = 0,
        exclusions: Sequence[str | datetime] | None = None,
    ) -> None:
        owner = type(self).__name__
        self.minute_offset = _check_offset(owner, "minute_offset", minute_offset, 0, 59, "minute")
        self.hour_offset = _check_offset(owner, "hour_offset", hour_offset, 0, 23, "hour")
        super().__init__(
            cron_schedule=f"{minute_offset} {hour_offset} * * *",
            start=start_date,
            fmt=fmt or DEFAULT_DATE_FORMAT,
            timezone=timezone,
            end=end_date,
            end_offset=end_offset,
            exclusions=exclusions,
        )


class WeeklyPartitionsDefinition(TimeWindowPartitionsDefinition):
    """One partition per week, keyed by the date the week starts, like ``2024-01-28``.

    Args:
        start_date: first instant covered (a string in ``fmt`` or ISO form, or a datetime).
        end_date: first instant no longer covered (exclusive), or None for open-ended.
        minute_offset: minute at which each week's window starts.
        hour_offset: hour at which each week's window starts.
        day_offset: day of the week windows start on, 0 (Sunday) to 6 (Saturday).
        timezone: IANA zone name; UTC when omitted.
        fmt: key format; ``"%Y-%m-%d"`` by default.
        end_offset: windows to add after the last complete one.
        exclusions: cron strings or datetimes of windows that are not partitions.
    """

    def __init__(
        self,
        start_date: DateLike,
        end_date: DateLike | None = None,
        minute_offset: int = 0,
        hour_offset: int = 0,
        day_offset: int = 0,
        timezone: str | None = None,
        fmt: str | None = None,
        end_offset: int = 0,
        exclusions: Sequence[str | datetime] | None = None,
    ) -> None:
        owner = type(self).__name__
        self.minute_offset = _check_offset(owner, "minute_offset", minute_offset, 0, 59, "minute")
        self.hour_offset = _check_offset(owner, "hour_offset", hour_offset, 0, 23, "hour")
        self.day_offset = _check_offset(
            owner, "day_offset", day_offset, 0, 6, "day of the week, 0 is Sunday"
        )
        super().__init__(
            cron_schedule=f"{minute_offset} {hour_offset} * * {day_offset}",
            start=start_date,
            fmt=fmt or DEFAULT_DATE_FORMAT,
            timezone=timezone,
            end=end_date,
            end_offset=end_offset,
            exclusions=exclusions,
        )


class MonthlyPartitionsDefinition(TimeWindowPartitionsDefinition):
    """One partition per month, keyed by the date the month's window starts, like ``2024-01-01``.

    Args:
        start_date: first instant covered (a string in ``fmt`` or ISO form, or a datetime).
        end_date: first instant no longer covered (exclusive), or None for open-ended.
        minute_offset: minute at which each month's window starts.
        hour_offset: hour at which each month's window starts.
        day_offset: day of the month windows start on, 1 to 31; months without that day are
            folded into the window before them.
        timezone: IANA zone name; UTC when omitted.
        fmt: key format; ``"%Y-%m-%d"`` by default.
        end_offset: windows to add after the last complete one.
        exclusions: cron strings or datetimes of windows that are not partitions.
    """

    def __init__(
        self,
        start_date: DateLike,
        end_date: DateLike | None = None,
        minute_offset: int = 0,
        hour_offset: int = 0,
        day_offset: int = 1,
        timezone: str | None = None,
        fmt: str | None = None,
        end_offset: int = 0,
        exclusions: Sequence[str | datetime] | None = None,
    ) -> None:
        owner = type(self).__name__
        self.minute_offset = _check_offset(owner, "minute_offset", minute_offset, 0, 59, "minute")
        self.hour_offset = _check_offset(owner, "hour_offset", hour_offset, 0, 23, "hour")
        self.day_offset = _check_offset(owner, "day_offset", day_offset, 1, 31, "day of the month")
        super().__init__(
            cron_schedule=f"{minute_offset} {hour_offset} {day_offset} * *",
            start=start_date,
            fmt=fmt or DEFAULT_DATE_FORMAT,
            timezone=timezone,
            end=end_date,
            end_offset=end_offset,
            exclusions=exclusions,
        )
