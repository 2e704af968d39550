"""TimeWindowPartitionMapping: downstream windows read the upstream windows they overlap."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from headwater.core.cron import cron_ticks
from headwater.definitions.partitions.base import PartitionsDefinition, TimeWindow
from headwater.definitions.partitions.mappings.base import MappedKeys, PartitionMapping
from headwater.definitions.partitions.subsets import TimeWindowPartitionsSubset
from headwater.definitions.partitions.time_keys import just_after, just_before
from headwater.definitions.partitions.time_window import TimeWindowPartitionsDefinition
from headwater.errors import InvalidDefinitionError, NotFoundError

__all__ = ["TimeWindowPartitionMapping"]

#: Nonexistent upstream keys reported at most (a wide offset must not list years of hours).
_MISSING_LIMIT = 10_000


def _start_containing(definition: TimeWindowPartitionsDefinition, instant: datetime) -> datetime:
    """Start of the window (of the schedule, ignoring bounds) that contains ``instant``."""
    previous = cron_ticks(definition.cron_schedule, just_after(instant), definition.timezone,
                          ascending=False)
    return next(previous)


def _end_containing(definition: TimeWindowPartitionsDefinition, instant: datetime) -> datetime:
    """End of the window that contains the instant just before ``instant``."""
    return next(cron_ticks(definition.cron_schedule, just_before(instant), definition.timezone))


def _shift(
    definition: TimeWindowPartitionsDefinition, boundary: datetime, windows: int
) -> datetime:
    """``boundary`` moved by ``windows`` windows of ``definition`` (negative: earlier)."""
    if windows == 0:
        return boundary
    ticks = cron_ticks(definition.cron_schedule, boundary, definition.timezone,
                       ascending=windows > 0)
    for _ in range(abs(windows) - 1):
        next(ticks)
    return next(ticks)


def _existing_window(definition: TimeWindowPartitionsDefinition) -> TimeWindow | None:
    first = definition.get_first_partition_key()
    last = definition.get_last_partition_window()
    if first is None or last is None:
        return None
    return TimeWindow(definition.time_window_for_partition_key(first).start, last.end)


def _merged_windows(definition: TimeWindowPartitionsDefinition,
                    keys: Sequence[str]) -> list[TimeWindow]:
    return TimeWindowPartitionsSubset(definition, keys).included_time_windows


def _ts(value: datetime) -> float:
    return value.timestamp()


def _same_but_bounds(a: TimeWindowPartitionsDefinition, b: TimeWindowPartitionsDefinition) -> bool:
    return (a.cron_schedule, a.fmt, a.timezone, a.end_offset, a.exclusions) == (
        b.cron_schedule, b.fmt, b.timezone, b.end_offset, b.exclusions)


def _within(definition: TimeWindowPartitionsDefinition, key: str) -> bool:
    try:
        definition.time_window_for_partition_key(key)
    except NotFoundError:
        return False
    return True


class TimeWindowPartitionMapping(PartitionMapping):
    """A downstream partition reads every upstream partition whose window overlaps its own.

    The default between two time-window definitions: daily reading hourly reads the day's 24
    hours; hourly reading daily reads the day containing the hour.

    Args:
        start_offset: windows (of the downstream definition) to move the start of the
            downstream window by before matching; ``-1`` also reads the previous window.
        end_offset: windows to move its end by; ``1`` also reads the next window.
        allow_nonexistent_upstream_partitions: when True, mapped upstream windows outside the
            upstream's partitions are left out silently instead of reported as missing.
    """

    kind = "time_window"

    def __init__(
        self,
        start_offset: int = 0,
        end_offset: int = 0,
        allow_nonexistent_upstream_partitions: bool = False,
    ) -> None:
        for name, value in (("start_offset", start_offset), ("end_offset", end_offset)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidDefinitionError(
                    f"TimeWindowPartitionMapping: {name} must be an int; got {value!r}.")
        self.start_offset = start_offset
        self.end_offset = end_offset
        self.allow_nonexistent_upstream_partitions = bool(allow_nonexistent_upstream_partitions)

    def validate_partition_mapping(
        self,
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> None:
        upstream, downstream = self._check(upstream_partitions_def, downstream_partitions_def)
        del upstream, downstream

    def _check(
        self, upstream: PartitionsDefinition | None, downstream: PartitionsDefinition | None
    ) -> tuple[TimeWindowPartitionsDefinition, TimeWindowPartitionsDefinition]:
        for what, definition in (("upstream", upstream), ("downstream", downstream)):
            if not isinstance(definition, TimeWindowPartitionsDefinition):
                raise InvalidDefinitionError(
                    f"TimeWindowPartitionMapping needs time-window partitions on the {what} "
                    f"asset; got {definition!r}. Use another mapping for these partitions."
                )
        assert isinstance(upstream, TimeWindowPartitionsDefinition)
        assert isinstance(downstream, TimeWindowPartitionsDefinition)
        if upstream.timezone != downstream.timezone:
            raise InvalidDefinitionError(
                f"TimeWindowPartitionMapping: the time zones {upstream.timezone!r} (upstream) "
                f"and {downstream.timezone!r} (downstream) differ; give both the same zone."
            )
        return upstream, downstream

    def upstream_keys(
        self,
        downstream_keys: Sequence[str],
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
    ) -> MappedKeys:
        upstream, downstream = self._check(upstream_partitions_def, downstream_partitions_def)
        if not downstream_keys:
            return MappedKeys([])
        if not (self.start_offset or self.end_offset) and upstream == downstream:
            return MappedKeys(list(downstream_keys))
        if not (self.start_offset or self.end_offset) and _same_but_bounds(upstream, downstream):
            # Like Dagster: the same windows, checked against the upstream's bounds only.
            inside = [key for key in downstream_keys if _within(upstream, key)]
            outside = [] if self.allow_nonexistent_upstream_partitions else [
                key for key in downstream_keys if key not in set(inside)]
            return MappedKeys(inside, outside)
        bounds = _existing_window(upstream)
        same_schedule = upstream.cron_schedule == downstream.cron_schedule
        found: dict[str, None] = {}
        missing: dict[str, None] = {}
        for window in _merged_windows(downstream, downstream_keys):
            start = self._bounded(_shift(downstream, window.start, self.start_offset),
                                  self.start_offset, bounds)
            end = self._bounded(_shift(downstream, window.end, self.end_offset),
                                self.end_offset, bounds)
            if not same_schedule:
                start, end = _start_containing(upstream, start), _end_containing(upstream, end)
            if _ts(start) >= _ts(end):
                continue
            if bounds is not None and _ts(start) < _ts(bounds.end) and _ts(end) > _ts(
                    bounds.start):
                inside_start = max(start, bounds.start, key=_ts)
                inside_end = min(end, bounds.end, key=_ts)
                found.update(dict.fromkeys(
                    upstream.get_partition_keys_between(inside_start, inside_end)))
            if not self.allow_nonexistent_upstream_partitions:
                missing.update(dict.fromkeys(self._outside(upstream, start, end, bounds)))
        return MappedKeys(list(found), list(missing))

    @staticmethod
    def _bounded(value: datetime, offset: int, bounds: TimeWindow | None) -> datetime:
        # An offset never pushes the mapped window past the upstream's partitions.
        if bounds is None or offset == 0:
            return value
        if offset < 0:
            return max(value, bounds.start, key=_ts)
        return min(value, bounds.end, key=_ts)

    @staticmethod
    def _outside(upstream: TimeWindowPartitionsDefinition, start: datetime, end: datetime,
                 bounds: TimeWindow | None) -> Iterable[str]:
        parts = [(start, end)] if bounds is None else [
            (start, min(end, bounds.start, key=_ts)), (max(start, bounds.end, key=_ts), end)]
        render = upstream._format  # noqa: SLF001 - the same package's key rendering
        count = 0
        for low, high in parts:
            if _ts(low) >= _ts(high):
                continue
            tick = _start_containing(upstream, low)
            ticks = cron_ticks(upstream.cron_schedule, tick, upstream.timezone)
            while _ts(tick) < _ts(high) and count < _MISSING_LIMIT:
                yield render(tick)
                count += 1
                tick = next(ticks)

    def downstream_keys(
        self,
        upstream_keys: Sequence[str],
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> list[str]:
        upstream, downstream = self._check(upstream_partitions_def, downstream_partitions_def)
        if not upstream_keys:
            return []
        bounds = _existing_window(downstream)
        if bounds is None:
            return []
        same_schedule = upstream.cron_schedule == downstream.cron_schedule
        found: dict[str, None] = {}
        for window in _merged_windows(upstream, upstream_keys):
            start, end = window.start, window.end
            if not same_schedule:
                start = _start_containing(downstream, start)
                end = _end_containing(downstream, end)
            start = _shift(downstream, start, -self.end_offset)
            end = _shift(downstream, end, -self.start_offset)
            start = max(start, bounds.start, key=_ts)
            end = min(end, bounds.end, key=_ts)
            if _ts(start) < _ts(end):
                found.update(dict.fromkeys(downstream.get_partition_keys_between(start, end)))
        return list(found)

    @property
    def description(self) -> str:
        text = "Each downstream partition reads the upstream partitions whose windows overlap it."
        if self.start_offset or self.end_offset:
            text += (f" The window's start moves by {self.start_offset} and its end by "
                     f"{self.end_offset} partitions.")
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start_offset": self.start_offset,
                "end_offset": self.end_offset,
                "allow_nonexistent_upstream_partitions":
                    self.allow_nonexistent_upstream_partitions}
