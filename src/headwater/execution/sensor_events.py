"""Stored materializations as the :class:`EventLogEntry` an asset sensor function receives.

Used by the code server's asset-sensor ticks and by an asset sensor called directly in a test
(which reads the newest materialization from ``context.instance``, as Dagster's does).
"""

from __future__ import annotations

from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.automation.event_log_entry import EventLogEntry
from headwater.definitions.ops.results import AssetMaterialization
from headwater.snapshot.events import AssetEventData
from headwater.snapshot.runs import AssetEventRecord


def entry_from_record(record: AssetEventRecord) -> EventLogEntry:
    """The stored materialization as the sensor function sees it."""
    from headwater.snapshot.metadata import metadata_from_snap

    event = record.event
    data = event.data
    key = AssetKey(record.asset_key)
    materialization = AssetMaterialization(
        key, partition=record.partition,
        description=data.description if isinstance(data, AssetEventData) else None,
        metadata=metadata_from_snap(data.metadata) if isinstance(data, AssetEventData) else {},
        tags=data.tags if isinstance(data, AssetEventData) else None)
    return EventLogEntry(
        run_id=record.run_id, timestamp=record.timestamp, asset_key=key,
        partition=record.partition, asset_materialization=materialization,
        step_key=event.step_key, job_name=event.job_name, storage_id=record.storage_id)


def latest_materialization_entry(
    instance: Any, asset_key: AssetKey, after_storage_id: int | None
) -> EventLogEntry | None:
    """The newest materialization of the asset stored after ``after_storage_id``, if any.

    ``instance`` is a headwater ``Instance`` (duck-typed: this layer does not import storage).
    """
    records = instance.storage.get_materializations(list(asset_key.path), limit=1)
    if not records:
        return None
    record = records[0]
    if after_storage_id is not None and record.storage_id <= after_storage_id:
        return None
    return entry_from_record(record)


def materialization_entries_after(
    instance: Any, asset_key: AssetKey, after_storage_id: int | None, limit: int | None = None
) -> list[EventLogEntry]:
    """The asset's materializations stored after ``after_storage_id`` (all with None),
    oldest first."""
    path = list(asset_key.path)
    storage = instance.storage
    if after_storage_id is None:
        records = list(reversed(storage.get_materializations(path, limit=limit)))
    else:
        records = storage.get_materializations_after(path, after_storage_id, limit=limit)
    return [entry_from_record(record) for record in records]
