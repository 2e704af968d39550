"""Schedules derived from a partitioned job: one run per new partition.

For a time-window partitioned job the schedule ticks at the partitions' cadence (shifted by
``minute_of_hour`` / ``hour_of_day`` / ``day_of_week`` / ``day_of_month``) and each tick
requests the last partition that is complete at the tick's time. A multi-partitioned job
with one time-window dimension gets one run per key of that last time partition. For a
statically partitioned job the schedule needs a ``cron_schedule`` and each tick requests
every partition.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from headwater.definitions.automation.run_request import RunRequest, SkipReason
from headwater.definitions.automation.schedule_context import ScheduleEvaluationContext
from headwater.definitions.automation.schedules import (
    DefaultScheduleStatus,
    ScheduleDefinition,
    schedule,
)
from headwater.definitions.automation.target import is_job_like
from headwater.errors import InvalidDefinitionError

_PERMITTED = (
    "a time-window partitions definition (DailyPartitionsDefinition, "
    "HourlyPartitionsDefinition, WeeklyPartitionsDefinition, MonthlyPartitionsDefinition, "
    "TimeWindowPartitionsDefinition), a MultiPartitionsDefinition with exactly one "
    "time-window dimension, or a StaticPartitionsDefinition"
)


@dataclass(frozen=True)
class _Offsets:
    minute_of_hour: int | None = None
    hour_of_day: int | None = None
    day_of_week: int | None = None
    day_of_month: int | None = None

    def any(self) -> bool:
        values = (self.minute_of_hour, self.hour_of_day, self.day_of_week, self.day_of_month)
        return any(value is not None for value in values)


def _schedule_kind(fields: list[str]) -> str | None:
    """``hourly``/``daily``/``weekly``/``monthly`` for the plain cron shapes partitions use."""
    if len(fields) != 5 or fields[3] != "*" or not fields[0].isdigit():
        return None
    minute, hour, day, _, weekday = fields
    if hour == "*" and day == "*" and weekday == "*":
        return "hourly"
    if not hour.isdigit():
        return None
    if day == "*" and weekday == "*":
        return "daily"
    if day == "*" and weekday.isdigit():
        return "weekly"
    if day.isdigit() and weekday == "*":
        return "monthly"
    return None


def _check_range(name: str, what: str, value: int | None, low: int, high: int) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
    ):
        raise InvalidDefinitionError(
            f"Schedule '{name}' got {what}={value!r}; it must be an integer from {low} to {high}."
        )


def cron_with_offsets(name: str, cron: str, offsets: _Offsets) -> str:
    """The partitions' cron string with the minute, hour and day fields replaced."""
    if not offsets.any():
        return cron
    fields = cron.split()
    kind = _schedule_kind(fields)
    if kind is None:
        raise InvalidDefinitionError(
            f"Schedule '{name}': the partitions' cron schedule {cron!r} is not hourly, daily, "
            "weekly or monthly, so minute_of_hour/hour_of_day/day_of_week/day_of_month cannot "
            "shift it. Write a @schedule with your own cron_schedule instead."
        )
    _check_range(name, "minute_of_hour", offsets.minute_of_hour, 0, 59)
    _check_range(name, "hour_of_day", offsets.hour_of_day, 0, 23)
    _check_range(name, "day_of_week", offsets.day_of_week, 0, 6)
    _check_range(name, "day_of_month", offsets.day_of_month, 1, 31)
    allowed = {
        "hourly": {"minute_of_hour"},
        "daily": {"minute_of_hour", "hour_of_day"},
        "weekly": {"minute_of_hour", "hour_of_day", "day_of_week"},
        "monthly": {"minute_of_hour", "hour_of_day", "day_of_month"},
    }[kind]
    for arg in ("hour_of_day", "day_of_week", "day_of_month"):
        if getattr(offsets, arg) is not None and arg not in allowed:
            raise InvalidDefinitionError(
                f"Schedule '{name}' got {arg}, which {kind} partitions cannot use; "
                f"{kind} partitions accept {', '.join(sorted(allowed))}."
            )
    replacements = {
        0: offsets.minute_of_hour,
        1: offsets.hour_of_day,
        2: offsets.day_of_month,
        4: offsets.day_of_week,
    }
    for index, value in replacements.items():
        if value is not None:
            fields[index] = str(value)
    return " ".join(fields)


def _time_window_fn(
    partitions_def: Any, tags: Mapping[str, str] | None
) -> Callable[[ScheduleEvaluationContext], RunRequest | SkipReason]:
    def request_last_partition(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
        when = context.scheduled_execution_time
        key = partitions_def.get_last_partition_key(current_time=when)
        if key is None:
            return SkipReason(f"The job's partitions definition has no partition as of {when}.")
        return RunRequest(run_key=key, partition_key=key, tags=tags)

    return request_last_partition


def _static_fn(
    partitions_def: Any, tags: Mapping[str, str] | None
) -> Callable[[ScheduleEvaluationContext], list[RunRequest]]:
    def request_every_partition(context: ScheduleEvaluationContext) -> list[RunRequest]:
        return [
            RunRequest(run_key=key, partition_key=key, tags=tags)
            for key in partitions_def.get_partition_keys()
        ]

    return request_every_partition


def _time_dimension(partitions_def: Any) -> str | None:
    """The name of the one time-window dimension of a multi-partitions definition."""
    from headwater.definitions.partitions import TimeWindowPartitionsDefinition

    names = [
        dimension.name
        for dimension in partitions_def.partitions_defs
        if isinstance(dimension.partitions_def, TimeWindowPartitionsDefinition)
    ]
    return names[0] if len(names) == 1 else None


def _multi_fn(
    partitions_def: Any, time_dimension: str, tags: Mapping[str, str] | None
) -> Callable[[ScheduleEvaluationContext], list[RunRequest] | SkipReason]:
    time_def = partitions_def.get_partitions_def_for_dimension(time_dimension)

    def request_last_time_partition(
        context: ScheduleEvaluationContext,
    ) -> list[RunRequest] | SkipReason:
        when = context.scheduled_execution_time
        time_key = time_def.get_last_partition_key(current_time=when)
        if time_key is None:
            return SkipReason(f"The job's time dimension has no partition as of {when}.")
        keys = partitions_def.get_partition_keys(
            current_time=when, dynamic_partitions_store=context.instance_or_none
        )
        return [
            RunRequest(run_key=key, partition_key=key, tags=tags)
            for key in keys
            if key.keys_by_dimension[time_dimension] == time_key
        ]

    return request_last_time_partition


@dataclass(frozen=True)
class UnresolvedPartitionedScheduleDefinition:
    """A schedule for an asset job whose partitions come from its assets.

    The partitions are only known once the job's selection is resolved against the
    location's assets; ``Definitions`` then calls :meth:`resolve`.
    """

    name: str
    job: Any
    description: str | None
    default_status: DefaultScheduleStatus
    offsets: _Offsets
    tags: Mapping[str, str] | None

    @property
    def job_name(self) -> str:
        """The name of the job the schedule will launch."""
        return str(self.job.name)

    def resolve(self, partitions_def: Any) -> ScheduleDefinition:
        """Build the schedule now that the job's partitions definition is known."""
        return _build(
            self.job,
            partitions_def,
            self.name,
            self.description,
            self.default_status,
            self.offsets,
            self.tags,
            None,
            None,
        )


def _build(
    job: Any,
    partitions_def: Any,
    name: str,
    description: str | None,
    default_status: DefaultScheduleStatus,
    offsets: _Offsets,
    tags: Mapping[str, str] | None,
    cron_schedule: str | None,
    execution_timezone: str | None,
) -> ScheduleDefinition:
    from headwater.definitions.partitions import (
        MultiPartitionsDefinition,
        StaticPartitionsDefinition,
        TimeWindowPartitionsDefinition,
    )

    fn: Callable[[ScheduleEvaluationContext], Any]
    time_def: Any = None
    if isinstance(partitions_def, TimeWindowPartitionsDefinition):
        time_def = partitions_def
        fn = _time_window_fn(partitions_def, tags)
    elif isinstance(partitions_def, MultiPartitionsDefinition) and (
        dimension := _time_dimension(partitions_def)
    ):
        time_def = partitions_def.get_partitions_def_for_dimension(dimension)
        fn = _multi_fn(partitions_def, dimension, tags)
    if time_def is not None:
        if cron_schedule is not None or execution_timezone is not None:
            raise InvalidDefinitionError(
                f"Schedule '{name}': job '{job.name}' is time-partitioned, so the schedule "
                "follows its partitions; leave out cron_schedule and execution_timezone (use "
                "minute_of_hour, hour_of_day, day_of_week or day_of_month to shift it)."
            )
        cron_schedule = cron_with_offsets(name, time_def.cron_schedule, offsets)
        execution_timezone = time_def.timezone
    elif isinstance(partitions_def, StaticPartitionsDefinition):
        if cron_schedule is None:
            raise InvalidDefinitionError(
                f"Schedule '{name}': job '{job.name}' has static partitions, which have no "
                "cadence; pass cron_schedule='...' to say when to run every partition."
            )
        fn = _static_fn(partitions_def, tags)
    else:
        raise InvalidDefinitionError(
            f"Schedule '{name}': job '{job.name}' is partitioned by {partitions_def!r}; "
            f"build_schedule_from_partitioned_job supports {_PERMITTED}. Write a @schedule "
            "that returns RunRequest(partition_key=...) instead."
        )
    return schedule(
        cron_schedule=cron_schedule,
        job=job,
        name=name,
        execution_timezone=execution_timezone,
        description=description,
        default_status=default_status,
    )(fn)


def _is_asset_job(job: object) -> bool:
    from headwater.definitions.assets.asset_job import UnresolvedAssetJobDefinition

    return isinstance(job, UnresolvedAssetJobDefinition)


def build_schedule_from_partitioned_job(
    job: Any,
    description: str | None = None,
    name: str | None = None,
    minute_of_hour: int | None = None,
    hour_of_day: int | None = None,
    day_of_week: int | None = None,
    day_of_month: int | None = None,
    default_status: DefaultScheduleStatus = DefaultScheduleStatus.STOPPED,
    tags: Mapping[str, str] | None = None,
    cron_schedule: str | None = None,
    execution_timezone: str | None = None,
) -> ScheduleDefinition | UnresolvedPartitionedScheduleDefinition:
    """Build a schedule that runs a partitioned job once per new partition.

    Args:
        job: a job with time-window or static partitions (an asset job whose partitions
            come from its assets is resolved when ``Definitions`` is built).
        description: shown in the UI.
        name: the schedule's name; defaults to ``<job name>_schedule``.
        minute_of_hour: run at this minute instead of the partition boundary's.
        hour_of_day: run at this hour (daily, weekly and monthly partitions).
        day_of_week: run on this day, 0 = Sunday (weekly partitions).
        day_of_month: run on this day of the month (monthly partitions).
        default_status: whether the schedule runs as soon as its location is loaded.
        tags: tags added to each requested run.
        cron_schedule: when to run, for statically partitioned jobs only.
        execution_timezone: the cron schedule's time zone, for statically partitioned jobs.

    Each run request has the partition key as its ``partition_key`` and ``run_key``.
    """
    if not is_job_like(job):
        raise InvalidDefinitionError(
            f"build_schedule_from_partitioned_job needs a partitioned job; got {job!r}."
        )
    name = name or f"{job.name}_schedule"
    offsets = _Offsets(minute_of_hour, hour_of_day, day_of_week, day_of_month)
    if day_of_week is not None and day_of_month is not None:
        raise InvalidDefinitionError(
            f"Schedule '{name}' got both day_of_week and day_of_month; pass at most one."
        )
    if (cron_schedule is not None or execution_timezone is not None) and offsets.any():
        raise InvalidDefinitionError(
            f"Schedule '{name}' got cron_schedule/execution_timezone together with "
            "minute_of_hour/hour_of_day/day_of_week/day_of_month; use the first pair for "
            "statically partitioned jobs and the offsets for time-partitioned ones."
        )
    if job.partitions_def is None:
        if _is_asset_job(job):
            return UnresolvedPartitionedScheduleDefinition(
                name=name,
                job=job,
                description=description,
                default_status=default_status,
                offsets=offsets,
                tags=tags,
            )
        raise InvalidDefinitionError(
            f"Schedule '{name}': job '{job.name}' is not partitioned. Give the job a "
            "partitions_def, or use ScheduleDefinition(job=..., cron_schedule=...)."
        )
    return _build(
        job,
        job.partitions_def,
        name,
        description,
        default_status,
        offsets,
        tags,
        cron_schedule,
        execution_timezone,
    )


#: The name older Dagster code uses for the same helper.
schedule_from_partitions = build_schedule_from_partitioned_job
