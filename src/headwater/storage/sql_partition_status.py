"""Per-asset partition status, kept current as events are stored (the partitions view).

Each stored event that changes a partition's status updates its row in
``asset_partition_status`` in the same transaction as the event:

- a materialization of a partition: MATERIALIZED;
- a run starting with an asset selection and a partition key: IN_PROGRESS for each selected
  asset; a run over a partition range is marked by whoever knows its keys (a backfill, with
  ``mark_partitions_in_progress``);
- a run failing or being canceled: its partitions still IN_PROGRESS become FAILED; a run
  succeeding without materializing one: back to MATERIALIZED or MISSING, as before.

Every change bumps the asset's counter in ``asset_partition_versions`` (an upsert, so writers
of one asset take turns and versions commit in order) and stamps the changed rows with it.
:meth:`SqlPartitionStatus.get_partition_statuses` keeps each asset's statuses in memory and
reads only the rows above the version it holds: a repeated read of an unchanged asset is one
primary-key lookup, whatever the number of partitions. A reader that had to read many rows
stores what it holds, compacted into one row of ``asset_partition_snapshots``, so the next
new reader (another process, a restarted webserver) starts from there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from enum import IntEnum
from types import MappingProxyType
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.storage.schema import asset_partition_snapshots as snapshots_table
from headwater.storage.schema import asset_partition_status as status_table
from headwater.storage.schema import asset_partition_versions as versions_table
from headwater.storage.schema import runs
from headwater.storage.sql_base import SqlBase, encode_key

__all__ = [
    "PartitionStatus", "SqlPartitionStatus", "forget_partition_statuses", "index_partition_status",
]


class PartitionStatus(IntEnum):
    """A partition's status in the partitions view (stored as its number)."""

    MISSING = 0
    MATERIALIZED = 1
    FAILED = 2
    IN_PROGRESS = 3


class _RunTargets(msgspec.Struct):
    asset_selection: list[list[str]] | None = None
    partition_key: str | None = None


_run_targets = msgspec.json.Decoder(_RunTargets)
_snapshot_encoder = msgspec.msgpack.Encoder()
_snapshot_decoder = msgspec.msgpack.Decoder(dict[str, int])
#: A refresh that read at least this many rows stores a compacted snapshot.
SNAPSHOT_ROWS = 5000
_ENDED = {EventType.RUN_SUCCESS: True, EventType.RUN_FAILURE: False,
          EventType.RUN_CANCELED: False}

#: asset key (encoded) -> partition -> (status, materialized, run id)
Changes = dict[str, dict[str, tuple[int, bool, str]]]


def index_partition_status(connection: Connection, events: Iterable[RunEvent]) -> None:
    """Apply the events' partition-status changes (inside the events' transaction)."""
    changes: Changes = {}
    ended: list[tuple[str, bool]] = []
    for event in events:
        kind, data = event.event_type, event.data
        if kind is EventType.ASSET_MATERIALIZATION and isinstance(data, AssetEventData):
            if data.partition is not None:
                changes.setdefault(encode_key(data.asset_key), {})[data.partition] = (
                    PartitionStatus.MATERIALIZED, True, event.run_id)
        elif kind is EventType.RUN_START:
            _started(connection, event.run_id, changes)
        elif kind in _ENDED:
            ended.append((event.run_id, _ENDED[kind]))
    if changes:
        _write(connection, changes)
    for run_id, success in ended:
        _finish(connection, run_id, success)


def _started(connection: Connection, run_id: str, changes: Changes) -> None:
    body = connection.execute(
        sa.select(runs.c.body).where(runs.c.run_id == run_id)).scalar_one_or_none()
    if body is None:
        return
    targets = _run_targets.decode(body)
    if targets.partition_key is None or not targets.asset_selection:
        return
    for key in targets.asset_selection:
        changes.setdefault(encode_key(key), {})[targets.partition_key] = (
            PartitionStatus.IN_PROGRESS, False, run_id)


def _finish(connection: Connection, run_id: str, success: bool) -> None:
    """The run's partitions still in progress become failed (or what they were before)."""
    rows = connection.execute(
        sa.select(status_table.c.asset_key, status_table.c.partition,
                  status_table.c.materialized)
        .where(status_table.c.run_id == run_id,
               status_table.c.status == int(PartitionStatus.IN_PROGRESS))
    ).all()
    changes: Changes = {}
    for row in rows:
        if success:
            status = (PartitionStatus.MATERIALIZED if row.materialized
                      else PartitionStatus.MISSING)
        else:
            status = PartitionStatus.FAILED
        changes.setdefault(row.asset_key, {})[row.partition] = (status, False, run_id)
    if changes:
        _write(connection, changes)


def _insert(connection: Connection, table: sa.Table) -> Any:
    return (sqlite.insert(table) if connection.dialect.name == "sqlite"
            else postgresql.insert(table))


_statements: dict[str, tuple[Any, Any]] = {}


def _statements_for(connection: Connection) -> tuple[Any, Any]:
    """The version bump and the status upsert, built once per dialect (building and compiling
    them costs more than running them)."""
    name = connection.dialect.name
    found = _statements.get(name)
    if found is None:
        bump = _insert(connection, versions_table).values(
            asset_key=sa.bindparam("asset_key"), version=1)
        bump = bump.on_conflict_do_update(
            index_elements=[versions_table.c.asset_key],
            set_={"version": versions_table.c.version + 1},
        ).returning(versions_table.c.version)
        upsert = _insert(connection, status_table)
        upsert = upsert.on_conflict_do_update(
            index_elements=[status_table.c.asset_key, status_table.c.partition],
            set_={
                "status": upsert.excluded.status,
                # Once materialized, always "was materialized".
                "materialized": sa.or_(status_table.c.materialized,
                                       upsert.excluded.materialized),
                "run_id": upsert.excluded.run_id,
                "version": upsert.excluded.version,
            },
        )
        found = _statements[name] = (bump, upsert)
    return found


def _write(connection: Connection, changes: Changes) -> None:
    bump, upsert = _statements_for(connection)
    # Assets in a fixed order: concurrent writers lock the version rows alike, no deadlock.
    for key in sorted(changes):
        version = int(connection.execute(bump, {"asset_key": key}).scalar_one())
        connection.execute(upsert, [
            {"asset_key": key, "partition": partition, "status": int(status),
             "materialized": materialized, "run_id": run_id, "version": version}
            for partition, (status, materialized, run_id) in sorted(changes[key].items())
        ])


def forget_partition_statuses(connection: Connection, asset_keys: Sequence[str]) -> None:
    """Every partition of these (encoded) asset keys becomes missing: wiping an asset.

    The rows are rewritten as missing under a new version, not deleted, so every storage
    object's cache of the asset sees the change on its next read.
    """
    changes: Changes = {}
    for key in asset_keys:
        rows = connection.execute(
            sa.select(status_table.c.partition).where(status_table.c.asset_key == key,
                                                      status_table.c.status != 0)
        ).scalars()
        found: dict[str, tuple[int, bool, str]] = {
            partition: (PartitionStatus.MISSING, False, "") for partition in rows}
        if found:
            changes[key] = found
    if changes:
        _write(connection, changes)


class _Cached:
    __slots__ = ("lock", "statuses", "version", "view")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version = 0
        self.statuses: dict[str, int] = {}
        self.view: Mapping[str, int] = MappingProxyType(self.statuses)


class SqlPartitionStatus(SqlBase):
    """The partition-status half of the storage."""

    _partition_cache: dict[str, _Cached] | None = None
    _partition_cache_lock = threading.Lock()

    def get_partition_statuses(self, asset_key: Sequence[str]) -> Mapping[str, int]:
        """Each partition of the asset with a status other than missing, by partition key.

        Values are :class:`PartitionStatus` numbers. The mapping is a read-only view of this
        storage object's cache for the asset, current as of the call; while nothing changes,
        repeated calls return the same object (callers may cache what they derive from it).
        """
        key = encode_key(asset_key)
        with self._partition_cache_lock:
            if self._partition_cache is None:
                self._partition_cache = {}
            cached = self._partition_cache.setdefault(key, _Cached())
        with cached.lock:
            read = self._read(lambda connection: _refresh(connection, key, cached))
            if read >= SNAPSHOT_ROWS:
                self._write(lambda connection: _store_snapshot(connection, key, cached))
            return cached.view


    def mark_partitions_in_progress(self, run_id: str, asset_keys: Iterable[Sequence[str]],
                                    partitions: Sequence[str]) -> None:
        """Show ``partitions`` of the assets as in progress in run ``run_id`` (a run over a
        range, whose keys the storage cannot list from its tags); the run's end settles them
        as for any run."""
        rows = {partition: (PartitionStatus.IN_PROGRESS, False, run_id)
                for partition in partitions}
        changes: Changes = {encode_key(key): dict(rows) for key in asset_keys}
        if rows and changes:
            self._write(lambda connection: _write(connection, changes))


def _store_snapshot(connection: Connection, key: str, cached: _Cached) -> None:
    row = {"asset_key": key, "version": cached.version,
           "body": _snapshot_encoder.encode(cached.statuses)}
    upsert = _insert(connection, snapshots_table).values(**row)
    upsert = upsert.on_conflict_do_update(
        index_elements=[snapshots_table.c.asset_key],
        set_={"version": upsert.excluded.version, "body": upsert.excluded.body},
        # Never replace a newer snapshot by an older one.
        where=snapshots_table.c.version < upsert.excluded.version,
    )
    connection.execute(upsert)


def _refresh(connection: Connection, key: str, cached: _Cached) -> int:
    """Bring ``cached`` up to the asset's version; the number of rows read."""
    version = connection.execute(
        sa.select(versions_table.c.version).where(versions_table.c.asset_key == key)
    ).scalar_one_or_none()
    if version is None or int(version) == cached.version:
        return 0
    # Nothing in ``cached`` changes before the end: the transaction may be retried.
    statuses, since = cached.statuses, cached.version
    if since == 0:
        snapshot = connection.execute(
            sa.select(snapshots_table.c.version, snapshots_table.c.body)
            .where(snapshots_table.c.asset_key == key,
                   snapshots_table.c.version <= int(version))
        ).one_or_none()
        if snapshot is not None:
            statuses = _snapshot_decoder.decode(snapshot.body)
            since = int(snapshot.version)
    # Only rows up to the version read: a writer of a higher one may not have committed.
    query = sa.select(status_table.c.partition, status_table.c.status).where(
        status_table.c.asset_key == key,
        status_table.c.version > since,
        status_table.c.version <= int(version),
    )
    read = 0
    statuses = dict(statuses)
    for partition, status in connection.execute(query):
        read += 1
        if status == PartitionStatus.MISSING:
            statuses.pop(partition, None)
        else:
            statuses[partition] = int(status)
    # A new dict, not an update: views handed out earlier stay consistent.
    cached.statuses = statuses
    cached.view = MappingProxyType(statuses)
    cached.version = int(version)
    return read
