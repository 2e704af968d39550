"""Partitions that are consecutive windows of time cut by a cron schedule."""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice, pairwise
from typing import Any

from headwater.core.cron import (
    cron_tick_timestamps,
    cron_ticks,
    get_timezone,
    validate_cron_schedule,
)
from headwater.definitions.partitions.base import (
    DynamicPartitionsStore,
    PartitionKeyRange,
    PartitionsDefinition,
    TimeWindow,
)
from headwater.definitions.partitions.context import effective_time
from headwater.definitions.partitions.time_exclusions import (
    exclusions_from_json,
    exclusions_to_json,
    read_exclusions,
)
from headwater.definitions.partitions.time_keys import (
    DEFAULT_DATE_FORMAT,
    DEFAULT_HOURLY_FORMAT,
    DateLike,
    dst_safe_formatter,
    just_after,
    just_before,
    key_formatter,
    parse_key,
    to_datetime,
)
from headwater.errors import InvalidDefinitionError, NotFoundError

__all__ = [
    "DEFAULT_DATE_FORMAT",
    "DEFAULT_HOURLY_FORMAT",
    "DateLike",
    "TimeWindowPartitionsDefinition",
]


class TimeWindowPartitionsDefinition(PartitionsDefinition):
    """Partitions that are the windows between consecutive ticks of a cron schedule.

    Each partition is the window ``[tick, next tick)``; its key is the window start
    formatted with ``fmt`` in ``timezone``. The first window starts at the first tick at or
    after ``start``. As of a given time only complete windows exist, shifted by
    ``end_offset`` (``1`` adds the window in progress, ``-1`` drops the last complete one);
    with ``end``, windows starting at or after ``end`` never exist. For schedules ticking
    every hour, the second occurrence of an hour repeated by a fall-back transition is a
    partition of its own whose key carries the UTC offset (``2024-11-03-01:00-0500``), as
    in Dagster; other ticks that format to the same key form one partition.

    Args:
        cron_schedule: a single cron string; it also drives schedules built for the
            partitioned job.
        start: first instant covered; a string in ``fmt`` or ISO form, or a datetime. Naive
            values are read in ``timezone``.
        fmt: ``strftime`` format of the keys.
        timezone: IANA name of the zone windows are cut in; UTC when omitted.
        end: first instant no longer covered (exclusive), same forms as ``start``.
        end_offset: number of windows to add after the last complete one (may be negative).
        exclusions: windows that are not partitions: cron strings (a window starting on one of
            their ticks is excluded) or datetimes (the window starting exactly then). The
            windows around an excluded one keep their own bounds.

    Raises:
        InvalidDefinitionError: bad schedule, zone, format, start or end, or end not after
            start.
    """

    kind = "time_window"

    def __init__(
        self,
        cron_schedule: str,
        start: DateLike,
        fmt: str,
        timezone: str | None = None,
        end: DateLike | None = None,
        end_offset: int = 0,
        exclusions: Sequence[str | datetime] | None = None,
    ) -> None:
        owner = type(self).__name__
        if not isinstance(cron_schedule, str):
            raise InvalidDefinitionError(
                f"{owner}: cron_schedule must be a single cron string; got {cron_schedule!r}."
            )
        zone_name = "UTC" if timezone is None else timezone
        try:
            validate_cron_schedule(cron_schedule)
            get_timezone(zone_name)
        except InvalidDefinitionError as exc:
            raise InvalidDefinitionError(f"{owner}: {exc}") from None
        if not isinstance(fmt, str) or "%" not in fmt:
            raise InvalidDefinitionError(
                f"{owner}: fmt must be a strftime format such as '%Y-%m-%d'; got {fmt!r}."
            )
        if isinstance(end_offset, bool) or not isinstance(end_offset, int):
            raise InvalidDefinitionError(f"{owner}: end_offset must be an int; got {end_offset!r}.")
        self.cron_schedule = cron_schedule
        self.timezone = zone_name
        self.fmt = fmt
        self.end_offset = end_offset
        self.start = to_datetime(start, fmt, zone_name, owner, "start")
        self.end = None if end is None else to_datetime(end, fmt, zone_name, owner, "end")
        if self.end is not None and self.end.timestamp() <= self.start.timestamp():
            raise InvalidDefinitionError(
                f"{owner}: end ({self.end.isoformat()}) must be after start "
                f"({self.start.isoformat()}). Move end later or start earlier."
            )
        self.exclusions = read_exclusions(exclusions, zone_name, owner)
        self._excluded_stamps = frozenset(
            item.timestamp() for item in self.exclusions if isinstance(item, datetime))
        self._excluded_crons = [item for item in self.exclusions if isinstance(item, str)]
        self._format = dst_safe_formatter(key_formatter(fmt), fmt, cron_schedule)
        self._check_fmt(owner)
        self._reset_cache()

    # -- construction helpers ------------------------------------------------------------

    def _check_fmt(self, owner: str) -> None:
        after = just_before(self.start)
        ticks = list(islice(cron_ticks(self.cron_schedule, after, self.timezone), 3))
        keys = [self._format(tick) for tick in ticks]
        for (first, first_key), (second, second_key) in pairwise(zip(ticks, keys, strict=True)):
            # Two ticks may share a key only if they share a wall time (a repeated hour).
            if first_key == second_key and first.replace(tzinfo=None) != second.replace(
                tzinfo=None
            ):
                raise InvalidDefinitionError(
                    f"{owner}: fmt {self.fmt!r} gives the windows starting at {first} and "
                    f"{second} the same key {first_key!r}. Use a format with enough detail "
                    "for the schedule, e.g. '%Y-%m-%d-%H:%M' for hourly windows."
                )
        if keys:
            try:
                parse_key(keys[0], self.fmt)
            except ValueError:
                raise InvalidDefinitionError(
                    f"{owner}: keys made with fmt {self.fmt!r} (such as {keys[0]!r}) cannot be "
                    "read back with it. Use standard strftime directives only."
                ) from None

    def _reset_cache(self) -> None:
        # Ticks from the first window on, with their keys and timestamps, grown on demand.
        self._lock = threading.Lock()
        self._ticks: list[datetime] = []
        self._stamps: list[int] = []
        self._keys: list[str] = []
        #: With exclusions: the end of each cached window (the next tick, excluded or not).
        self._ends: list[int] = []
        self._exhausted = False

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for name in ("_lock", "_ticks", "_stamps", "_keys", "_ends", "_exhausted", "_format"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._format = dst_safe_formatter(key_formatter(self.fmt), self.fmt, self.cron_schedule)
        self._reset_cache()

    # -- tick cache ---------------------------------------------------------------------

    def _extend(self, *, until: float | None = None, count: int = 0) -> None:
        """Grow the cache past ``until`` and to at least ``count`` ticks. Hold the lock."""
        ticks, stamps, keys = self._ticks, self._stamps, self._keys
        if until is None:
            until = float("-inf")
        if self._exhausted or (len(ticks) >= count and stamps and stamps[-1] > until):
            return
        after = ticks[-1] if ticks else just_before(self.start)
        previous_key = keys[-1] if keys else None
        zone = get_timezone(self.timezone)
        render = self._format
        ends = self._ends if self.exclusions else None
        for stamp in cron_tick_timestamps(self.cron_schedule, after, self.timezone):
            tick = datetime.fromtimestamp(stamp, zone)
            key = render(tick)
            if key == previous_key:
                continue
            previous_key = key
            if ends is not None:
                if len(ends) < len(ticks):
                    ends.append(stamp)
                if self._is_excluded(stamp, tick):
                    continue
            ticks.append(tick)
            stamps.append(stamp)
            keys.append(key)
            if len(ticks) >= count and stamp > until:
                return
        self._exhausted = True

    def _timestamp(self, value: datetime | None) -> float:
        value = effective_time(value)
        if value is None:
            return time.time()
        if value.tzinfo is None:
            value = value.replace(tzinfo=get_timezone(self.timezone))
        return value.timestamp()

    def _count(self, current_time: datetime | None) -> int:
        """Number of partitions as of ``current_time``. Hold the lock."""
        now = self._timestamp(current_time)
        end = self.end.timestamp() if self.end is not None else None
        self._extend(until=now if end is None else min(now, end))
        if self.exclusions:
            complete = bisect_right(self._ends, now)
        else:
            complete = bisect_right(self._stamps, now) - 1
        count = max(0, complete + self.end_offset)
        self._extend(count=count + 1)
        count = min(count, max(0, len(self._ticks) - 1))
        if end is not None:
            self._extend(until=end)
            count = min(count, bisect_left(self._stamps, end))
        return count

    def _is_excluded(self, stamp: int, tick: datetime) -> bool:
        if stamp in self._excluded_stamps:
            return True
        return any(
            next(cron_tick_timestamps(cron, just_before(tick), self.timezone), None) == stamp
            for cron in self._excluded_crons
        )

    def _distinct_ticks(
        self, after: datetime, *, keep_excluded: bool = False
    ) -> Iterator[tuple[int, datetime, str]]:
        """Ticks strictly after ``after`` with their timestamps and keys, one per key."""
        zone = get_timezone(self.timezone)
        previous = None
        for stamp in cron_tick_timestamps(self.cron_schedule, after, self.timezone):
            tick = datetime.fromtimestamp(stamp, zone)
            key = self._format(tick)
            if key != previous:
                previous = key
                if keep_excluded or not self.exclusions or not self._is_excluded(stamp, tick):
                    yield stamp, tick, key

    def _aware(self, value: datetime) -> datetime:
        zone = get_timezone(self.timezone)
        return value.astimezone(zone) if value.tzinfo is not None else value.replace(tzinfo=zone)

    # -- PartitionsDefinition -----------------------------------------------------------

    def get_partition_keys(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> list[str]:
        """Return the keys of the partitions that exist as of ``current_time`` (default now).

        A naive ``current_time`` is read in the definition's time zone.
        """
        with self._lock:
            return self._keys[: self._count(current_time)]

    def get_num_partitions(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> int:
        """Return how many partitions exist as of ``current_time``."""
        with self._lock:
            return self._count(current_time)

    def get_first_partition_key(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> str | None:
        """Return the first key, or None when no window is complete yet."""
        with self._lock:
            return self._keys[0] if self._count(current_time) else None

    def get_last_partition_key(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> str | None:
        """Return the key of the last partition as of ``current_time``, or None."""
        with self._lock:
            count = self._count(current_time)
            return self._keys[count - 1] if count else None

    def get_last_partition_window(self, current_time: datetime | None = None) -> TimeWindow | None:
        """Return the window of the last partition as of ``current_time``, or None."""
        with self._lock:
            count = self._count(current_time)
            if not count:
                return None
            if not self.exclusions:
                return TimeWindow(self._ticks[count - 1], self._ticks[count])
            key = self._keys[count - 1]
        return self.time_window_for_partition_key(key)

    def has_partition_key(
        self,
        partition_key: str,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> bool:
        """Return whether ``partition_key`` names a partition that exists as of ``current_time``."""
        try:
            window = self.time_window_for_partition_key(partition_key)
        except NotFoundError:
            return False
        with self._lock:
            count = self._count(current_time)
            return count > 0 and window.start.timestamp() <= self._stamps[count - 1]

    def get_partition_keys_in_range(
        self,
        partition_key_range: PartitionKeyRange,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
        *,
        current_time: datetime | None = None,
    ) -> list[str]:
        """Return the keys from the range's start to its end, both included.

        Both ends must be keys of this definition; the current time does not limit the range.

        Raises:
            NotFoundError: either end is not a key of this definition.
            InvalidDefinitionError: the range's start comes after its end.
        """
        first = self.time_window_for_partition_key(partition_key_range.start)
        last = self.time_window_for_partition_key(partition_key_range.end)
        last_stamp = last.start.timestamp()
        if first.start.timestamp() > last_stamp:
            raise InvalidDefinitionError(
                f"Partition key range {partition_key_range.start!r}..{partition_key_range.end!r} "
                f"of {self!r} starts after it ends; swap start and end."
            )
        keys = []
        for stamp, _, key in self._distinct_ticks(just_before(first.start)):
            if stamp > last_stamp:
                break
            keys.append(key)
        return keys

    # -- time windows -------------------------------------------------------------------

    def time_window_for_partition_key(self, partition_key: str) -> TimeWindow:
        """Return the window ``[start, end)`` of the partition ``partition_key``.

        The key must belong to the definition's start/end bounds; the current time is not
        considered.

        Raises:
            NotFoundError: ``partition_key`` is not a key of this definition.
        """
        example = self._format(self.start)
        try:
            parsed = parse_key(partition_key, self.fmt)
        except (TypeError, ValueError):
            raise NotFoundError(
                f"{partition_key!r} is not a partition key of {self!r}: keys use the format "
                f"{self.fmt!r}, like {example!r}."
            ) from None
        after = just_before(max(self._aware(parsed), self.start, key=datetime.timestamp))
        ticks = self._distinct_ticks(after, keep_excluded=True)
        first = next(ticks, None)
        following = next(ticks, None)
        if first is not None and self.exclusions and self._is_excluded(first[0], first[1]):
            raise NotFoundError(
                f"{partition_key!r} is not a partition key of {self!r}: its window is "
                f"excluded by exclusions={self._exclusions_repr()}."
            )
        if first is None or following is None or first[2] != partition_key:
            raise NotFoundError(
                f"{partition_key!r} is not a partition key of {self!r}: no window starts "
                f"there. Keys are window starts on or after {self.start.isoformat()}."
            )
        if self.end is not None and first[0] >= self.end.timestamp():
            raise NotFoundError(
                f"{partition_key!r} is not a partition key of {self!r}: its window starts at "
                f"or after the end, {self.end.isoformat()}."
            )
        return TimeWindow(first[1], following[1])

    def partition_key_for_time(self, dt: datetime) -> str:
        """Return the key of the partition whose window contains ``dt``.

        A naive ``dt`` is read in the definition's time zone. The current time is not
        considered.

        Raises:
            NotFoundError: ``dt`` is before the first window or at or after ``end``.
        """
        aware = self._aware(dt)
        after = just_after(aware)
        previous = next(cron_ticks(self.cron_schedule, after, self.timezone, ascending=False), None)
        if previous is None or previous.timestamp() < self.start.timestamp():
            raise NotFoundError(
                f"{aware.isoformat()} is before the first partition of {self!r}, which starts "
                f"at the first tick on or after {self.start.isoformat()}."
            )
        if self.end is not None and previous.timestamp() >= self.end.timestamp():
            raise NotFoundError(
                f"{aware.isoformat()} is after the last partition of {self!r}, which ends at "
                f"{self.end.isoformat()}."
            )
        return self._format(previous)

    def get_partition_keys_between(self, start: datetime, end: datetime) -> list[str]:
        """Return the keys of partitions whose windows start in ``[start, end)``.

        The result stays within the definition's own start and end; the current time does
        not limit it. Naive datetimes are read in the definition's time zone.
        """
        low = max(self._aware(start), self.start, key=datetime.timestamp)
        high = self._aware(end).timestamp()
        if self.end is not None:
            high = min(high, self.end.timestamp())
        keys = []
        for stamp, _, key in self._distinct_ticks(just_before(low)):
            if stamp >= high:
                break
            keys.append(key)
        return keys

    # -- serialisation ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the plain-JSON form; datetimes are ISO strings with their UTC offset."""
        return {
            "kind": self.kind,
            "cron_schedule": self.cron_schedule,
            "start": self.start.isoformat(),
            "fmt": self.fmt,
            "timezone": self.timezone,
            "end": self.end.isoformat() if self.end is not None else None,
            "end_offset": self.end_offset,
            **({"exclusions": exclusions_to_json(self.exclusions)} if self.exclusions else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimeWindowPartitionsDefinition:
        """Rebuild a definition from :meth:`to_dict` output."""
        end = data.get("end")
        return TimeWindowPartitionsDefinition(
            cron_schedule=data["cron_schedule"],
            start=datetime.fromisoformat(data["start"]),
            fmt=data["fmt"],
            timezone=data["timezone"],
            end=datetime.fromisoformat(end) if end is not None else None,
            end_offset=data.get("end_offset", 0),
            exclusions=exclusions_from_json(data.get("exclusions")),
        )

    def __repr__(self) -> str:
        end = f", end={self.end.isoformat()!r}" if self.end is not None else ""
        offset = f", end_offset={self.end_offset}" if self.end_offset else ""
        excluded = f", exclusions={self._exclusions_repr()}" if self.exclusions else ""
        return (
            f"{type(self).__name__}(cron_schedule={self.cron_schedule!r}, "
            f"start={self.start.isoformat()!r}, fmt={self.fmt!r}, "
            f"timezone={self.timezone!r}{end}{offset}{excluded})"
        )

    def _exclusions_repr(self) -> str:
        return repr(exclusions_to_json(self.exclusions))
