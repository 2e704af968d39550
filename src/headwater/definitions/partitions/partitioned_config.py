"""PartitionedConfig: a job's run config computed from the partition a run targets.

    @daily_partitioned_config(start_date="2024-01-01")
    def my_config(start: datetime, end: datetime) -> dict:
        return {"ops": {"load": {"config": {"date": start.strftime("%Y-%m-%d")}}}}

    @job(config=my_config)          # the job gets my_config.partitions_def
    def my_job(): ...

A run of the job for a partition (launched, scheduled or backfilled) runs with that
partition's config, with any run config given at launch merged over it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from headwater.definitions.partitions.base import PartitionsDefinition
from headwater.definitions.partitions.dynamic import DynamicPartitionsDefinition
from headwater.definitions.partitions.static import StaticPartitionsDefinition
from headwater.definitions.partitions.time_keys import DateLike
from headwater.definitions.partitions.time_window import TimeWindowPartitionsDefinition
from headwater.definitions.partitions.time_window_presets import (
    DailyPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    WeeklyPartitionsDefinition,
)
from headwater.errors import InvalidDefinitionError, user_code_boundary

__all__ = [
    "PartitionedConfig",
    "daily_partitioned_config",
    "dynamic_partitioned_config",
    "hourly_partitioned_config",
    "monthly_partitioned_config",
    "partitioned_config",
    "static_partitioned_config",
    "weekly_partitioned_config",
]

ConfigFn = Callable[..., Mapping[str, Any]]
TagsFn = Callable[..., Mapping[str, str]]


class PartitionedConfig:
    """Run config (and tags) per partition of ``partitions_def``.

    Args:
        partitions_def: the partitions the job gets.
        run_config_for_partition_key_fn: partition key -> run config.
        tags_for_partition_key_fn: partition key -> run tags.
        decorated_fn: the user's function (called by ``__call__``).
        run_config_for_partition_fn / tags_for_partition_fn: accepted for older code; they
            get the key too.
    """

    def __init__(
        self,
        partitions_def: PartitionsDefinition,
        run_config_for_partition_fn: ConfigFn | None = None,
        decorated_fn: Callable[..., Any] | None = None,
        tags_for_partition_fn: TagsFn | None = None,
        run_config_for_partition_key_fn: ConfigFn | None = None,
        tags_for_partition_key_fn: TagsFn | None = None,
    ) -> None:
        if not isinstance(partitions_def, PartitionsDefinition):
            raise InvalidDefinitionError(
                f"PartitionedConfig needs a PartitionsDefinition; got {partitions_def!r}.")
        config_fn = run_config_for_partition_key_fn or run_config_for_partition_fn
        if config_fn is None:
            raise InvalidDefinitionError(
                "PartitionedConfig needs run_config_for_partition_key_fn (partition key -> "
                "run config).")
        self.partitions_def = partitions_def
        self._config_fn = config_fn
        self._tags_fn = tags_for_partition_key_fn or tags_for_partition_fn
        self.decorated_fn = decorated_fn

    @property
    def name(self) -> str:
        """The decorated function's name (or ``partitioned_config``)."""
        return getattr(self.decorated_fn, "__name__", "partitioned_config")

    def get_run_config_for_partition_key(self, partition_key: str) -> dict[str, Any]:
        """The run config of ``partition_key``.

        Raises:
            UserCodeError: the user's function raised; the message names it and the key.
        """
        with user_code_boundary(f"partitioned config '{self.name}' for partition "
                                f"'{partition_key}'"):
            config = self._config_fn(partition_key)
        if not isinstance(config, Mapping):
            raise InvalidDefinitionError(
                f"Partitioned config '{self.name}' returned {config!r} for partition "
                f"'{partition_key}'; return a run config dict.")
        return dict(config)

    def get_tags_for_partition_key(
        self, partition_key: str, job_name: str | None = None
    ) -> dict[str, str]:
        """The run tags of ``partition_key`` (empty without a tags function)."""
        if self._tags_fn is None:
            return {}
        with user_code_boundary(f"tags of partitioned config '{self.name}' for partition "
                                f"'{partition_key}'"):
            tags = self._tags_fn(partition_key)
        return {str(key): str(value) for key, value in dict(tags or {}).items()}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.decorated_fn is None:
            raise InvalidDefinitionError(f"Partitioned config '{self.name}' has no function.")
        return self.decorated_fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"PartitionedConfig({self.name!r}, {self.partitions_def!r})"


def _time_config(definition: TimeWindowPartitionsDefinition, fn: Callable[..., Any],
                 tags_fn: Callable[..., Any] | None) -> PartitionedConfig:
    def config_for_key(key: str) -> Mapping[str, Any]:
        window = definition.time_window_for_partition_key(key)
        result: Mapping[str, Any] = fn(window.start, window.end)
        return result

    tags_for_key = None
    if tags_fn is not None:
        def tags_for_key(key: str) -> Mapping[str, str]:
            window = definition.time_window_for_partition_key(key)
            result: Mapping[str, str] = tags_fn(window.start, window.end)
            return result

    return PartitionedConfig(definition, run_config_for_partition_key_fn=config_for_key,
                             tags_for_partition_key_fn=tags_for_key, decorated_fn=fn)


def _time_decorator(
    make: Callable[[], TimeWindowPartitionsDefinition], tags_fn: Callable[..., Any] | None
) -> Callable[[Callable[[datetime, datetime], Mapping[str, Any]]], PartitionedConfig]:
    def decorate(fn: Callable[[datetime, datetime], Mapping[str, Any]]) -> PartitionedConfig:
        _check_arity(fn, 2, "(start: datetime, end: datetime)")
        return _time_config(make(), fn, tags_fn)

    return decorate


def _check_arity(fn: Callable[..., Any], count: int, shape: str) -> None:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    if len(parameters) != count:
        raise InvalidDefinitionError(
            f"Partitioned config function '{getattr(fn, '__name__', fn)}' must take {shape}.")


def hourly_partitioned_config(
    start_date: DateLike, minute_offset: int = 0, timezone: str | None = None,
    fmt: str | None = None, end_offset: int = 0,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None = None,
    exclusions: Sequence[str | datetime] | None = None,
) -> Callable[[Callable[[datetime, datetime], Mapping[str, Any]]], PartitionedConfig]:
    """Config per hour: the function gets the hour's ``(start, end)``."""
    return _time_decorator(lambda: HourlyPartitionsDefinition(
        start_date, minute_offset=minute_offset, timezone=timezone, fmt=fmt,
        end_offset=end_offset, exclusions=exclusions), tags_for_partition_fn)


def daily_partitioned_config(
    start_date: DateLike, minute_offset: int = 0, hour_offset: int = 0,
    timezone: str | None = None, fmt: str | None = None, end_offset: int = 0,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None = None,
    exclusions: Sequence[str | datetime] | None = None,
) -> Callable[[Callable[[datetime, datetime], Mapping[str, Any]]], PartitionedConfig]:
    """Config per day: the function gets the day's ``(start, end)``."""
    return _time_decorator(lambda: DailyPartitionsDefinition(
        start_date, minute_offset=minute_offset, hour_offset=hour_offset, timezone=timezone,
        fmt=fmt, end_offset=end_offset, exclusions=exclusions), tags_for_partition_fn)


def weekly_partitioned_config(
    start_date: DateLike, minute_offset: int = 0, hour_offset: int = 0, day_offset: int = 0,
    timezone: str | None = None, fmt: str | None = None, end_offset: int = 0,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None = None,
    exclusions: Sequence[str | datetime] | None = None,
) -> Callable[[Callable[[datetime, datetime], Mapping[str, Any]]], PartitionedConfig]:
    """Config per week: the function gets the week's ``(start, end)``."""
    return _time_decorator(lambda: WeeklyPartitionsDefinition(
        start_date, minute_offset=minute_offset, hour_offset=hour_offset,
        day_offset=day_offset, timezone=timezone, fmt=fmt, end_offset=end_offset,
        exclusions=exclusions), tags_for_partition_fn)


def monthly_partitioned_config(
    start_date: DateLike, minute_offset: int = 0, hour_offset: int = 0, day_offset: int = 1,
    timezone: str | None = None, fmt: str | None = None, end_offset: int = 0,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None = None,
    exclusions: Sequence[str | datetime] | None = None,
) -> Callable[[Callable[[datetime, datetime], Mapping[str, Any]]], PartitionedConfig]:
    """Config per month: the function gets the month's ``(start, end)``."""
    return _time_decorator(lambda: MonthlyPartitionsDefinition(
        start_date, minute_offset=minute_offset, hour_offset=hour_offset,
        day_offset=day_offset, timezone=timezone, fmt=fmt, end_offset=end_offset,
        exclusions=exclusions), tags_for_partition_fn)


def static_partitioned_config(
    partition_keys: Sequence[str],
    tags_for_partition_fn: Callable[[str], Mapping[str, str]] | None = None,
    tags_for_partition_key_fn: Callable[[str], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[str], Mapping[str, Any]]], PartitionedConfig]:
    """Config per key of a fixed list: the function gets the key."""
    definition = StaticPartitionsDefinition(partition_keys)
    return partitioned_config(definition, tags_for_partition_key_fn or tags_for_partition_fn)


def dynamic_partitioned_config(
    partitions_def: DynamicPartitionsDefinition | Callable[..., Sequence[str]],
    tags_for_partition_fn: Callable[[str], Mapping[str, str]] | None = None,
    tags_for_partition_key_fn: Callable[[str], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[str], Mapping[str, Any]]], PartitionedConfig]:
    """Config per key of dynamic partitions: the function gets the key.

    Give the ``DynamicPartitionsDefinition`` whose keys live in the instance (Dagster's
    older ``partition_fn`` form, a function listing the keys, is read once at load time).
    """
    definition: PartitionsDefinition
    if isinstance(partitions_def, PartitionsDefinition):
        definition = partitions_def
    elif callable(partitions_def):
        with user_code_boundary("the partition_fn of dynamic_partitioned_config"):
            keys = list(partitions_def(None))
        definition = StaticPartitionsDefinition(keys)
    else:
        raise InvalidDefinitionError(
            "dynamic_partitioned_config takes a DynamicPartitionsDefinition; got "
            f"{partitions_def!r}.")
    return partitioned_config(definition, tags_for_partition_key_fn or tags_for_partition_fn)


def partitioned_config(
    partitions_def: PartitionsDefinition,
    tags_for_partition_key_fn: Callable[[str], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[str], Mapping[str, Any]]], PartitionedConfig]:
    """Config per key of ``partitions_def``: the function gets the key."""

    def decorate(fn: Callable[[str], Mapping[str, Any]]) -> PartitionedConfig:
        _check_arity(fn, 1, "(partition_key: str)")
        return PartitionedConfig(partitions_def, run_config_for_partition_key_fn=fn,
                                 tags_for_partition_key_fn=tags_for_partition_key_fn,
                                 decorated_fn=fn)

    return decorate
