"""What run-status sensors see: a read-only view of the run and of the event that changed it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from headwater.core.names import PARTITION_TAG
from headwater.core.run_status import RunStatus
from headwater.definitions.automation.instigation_context import InstigationContext
from headwater.errors import InvalidInvocationError

if TYPE_CHECKING:
    from headwater.definitions.config.resources import Resources


@dataclass(frozen=True)
class RunRecordView:
    """A run as user code sees it.

    Attributes:
        run_id: the run's id.
        job_name: the job it ran.
        status: its status.
        tags: its tags (``headwater/partition``, ``headwater/schedule_name``, ...).
        start_time: when it started, in seconds since the epoch.
        end_time: when it finished, in seconds since the epoch.
        failure_message: why it failed, for a failed run.
    """

    run_id: str
    job_name: str
    status: RunStatus
    tags: Mapping[str, str] = field(default_factory=dict)
    start_time: float | None = None
    end_time: float | None = None
    failure_message: str | None = None

    @property
    def partition_key(self) -> str | None:
        """The partition the run ran, if any."""
        return self.tags.get(PARTITION_TAG)

    @property
    def is_finished(self) -> bool:
        """Whether the run has reached a final status."""
        return self.status.is_finished


@dataclass(frozen=True)
class RunEventView:
    """The event that moved a run to the status a sensor watches.

    Attributes:
        event_type: the event's type, e.g. ``"RUN_FAILURE"`` or ``"RUN_SUCCESS"``.
        message: the event's message (for a failure, why the run failed).
        timestamp: when it was logged, in seconds since the epoch.
        step_key: the step that logged it, if any.
    """

    event_type: str
    message: str | None = None
    timestamp: float | None = None
    step_key: str | None = None

    @property
    def event_type_value(self) -> str:
        """The event type as a string (the name Dagster code reads)."""
        return self.event_type


class RunStatusSensorContext(InstigationContext):
    """Handed to a run-status sensor function, once per run that reached the watched status.

    Args:
        sensor_name: the sensor being evaluated.
        dagster_run: the run.
        dagster_event: the event that moved the run to its status.
        instance: the headwater instance, when evaluated by the daemon.
        resources: the resources the function may use.
        log: the logger to use; by default one named after the sensor.
    """

    _kind = "sensor"

    def __init__(
        self,
        sensor_name: str,
        dagster_run: RunRecordView,
        dagster_event: RunEventView | None = None,
        instance: Any = None,
        resources: Mapping[str, Any] | Resources | None = None,
        log: logging.Logger | None = None,
    ) -> None:
        super().__init__(
            name=sensor_name,
            resources=resources,
            instance=instance,
            log=log,
            repository_name=None,
        )
        self._dagster_run = dagster_run
        self._dagster_event = dagster_event

    @property
    def sensor_name(self) -> str:
        """The sensor's name."""
        return self._name or ""

    @property
    def dagster_run(self) -> RunRecordView:
        """The run that reached the watched status."""
        return self._dagster_run

    @property
    def dagster_event(self) -> RunEventView | None:
        """The event that moved the run to that status."""
        return self._dagster_event

    _partition_key_override: str | None = None

    @property
    def partition_key(self) -> str | None:
        """The partition the run ran, if any."""
        return self._partition_key_override or self._dagster_run.partition_key


class RunFailureSensorContext(RunStatusSensorContext):
    """Handed to a run-failure sensor function."""

    @property
    def failure_event(self) -> RunEventView | None:
        """The run's failure event; its ``message`` says why the run failed."""
        return self._dagster_event


def build_run_status_sensor_context(
    sensor_name: str,
    dagster_event: RunEventView | None = None,
    dagster_instance: Any = None,
    dagster_run: RunRecordView | None = None,
    context: Any = None,
    resources: Mapping[str, Any] | None = None,
    partition_key: str | None = None,
) -> RunFailureSensorContext:
    """Build a run-status sensor context for testing a run-status or run-failure sensor.

    The arguments are Dagster's, in its order (``sensor_name``, ``dagster_event``,
    ``dagster_instance``, ``dagster_run``); the context also has ``failure_event``, so it
    suits both kinds of sensor. ``context`` (a sensor context) lends its instance and
    resources when those are not given.
    """
    if dagster_run is None:
        raise InvalidInvocationError(
            "build_run_status_sensor_context needs dagster_run=: the run whose status the "
            "sensor reacts to."
        )
    if context is not None:
        dagster_instance = dagster_instance or getattr(context, "instance", None)
        resources = resources if resources is not None else getattr(
            context, "resource_defs", None)
    built = RunFailureSensorContext(
        sensor_name=sensor_name,
        dagster_run=dagster_run,
        dagster_event=dagster_event,
        instance=dagster_instance,
        resources=resources,
    )
    if partition_key is not None:
        built._partition_key_override = partition_key
    return built
