"""Turning what a schedule function returned into run requests or a skip message."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from headwater.core.names import SCHEDULE_NAME_TAG
from headwater.definitions.automation.run_request import (
    RunConfigLike,
    RunRequest,
    SkipReason,
    with_instigator_tags,
)
from headwater.definitions.automation.target import check_partition_key
from headwater.errors import InvalidOutputError

if TYPE_CHECKING:
    from headwater.definitions.automation.schedule_context import ScheduleEvaluationContext
    from headwater.definitions.automation.schedules import ScheduleDefinition


class DefaultScheduleStatus(str, Enum):
    """Whether a schedule is running when its code location is first loaded."""

    RUNNING = "RUNNING"
    STOPPED = "STOPPED"


@dataclass(frozen=True)
class ScheduleEvaluationResult:
    """What one tick of a schedule produced: run requests, or why it skipped."""

    run_requests: list[RunRequest] = field(default_factory=list)
    skip_message: str | None = None


EMPTY_RESULT_MESSAGE = "Schedule function returned an empty result"

_ALLOWED = (
    "a RunRequest, a list of RunRequests (or yield them), a run-config dict, a SkipReason, or None"
)


def _bad_output(name: str, item: object, detail: str = "") -> InvalidOutputError:
    return InvalidOutputError(
        f"Schedule '{name}' returned {item!r} ({type(item).__name__}){detail}; a schedule "
        f"function must return {_ALLOWED}."
    )


def interpret_schedule_items(
    name: str, items: Sequence[Any], tags: Mapping[str, str]
) -> tuple[list[RunRequest], str | None]:
    """Sort the items a schedule function returned or yielded into requests or a skip.

    Args:
        name: the schedule's name, for error messages.
        items: what the function returned, as a list (see ``collect_results``).
        tags: the schedule's tags, given to the run when the function returns run config.
    """
    if not items or list(items) == [None]:
        return [], EMPTY_RESULT_MESSAGE
    if len(items) == 1:
        item = items[0]
        if isinstance(item, SkipReason):
            return [], item.skip_message
        if isinstance(item, RunRequest):
            return [item], None
        if isinstance(item, (Mapping, RunConfigLike)):
            return [RunRequest(run_config=copy.deepcopy(item), tags=tags)], None
        raise _bad_output(name, item)
    for item in items:
        if isinstance(item, SkipReason):
            raise _bad_output(name, item, " together with other results; return a SkipReason alone")
        if not isinstance(item, RunRequest):
            raise _bad_output(name, item, " among several results")
    requests: list[RunRequest] = list(items)
    without_key = [index for index, request in enumerate(requests) if request.run_key is None]
    if without_key:
        raise InvalidOutputError(
            f"Schedule '{name}' returned {len(requests)} RunRequests, and the one(s) at "
            f"position {', '.join(map(str, without_key))} have no run_key. When a schedule "
            "returns several RunRequests, give each a distinct run_key."
        )
    return requests, None


def finalize_requests(
    schedule: ScheduleDefinition,
    requests: Sequence[RunRequest],
    context: ScheduleEvaluationContext,
) -> list[RunRequest]:
    """Point each request at the schedule's job and add the schedule's run tags."""
    what = f"Schedule '{schedule.name}'"
    current_time = (
        context.scheduled_execution_time if context.has_scheduled_execution_time else None
    )
    finalized: list[RunRequest] = []
    for request in requests:
        if request.job_name is not None and request.job_name != schedule.job_name:
            raise InvalidOutputError(
                f"{what} returned a RunRequest for job '{request.job_name}', but the schedule "
                f"launches job '{schedule.job_name}'. Leave job_name out of the RunRequest, "
                "or schedule that job with its own schedule."
            )
        check_partition_key(what, schedule.target, request.partition_key, current_time)
        finalized.append(
            with_instigator_tags(request, SCHEDULE_NAME_TAG, schedule.name, schedule.job_name)
        )
    return finalized
