"""Reading window bounds and rendering partition keys for time-window partitions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Union

from headwater.core.cron import get_timezone
from headwater.core.key_format import key_formatter
from headwater.errors import InvalidDefinitionError

__all__ = [
    "DEFAULT_DATE_FORMAT",
    "DEFAULT_HOURLY_FORMAT",
    "UTC",
    "DateLike",
    "dst_safe_formatter",
    "just_after",
    "just_before",
    "key_formatter",
    "parse_key",
    "to_datetime",
]

DEFAULT_DATE_FORMAT = "%Y-%m-%d"
DEFAULT_HOURLY_FORMAT = "%Y-%m-%d-%H:%M"

DateLike = Union[str, datetime, date]

UTC = dt_timezone.utc
_EPSILON = timedelta(microseconds=1)


# Both in UTC: arithmetic on an aware datetime of a DST zone is wall-clock arithmetic.
def just_before(value: datetime) -> datetime:
    """The instant one microsecond before ``value``, in UTC."""
    return value.astimezone(UTC) - _EPSILON


def just_after(value: datetime) -> datetime:
    """The instant one microsecond after ``value``, in UTC."""
    return value.astimezone(UTC) + _EPSILON


def to_datetime(value: DateLike, fmt: str, zone_name: str, owner: str, what: str) -> datetime:
    """Read a start or end: a string in ``fmt`` or ISO form, a date or a datetime."""
    zone = get_timezone(zone_name)
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise InvalidDefinitionError(
                    f"{owner}: {what}={value!r} matches neither the format {fmt!r} nor an ISO "
                    "date such as '2024-01-31' or '2024-01-31T06:00'."
                ) from None
    else:
        raise InvalidDefinitionError(
            f"{owner}: {what} must be a string or a datetime; got {value!r}."
        )
    aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)
    # Through UTC, so that a wall time skipped by a DST gap becomes a real instant.
    return aware.astimezone(UTC).astimezone(zone)


def _repeats_every_hour(cron_schedule: str) -> bool:
    fields = cron_schedule.split()
    return len(fields) >= 2 and fields[1] == "*"


def dst_safe_formatter(
    render: Callable[[datetime], str], fmt: str, cron_schedule: str
) -> Callable[[datetime], str]:
    """``render``, except that the second occurrence of a wall time repeated by a fall-back
    transition gets its UTC offset appended (``2024-11-03-01:00-0500``), as Dagster does for
    schedules that tick every hour; so the repeated hour is a partition of its own."""
    if "%z" in fmt or not _repeats_every_hour(cron_schedule):
        return render
    suffixed = fmt + "%z"

    def safe(value: datetime) -> str:
        if value.fold and value.utcoffset() != value.replace(fold=0).utcoffset():
            return value.strftime(suffixed)
        return render(value)

    return safe


def parse_key(partition_key: str, fmt: str) -> datetime:
    """Read a key made by :func:`dst_safe_formatter` (aware when it carries an offset).

    Raises:
        ValueError: the key matches neither ``fmt`` nor ``fmt`` with an offset.
    """
    try:
        return datetime.strptime(partition_key, fmt)
    except ValueError:
        if "%z" in fmt:
            raise
        return datetime.strptime(partition_key, fmt + "%z")
