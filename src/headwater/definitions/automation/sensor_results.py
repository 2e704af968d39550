"""Turning what a sensor function returned into run requests, a skip message and a cursor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from headwater.core.names import SENSOR_NAME_TAG
from headwater.definitions.automation.run_request import (
    AssetEvent,
    RunRequest,
    SensorResult,
    SkipReason,
    with_instigator_tags,
)
from headwater.definitions.automation.target import AutomationTarget, check_partition_key
from headwater.errors import InvalidOutputError

EMPTY_RESULT_MESSAGE = "Sensor function returned an empty result"

_ALLOWED = "RunRequests (one, a list, or yielded), a SkipReason, a SensorResult, or None"


@dataclass(frozen=True)
class SensorEvaluationResult:
    """What one tick of a sensor produced.

    Attributes:
        run_requests: the runs to launch, each with its job name and the sensor's tags.
        skip_message: why no run was requested, when none was.
        cursor: the cursor to store and hand to the next tick.
        dynamic_partitions_requests: partitions to add or delete.
        asset_events: materializations and observations to record.
    """

    run_requests: list[RunRequest] = field(default_factory=list)
    skip_message: str | None = None
    cursor: str | None = None
    dynamic_partitions_requests: list[Any] = field(default_factory=list)
    asset_events: list[AssetEvent] = field(default_factory=list)


def _bad_output(kind: str, name: str, item: object, detail: str = "") -> InvalidOutputError:
    return InvalidOutputError(
        f"{kind} '{name}' returned {item!r} ({type(item).__name__}){detail}; a sensor function "
        f"must return {_ALLOWED}."
    )


def _from_sensor_result(
    name: str, result: SensorResult, cursor: str | None, cursor_updated: bool
) -> SensorEvaluationResult:
    if result.cursor is not None and cursor_updated:
        raise InvalidOutputError(
            f"Sensor '{name}' called context.update_cursor() and also returned "
            "SensorResult(cursor=...); set the cursor one way only, e.g. only in the "
            "SensorResult."
        )
    requests = list(result.run_requests or [])
    if result.skip_reason is not None:
        skip: str | None = result.skip_reason.skip_message
    else:
        skip = None if requests else EMPTY_RESULT_MESSAGE
    return SensorEvaluationResult(
        run_requests=requests,
        skip_message=skip,
        cursor=result.cursor if result.cursor is not None else cursor,
        dynamic_partitions_requests=list(result.dynamic_partitions_requests),
        asset_events=list(result.asset_events),
    )


def interpret_sensor_items(
    name: str,
    items: Sequence[Any],
    cursor: str | None,
    cursor_updated: bool = False,
    *,
    kind: str = "Sensor",
    allow_sensor_result: bool = True,
) -> SensorEvaluationResult:
    """Sort what a sensor function returned or yielded (as a list) into a result.

    Args:
        name: the sensor's name, for error messages.
        items: the function's results, as a list (see ``collect_results``).
        cursor: the context's cursor after the function ran.
        cursor_updated: whether the function called ``context.update_cursor``.
        kind: how to call the sensor in messages.
        allow_sensor_result: whether a ``SensorResult`` is acceptable.
    """
    if not items or list(items) == [None]:
        return SensorEvaluationResult(skip_message=EMPTY_RESULT_MESSAGE, cursor=cursor)
    results = [item for item in items if isinstance(item, SensorResult)]
    if results:
        if not allow_sensor_result:
            raise _bad_output(kind, name, results[0], " (not supported here)")
        if len(items) > 1:
            raise _bad_output(
                kind, name, results[0], " together with other results; return it alone"
            )
        return _from_sensor_result(name, results[0], cursor, cursor_updated)
    for item in items:
        if not isinstance(item, (RunRequest, SkipReason)):
            raise _bad_output(kind, name, item)
    skips = [item for item in items if isinstance(item, SkipReason)]
    if skips and len(items) > 1:
        raise _bad_output(
            kind, name, skips[0], " together with other results; return a single SkipReason"
        )
    if skips:
        return SensorEvaluationResult(skip_message=skips[0].skip_message, cursor=cursor)
    return SensorEvaluationResult(run_requests=list(items), cursor=cursor)


def _job_for(
    kind: str,
    name: str,
    request: RunRequest,
    targets: Sequence[AutomationTarget],
    has_asset_selection: bool,
) -> str | None:
    names = [target.job_name for target in targets]
    if not targets and not has_asset_selection:
        raise InvalidOutputError(
            f"{kind} '{name}' returned a RunRequest but has no target to run. Pass job=..., "
            "jobs=[...], job_name='...', target=... or asset_selection=... to the sensor."
        )
    if request.job_name is None:
        if len(names) > 1:
            raise InvalidOutputError(
                f"{kind} '{name}' targets several jobs ({', '.join(names)}) and returned a "
                "RunRequest without job_name; set RunRequest(job_name=...) to one of them."
            )
        return names[0] if names else None
    if names and request.job_name not in names and not has_asset_selection:
        raise InvalidOutputError(
            f"{kind} '{name}' returned a RunRequest for job '{request.job_name}', which it "
            f"does not target; expected one of: {', '.join(names)}. Add the job to the "
            "sensor's jobs=[...]."
        )
    return request.job_name


def finalize_sensor_requests(
    kind: str,
    name: str,
    requests: Sequence[RunRequest],
    targets: Sequence[AutomationTarget],
    has_asset_selection: bool,
) -> list[RunRequest]:
    """Fill each request's job name and add the sensor's run tags.

    Raises:
        InvalidOutputError: a request names no job when several are targeted, names a job
            the sensor does not target, or the sensor has no target at all.
    """
    by_name = {target.job_name: target for target in targets}
    finalized: list[RunRequest] = []
    for request in requests:
        job_name = _job_for(kind, name, request, targets, has_asset_selection)
        if job_name in by_name:
            check_partition_key(f"{kind} '{name}'", by_name[job_name], request.partition_key, None)
        finalized.append(with_instigator_tags(request, SENSOR_NAME_TAG, name, job_name))
    return finalized
