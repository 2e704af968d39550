"""Schedules: launch a job on a cron schedule, in a time zone.

A schedule either has fixed ``run_config`` / ``tags`` (optionally computed per tick by
``run_config_fn`` / ``tags_fn`` and gated by ``should_execute``), or an evaluation function
(``@schedule``) that returns what to run on each tick.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator, Mapping, Set
from datetime import datetime
from typing import TYPE_CHECKING, Any

from headwater.core.names import ANONYMOUS_ASSET_JOB_PREFIX
from headwater.definitions.automation.instigation_fn import (
    FunctionShape,
    call_and_collect,
    inspect_user_fn,
    pop_framework_args,
    required_resource_keys_for,
    resource_kwargs,
)
from headwater.definitions.automation.run_request import (
    CoercibleToRunConfig,
    normalize_run_config,
    normalize_tags,
)
from headwater.definitions.automation.schedule_context import (
    ScheduleEvaluationContext,
    build_schedule_context,
)
from headwater.definitions.automation.schedule_fixed import (
    FixedScheduleEvaluation,
    RunConfigFn,
    ShouldExecuteFn,
    TagsFn,
    check_fn_combination,
    validate_cron_and_timezone,
)
from headwater.definitions.automation.schedule_results import (
    DefaultScheduleStatus,
    ScheduleEvaluationResult,
    finalize_requests,
    interpret_schedule_items,
)
from headwater.definitions.automation.target import (
    AutomationTarget,
    check_valid_name,
    coerce_default_status,
    default_name_for,
    resolve_targets,
)
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.core.cron import CronSchedule

__all__ = [
    "DefaultScheduleStatus",
    "ScheduleDefinition",
    "ScheduleEvaluationContext",
    "ScheduleEvaluationResult",
    "build_schedule_context",
    "schedule",
]


class ScheduleDefinition:
    """Launch a job on a cron schedule.

    Args:
        name: the schedule's name; defaults to ``<job name>_schedule``.
        cron_schedule: a cron string (``"0 6 * * *"``), an alias (``"@daily"``) or a list of
            cron strings (the schedule ticks whenever any of them does).
        job: the job to launch.
        job_name: the name of the job to launch, when the job object is not at hand.
        target: a job, or assets / an ``AssetSelection`` to materialize (the schedule then
            needs a ``name``).
        run_config: the run config of every run, or use ``run_config_fn``.
        run_config_fn: computes the run config from the context on each tick.
        tags: tags of the schedule, also given to its runs when there is no ``execution_fn``.
        tags_fn: computes the runs' tags from the context on each tick.
        should_execute: decides from the context whether a tick launches a run.
        execution_timezone: IANA name of the time zone the cron fields are read in
            (default UTC).
        description: shown in the UI.
        default_status: whether the schedule runs as soon as its location is loaded.
        metadata: arbitrary metadata about the schedule.
        execution_fn: a function of the context returning what to run (what ``@schedule``
            uses); not combinable with run_config, run_config_fn, tags_fn, should_execute.
        required_resource_keys: resources the function reads from ``context.resources``.

    Exactly one of ``job``, ``job_name`` and ``target`` must be given.
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        cron_schedule: CronSchedule,
        job: object = None,
        job_name: str | None = None,
        target: object = None,
        run_config: CoercibleToRunConfig | None = None,
        run_config_fn: RunConfigFn | None = None,
        tags: Mapping[str, str] | None = None,
        tags_fn: TagsFn | None = None,
        should_execute: ShouldExecuteFn | None = None,
        execution_timezone: str | None = None,
        description: str | None = None,
        default_status: DefaultScheduleStatus = DefaultScheduleStatus.STOPPED,
        metadata: Mapping[str, Any] | None = None,
        execution_fn: Callable[..., Any] | None = None,
        required_resource_keys: Set[str] | None = None,
    ) -> None:
        resolved_name = name or default_name_for("schedule", job, job_name, target)
        targets = resolve_targets(
            "Schedule", resolved_name, job=job, job_name=job_name, target=target
        )
        if not targets:
            raise InvalidDefinitionError(
                f"Schedule {resolved_name or cron_schedule!r} has nothing to launch: pass "
                "job=..., job_name='...' or target=... (assets or an AssetSelection)."
            )
        self._target: AutomationTarget = targets[0]
        self._name = check_valid_name("Schedule", resolved_name or self._target.job_name)
        self._cron_schedule = cron_schedule
        self._execution_timezone = execution_timezone
        validate_cron_and_timezone(self._name, cron_schedule, execution_timezone)
        self._description = description
        self._default_status: DefaultScheduleStatus = coerce_default_status(
            "Schedule", self._name, default_status, DefaultScheduleStatus
        )
        self._metadata = dict(metadata or {})
        self._tags = normalize_tags(tags, f"Schedule '{self._name}'")
        self._run_config = normalize_run_config(run_config, f"Schedule '{self._name}'")
        check_fn_combination(
            self._name,
            execution_fn,
            run_config,
            run_config_fn,
            bool(self._tags),
            tags_fn,
            should_execute,
        )
        self._fixed = FixedScheduleEvaluation(
            self._name, self._run_config, run_config_fn, self._tags, tags_fn, should_execute
        )
        self._shape: FunctionShape | None = (
            inspect_user_fn(execution_fn, kind="Schedule", name=self._name, framework_args=1)
            if execution_fn is not None
            else None
        )
        self._required_resource_keys = required_resource_keys_for(
            "Schedule", self._name, required_resource_keys, self._shape
        )

    # -- attributes -----------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The schedule's name."""
        return self._name

    @property
    def cron_schedule(self) -> CronSchedule:
        """The cron string (or list of cron strings) the schedule ticks on."""
        return self._cron_schedule

    @property
    def execution_timezone(self) -> str | None:
        """The time zone given, if any."""
        return self._execution_timezone

    @property
    def timezone(self) -> str:
        """The time zone the cron fields are read in: ``execution_timezone`` or UTC."""
        return self._execution_timezone or "UTC"

    @property
    def job_name(self) -> str:
        """The name of the job the schedule launches."""
        return self._target.job_name

    @property
    def target(self) -> AutomationTarget:
        """The job the schedule launches."""
        return self._target

    @property
    def has_job(self) -> bool:
        """Whether the job object is known (not only its name)."""
        return self._target.job is not None

    @property
    def job(self) -> Any:
        """The job object the schedule launches.

        Raises:
            InvalidDefinitionError: the schedule was given only a job name.
        """
        if self._target.job is None:
            raise InvalidDefinitionError(
                f"Schedule '{self._name}' was given only job_name='{self.job_name}', so it has "
                "no job object."
            )
        return self._target.job

    @property
    def has_anonymous_job(self) -> bool:
        """Whether the job was built implicitly from a ``target`` asset selection."""
        return self._target.job_name.startswith(ANONYMOUS_ASSET_JOB_PREFIX)

    @property
    def description(self) -> str | None:
        """The schedule's description."""
        return self._description

    @property
    def default_status(self) -> DefaultScheduleStatus:
        """Whether the schedule runs as soon as its location is loaded."""
        return self._default_status

    @property
    def tags(self) -> Mapping[str, str]:
        """The schedule's tags."""
        return self._tags

    @property
    def metadata(self) -> Mapping[str, Any]:
        """The schedule's metadata."""
        return self._metadata

    @property
    def run_config(self) -> Mapping[str, Any]:
        """The fixed run config, when one was given."""
        return self._run_config

    @property
    def required_resource_keys(self) -> frozenset[str]:
        """The resources the schedule function needs."""
        return self._required_resource_keys

    @property
    def has_execution_fn(self) -> bool:
        """Whether the schedule evaluates a user function (``@schedule``/``execution_fn``)."""
        return self._shape is not None

    # -- ticks ----------------------------------------------------------------------------

    def next_tick_after(self, dt: datetime) -> datetime:
        """The first tick strictly after ``dt``, tz-aware in the schedule's time zone."""
        from headwater.core.cron import next_tick

        return next_tick(self._cron_schedule, dt, self.timezone)

    def ticks_between(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """The ticks after ``start`` up to and including ``end``, in time order.

        Naive datetimes are read as wall time in the schedule's time zone.
        """
        from headwater.core.cron import cron_ticks, get_timezone

        zone = get_timezone(self.timezone)
        aware_end = end if end.tzinfo is not None else end.replace(tzinfo=zone)
        # Compare instants: datetimes sharing a tzinfo compare by wall time, which is wrong
        # in the repeated hour of a fall-back day.
        bound = aware_end.timestamp()
        for tick in cron_ticks(self._cron_schedule, start, self.timezone):
            if tick.timestamp() > bound:
                return
            yield tick

    # -- evaluation -----------------------------------------------------------------------

    def evaluate_tick(self, context: ScheduleEvaluationContext) -> ScheduleEvaluationResult:
        """Evaluate one tick: what runs to request, or why to skip.

        The context's ``scheduled_execution_time`` is converted to the schedule's time zone
        first. Each run request gets the schedule's job and the ``headwater/schedule_name``
        tag (plus ``headwater/partition`` and ``headwater/run_key`` when set).

        Raises:
            UserCodeError: a user function raised.
            InvalidOutputError: the function returned something a schedule cannot return.
        """
        if not isinstance(context, ScheduleEvaluationContext):
            raise InvalidDefinitionError(
                f"Schedule '{self._name}'.evaluate_tick() needs a ScheduleEvaluationContext; "
                f"got {context!r}. Build one with build_schedule_context()."
            )
        context = context.bound_to(self._name, self.timezone)
        if self._shape is not None:
            items = call_and_collect(
                f"schedule '{self._name}'",
                self._shape.call,
                (context,),
                resource_kwargs("Schedule", self._name, self._shape, context.resources),
            )
            requests, skip = interpret_schedule_items(self._name, items, self._tags)
        else:
            requests, skip = self._fixed.evaluate(context)
        return ScheduleEvaluationResult(
            run_requests=finalize_requests(self, requests, context), skip_message=skip
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the schedule's function directly (in tests) and return what it returns.

        Pass the context positionally (or as ``context=``); other keyword arguments replace
        resources of the same name.
        """
        if self._shape is None:
            raise InvalidDefinitionError(
                f"Schedule '{self._name}' has no evaluation function to call; evaluate it "
                "with evaluate_tick(build_schedule_context(...)) instead."
            )
        (context,) = pop_framework_args(
            self._name, self._shape, args, kwargs, build_schedule_context
        )
        resources = resource_kwargs(
            "Schedule", self._name, self._shape, context.resources, overrides=kwargs
        )
        result = self._shape.call((context,), resources)
        return copy.deepcopy(result) if isinstance(result, dict) else result

    def __repr__(self) -> str:
        return (
            f"ScheduleDefinition(name={self._name!r}, cron_schedule={self._cron_schedule!r}, "
            f"job_name={self.job_name!r})"
        )


def schedule(
    cron_schedule: CronSchedule,
    *,
    job: object = None,
    job_name: str | None = None,
    target: object = None,
    name: str | None = None,
    tags: Mapping[str, str] | None = None,
    execution_timezone: str | None = None,
    description: str | None = None,
    default_status: DefaultScheduleStatus = DefaultScheduleStatus.STOPPED,
    required_resource_keys: Set[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], ScheduleDefinition]:
    """Turn a function into a schedule that calls it on each tick.

    The function takes the :class:`ScheduleEvaluationContext` (or no parameter at all);
    further parameters are resources, passed by name. It returns a ``RunRequest``, a list
    of them (or yields them; each then needs a ``run_key``), a run-config dict (one run with
    that config and the schedule's tags), a ``SkipReason``, or ``None`` to skip.

    Args:
        cron_schedule: when to tick, e.g. ``"0 6 * * *"``.
        job: the job to launch (or give ``job_name`` or ``target``).
        job_name: the name of the job to launch.
        target: assets, an ``AssetSelection`` or a job to launch.
        name: the schedule's name; defaults to the function's name.
        tags: tags of the schedule, given to runs when the function returns run config.
        execution_timezone: IANA time zone the cron fields are read in (default UTC).
        description: shown in the UI; defaults to the function's docstring.
        default_status: whether the schedule runs as soon as its location is loaded.
        required_resource_keys: resources read from ``context.resources``.
        metadata: arbitrary metadata about the schedule.
    """

    def decorate(fn: Callable[..., Any]) -> ScheduleDefinition:
        return ScheduleDefinition(
            name=name or fn.__name__,
            cron_schedule=cron_schedule,
            job=job,
            job_name=job_name,
            target=target,
            tags=tags,
            execution_timezone=execution_timezone,
            description=description or inspect.getdoc(fn) or None,
            default_status=default_status,
            metadata=metadata,
            execution_fn=fn,
            required_resource_keys=required_resource_keys,
        )

    if callable(cron_schedule):
        raise InvalidDefinitionError(
            "@schedule needs a cron schedule: write @schedule(cron_schedule='0 6 * * *', "
            "job=...) rather than a bare @schedule."
        )
    return decorate
