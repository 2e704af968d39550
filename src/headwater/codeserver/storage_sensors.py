"""Sensors that read the instance: asset sensors and run-status sensors.

They run in the location process (they call the user's functions) against the instance the
code server launches runs in. Both keep a storage id as their cursor:

* an asset sensor is called once for each materialization of its asset stored after the
  cursor (oldest first); with no cursor yet, for the newest existing one;
* a run-status sensor is called once for each run that reached its status after the cursor
  (read from the RUN_START / RUN_SUCCESS / RUN_FAILURE / ... events), in its own code
  location unless it monitors all of them, and for the monitored jobs only. Its first tick
  only notes where the event log ends: runs that finished before the sensor started are
  not reported.

At most :data:`MAX_EVENTS_PER_TICK` events are handled per tick; the rest wait for the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from headwater.core.origins import LocationOrigin
from headwater.core.run_status import RunStatus
from headwater.definitions.automation.asset_sensors import AssetSensorDefinition
from headwater.definitions.automation.run_status_sensor_context import RunEventView, RunRecordView
from headwater.definitions.automation.run_status_sensors import RunStatusSensorDefinition
from headwater.definitions.automation.sensor_contexts import build_sensor_context
from headwater.definitions.automation.sensor_results import SensorEvaluationResult
from headwater.errors import HeadwaterError
from headwater.execution.sensor_events import entry_from_record
from headwater.snapshot.events import EventType
from headwater.snapshot.runs import EventLogRecord, RunRecord

if TYPE_CHECKING:
    from headwater.storage.instance import Instance

#: Events (and so calls of the sensor function) handled at most in one tick.
MAX_EVENTS_PER_TICK = 100

#: The run event that moves a run to each status a run-status sensor can watch.
STATUS_EVENTS = {
    RunStatus.STARTED: EventType.RUN_START,
    RunStatus.SUCCESS: EventType.RUN_SUCCESS,
    RunStatus.FAILURE: EventType.RUN_FAILURE,
    RunStatus.CANCELING: EventType.RUN_CANCELING,
    RunStatus.CANCELED: EventType.RUN_CANCELED,
}


class SensorScope:
    """Where a sensor runs: the instance, its repository's name and resources, the location."""

    def __init__(self, instance: Instance, repository_name: str,
                 resources: Mapping[str, Any] | None, origin: LocationOrigin) -> None:
        self.instance = instance
        self.repository_name = repository_name
        self.resources = resources
        self.origin = origin


def storage_id_cursor(sensor_name: str, cursor: str | None) -> int | None:
    """The storage id a cursor holds (``None`` for no cursor yet).

    Raises:
        HeadwaterError: the cursor is not a storage id (the function set its own).
    """
    if cursor is None or cursor == "":
        return None
    try:
        return int(cursor)
    except ValueError:
        raise HeadwaterError(
            f"Sensor '{sensor_name}' has the cursor {cursor!r}, but its cursor must be the "
            "storage id of the last event it handled. Do not set it from the sensor function "
            "(or reset the sensor's cursor)."
        ) from None


def evaluate_asset_sensor(sensor: AssetSensorDefinition, scope: SensorScope,
                          cursor: str | None) -> SensorEvaluationResult:
    """One tick: the function once per new materialization of the sensor's asset."""
    storage = scope.instance.storage
    key = list(sensor.asset_key.path)
    after = storage_id_cursor(sensor.name, cursor)
    records = (storage.get_materializations(key, limit=1) if after is None
               else storage.get_materializations_after(key, after, limit=MAX_EVENTS_PER_TICK))
    if not records:
        return sensor.evaluate_tick(_context(scope, cursor), None)
    results = []
    for record in records:
        entry = entry_from_record(record)
        result = sensor.evaluate_tick(_context(scope, cursor), asset_event=entry)
        results.append(result)
        cursor = result.cursor
    return _combined(results, cursor)


def evaluate_run_status_sensor(sensor: RunStatusSensorDefinition, scope: SensorScope,
                               cursor: str | None) -> SensorEvaluationResult:
    """One tick: the function once per run that reached the sensor's status since the cursor.

    Raises:
        HeadwaterError: the sensor watches a status no run event marks (QUEUED, STARTING).
    """
    status = sensor.run_status
    event_type = STATUS_EVENTS.get(status)
    if event_type is None:
        watchable = ", ".join(item.value for item in STATUS_EVENTS)
        raise HeadwaterError(
            f"Run status sensor '{sensor.name}' watches {status.value}, which no run event "
            f"marks; it can watch {watchable}.")
    storage = scope.instance.storage
    after = storage_id_cursor(sensor.name, cursor)
    if after is None:
        newest = storage.get_events_by_type([event_type], newest_first=True, limit=1)
        return SensorEvaluationResult(
            skip_message=f"Started watching for runs that reach {status.value}; runs that "
                         "got there earlier are not reported.",
            cursor=str(newest[0].storage_id if newest else 0))
    records = storage.get_events_by_type([event_type], after_storage_id=after,
                                         limit=MAX_EVENTS_PER_TICK)
    results = []
    for record in records:
        run = storage.get_run(record.event.run_id)
        if run is None or not _in_scope(sensor, scope, run):
            continue
        view = _run_view(run, status)
        if not sensor.monitors(view):
            continue
        context = sensor.build_context(view, _event_view(record), instance=scope.instance,
                                       resources=scope.resources)
        results.append(sensor.evaluate_for_run(context))
    new_cursor = str(records[-1].storage_id) if records else cursor
    if not results:
        return SensorEvaluationResult(
            skip_message=f"No monitored run reached {status.value} since the last tick.",
            cursor=new_cursor)
    return _combined(results, new_cursor)


def _context(scope: SensorScope, cursor: str | None) -> Any:
    return build_sensor_context(instance=scope.instance, cursor=cursor,
                                repository_name=scope.repository_name,
                                resources=scope.resources)


def _combined(results: Sequence[SensorEvaluationResult],
              cursor: str | None) -> SensorEvaluationResult:
    """Several calls' results as one tick: every run request, else the skip messages."""
    requests = [request for result in results for request in result.run_requests]
    skips = [result.skip_message for result in results if result.skip_message]
    return SensorEvaluationResult(
        run_requests=requests,
        skip_message=None if requests else ("; ".join(dict.fromkeys(skips)) or None),
        cursor=cursor,
        dynamic_partitions_requests=[
            item for result in results for item in result.dynamic_partitions_requests],
        asset_events=[item for result in results for item in result.asset_events],
    )


def _in_scope(sensor: RunStatusSensorDefinition, scope: SensorScope, run: RunRecord) -> bool:
    """Whether the run is of the sensor's code location (or it watches every location).

    A run is this location's when it carries the location's name or was loaded from the
    same code (a ``grpc_server`` location may be named differently on the host).
    """
    if sensor.monitor_all_code_locations:
        return True
    if run.location_name == scope.origin.location_name:
        return True
    if run.origin is None:
        return False
    own = {**scope.origin.to_dict(), "location_name": None}
    return {**run.origin, "location_name": None} == own


def _run_view(run: RunRecord, status: RunStatus) -> RunRecordView:
    """The run as user code sees it, at the status the sensor watches (it may have moved on
    since, e.g. a started run that has finished meanwhile)."""
    return RunRecordView(run_id=run.run_id, job_name=run.job_name, status=status,
                         tags=dict(run.tags), start_time=run.start_time,
                         end_time=run.end_time, failure_message=run.failure_message)


def _event_view(record: EventLogRecord) -> RunEventView:
    event = record.event
    return RunEventView(event_type=event.event_type.value, message=event.message,
                        timestamp=event.timestamp, step_key=event.step_key)
