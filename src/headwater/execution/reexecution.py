"""Re-execution from failure, worked out from a run's events.

A run worker records the keys of the steps it is about to execute in an ENGINE_EVENT
(:func:`plan_event_values`). Re-executing that run from failure executes the planned steps
that did not succeed (failed, skipped, or never started because the run was canceled); the
others are loaded from the run that last produced them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from headwater.snapshot.events import EngineData, EventType, RunEvent

#: EngineData key holding the JSON list of the step keys a run executes.
STEP_KEYS = "step_keys"


def plan_event_values(step_keys: Sequence[str]) -> dict[str, str]:
    """EngineData values recording the step keys a run is about to execute."""
    return {STEP_KEYS: json.dumps(list(step_keys))}


def planned_step_keys(events: Iterable[RunEvent]) -> list[str] | None:
    """The step keys the run planned to execute (None: it never got as far as a plan)."""
    for event in events:
        data = event.data
        if (
            event.event_type is EventType.ENGINE_EVENT
            and isinstance(data, EngineData)
            and STEP_KEYS in data.values
        ):
            keys = json.loads(data.values[STEP_KEYS])
            return [str(key) for key in keys]
    return None


def succeeded_steps(events: Iterable[RunEvent]) -> set[str]:
    """Keys of the steps that ended with STEP_SUCCESS."""
    return {
        event.step_key
        for event in events
        if event.event_type is EventType.STEP_SUCCESS and event.step_key is not None
    }


def steps_to_reexecute(
    events: Sequence[RunEvent], planned_fallback: Sequence[str] | None
) -> list[str] | None:
    """The steps a re-execution from failure executes, in plan order.

    Returns None when the parent run recorded no plan and had no explicit step keys: it
    failed before executing anything, so the re-execution runs every step.
    """
    planned = planned_step_keys(events)
    if planned is None:
        planned = list(planned_fallback) if planned_fallback is not None else None
    if planned is None:
        return None
    # Steps mapped over a dynamic output (``op[key]``) exist only once the run made them.
    known = set(planned)
    for event in events:
        key = event.step_key
        if key is not None and key not in known and key.endswith("]") and (
            event.event_type in (EventType.STEP_START, EventType.STEP_SKIPPED)
        ):
            known.add(key)
            planned.append(key)
    done = succeeded_steps(events)
    return [key for key in planned if key not in done]
