"""Cron schedules evaluated in a time zone, with well-defined daylight-saving behaviour.

A cron schedule is a five-field cron string (``minute hour day-of-month month day-of-week``),
one of the aliases ``@hourly @daily @midnight @weekly @monthly @yearly @annually``, or a list
of those (the schedule ticks whenever any of them does). Fields are read as wall-clock time in
the schedule's time zone (an IANA name such as ``"America/New_York"``; ``"UTC"`` by default).

Daylight-saving transitions are handled as Dagster documents them:

* Schedules that name a specific minute *and* hour (``"30 2 * * *"``, ``"0 9 * * 1-5"``) fire
  once per matching day. When the wall time falls in a spring-forward gap they fire at the
  first instant after the gap (``"30 2 * * *"`` in New York fires at 03:00 on that day). When
  the wall time happens twice on a fall-back day they fire once, at the second occurrence
  (the one after the clocks went back).
* Every other schedule (``"0 * * * *"``, ``"*/15 * * * *"``) follows real elapsed time: wall
  times inside a gap are skipped and a repeated hour fires twice, once per real hour.

Parsing and day matching (``L``, ``LW``, ``#`` and named days and months included) come from
the ``cronsim`` package; iteration is done here, day by day, so that listing years of ticks
stays fast.
"""

from __future__ import annotations

import calendar
import functools
import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from typing import TYPE_CHECKING, Union
from zoneinfo import ZoneInfo

from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from cronsim import CronSim

__all__ = [
    "CRON_ALIASES",
    "CronSchedule",
    "cron_tick_timestamps",
    "cron_ticks",
    "get_timezone",
    "is_valid_cron_schedule",
    "is_valid_timezone",
    "next_tick",
    "previous_tick",
    "validate_cron_schedule",
]

CronSchedule = Union[str, Sequence[str]]

CRON_ALIASES: dict[str, str] = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}

_FORMAT_HINT = (
    "Use five fields 'minute hour day-of-month month day-of-week' (for example '0 6 * * *') "
    "or one of " + ", ".join(CRON_ALIASES) + "."
)

# More than any zone's clocks have gone back in one transition: a wall time up to this far
# before another can still be later in real time.
_MAX_FALL_BACK_SECONDS = 3 * 3600
# Stop looking for a matching day after 50 years without one, as cronsim does; impossible
# dates such as "0 0 31 2 *" are rejected when parsing, this guards the rarer cases.
_MAX_BARREN_MONTHS = 50 * 12
_DAY_SECONDS = 86400
_EPOCH_NAIVE = datetime(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH_NAIVE.toordinal()
_MIN_YEAR, _MAX_YEAR = 2, 9998
_UTC = dt_timezone.utc


@dataclass(frozen=True)
class _Spec:
    """One parsed cron string: its times of day (seconds after midnight) and a day matcher."""

    expression: str
    seconds_of_day: tuple[int, ...]
    months: frozenset[int]
    matcher: CronSim
    fixed_time: bool


def _expand_alias(cron_string: str) -> str:
    stripped = cron_string.strip()
    return CRON_ALIASES.get(stripped.lower(), stripped)


@functools.lru_cache(maxsize=256)
def _parse(cron_string: str) -> _Spec:
    """Parse one cron string; raises InvalidDefinitionError naming the string and the reason."""
    from cronsim import CronSim, CronSimError

    expression = _expand_alias(cron_string)
    fields = expression.split()
    if len(fields) != 5:
        raise InvalidDefinitionError(
            f"Invalid cron schedule {cron_string!r}: expected 5 fields, got {len(fields)}. "
            + _FORMAT_HINT
        )
    try:
        matcher = CronSim(expression, datetime(2000, 1, 1))
    except CronSimError as exc:
        raise InvalidDefinitionError(
            f"Invalid cron schedule {cron_string!r}: {exc}. " + _FORMAT_HINT
        ) from None
    seconds_of_day = tuple(
        h * 3600 + m * 60 for h in sorted(matcher.hours) for m in sorted(matcher.minutes)
    )
    # Same rule as Debian cron (and cronsim): a schedule with a fixed minute and hour runs
    # once per day across transitions; anything else follows real elapsed time.
    fixed_time = not fields[0].startswith("*") and not fields[1].startswith("*")
    return _Spec(expression, seconds_of_day, frozenset(matcher.months), matcher, fixed_time)


def _as_list(cron_schedule: CronSchedule) -> list[str]:
    if isinstance(cron_schedule, str):
        return [cron_schedule]
    if isinstance(cron_schedule, (list, tuple)):
        strings = list(cron_schedule)
        if not strings:
            raise InvalidDefinitionError(
                "Invalid cron schedule []: a list of cron strings must not be empty. "
                + _FORMAT_HINT
            )
        for item in strings:
            if not isinstance(item, str):
                raise InvalidDefinitionError(
                    f"Invalid cron schedule {cron_schedule!r}: {item!r} is not a string. "
                    + _FORMAT_HINT
                )
        return strings
    raise InvalidDefinitionError(
        f"Invalid cron schedule {cron_schedule!r}: expected a cron string or a list of cron "
        f"strings, got {type(cron_schedule).__name__}. " + _FORMAT_HINT
    )


def validate_cron_schedule(cron_schedule: CronSchedule) -> None:
    """Check a cron schedule, raising when it is not one headwater can run.

    Args:
        cron_schedule: a five-field cron string, an alias such as ``"@daily"``, or a
            non-empty list of those.

    Raises:
        InvalidDefinitionError: the message names the offending string and why it is wrong.
    """
    for cron_string in _as_list(cron_schedule):
        _parse(cron_string)


def is_valid_cron_schedule(cron_schedule: CronSchedule) -> bool:
    """Return whether :func:`validate_cron_schedule` accepts ``cron_schedule``."""
    try:
        validate_cron_schedule(cron_schedule)
    except InvalidDefinitionError:
        return False
    return True


def is_valid_timezone(name: str) -> bool:
    """Return whether ``name`` is a time zone name known to the IANA database on this machine."""
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def get_timezone(name: str) -> ZoneInfo:
    """Return the ``ZoneInfo`` for ``name``.

    Raises:
        InvalidDefinitionError: ``name`` is not a known IANA time zone.
    """
    if not is_valid_timezone(name):
        raise InvalidDefinitionError(
            f"Unknown time zone {name!r}. Use an IANA time zone name such as 'UTC', "
            "'America/New_York' or 'Europe/Berlin'."
        )
    return ZoneInfo(name)


@functools.lru_cache(maxsize=8192)
def _matching_days(expression: str, year: int, month: int) -> tuple[int, ...]:
    """Days of ``year``-``month`` on which the (valid, alias-expanded) ``expression`` runs."""
    spec = _parse(expression)
    if month not in spec.months:
        return ()
    days_in_month = calendar.monthrange(year, month)[1]
    return tuple(
        day for day in range(1, days_in_month + 1) if spec.matcher.match_day(date(year, month, day))
    )


def _wall_ticks(spec: _Spec, start: int, ascending: bool) -> Iterator[int]:
    """Wall-clock ticks as naive POSIX seconds, strictly after (or before) ``start``."""
    start_day = date.fromordinal(_EPOCH_ORDINAL + start // _DAY_SECONDS)
    start_second = start % _DAY_SECONDS
    times = spec.seconds_of_day if ascending else spec.seconds_of_day[::-1]
    year, month = start_day.year, start_day.month
    step = 1 if ascending else -1
    barren = 0
    while barren <= _MAX_BARREN_MONTHS and _MIN_YEAR <= year <= _MAX_YEAR:
        days = _matching_days(spec.expression, year, month)
        barren = 0 if days else barren + 1
        for day in days if ascending else days[::-1]:
            if (year, month) == (start_day.year, start_day.month):
                if (day < start_day.day) if ascending else (day > start_day.day):
                    continue
            base = (date(year, month, day).toordinal() - _EPOCH_ORDINAL) * _DAY_SECONDS
            if day == start_day.day and (year, month) == (start_day.year, start_day.month):
                # Only the start day needs each time compared with the start.
                for second in times:
                    if (second > start_second) if ascending else (second < start_second):
                        yield base + second
            else:
                for second in times:
                    yield base + second
        month += step
        if month == 13:
            year, month = year + 1, 1
        elif month == 0:
            year, month = year - 1, 12


def _utc_offset(instant: int, zone: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(instant, zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _gap_end(before_gap: int, after_gap: int, zone: ZoneInfo) -> int:
    """First instant in ``(before_gap, after_gap]`` that uses the offset of ``after_gap``."""
    target = _utc_offset(after_gap, zone)
    low, high = before_gap, after_gap
    while high - low > 1:
        mid = (low + high) // 2
        if _utc_offset(mid, zone) == target:
            high = mid
        else:
            low = mid
    return high


def _instants(wall: int, zone: ZoneInfo, fixed_time: bool) -> tuple[int, ...]:
    """The real instants (POSIX seconds) at which the wall-clock tick ``wall`` fires."""
    local = _EPOCH_NAIVE + timedelta(seconds=wall)
    first_offset = zone.utcoffset(local)
    second_offset = zone.utcoffset(local.replace(fold=1))
    first = wall - int(first_offset.total_seconds()) if first_offset is not None else wall
    second = wall - int(second_offset.total_seconds()) if second_offset is not None else wall
    if first == second:
        return (first,)
    if first < second:  # the wall time happens twice (fall back)
        return (second,) if fixed_time else (first, second)
    # The wall time does not exist (spring forward): ``second`` lies before the gap and
    # ``first`` after it.
    return (_gap_end(second, first, zone),) if fixed_time else ()


class _SteadyDays:
    """Remembers, per local day, the UTC offset of days that contain no transition."""

    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone
        self._midnight_offsets: dict[int, int] = {}

    def _midnight_offset(self, day: int) -> int:
        cached = self._midnight_offsets.get(day)
        if cached is None:
            if len(self._midnight_offsets) > 64:
                self._midnight_offsets.clear()
            offset = self._zone.utcoffset(_EPOCH_NAIVE + timedelta(days=day))
            cached = int(offset.total_seconds()) if offset is not None else 0
            self._midnight_offsets[day] = cached
        return cached

    def offset(self, day: int) -> int | None:
        """The offset in force all day long, or None when the day has a transition."""
        # Transitions come months apart, so equal offsets at both midnights mean none
        # happened in between.
        offset = self._midnight_offset(day)
        return offset if offset == self._midnight_offset(day + 1) else None


def _instant_keys(
    spec: _Spec, start: datetime, zone: ZoneInfo | None, ascending: bool
) -> Iterator[int]:
    """Sort keys of the instants of one cron string: POSIX seconds, negated when descending."""
    local_start = start.astimezone(zone or _UTC).replace(tzinfo=None, fold=0)
    since_epoch = local_start - _EPOCH_NAIVE
    wall_start = since_epoch.days * _DAY_SECONDS + since_epoch.seconds
    if not ascending and since_epoch.microseconds:
        wall_start += 1  # round up, so a tick in the same second as ``start`` is kept
    margin = _MAX_FALL_BACK_SECONDS if zone is not None else 0
    walls = _wall_ticks(spec, wall_start + (-margin if ascending else margin), ascending)
    if zone is None:
        yield from walls if ascending else (-wall for wall in walls)
        return
    sign = 1 if ascending else -1
    # Instants of successive wall ticks are sorted except inside a repeated hour, where the
    # second occurrences interleave with the first; a small heap puts them back in order.
    pending: list[int] = []
    last: int | None = None
    steady = _SteadyDays(zone)
    for wall in walls:
        offset = steady.offset(wall // _DAY_SECONDS)
        if offset is not None:
            instants: tuple[int, ...] = (wall - offset,)
        else:
            instants = _instants(wall, zone, spec.fixed_time)
        if len(instants) == 1 and not pending:
            key = sign * instants[0]
            if key != last:
                last = key
                yield key
            continue
        keys = [sign * instant for instant in instants]
        for key in keys:
            heapq.heappush(pending, key)
        floor = min(keys, default=None)
        while pending and floor is not None and pending[0] <= floor:
            key = heapq.heappop(pending)
            if key != last:
                last = key
                yield key
    for key in sorted(pending):
        if key != last:
            last = key
            yield key


def _merge(streams: Iterable[Iterator[int]]) -> Iterator[int]:
    last: int | None = None
    for key in heapq.merge(*streams):
        if key != last:
            last = key
            yield key


def cron_ticks(
    cron_schedule: CronSchedule,
    start: datetime,
    timezone: str = "UTC",
    *,
    ascending: bool = True,
) -> Iterator[datetime]:
    """Iterate over the ticks of a cron schedule, from ``start`` onwards (or backwards).

    Args:
        cron_schedule: a cron string, an alias or a list of them; see :mod:`this module
            <headwater.core.cron>` for the daylight-saving rules.
        start: the tick sequence begins strictly after this instant (strictly before it
            when ``ascending`` is false). A naive datetime is read as wall time in
            ``timezone``.
        timezone: IANA name of the zone the cron fields are read in.
        ascending: iterate forwards in time (default) or backwards.

    Returns:
        An iterator of time-zone-aware datetimes in ``timezone``, strictly increasing (or
        decreasing). It ends only for schedules that stop matching for 50 years.

    Raises:
        InvalidDefinitionError: the schedule or the time zone is invalid (raised at once,
            not on the first ``next``).
    """
    zone = get_timezone(timezone)
    instants = cron_tick_timestamps(cron_schedule, start, timezone, ascending=ascending)
    return (datetime.fromtimestamp(instant, zone) for instant in instants)


def cron_tick_timestamps(
    cron_schedule: CronSchedule,
    start: datetime,
    timezone: str = "UTC",
    *,
    ascending: bool = True,
) -> Iterator[int]:
    """Like :func:`cron_ticks`, but yield POSIX timestamps (whole seconds) of the ticks.

    Cheaper when ticks are only compared or stored.
    """
    specs = [_parse(cron_string) for cron_string in _as_list(cron_schedule)]
    zone_info = get_timezone(timezone)
    zone = None if timezone in ("UTC", "Etc/UTC") else zone_info
    aware_start = start if start.tzinfo is not None else start.replace(tzinfo=zone_info)
    bound = aware_start.timestamp()
    keys = _merge(_instant_keys(spec, aware_start, zone, ascending) for spec in specs)
    if ascending:
        return (key for key in keys if key > bound)
    return (-key for key in keys if -key < bound)


def next_tick(cron_schedule: CronSchedule, after: datetime, timezone: str = "UTC") -> datetime:
    """Return the first tick of ``cron_schedule`` strictly after ``after``.

    Raises:
        InvalidDefinitionError: the schedule or time zone is invalid, or it never ticks.
    """
    for tick in cron_ticks(cron_schedule, after, timezone):
        return tick
    raise InvalidDefinitionError(f"Cron schedule {cron_schedule!r} never ticks after {after}.")


def previous_tick(cron_schedule: CronSchedule, before: datetime, timezone: str = "UTC") -> datetime:
    """Return the last tick of ``cron_schedule`` strictly before ``before``.

    Raises:
        InvalidDefinitionError: the schedule or time zone is invalid, or it never ticked.
    """
    for tick in cron_ticks(cron_schedule, before, timezone, ascending=False):
        return tick
    raise InvalidDefinitionError(f"Cron schedule {cron_schedule!r} never ticks before {before}.")
