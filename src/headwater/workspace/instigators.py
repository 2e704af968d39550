"""Schedules and sensors by hand, for the UI and the CLI: find one, preview a tick (evaluate
it now through the code server without launching anything or moving the cursor), set a
sensor's cursor, turn one on or off."""

from __future__ import annotations

import time
from typing import Any

import msgspec

from headwater.errors import NotFoundError
from headwater.snapshot.location import ScheduleSnap, SensorSnap
from headwater.snapshot.runs import InstigatorState, InstigatorStatus, InstigatorType
from headwater.storage.instance import Instance
from headwater.workspace.workspace import Workspace

_FIELDS = {InstigatorType.SCHEDULE: "schedules", InstigatorType.SENSOR: "sensors"}


def find_instigator(workspace: Workspace, kind: InstigatorType, location: str, name: str
                    ) -> tuple[str, ScheduleSnap | SensorSnap]:
    """The repository name and snapshot of schedule/sensor ``name`` of ``location``.

    Raises:
        NotFoundError: no such location (loaded) or no such schedule/sensor, naming those
            there are.
    """
    entry = workspace.get_entries_by_name().get(location)
    if entry is None or entry.snapshot is None:
        known = ", ".join(workspace.get_entries_by_name()) or "none"
        raise NotFoundError(f"No loaded code location named '{location}' (there are: {known}).")
    names: list[str] = []
    for repo in entry.snapshot.repositories:
        for snap in getattr(repo, _FIELDS[kind]):
            if snap.name == name:
                found: ScheduleSnap | SensorSnap = snap
                return repo.name, found
            names.append(snap.name)
    raise NotFoundError(f"Location '{location}' has no {kind.value.lower()} named '{name}' "
                        f"(it has: {', '.join(names) or 'none'}).")


def preview_tick(workspace: Workspace, instance: Instance, kind: InstigatorType, location: str,
                 name: str, *, at: float | None = None) -> dict[str, Any]:
    """Evaluate one tick now, launching nothing and storing nothing.

    A schedule is evaluated for ``at`` (default now); a sensor with its stored cursor. The
    answer has ``run_requests``, ``skip_reason``, ``cursor`` (what the tick would store) and
    ``error``.
    """
    repository, _ = find_instigator(workspace, kind, location, name)
    client = workspace.client(location)
    if kind is InstigatorType.SCHEDULE:
        result = client.evaluate_schedule(name, at if at is not None else time.time(),
                                          repository_name=repository)
    else:
        state = instance.storage.get_instigator_state(location, name, kind)
        result = client.evaluate_sensor(name, state.cursor if state is not None else None,
                                        repository_name=repository)
    plain = msgspec.to_builtins(result)
    return {"run_requests": plain.get("run_requests", []),
            "skip_reason": plain.get("skip_message"), "cursor": plain.get("cursor"),
            "error": plain.get("error"), "evaluated_at": time.time()}


def _state(instance: Instance, kind: InstigatorType, location: str, name: str,
           default: InstigatorStatus) -> InstigatorState:
    old = instance.storage.get_instigator_state(location, name, kind)
    if old is not None:
        return old
    return InstigatorState(location_name=location, name=name, instigator_type=kind,
                           status=default)


def set_cursor(instance: Instance, location: str, name: str, cursor: str | None,
               default: InstigatorStatus = InstigatorStatus.STOPPED) -> InstigatorState:
    """Store sensor ``name``'s cursor (None resets it); its on/off status is kept."""
    state = _state(instance, InstigatorType.SENSOR, location, name, default)
    new = msgspec.structs.replace(state, cursor=cursor, updated_at=time.time())
    instance.storage.set_instigator_state(new)
    return new


def set_status(instance: Instance, kind: InstigatorType, location: str, name: str,
               status: InstigatorStatus) -> InstigatorState:
    """Turn a schedule or sensor on (RUNNING) or off (STOPPED); its cursor is kept."""
    state = _state(instance, kind, location, name, status)
    new = msgspec.structs.replace(state, status=status, updated_at=time.time())
    instance.storage.set_instigator_state(new)
    return new
