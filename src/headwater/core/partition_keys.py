"""Partition keys from a partitions definition's plain-JSON form, for the host processes.

The webserver and daemon never import ``headwater.definitions``; they hold a partitions
definition only as the ``to_dict()`` data of its snapshot. This module lists its keys from
that data, in definition order, giving the same keys as the definition itself (a test compares
them): time windows from ``core.cron`` ticks (exclusions, ``end``, ``end_offset`` and the
repeated hour of a fall-back day included), static keys as listed, dynamic keys from the
instance, multi-dimensional keys as the product of the dimensions joined by ``|`` in
dimension-name order.

    keys = partition_keys({"kind": "static", "partition_keys": ["a", "b"]})

Time-window keys are cached per definition until the next window completes, so listing
87,600 hourly keys costs once per hour rather than per request.
"""

from __future__ import annotations

import json
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from itertools import product
from typing import Any

from headwater.core.cron import cron_tick_timestamps, get_timezone
from headwater.core.key_format import key_formatter
from headwater.errors import InvalidDefinitionError, NotFoundError

__all__ = ["MULTI_SEPARATOR", "check_partition_key", "dimension_keys", "keys_in_range",
           "partition_keys", "time_windows"]

#: Joins the per-dimension keys of a multi-dimensional key.
MULTI_SEPARATOR = "|"

#: Reads a dynamic partitions definition's keys by its name (the instance's storage).
DynamicKeys = Callable[[str], Sequence[str]]

_UTC = dt_timezone.utc
_EPSILON = timedelta(microseconds=1)


def partition_keys(data: Mapping[str, Any], dynamic: DynamicKeys | None = None,
                   now: float | None = None) -> list[str]:
    """Every key of the partitions definition ``data`` (its ``to_dict()``), in order."""
    kind = data.get("kind")
    if kind == "multi":
        dimensions = dimension_keys(data, dynamic, now)
        names = sorted(dimensions)
        ordered = list(dimensions)
        combos = product(*(dimensions[name] for name in ordered))
        at = [ordered.index(name) for name in names]
        return [MULTI_SEPARATOR.join(combo[index] for index in at) for combo in combos]
    if kind == "static":
        return list(data["partition_keys"])
    if kind == "dynamic":
        return list(dynamic(data["name"])) if dynamic is not None else []
    if kind == "time_window":
        return _time_window_keys(data, time.time() if now is None else now)
    raise ValueError(f"unknown partitions definition kind {kind!r} in {dict(data)!r}")


def _describe(data: Mapping[str, Any]) -> str:
    kind = data.get("kind")
    if kind == "time_window":
        return (f"the time-window partitions (cron {data.get('cron_schedule')!r}, from "
                f"{data.get('start')})")
    if kind == "dynamic":
        return f"the dynamic partitions {data.get('name')!r}"
    return f"the {kind} partitions"


def _unknown(data: Mapping[str, Any], key: str, keys: Sequence[str]) -> NotFoundError:
    if not keys:
        return NotFoundError(f"Partition key {key!r} is not in {_describe(data)}, which has "
                             "no partitions.")
    shown = ", ".join(repr(item) for item in keys[:5])
    more = f", ... ({len(keys)} in all)" if len(keys) > 5 else ""
    return NotFoundError(f"Partition key {key!r} is not in {_describe(data)}. Use one of its "
                         f"keys: {shown}{more}.")


def check_partition_key(data: Mapping[str, Any], key: str,
                        dynamic: DynamicKeys | None = None) -> None:
    """Raise NotFoundError (showing a few valid keys) unless ``key`` is a key of ``data``."""
    keys = partition_keys(data, dynamic)
    if key not in set(keys):
        raise _unknown(data, key, keys)


def keys_in_range(data: Mapping[str, Any], start: str, end: str,
                  dynamic: DynamicKeys | None = None) -> list[str]:
    """The keys from ``start`` to ``end``, both included, in definition order.

    Raises:
        NotFoundError: either end is not a key.
        InvalidDefinitionError: ``start`` comes after ``end``.
    """
    keys = partition_keys(data, dynamic)
    positions = {key: index for index, key in enumerate(keys)}
    for key in (start, end):
        if key not in positions:
            raise _unknown(data, key, keys)
    first, last = positions[start], positions[end]
    if first > last:
        raise InvalidDefinitionError(f"Partition key range {start!r}..{end!r} of "
                                     f"{_describe(data)} starts after it ends; swap start "
                                     "and end.")
    return keys[first:last + 1]


def dimension_keys(data: Mapping[str, Any], dynamic: DynamicKeys | None = None,
                   now: float | None = None) -> dict[str, list[str]]:
    """A multi-dimensional definition's keys per dimension, in its dimension order."""
    return {dimension["name"]: partition_keys(dimension["partitions_def"], dynamic, now)
            for dimension in data["dimensions"]}


class _Windows:
    """The ticks of one time-window definition, grown on demand."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.cron: str = data["cron_schedule"]
        self.zone_name: str = data["timezone"]
        self.zone = get_timezone(self.zone_name)
        self.start = datetime.fromisoformat(data["start"])
        end = data.get("end")
        self.end = datetime.fromisoformat(end).timestamp() if end else None
        self.end_offset = int(data.get("end_offset", 0))
        exclusions = data.get("exclusions") or []
        self.excluded_stamps = frozenset(
            datetime.fromisoformat(item["datetime"]).timestamp()
            for item in exclusions if isinstance(item, dict))
        self.excluded_crons = [str(item) for item in exclusions if not isinstance(item, dict)]
        self.render = _dst_safe(key_formatter(data["fmt"]), data["fmt"], self.cron)
        self.stamps: list[int] = []
        self.keys: list[str] = []
        self.ends: list[int] = []
        self.iterator = cron_tick_timestamps(self.cron, _before(self.start), self.zone_name)
        self.previous_key: str | None = None
        self.exhausted = False
        self.lock = threading.Lock()

    def _excluded(self, stamp: int, tick: datetime) -> bool:
        if stamp in self.excluded_stamps:
            return True
        return any(next(cron_tick_timestamps(cron, _before(tick), self.zone_name), None) == stamp
                   for cron in self.excluded_crons)

    def extend(self, until: float, count: int = 0) -> None:
        exclusions = bool(self.excluded_stamps or self.excluded_crons)
        while not self.exhausted and (len(self.keys) < count or not self.stamps
                                      or self.stamps[-1] <= until):
            stamp = next(self.iterator, None)
            if stamp is None:
                self.exhausted = True
                return
            tick = datetime.fromtimestamp(stamp, self.zone)
            key = self.render(tick)
            if key == self.previous_key:
                continue
            self.previous_key = key
            if exclusions:
                if len(self.ends) < len(self.keys):
                    self.ends.append(stamp)
                if self._excluded(stamp, tick):
                    continue
            self.stamps.append(stamp)
            self.keys.append(key)

    def count(self, now: float) -> int:
        self.extend(now if self.end is None else min(now, self.end))
        if self.excluded_stamps or self.excluded_crons:
            complete = bisect_right(self.ends, now)
        else:
            complete = bisect_right(self.stamps, now) - 1
        count = max(0, complete + self.end_offset)
        self.extend(float("-inf"), count + 1)
        count = min(count, max(0, len(self.keys) - 1))
        if self.end is not None:
            self.extend(self.end)
            count = min(count, bisect_left(self.stamps, self.end))
        return count


_windows: dict[str, _Windows] = {}
_windows_lock = threading.Lock()


def _windows_of(data: Mapping[str, Any]) -> _Windows:
    """The (cached) windows of a time-window definition."""
    name = json.dumps(data, sort_keys=True)
    with _windows_lock:
        windows = _windows.get(name)
        if windows is None:
            windows = _windows[name] = _Windows(data)
    return windows


def _time_window_keys(data: Mapping[str, Any], now: float) -> list[str]:
    windows = _windows_of(data)
    with windows.lock:
        return windows.keys[:windows.count(now)]


def time_windows(data: Mapping[str, Any], now: float | None = None
                 ) -> tuple[list[str], list[float], list[float]]:
    """A time-window definition's keys (as :func:`partition_keys`) with each window's start
    and end, in epoch seconds (the end of a window is where the next tick falls, excluded
    ticks included)."""
    windows = _windows_of(data)
    with windows.lock:
        count = windows.count(time.time() if now is None else now)
        starts = [float(stamp) for stamp in windows.stamps[:count]]
        if windows.excluded_stamps or windows.excluded_crons:
            ends = [float(stamp) for stamp in windows.ends[:count]]
        else:
            ends = [float(stamp) for stamp in windows.stamps[1:count + 1]]
        return windows.keys[:count], starts, ends


def _before(value: datetime) -> datetime:
    return value.astimezone(_UTC) - _EPSILON


def _dst_safe(render: Callable[[datetime], str], fmt: str,
              cron: str) -> Callable[[datetime], str]:
    """The second occurrence of a repeated wall hour gets its UTC offset appended, as the
    definitions do for schedules ticking every hour."""
    fields = cron.split()
    if "%z" in fmt or not (len(fields) >= 2 and fields[1] == "*"):
        return render
    suffixed = fmt + "%z"

    def safe(value: datetime) -> str:
        if value.fold and value.utcoffset() != value.replace(fold=0).utcoffset():
            return value.strftime(suffixed)
        return render(value)

    return safe
