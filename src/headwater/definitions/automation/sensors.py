"""Sensors: functions the daemon calls every few seconds to decide whether to launch runs.

A sensor function takes a :class:`SensorEvaluationContext` (plus resources by parameter
name) and returns or yields ``RunRequest`` objects, a ``SkipReason``, a ``SensorResult`` or
``None``. Its cursor, a string, carries state from one tick to the next.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence, Set
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, overload

from headwater.definitions.automation.instigation_fn import (
    FunctionShape,
    call_and_collect,
    check_required_resources,
    inspect_user_fn,
    pop_framework_args,
    required_resource_keys_for,
    resource_kwargs,
)
from headwater.definitions.automation.run_request import normalize_tags
from headwater.definitions.automation.sensor_contexts import (
    SensorEvaluationContext,
    build_sensor_context,
)
from headwater.definitions.automation.sensor_results import (
    SensorEvaluationResult,
    finalize_sensor_requests,
    interpret_sensor_items,
)
from headwater.definitions.automation.target import (
    AutomationTarget,
    check_valid_name,
    coerce_default_status,
    is_job_like,
    resolve_targets,
)
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.selection.asset_selection import AssetSelection

__all__ = [
    "DefaultSensorStatus",
    "SensorDefinition",
    "SensorEvaluationContext",
    "SensorEvaluationResult",
    "build_sensor_context",
    "sensor",
]

DEFAULT_MINIMUM_INTERVAL_SECONDS = 30


class DefaultSensorStatus(str, Enum):
    """Whether a sensor is running when its code location is first loaded."""

    RUNNING = "RUNNING"
    STOPPED = "STOPPED"


def _check_interval(name: str, value: object) -> int:
    if value is None:
        return DEFAULT_MINIMUM_INTERVAL_SECONDS
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidDefinitionError(
            f"Sensor '{name}' got minimum_interval_seconds={value!r}; pass a whole number of "
            "seconds, at least 1 (the default is 30)."
        )
    return value


class SensorDefinition:
    """A function the daemon evaluates periodically to request runs.

    Args:
        name: the sensor's name; defaults to the function's name.
        evaluation_fn: the sensor function (see the module docstring).
        minimum_interval_seconds: the least time between two ticks (default 30).
        description: shown in the UI.
        job: the job the sensor's run requests launch.
        job_name: the name of that job, when the object is not at hand.
        jobs: several jobs; each RunRequest then names its ``job_name``.
        target: a job, or assets / an ``AssetSelection`` (built into an implicit job).
        default_status: whether the sensor runs as soon as its location is loaded.
        asset_selection: assets the sensor's run requests materialize, without a job.
        required_resource_keys: resources read from ``context.resources``.
        tags: tags of the sensor.
        metadata: arbitrary metadata about the sensor.
    """

    #: What the snapshot records about the sensor's kind: standard, asset or run_status.
    sensor_type: ClassVar[str] = "standard"
    _framework_args: ClassVar[int] = 1
    _kind: ClassVar[str] = "Sensor"

    def __init__(
        self,
        name: str | None = None,
        *,
        evaluation_fn: Callable[..., Any],
        minimum_interval_seconds: int | None = DEFAULT_MINIMUM_INTERVAL_SECONDS,
        description: str | None = None,
        job: object = None,
        job_name: str | None = None,
        jobs: Sequence[object] | None = None,
        target: object = None,
        default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
        asset_selection: object = None,
        required_resource_keys: Set[str] | None = None,
        tags: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if not callable(evaluation_fn):
            raise InvalidDefinitionError(
                f"Sensor {name!r} needs an evaluation_fn function; got {evaluation_fn!r}."
            )
        self._name = check_valid_name(self._kind, name or evaluation_fn.__name__)
        self._shape: FunctionShape = inspect_user_fn(
            evaluation_fn, kind=self._kind, name=self._name, framework_args=self._framework_args
        )
        self._min_interval = _check_interval(self._name, minimum_interval_seconds)
        self._description = description
        self._targets = resolve_targets(
            self._kind, self._name, job=job, job_name=job_name, jobs=jobs, target=target
        )
        self._asset_selection = self._coerce_asset_selection(asset_selection)
        self._default_status: DefaultSensorStatus = coerce_default_status(
            self._kind, self._name, default_status, DefaultSensorStatus
        )
        self._explicit_resource_keys = frozenset(required_resource_keys or ())
        self._required_resource_keys = required_resource_keys_for(
            self._kind, self._name, required_resource_keys, self._shape
        )
        self._tags = normalize_tags(tags, f"{self._kind} '{self._name}'")
        self._metadata = dict(metadata or {})

    def _coerce_asset_selection(self, value: object) -> AssetSelection | None:
        if value is None:
            return None
        if self._targets:
            raise InvalidDefinitionError(
                f"Sensor '{self._name}' got asset_selection together with a job or target; "
                "pass one of them."
            )
        from headwater.definitions.selection.asset_selection import coerce_selection

        return coerce_selection(value)  # type: ignore[arg-type]

    # -- attributes -----------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The sensor's name."""
        return self._name

    @property
    def evaluation_fn(self) -> Callable[..., Any]:
        """The user function."""
        return self._shape.fn

    @property
    def minimum_interval_seconds(self) -> int:
        """The least number of seconds between two ticks."""
        return self._min_interval

    @property
    def description(self) -> str | None:
        """The sensor's description."""
        return self._description

    @property
    def default_status(self) -> DefaultSensorStatus:
        """Whether the sensor runs as soon as its location is loaded."""
        return self._default_status

    @property
    def targets(self) -> list[AutomationTarget]:
        """The jobs the sensor may launch."""
        return list(self._targets)

    @property
    def job_names(self) -> list[str]:
        """The names of the jobs the sensor may launch."""
        return [target.job_name for target in self._targets]

    @property
    def job_name(self) -> str | None:
        """The name of the sensor's job when it targets exactly one, else ``None``."""
        return self._targets[0].job_name if len(self._targets) == 1 else None

    @property
    def has_jobs(self) -> bool:
        """Whether the sensor targets at least one job."""
        return bool(self._targets)

    @property
    def job(self) -> Any:
        """The one job object the sensor targets.

        Raises:
            InvalidDefinitionError: the sensor targets no job, several, or only a job name.
        """
        if len(self._targets) != 1 or self._targets[0].job is None:
            raise InvalidDefinitionError(
                f"Sensor '{self._name}' does not target exactly one job object (it targets "
                f"{self.job_names or 'none'}); use .jobs or .job_names."
            )
        return self._targets[0].job

    @property
    def jobs(self) -> list[Any]:
        """The job objects the sensor targets (jobs given only by name are left out)."""
        return [target.job for target in self._targets if target.job is not None]

    @property
    def asset_selection(self) -> AssetSelection | None:
        """The assets the sensor's run requests materialize, when given instead of a job."""
        return self._asset_selection

    @property
    def required_resource_keys(self) -> frozenset[str]:
        """The resources the sensor function needs."""
        return self._required_resource_keys

    @property
    def tags(self) -> Mapping[str, str]:
        """The sensor's tags."""
        return self._tags

    @property
    def metadata(self) -> Mapping[str, Any]:
        """The sensor's metadata."""
        return self._metadata

    # -- evaluation -----------------------------------------------------------------------

    def _check_context(self, context: object) -> SensorEvaluationContext:
        if not isinstance(context, SensorEvaluationContext):
            raise InvalidDefinitionError(
                f"{self._kind} '{self._name}'.evaluate_tick() needs a SensorEvaluationContext; "
                f"got {context!r}. Build one with build_sensor_context()."
            )
        return context.bound_to(self._name)

    def evaluate_tick(self, context: SensorEvaluationContext) -> SensorEvaluationResult:
        """Evaluate one tick.

        The result's cursor is the ``SensorResult``'s cursor, else the context's cursor
        (as changed by ``context.update_cursor``). Each run request gets its job name and
        the ``headwater/sensor_name`` tag, plus ``headwater/run_key`` and
        ``headwater/partition`` when set.

        Raises:
            UserCodeError: the sensor function raised.
            InvalidOutputError: it returned something a sensor cannot return, or a run
                request whose job cannot be determined.
        """
        return self._evaluate(self._check_context(context), ())

    def _evaluate(
        self, context: SensorEvaluationContext, extra_args: tuple[Any, ...]
    ) -> SensorEvaluationResult:
        check_required_resources(
            self._kind, self._name, self._explicit_resource_keys, context.resources
        )
        items = call_and_collect(
            f"sensor '{self._name}'",
            self._shape.call,
            (context, *extra_args),
            resource_kwargs(self._kind, self._name, self._shape, context.resources),
        )
        outcome = interpret_sensor_items(
            self._name, items, context.cursor, context.cursor_updated, kind=self._kind
        )
        return self._finalize(outcome)

    def _finalize(self, outcome: SensorEvaluationResult) -> SensorEvaluationResult:
        requests = finalize_sensor_requests(
            self._kind,
            self._name,
            outcome.run_requests,
            self._targets,
            self._asset_selection is not None,
        )
        return SensorEvaluationResult(
            run_requests=requests,
            skip_message=outcome.skip_message,
            cursor=outcome.cursor,
            dynamic_partitions_requests=outcome.dynamic_partitions_requests,
            asset_events=outcome.asset_events,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the sensor function directly (in tests) and return what it returns.

        Pass the context positionally (or under its parameter name); other keyword
        arguments replace resources of the same name.
        """
        values = pop_framework_args(
            self._name, self._shape, args, kwargs, build_sensor_context, self._framework_args
        )
        context = values[0]
        resources = resource_kwargs(
            self._kind, self._name, self._shape, context.resources, overrides=kwargs
        )
        return self._shape.call(values, resources)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self._name!r}, job_names={self.job_names!r})"


def _split_first_arg(job: object) -> dict[str, object]:
    """The first positional argument of ``@sensor`` may be a job, a job name or a target."""
    if job is None:
        return {}
    if isinstance(job, str):
        return {"job_name": job}
    if is_job_like(job):
        return {"job": job}
    return {"target": job}


@overload
def sensor(job: Callable[..., Any]) -> SensorDefinition: ...


@overload
def sensor(
    job: object = None,
    *,
    name: str | None = None,
    minimum_interval_seconds: int | None = None,
    description: str | None = None,
    job_name: str | None = None,
    jobs: Sequence[object] | None = None,
    target: object = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
    asset_selection: object = None,
    required_resource_keys: Set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], SensorDefinition]: ...


def sensor(
    job: object = None,
    *,
    name: str | None = None,
    minimum_interval_seconds: int | None = None,
    description: str | None = None,
    job_name: str | None = None,
    jobs: Sequence[object] | None = None,
    target: object = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
    asset_selection: object = None,
    required_resource_keys: Set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """Turn a function into a sensor.

    Usable bare (``@sensor``) or with arguments (``@sensor(job=my_job)``). The function
    takes the context (plus resources by parameter name) and returns or yields
    ``RunRequest`` objects, a ``SkipReason``, a ``SensorResult`` or ``None``.

    Args:
        job: the job to launch (a job name or an asset selection is also accepted here).
        name: the sensor's name; defaults to the function's name.
        minimum_interval_seconds: the least time between two ticks (default 30).
        description: shown in the UI; defaults to the function's docstring.
        job_name: the name of the job to launch.
        jobs: several jobs; each RunRequest then names its ``job_name``.
        target: a job, or assets / an ``AssetSelection`` to materialize.
        default_status: whether the sensor runs as soon as its location is loaded.
        asset_selection: assets the sensor's run requests materialize, without a job.
        required_resource_keys: resources read from ``context.resources``.
        tags: tags of the sensor.
        metadata: arbitrary metadata about the sensor.
    """
    bare_fn = job if inspect.isfunction(job) else None
    chosen: dict[str, Any] = {"job_name": job_name, "jobs": jobs, "target": target}
    for key, value in ({} if bare_fn is not None else _split_first_arg(job)).items():
        if chosen.get(key) is not None:
            raise InvalidDefinitionError(
                f"@sensor got {key} both positionally ({value!r}) and by keyword "
                f"({chosen[key]!r}); pass it once."
            )
        chosen[key] = value

    def decorate(fn: Callable[..., Any]) -> SensorDefinition:
        return SensorDefinition(
            name=name or fn.__name__,
            evaluation_fn=fn,
            minimum_interval_seconds=minimum_interval_seconds,
            description=description or inspect.getdoc(fn) or None,
            **chosen,
            default_status=default_status,
            asset_selection=asset_selection,
            required_resource_keys=required_resource_keys,
            tags=tags,
            metadata=metadata,
        )

    return decorate(bare_fn) if bare_fn is not None else decorate
