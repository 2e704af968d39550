"""Response items for locations, jobs, schedules and sensors, built from snapshots as plain dicts.

These are the HTTP API's shapes (DESIGN.md section 6), kept apart from the snapshot structs so
that either can change without the other.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from headwater.core.partition_keys import partition_keys as host_partition_keys
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import (
    DefaultStatus,
    JobSnap,
    LocationSnapshot,
    ScheduleSnap,
    SensorSnap,
    SensorType,
)
from headwater.snapshot.metadata_json import to_json_friendly
from headwater.snapshot.metadata_types import MetadataEntrySnap
from headwater.snapshot.runs import InstigatorState, InstigatorStatus, TickRecord
from headwater.workspace import LocationEntry

#: Longest list of partition keys an item carries.
MAX_PARTITION_KEYS = 1000


def error_item(error: ErrorInfo | None) -> dict[str, Any] | None:
    """``{message, class_name, stack, cause}`` of an error, plus ``full_stack`` and
    ``hidden_frames`` when ``stack`` leaves out headwater's own frames."""
    if error is None:
        return None
    item: dict[str, Any] = {"message": error.message, "class_name": error.class_name,
                            "stack": list(error.stack), "cause": error_item(error.cause)}
    if error.full_stack is not None:
        item["full_stack"] = list(error.full_stack)
        item["hidden_frames"] = error.hidden_frames
    return item


def metadata_item(metadata: Mapping[str, MetadataEntrySnap]) -> dict[str, dict[str, Any]]:
    """``{label: {type, value}}`` with plain-JSON values."""
    view: dict[str, dict[str, Any]] = {}
    for label, entry in metadata.items():
        friendly = to_json_friendly(entry)
        view[label] = {"type": friendly["kind"], "value": friendly["value"]}
    return view


def location_item(entry: LocationEntry) -> dict[str, Any]:
    """One location: status, error with stack, source, counts and its server."""
    snapshot = entry.snapshot
    server = None
    if entry.server_id is not None:
        server = {
            "headwater_version": snapshot.headwater_version if snapshot else None,
            "python_version": snapshot.python_version if snapshot else None,
            "pid": entry.pid,
            "location_pid": entry.location_pid,
            "load_seconds": entry.load_seconds,
        }
    return {
        "name": entry.name,
        "status": entry.status.value,
        "error": error_item(entry.error),
        "updated_at": entry.updated_at,
        "source": entry.origin.describe(),
        "server_id": entry.server_id,
        "counts": _counts(snapshot),
        "server": server,
    }


def _counts(snapshot: LocationSnapshot | None) -> dict[str, int]:
    counts = {"assets": 0, "jobs": 0, "schedules": 0, "sensors": 0}
    for repo in snapshot.repositories if snapshot is not None else ():
        counts["assets"] += len(repo.assets)
        counts["jobs"] += sum(1 for job in repo.jobs if not job.is_implicit)
        counts["schedules"] += len(repo.schedules)
        counts["sensors"] += len(repo.sensors)
    return counts


def partition_keys(partitions: Any, instance: Any) -> list[str] | None:
    """Up to :data:`MAX_PARTITION_KEYS` keys of a partitions snap (None if they cannot be
    listed here, e.g. a definition this headwater does not know)."""
    if partitions is None:
        return None
    try:
        keys = host_partition_keys(partitions.data, instance.storage.get_dynamic_partitions)
    except Exception:  # noqa: BLE001 - an unlistable definition just shows no keys
        return None
    return list(keys[:MAX_PARTITION_KEYS])


def job_item(location: str, job: JobSnap, instance: Any) -> dict[str, Any]:
    """One job with its run config schema (for the launchpad)."""
    return {
        "name": job.name,
        "location": location,
        "description": job.description,
        "is_asset_job": job.is_asset_job,
        "asset_selection": [list(key) for key in job.asset_selection],
        "partitioned": job.partitions is not None,
        "partition_keys": partition_keys(job.partitions, instance),
        "run_config_schema": job.run_config_schema,
        "default_run_config": job.default_run_config,
        "tags": dict(job.tags),
        "run_tags": job.tags_for_runs,
    }


def instigator_status(state: InstigatorState | None, default: DefaultStatus) -> str:
    """``RUNNING`` or ``STOPPED``: the stored choice, else the code's default."""
    if state is not None and state.status is not InstigatorStatus.DECLARED_IN_CODE:
        return str(state.status.value)
    return str(default.value)


def next_tick(schedule: ScheduleSnap, now: float | None = None) -> float | None:
    """When the schedule ticks next (epoch seconds), or None if it cannot be computed."""
    from headwater.core.cron import next_tick as cron_next_tick

    after = datetime.fromtimestamp(time.time() if now is None else now, tz=timezone.utc)
    try:
        cron = schedule.cron_schedule
        tick = cron_next_tick(cron[0] if len(cron) == 1 else cron, after,
                              schedule.execution_timezone)
    except Exception:  # noqa: BLE001 - an odd schedule shows no next tick rather than failing
        return None
    return tick.timestamp()


def schedule_item(location: str, schedule: ScheduleSnap,
                  state: InstigatorState | None) -> dict[str, Any]:
    """One schedule with its on/off status and, when running, its next tick."""
    status = instigator_status(state, schedule.default_status)
    return {
        "name": schedule.name,
        "location": location,
        "job_name": schedule.job_name,
        "cron_schedule": ", ".join(schedule.cron_schedule),
        "execution_timezone": schedule.execution_timezone,
        "status": status,
        "default_status": schedule.default_status.value,
        "next_tick": next_tick(schedule) if status == "RUNNING" else None,
        "description": schedule.description,
        "tags": dict(schedule.tags),
    }


def sensor_item(location: str, sensor: SensorSnap,
                state: InstigatorState | None) -> dict[str, Any]:
    """One sensor with its on/off status and cursor."""
    return {
        "name": sensor.name,
        "location": location,
        "sensor_type": sensor.sensor_type.value,
        "minimum_interval_seconds": sensor.minimum_interval_seconds,
        "status": instigator_status(state, sensor.default_status),
        "default_status": sensor.default_status.value,
        # An automation sensor's cursor is the evaluator's (large) state: not shown.
        "cursor": (state.cursor if state is not None
                   and sensor.sensor_type is not SensorType.AUTOMATION else None),
        "job_names": list(sensor.job_names),
        "asset_selection": ([list(key) for key in sensor.asset_selection]
                            if sensor.asset_selection is not None else None),
        "asset_key": list(sensor.asset_key) if sensor.asset_key is not None else None,
        "description": sensor.description,
    }


def tick_item(tick: TickRecord) -> dict[str, Any]:
    """One evaluation of a schedule or sensor."""
    return {
        "tick_id": tick.tick_id,
        "timestamp": tick.timestamp,
        "end_timestamp": tick.end_timestamp,
        "status": tick.status.value,
        "run_ids": list(tick.run_ids),
        "run_keys": list(tick.run_keys),
        "skip_reason": tick.skip_reason,
        "cursor": tick.cursor,
        "error": error_item(tick.error),
    }
