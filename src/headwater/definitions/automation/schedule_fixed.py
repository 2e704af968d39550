"""Checks of schedule arguments, and evaluation of schedules with fixed run config and tags."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from headwater.definitions.automation.instigation_fn import inspect_user_fn
from headwater.definitions.automation.run_request import (
    CoercibleToRunConfig,
    RunConfigLike,
    RunRequest,
)
from headwater.definitions.automation.schedule_context import ScheduleEvaluationContext
from headwater.errors import InvalidDefinitionError, InvalidOutputError, user_code_boundary

RunConfigFn = Callable[..., CoercibleToRunConfig]
TagsFn = Callable[[ScheduleEvaluationContext], Mapping[str, str]]
ShouldExecuteFn = Callable[[ScheduleEvaluationContext], bool]


def validate_cron_and_timezone(name: str, cron_schedule: object, timezone: str | None) -> None:
    """Fail, naming the schedule, when the cron schedule or the time zone is invalid."""
    from headwater.core.cron import is_valid_timezone, validate_cron_schedule

    try:
        validate_cron_schedule(cron_schedule)  # type: ignore[arg-type]
    except InvalidDefinitionError as exc:
        raise InvalidDefinitionError(f"Schedule '{name}': {exc}") from None
    if timezone is not None and not is_valid_timezone(timezone):
        raise InvalidDefinitionError(
            f"Schedule '{name}' got execution_timezone={timezone!r}, which is not a known time "
            "zone. Use an IANA name such as 'UTC', 'America/New_York' or 'Europe/Berlin'."
        )


def check_fn_combination(
    name: str,
    execution_fn: object,
    run_config: object,
    run_config_fn: object,
    has_tags: bool,
    tags_fn: object,
    should_execute: object,
) -> None:
    """Reject arguments of ``ScheduleDefinition`` that cannot be given together."""
    if execution_fn is not None:
        extras = [
            arg
            for arg, value in (
                ("run_config", run_config),
                ("run_config_fn", run_config_fn),
                ("tags_fn", tags_fn),
                ("should_execute", should_execute),
            )
            if value is not None
        ]
        if extras:
            raise InvalidDefinitionError(
                f"Schedule '{name}' got execution_fn and {', '.join(extras)}; an execution "
                "function decides the run config and tags itself, so pass either "
                "execution_fn or those arguments."
            )
    if run_config is not None and run_config_fn is not None:
        raise InvalidDefinitionError(
            f"Schedule '{name}' got both run_config and run_config_fn; pass one of them."
        )
    if has_tags and tags_fn is not None:
        raise InvalidDefinitionError(
            f"Schedule '{name}' got both tags and tags_fn; pass one of them."
        )


class FixedScheduleEvaluation:
    """One run per tick, with the schedule's run config and tags (or their functions).

    ``should_execute`` returning false skips the tick.
    """

    def __init__(
        self,
        name: str,
        run_config: Mapping[str, Any],
        run_config_fn: RunConfigFn | None,
        tags: Mapping[str, str],
        tags_fn: TagsFn | None,
        should_execute: ShouldExecuteFn | None,
    ) -> None:
        self._name = name
        self._run_config = run_config
        self._run_config_shape = (
            inspect_user_fn(run_config_fn, kind="Schedule", name=name, framework_args=1)
            if run_config_fn is not None
            else None
        )
        self._tags = tags
        self._tags_fn = tags_fn
        self._should_execute = should_execute

    def evaluate(self, context: ScheduleEvaluationContext) -> tuple[list[RunRequest], str | None]:
        """The tick's run request, or the skip message."""
        what = f"schedule '{self._name}'"
        if self._should_execute is not None:
            with user_code_boundary(f"should_execute of {what}"):
                go = self._should_execute(context)
            if not go:
                return [], f"should_execute of schedule '{self._name}' returned False."
        request = RunRequest(run_config=self._run_config_for(context), tags=self._tags_for(context))
        return [request], None

    def _run_config_for(self, context: ScheduleEvaluationContext) -> Any:
        if self._run_config_shape is None:
            return copy.deepcopy(dict(self._run_config))
        with user_code_boundary(f"run_config_fn of schedule '{self._name}'"):
            run_config = self._run_config_shape.call((context,), {})
        if not isinstance(run_config, (Mapping, RunConfigLike)):
            raise InvalidOutputError(
                f"run_config_fn of schedule '{self._name}' returned {run_config!r}; it must "
                "return a run-config dict (or a RunConfig)."
            )
        return run_config

    def _tags_for(self, context: ScheduleEvaluationContext) -> Any:
        if self._tags_fn is None:
            return self._tags
        with user_code_boundary(f"tags_fn of schedule '{self._name}'"):
            tags = self._tags_fn(context)
        if not isinstance(tags, Mapping) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in tags.items()
        ):
            raise InvalidOutputError(
                f"tags_fn of schedule '{self._name}' returned {tags!r}; it must return a dict "
                "of string keys to string values."
            )
        return tags
