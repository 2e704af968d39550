"""Dagster-shaped views of stored runs and events, for tests and sensors reading the instance.

``instance.get_run_records(RunsFilter(...))`` and
``instance.get_event_records(EventRecordsFilter(...))`` answer with these: each wraps the
stored record and exposes the attributes Dagster users read (``record.dagster_run``,
``record.event_log_entry.dagster_event.event_type_value``, ``record.asset_key``, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.automation.event_log_entry import EventLogEntry
from headwater.definitions.ops.results import AssetMaterialization
from headwater.snapshot.dagster_event import DagsterEvent
from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.snapshot.runs import RunRecord

__all__ = [
    "DagsterEventView",
    "EventLogRecordView",
    "EventRecordsFilter",
    "RunRecordView",
    "event_log_entry",
]


@dataclass(frozen=True)
class EventRecordsFilter:
    """Which stored events ``instance.get_event_records`` returns; every given field must match.

    Attributes:
        event_type: the kind of event (``DagsterEventType.ASSET_MATERIALIZATION``, ...).
        asset_key: only events about this asset.
        asset_partitions: only events about these partitions.
        after_cursor: only events with a larger storage id.
        before_cursor: only events with a smaller storage id.
        after_timestamp: only events logged later (seconds since the epoch).
        before_timestamp: only events logged earlier.
    """

    event_type: EventType
    asset_key: AssetKey | Sequence[str] | None = None
    asset_partitions: Sequence[str] | None = None
    after_cursor: int | None = None
    before_cursor: int | None = None
    after_timestamp: float | None = None
    before_timestamp: float | None = None

    def matches(self, storage_id: int, event: RunEvent) -> bool:
        """Whether the stored event passes every given condition."""
        data = event.data
        partition = data.partition if isinstance(data, AssetEventData) else None
        checks = (
            self.asset_key is None or event.asset_key == _path(self.asset_key),
            self.asset_partitions is None or partition in self.asset_partitions,
            self.before_cursor is None or storage_id < self.before_cursor,
            self.after_timestamp is None or event.timestamp > self.after_timestamp,
            self.before_timestamp is None or event.timestamp < self.before_timestamp,
        )
        return all(checks)


def _path(key: AssetKey | Sequence[str] | str) -> list[str]:
    if isinstance(key, AssetKey):
        return list(key.path)
    return [key] if isinstance(key, str) else list(key)


#: The name this module used before ``DagsterEvent`` had its own module.
DagsterEventView = DagsterEvent


def event_log_entry(storage_id: int, event: RunEvent) -> EventLogEntry:
    """The stored event as an ``EventLogEntry`` (with its ``dagster_event``)."""
    view = DagsterEvent(event)
    return EventLogEntry(
        run_id=event.run_id,
        timestamp=event.timestamp,
        asset_key=view.asset_key,
        partition=view.partition,
        asset_materialization=view.event_specific_data.materialization
        if view.is_step_materialization else None,
        step_key=event.step_key,
        job_name=event.job_name,
        storage_id=storage_id,
        event_details=view,
        user_message=event.message,
    )


class EventLogRecordView:
    """One stored event with its storage id, as Dagster's ``EventLogRecord``."""

    def __init__(self, storage_id: int, event: RunEvent) -> None:
        self.storage_id = storage_id
        self.event_log_entry = event_log_entry(storage_id, event)

    @property
    def run_id(self) -> str:
        """The run that logged the event."""
        return self.event_log_entry.run_id

    @property
    def timestamp(self) -> float:
        """When the event was logged."""
        return self.event_log_entry.timestamp

    @property
    def asset_key(self) -> AssetKey | None:
        """The asset the event is about, if any."""
        return self.event_log_entry.asset_key

    @property
    def partition_key(self) -> str | None:
        """The partition the event is about, if any."""
        return self.event_log_entry.partition

    @property
    def asset_materialization(self) -> AssetMaterialization | None:
        """The materialization, when the event is one."""
        return self.event_log_entry.asset_materialization

    def __repr__(self) -> str:
        return f"EventLogRecord(storage_id={self.storage_id}, {self.event_log_entry.dagster_event})"


class RunRecordView:
    """A stored run as Dagster's ``RunRecord``: ``dagster_run`` and its timestamps."""

    def __init__(self, run: RunRecord) -> None:
        self.dagster_run = run

    @property
    def create_timestamp(self) -> datetime:
        """When the run was created."""
        return datetime.fromtimestamp(self.dagster_run.created_at, tz=timezone.utc)

    @property
    def update_timestamp(self) -> datetime:
        """When the run was last updated."""
        return datetime.fromtimestamp(self.dagster_run.updated_at, tz=timezone.utc)

    @property
    def start_time(self) -> float | None:
        """When the run started (seconds since the epoch)."""
        return self.dagster_run.start_time

    @property
    def end_time(self) -> float | None:
        """When the run finished (seconds since the epoch)."""
        return self.dagster_run.end_time

    def __repr__(self) -> str:
        run = self.dagster_run
        return f"RunRecord({run.run_id}, {run.job_name}, {run.status.value})"


#: Dagster's names.
DagsterEventType = EventType
EventLogRecord = EventLogRecordView
