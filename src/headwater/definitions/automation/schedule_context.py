"""The context a schedule function receives, and the helper that builds one in tests."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from headwater.definitions.automation.instigation_context import InstigationContext
from headwater.errors import HeadwaterError, InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.config.resources import Resources


class ScheduleEvaluationContext(InstigationContext):
    """Handed to a schedule function on each tick.

    Build one in tests with :func:`build_schedule_context`.

    Args:
        scheduled_execution_time: the tick's time. While the schedule evaluates, it is
            tz-aware in the schedule's ``execution_timezone`` (a naive time is read as a time
            in that zone).
        resources: the resources the function may use, a dict or ``Resources``.
        instance: the headwater instance, when evaluated by the daemon.
        log: the logger to use; by default one named after the schedule.
        schedule_name: the schedule being evaluated.
        repository_name: the code location's repository name.
    """

    _kind = "schedule"

    def __init__(
        self,
        scheduled_execution_time: datetime | None,
        resources: Mapping[str, Any] | Resources | None = None,
        instance: Any = None,
        log: logging.Logger | None = None,
        *,
        schedule_name: str | None = None,
        repository_name: str | None = None,
    ) -> None:
        if scheduled_execution_time is not None and not isinstance(
            scheduled_execution_time, datetime
        ):
            raise InvalidDefinitionError(
                f"scheduled_execution_time={scheduled_execution_time!r} is not a datetime; "
                "pass e.g. datetime(2024, 1, 1, 6, tzinfo=timezone.utc)."
            )
        super().__init__(
            name=schedule_name,
            resources=resources,
            instance=instance,
            log=log,
            repository_name=repository_name,
        )
        self._scheduled_execution_time = scheduled_execution_time

    @property
    def scheduled_execution_time(self) -> datetime:
        """The time the tick was scheduled for (the actual evaluation may come a bit later).

        Raises:
            HeadwaterError: when the context was built without one.
        """
        if self._scheduled_execution_time is None:
            raise HeadwaterError(
                "This schedule context has no scheduled_execution_time. Pass "
                "scheduled_execution_time=datetime(...) to build_schedule_context()."
            )
        return self._scheduled_execution_time

    @property
    def has_scheduled_execution_time(self) -> bool:
        """Whether a scheduled execution time was given."""
        return self._scheduled_execution_time is not None

    @property
    def schedule_name(self) -> str | None:
        """The name of the schedule being evaluated, when known."""
        return self._name

    def bound_to(self, schedule_name: str, timezone: str) -> ScheduleEvaluationContext:
        """A copy for evaluating ``schedule_name``: its name set, its time in ``timezone``."""
        when = self._scheduled_execution_time
        if when is not None:
            zone = ZoneInfo(timezone)
            when = when.replace(tzinfo=zone) if when.tzinfo is None else when.astimezone(zone)
        return ScheduleEvaluationContext(
            when,
            self._resources,
            self._instance,
            self._log,
            schedule_name=self._name or schedule_name,
            repository_name=self._repository_name,
        )


def build_schedule_context(
    instance: Any = None,
    scheduled_execution_time: datetime | None = None,
    resources: Mapping[str, Any] | None = None,
    *,
    repository_name: str | None = None,
    schedule_name: str | None = None,
) -> ScheduleEvaluationContext:
    """Build a schedule context for testing a schedule function.

    Args:
        instance: a headwater instance, if the function uses one.
        scheduled_execution_time: the tick's time; a naive time is read in the schedule's
            time zone when the schedule is evaluated with ``evaluate_tick``.
        resources: resources by key, e.g. ``{"warehouse": FakeWarehouse()}``.
        repository_name: the repository name the function may read.
        schedule_name: the schedule's name (filled in by ``evaluate_tick`` otherwise).

    Example:
        ``my_schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=dt))``
    """
    return ScheduleEvaluationContext(
        scheduled_execution_time,
        resources,
        instance,
        schedule_name=schedule_name,
        repository_name=repository_name,
    )
