"""Response items for runs, their steps and their events."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from headwater.snapshot.events import (
    AssetCheckData,
    AssetEventData,
    EventType,
    InputData,
    OutputData,
    RunFailureData,
    StepFailureData,
    StepRetryData,
)
from headwater.snapshot.runs import EventLogRecord, RunRecord
from headwater.webserver.items import error_item, metadata_item

#: The events that tell a step's story.
STEP_EVENTS = (EventType.STEP_START, EventType.STEP_SUCCESS, EventType.STEP_FAILURE,
               EventType.STEP_SKIPPED, EventType.STEP_UP_FOR_RETRY, EventType.STEP_RESTARTED)

_STEP_STATUS = {
    EventType.STEP_START: "RUNNING",
    EventType.STEP_RESTARTED: "RUNNING",
    EventType.STEP_SUCCESS: "SUCCESS",
    EventType.STEP_FAILURE: "FAILURE",
    EventType.STEP_SKIPPED: "SKIPPED",
    EventType.STEP_UP_FOR_RETRY: "UP_FOR_RETRY",
}


def run_item(run: RunRecord) -> dict[str, Any]:
    """One run as listed."""
    return {
        "run_id": run.run_id,
        "job_name": run.job_name,
        "location": run.location_name,
        "status": run.status.value,
        "tags": dict(run.tags),
        "created_at": run.created_at,
        "start_time": run.start_time,
        "end_time": run.end_time,
        "asset_selection": ([list(key) for key in run.asset_selection]
                            if run.asset_selection is not None else None),
        "partition": run.partition_key,
        "failure_message": run.failure_message,
        "parent_run_id": run.parent_run_id,
        "root_run_id": run.root_run_id,
    }


def run_detail_item(run: RunRecord) -> dict[str, Any]:
    """One run with everything it executes."""
    return {
        **run_item(run),
        "run_config": run.run_config,
        "step_keys_to_execute": run.step_keys_to_execute,
        "updated_at": run.updated_at,
        "worker_pid": run.worker_pid,
    }


def step_items(records: Iterable[EventLogRecord], run_finished: bool) -> list[dict[str, Any]]:
    """Each step's status, times and attempts, in the order steps started."""
    steps: dict[str, dict[str, Any]] = {}
    for record in records:
        event = record.event
        status = _STEP_STATUS.get(event.event_type)
        if event.step_key is None or status is None:
            continue
        step = steps.setdefault(event.step_key, {
            "step_key": event.step_key, "status": status, "start_time": None,
            "end_time": None, "attempts": 0})
        step["status"] = status
        if event.event_type in (EventType.STEP_START, EventType.STEP_RESTARTED):
            step["attempts"] += 1
            if step["start_time"] is None:
                step["start_time"] = event.timestamp
            step["end_time"] = None
        elif status != "UP_FOR_RETRY":
            step["end_time"] = event.timestamp
    if run_finished:
        for step in steps.values():
            if step["status"] in ("RUNNING", "UP_FOR_RETRY"):
                step["status"] = "UNKNOWN"  # the run ended without the step's outcome
    return list(steps.values())


def event_item(record: EventLogRecord) -> dict[str, Any]:
    """One event of a run's log; asset and failure events carry their details."""
    event = record.event
    item: dict[str, Any] = {
        "storage_id": record.storage_id,
        "timestamp": event.timestamp,
        "event_type": event.event_type.value,
        "step_key": event.step_key,
        "message": event.message,
        "level": logging.getLevelName(event.level),
    }
    data = event.data
    if isinstance(data, (AssetEventData, AssetCheckData)):
        item["asset_key"] = list(data.asset_key)
        item["partition"] = data.partition
        item["metadata"] = metadata_item(data.metadata)
        if isinstance(data, AssetEventData):
            item["tags"] = dict(data.tags)
            item["data_version"] = data.data_version
        if isinstance(data, AssetCheckData):
            item["check_name"] = data.check_name
            item["passed"] = data.passed
            item["severity"] = data.severity
        if data.description:
            item["description"] = data.description
    elif isinstance(data, StepFailureData):
        item["error"] = error_item(data.error)
        item["metadata"] = metadata_item(data.metadata)
    elif isinstance(data, (StepRetryData, RunFailureData)) and data.error is not None:
        item["error"] = error_item(data.error)
    elif isinstance(data, (OutputData, InputData)):
        item.update(_io_fields(data))
    return item


def _io_fields(data: OutputData | InputData) -> dict[str, Any]:
    if isinstance(data, OutputData):
        return {"output_name": data.output_name, "io_manager_key": data.io_manager_key}
    fields: dict[str, Any] = {"input_name": data.input_name,
                              "upstream_step_key": data.upstream_step_key}
    if data.asset_key is not None:
        fields["asset_key"] = list(data.asset_key)
    return fields
