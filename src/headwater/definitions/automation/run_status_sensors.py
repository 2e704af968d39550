"""Run-status sensors: react to runs reaching a status (success, failure, ...).

The daemon watches run status changes; for each run that reached the sensor's status in a
job the sensor monitors (:meth:`RunStatusSensorDefinition.monitors`), it builds a context
(:meth:`RunStatusSensorDefinition.build_context`) and calls
:meth:`RunStatusSensorDefinition.evaluate_for_run`. The function may request runs of its
``request_job`` / ``request_jobs``, skip, or just act (send an alert) and return ``None``.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any, ClassVar, overload

from headwater.core.run_status import RunStatus
from headwater.definitions.automation.instigation_fn import (
    call_and_collect,
    check_required_resources,
    resource_kwargs,
)
from headwater.definitions.automation.run_status_sensor_context import (
    RunEventView,
    RunFailureSensorContext,
    RunRecordView,
    RunStatusSensorContext,
)
from headwater.definitions.automation.sensor_contexts import SensorEvaluationContext
from headwater.definitions.automation.sensor_results import (
    SensorEvaluationResult,
    interpret_sensor_items,
)
from headwater.definitions.automation.sensors import (
    DEFAULT_MINIMUM_INTERVAL_SECONDS,
    DefaultSensorStatus,
    SensorDefinition,
)
from headwater.definitions.automation.target import is_job_like
from headwater.errors import InvalidDefinitionError


def _coerce_run_status(name: str | None, value: object) -> RunStatus:
    try:
        return RunStatus(value)
    except ValueError:
        allowed = ", ".join(f"RunStatus.{status.name}" for status in RunStatus)
        raise InvalidDefinitionError(
            f"Run status sensor {name!r} got run_status={value!r}; use one of {allowed}."
        ) from None


def _monitored_names(name: str | None, jobs: Sequence[object] | None) -> tuple[str, ...]:
    if jobs is None:
        return ()
    if isinstance(jobs, str) or not isinstance(jobs, Sequence):
        raise InvalidDefinitionError(
            f"Run status sensor {name!r} got monitored_jobs={jobs!r}; pass a list of jobs or "
            "job names."
        )
    names: list[str] = []
    for job in jobs:
        if isinstance(job, str):
            names.append(job)
        elif is_job_like(job):
            names.append(job.name)  # type: ignore[attr-defined]
        else:
            raise InvalidDefinitionError(
                f"Run status sensor {name!r} got {job!r} in monitored_jobs; pass job objects "
                "or job names."
            )
    return tuple(names)


class RunStatusSensorDefinition(SensorDefinition):
    """A sensor called once for each run that reaches ``run_status``.

    Args:
        name: the sensor's name; defaults to the function's name.
        run_status: the status to react to.
        run_status_sensor_fn: ``fn(context)`` with a :class:`RunStatusSensorContext`; it
            returns ``RunRequest`` objects, a ``SkipReason`` or ``None``.
        monitored_jobs: the jobs (or job names) to watch; by default every job of the
            sensor's code location.
        monitor_all_code_locations: watch the jobs of every code location.
        request_job: the job the function's run requests launch.
        request_jobs: several such jobs; each RunRequest then names its ``job_name``.
        Other arguments as for :class:`SensorDefinition`.
    """

    sensor_type: ClassVar[str] = "run_status"
    _kind: ClassVar[str] = "Run status sensor"

    def __init__(
        self,
        name: str | None = None,
        *,
        run_status: RunStatus,
        run_status_sensor_fn: Callable[..., Any],
        minimum_interval_seconds: int | None = DEFAULT_MINIMUM_INTERVAL_SECONDS,
        description: str | None = None,
        monitored_jobs: Sequence[object] | None = None,
        monitor_all_code_locations: bool = False,
        request_job: object = None,
        request_jobs: Sequence[object] | None = None,
        default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
        required_resource_keys: Set[str] | None = None,
        tags: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self._run_status = _coerce_run_status(name, run_status)
        if request_job is not None and request_jobs is not None:
            raise InvalidDefinitionError(
                f"Run status sensor {name!r} got both request_job and request_jobs; pass one."
            )
        if monitor_all_code_locations and monitored_jobs:
            raise InvalidDefinitionError(
                f"Run status sensor {name!r} got monitored_jobs and "
                "monitor_all_code_locations=True; pass one of them."
            )
        self._monitored_job_names = _monitored_names(name, monitored_jobs)
        self._monitor_all_code_locations = bool(monitor_all_code_locations)
        super().__init__(
            name,
            evaluation_fn=run_status_sensor_fn,
            minimum_interval_seconds=minimum_interval_seconds,
            description=description,
            job=request_job,
            jobs=request_jobs,
            default_status=default_status,
            required_resource_keys=required_resource_keys,
            tags=tags,
            metadata=metadata,
        )

    @property
    def run_status(self) -> RunStatus:
        """The run status the sensor reacts to."""
        return self._run_status

    @property
    def monitored_job_names(self) -> tuple[str, ...]:
        """The jobs watched; empty means every job of the sensor's code location."""
        return self._monitored_job_names

    @property
    def monitor_all_code_locations(self) -> bool:
        """Whether runs of every code location are watched."""
        return self._monitor_all_code_locations

    def monitors(self, run: RunRecordView) -> bool:
        """Whether ``run`` is one the sensor reacts to: right status, monitored job.

        The code-location scope (own location unless ``monitor_all_code_locations``) is
        the daemon's to apply, since a run view does not say which location ran it.
        """
        if run.status != self._run_status:
            return False
        return not self._monitored_job_names or run.job_name in self._monitored_job_names

    def build_context(
        self,
        dagster_run: RunRecordView,
        dagster_event: RunEventView | None = None,
        instance: Any = None,
        resources: Mapping[str, Any] | None = None,
        log: logging.Logger | None = None,
    ) -> RunStatusSensorContext:
        """The context for evaluating the sensor on ``dagster_run``.

        A failure sensor gets a :class:`RunFailureSensorContext` (with ``failure_event``).
        """
        cls = (
            RunFailureSensorContext
            if self._run_status is RunStatus.FAILURE
            else RunStatusSensorContext
        )
        return cls(self.name, dagster_run, dagster_event, instance, resources, log)

    def evaluate_tick(self, context: SensorEvaluationContext) -> SensorEvaluationResult:
        """Not used for run-status sensors: they are evaluated once per run.

        Raises:
            InvalidDefinitionError: always; call :meth:`evaluate_for_run` instead.
        """
        raise InvalidDefinitionError(
            f"Run status sensor '{self.name}' is evaluated once per run: call "
            "evaluate_for_run(sensor.build_context(run, event)) instead of evaluate_tick()."
        )

    def evaluate_for_run(self, context: RunStatusSensorContext) -> SensorEvaluationResult:
        """Call the sensor function for one run.

        Returns:
            The run requests (job name and sensor tags filled in) or the skip message.
            A function that returns ``None`` (e.g. after sending an alert) skips.

        Raises:
            UserCodeError: the function raised.
            InvalidOutputError: it returned something else than RunRequests, a SkipReason
                or None, or a request whose job cannot be determined.
        """
        if not isinstance(context, RunStatusSensorContext):
            raise InvalidDefinitionError(
                f"Run status sensor '{self.name}'.evaluate_for_run() needs a "
                f"RunStatusSensorContext; got {context!r}. Build one with "
                "sensor.build_context(run) or build_run_status_sensor_context()."
            )
        check_required_resources(
            self._kind, self.name, self._explicit_resource_keys, context.resources
        )
        items = call_and_collect(
            f"run status sensor '{self.name}'",
            self._shape.call,
            (context,),
            resource_kwargs(self._kind, self.name, self._shape, context.resources),
        )
        outcome = interpret_sensor_items(
            self.name, items, None, kind=self._kind, allow_sensor_result=False
        )
        return self._finalize(outcome)


def run_status_sensor(
    run_status: RunStatus,
    *,
    name: str | None = None,
    monitored_jobs: Sequence[object] | None = None,
    monitor_all_code_locations: bool = False,
    request_job: object = None,
    request_jobs: Sequence[object] | None = None,
    minimum_interval_seconds: int | None = None,
    description: str | None = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
    required_resource_keys: Set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], RunStatusSensorDefinition]:
    """Turn ``fn(context)`` into a sensor called for each run that reaches ``run_status``.

    Args:
        run_status: the status to react to, e.g. ``RunStatus.SUCCESS``.
        name: the sensor's name; defaults to the function's name.
        monitored_jobs: the jobs to watch; by default every job of the code location.
        monitor_all_code_locations: watch the jobs of every code location.
        request_job: the job the function's RunRequests launch.
        request_jobs: several such jobs; each RunRequest then names its ``job_name``.
        minimum_interval_seconds: the least time between two ticks (default 30).
        description: shown in the UI; defaults to the function's docstring.
        default_status: whether the sensor runs as soon as its location is loaded.
        required_resource_keys: resources read from ``context.resources``.
        tags: tags of the sensor.
        metadata: arbitrary metadata about the sensor.
    """

    def decorate(fn: Callable[..., Any]) -> RunStatusSensorDefinition:
        return RunStatusSensorDefinition(
            name or fn.__name__,
            run_status=run_status,
            run_status_sensor_fn=fn,
            minimum_interval_seconds=minimum_interval_seconds,
            description=description or inspect.getdoc(fn) or None,
            monitored_jobs=monitored_jobs,
            monitor_all_code_locations=monitor_all_code_locations,
            request_job=request_job,
            request_jobs=request_jobs,
            default_status=default_status,
            required_resource_keys=required_resource_keys,
            tags=tags,
            metadata=metadata,
        )

    return decorate


@overload
def run_failure_sensor(name: Callable[..., Any]) -> RunStatusSensorDefinition: ...


@overload
def run_failure_sensor(
    name: str | None = None,
    *,
    monitored_jobs: Sequence[object] | None = None,
    monitor_all_code_locations: bool = False,
    request_job: object = None,
    request_jobs: Sequence[object] | None = None,
    minimum_interval_seconds: int | None = None,
    description: str | None = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
    required_resource_keys: Set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], RunStatusSensorDefinition]: ...


def run_failure_sensor(
    name: str | Callable[..., Any] | None = None,
    *,
    monitored_jobs: Sequence[object] | None = None,
    monitor_all_code_locations: bool = False,
    request_job: object = None,
    request_jobs: Sequence[object] | None = None,
    minimum_interval_seconds: int | None = None,
    description: str | None = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
    required_resource_keys: Set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """Turn ``fn(context)`` into a sensor called for each failed run.

    Usable bare (``@run_failure_sensor``) or with arguments. The context is a
    :class:`RunFailureSensorContext`: ``context.dagster_run`` is the run and
    ``context.failure_event.message`` says why it failed. Arguments as for
    :func:`run_status_sensor`, without ``run_status``.
    """
    decorator = run_status_sensor(
        RunStatus.FAILURE,
        name=None if callable(name) else name,
        monitored_jobs=monitored_jobs,
        monitor_all_code_locations=monitor_all_code_locations,
        request_job=request_job,
        request_jobs=request_jobs,
        minimum_interval_seconds=minimum_interval_seconds,
        description=description,
        default_status=default_status,
        required_resource_keys=required_resource_keys,
        tags=tags,
        metadata=metadata,
    )
    return decorator(name) if callable(name) else decorator
