"""The instance methods user code, sensors and tests call, in Dagster's shapes.

``DagsterInstance`` users read the latest materialization of an asset, page through its
materializations and observations, list asset keys, read a run's log, report events of
assets that change outside any run, and wipe assets. These methods answer from the asset
index and the event log through :class:`~headwater.storage.base.Storage`; the Dagster-shaped
records (``EventLogEntry``, ``EventLogRecord``, ``RunRecord``) come from
``headwater.snapshot.event_records``, imported when first needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from headwater.core.names import CODE_VERSION_TAG
from headwater.snapshot.events import AssetEventData, EventType
from headwater.snapshot.runs import AssetEventRecord, RunRecord, RunsFilter

if TYPE_CHECKING:
    from headwater.snapshot.record_queries import AssetRecordsFilter, EventRecordsResult
    from headwater.storage.base import Storage

#: ``AssetKey`` (or a string / list naming an asset) and ``EventLogEntry``: their classes
#: belong to the definitions layer, which storage does not import; the snapshot layer builds
#: them.
AssetKey = Any
EventLogEntry = Any


def _path(asset_key: Any) -> list[str]:
    from headwater.snapshot.record_queries import key_path

    return key_path(asset_key)


def _entry(record: AssetEventRecord) -> EventLogEntry:
    from headwater.snapshot.event_records import event_log_entry

    return event_log_entry(record.storage_id, record.event)


#: Run status events read per query while filling a page of ``fetch_run_status_changes``.
_STATUS_BATCH = 500


class InstanceQueries:
    """Dagster's instance API over the instance's storage (mixed into ``Instance``)."""

    @property
    def storage(self) -> Storage:
        raise NotImplementedError

    # Assets -------------------------------------------------------------------------------

    def get_latest_materialization_event(self, asset_key: AssetKey) -> EventLogEntry | None:
        """The newest materialization of the asset (any partition), or None."""
        found = self.storage.get_latest_materializations([_path(asset_key)])
        record = next(iter(found.values()), None)
        return None if record is None else _entry(record)

    def get_latest_materialization_events(
        self, asset_keys: Iterable[AssetKey]
    ) -> Mapping[AssetKey, EventLogEntry | None]:
        """The newest materialization of each asset (None for one never materialized)."""
        from headwater.snapshot.record_queries import as_asset_key

        keys = [as_asset_key(key) for key in asset_keys]
        found = self.storage.get_latest_materializations([list(key.path) for key in keys])
        result: dict[Any, Any] = {}
        for key in keys:
            record = found.get(tuple(key.path))
            result[key] = None if record is None else _entry(record)
        return result

    def get_latest_materialization_code_versions(
        self, asset_keys: Iterable[AssetKey]
    ) -> Mapping[AssetKey, str | None]:
        """The code version each asset's newest materialization was made with."""
        from headwater.snapshot.record_queries import as_asset_key

        keys = [as_asset_key(key) for key in asset_keys]
        found = self.storage.get_latest_materializations([list(key.path) for key in keys])
        result: dict[Any, str | None] = {}
        for key in keys:
            record = found.get(tuple(key.path))
            data = record.event.data if record is not None else None
            tags = data.tags if isinstance(data, AssetEventData) else {}
            result[key] = tags.get(CODE_VERSION_TAG) or tags.get("dagster/code_version")
        return result

    def fetch_materializations(
        self,
        records_filter: AssetKey | AssetRecordsFilter,
        limit: int,
        cursor: str | None = None,
        ascending: bool = False,
    ) -> EventRecordsResult:
        """One page of the asset's materializations, newest first unless ``ascending``;
        pass the result's ``cursor`` back for the next page."""
        return self._fetch(EventType.ASSET_MATERIALIZATION, records_filter, limit, cursor,
                           ascending)

    def fetch_observations(
        self,
        records_filter: AssetKey | AssetRecordsFilter,
        limit: int,
        cursor: str | None = None,
        ascending: bool = False,
    ) -> EventRecordsResult:
        """One page of the asset's observations, as :meth:`fetch_materializations`."""
        return self._fetch(EventType.ASSET_OBSERVATION, records_filter, limit, cursor,
                           ascending)

    def _fetch(
        self,
        event_type: EventType,
        records_filter: Any,
        limit: int,
        cursor: str | None,
        ascending: bool,
    ) -> EventRecordsResult:
        from headwater.snapshot.record_queries import (
            AssetRecordsFilter,
            decode_cursor,
            records_page,
        )

        wanted = (records_filter if isinstance(records_filter, AssetRecordsFilter)
                  else AssetRecordsFilter(asset_key=records_filter))
        after, before = wanted.after_storage_id, wanted.before_storage_id
        if cursor:
            position = decode_cursor(cursor)
            if ascending:
                after = position if after is None else max(after, position)
            else:
                before = position if before is None else min(before, position)
        rows = self.storage.query_asset_events(
            list(wanted.asset_key.path), event_type,
            partitions=wanted.asset_partitions,
            after_storage_id=after, before_storage_id=before,
            after_timestamp=wanted.after_timestamp, before_timestamp=wanted.before_timestamp,
            storage_ids=wanted.storage_ids,
            limit=limit + 1, ascending=ascending,
        )
        return records_page(rows, limit, cursor)

    def get_asset_keys(
        self,
        prefix: Sequence[str] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Sequence[AssetKey]:
        """Keys of every asset with a stored materialization or observation, sorted; only
        those under ``prefix``, after the key whose string is ``cursor``."""
        from headwater.snapshot.record_queries import as_asset_key

        keys = [as_asset_key(path) for path in self.storage.get_indexed_asset_keys()]
        if prefix:
            keys = [key for key in keys if list(key.path[:len(prefix)]) == list(prefix)]
        if cursor:
            keys = [key for key in keys if key.to_string() > cursor]
        return keys[:limit] if limit is not None else keys

    def has_asset_key(self, asset_key: AssetKey) -> bool:
        """Whether the asset has a stored materialization or observation."""
        return _path(asset_key) in self.storage.get_indexed_asset_keys()

    def get_materialized_partitions(
        self,
        asset_key: AssetKey,
        before_cursor: int | None = None,
        after_cursor: int | None = None,
    ) -> set[str]:
        """Partitions of the asset materialized at least once (between the storage ids)."""
        if before_cursor is None and after_cursor is None:
            return self.storage.get_materialized_partitions(_path(asset_key))
        rows = self.storage.query_asset_events(
            _path(asset_key), EventType.ASSET_MATERIALIZATION,
            after_storage_id=after_cursor, before_storage_id=before_cursor,
        )
        return {row.partition for row in rows if row.partition is not None}

    def get_status_by_partition(
        self, asset_key: AssetKey, partition_keys: Sequence[str], partitions_def: Any = None,
    ) -> Mapping[str, Any]:
        """Each of ``partition_keys`` with its ``AssetPartitionStatus`` (None: never
        materialized nor in progress)."""
        from headwater.snapshot.record_queries import PARTITION_STATUS_BY_CODE

        statuses = self.storage.get_partition_statuses(_path(asset_key))
        return {key: PARTITION_STATUS_BY_CODE.get(statuses.get(key, 0)) for key in partition_keys}

    def fetch_run_status_changes(
        self, records_filter: Any, limit: int, cursor: str | None = None,
        ascending: bool = False,
    ) -> EventRecordsResult:
        """One page of run status changes (``RUN_SUCCESS``, ``RUN_FAILURE``, ...), newest first
        unless ``ascending``; pass the result's ``cursor`` back for the next page."""
        from headwater.snapshot.record_queries import (
            RunStatusChangeRecordsFilter,
            decode_cursor,
            records_page,
        )

        wanted = (records_filter if isinstance(records_filter, RunStatusChangeRecordsFilter)
                  else RunStatusChangeRecordsFilter(event_type=records_filter))
        kind = EventType(getattr(wanted.event_type, "value", wanted.event_type))
        position = decode_cursor(cursor) if cursor else None
        after = (position or 0) if ascending else 0
        before = None if ascending else position
        # Read in batches until a page (and one more) passes the filter, not the whole log.
        batch = max(limit + 1, _STATUS_BATCH)
        picked: list[Any] = []
        while len(picked) <= limit:
            rows = self.storage.get_events_by_type(
                [kind], after_storage_id=after, before_storage_id=before, limit=batch,
                newest_first=not ascending)
            picked += [row for row in rows if wanted.matches(
                row.storage_id, row.event.timestamp, row.event.job_name)]
            if len(rows) < batch:
                break
            if ascending:
                after = rows[-1].storage_id
            else:
                before = rows[-1].storage_id
        return records_page(picked, limit, cursor)

    def report_runless_asset_event(self, asset_event: Any) -> None:
        """Store an ``AssetMaterialization``, ``AssetObservation`` or ``AssetCheckEvaluation``
        of an asset that changed outside any run (an external asset)."""
        from headwater.snapshot.runless_events import runless_event

        self.storage.store_event(runless_event(asset_event))

    def wipe_assets(self, asset_keys: Sequence[AssetKey]) -> None:
        """Forget the assets' materializations, observations, check results and partition
        statuses; the runs that made them and their logs stay."""
        self.storage.wipe_assets([_path(key) for key in asset_keys])

    # Runs ---------------------------------------------------------------------------------

    def get_run_by_id(self, run_id: str) -> RunRecord | None:
        """The run (Dagster's ``DagsterRun``), or None."""
        return self.storage.get_run(run_id)

    def get_run_record_by_id(self, run_id: str) -> Any:
        """The run as a ``RunRecord`` (``.dagster_run`` and its timestamps), or None."""
        from headwater.snapshot.event_records import RunRecordView

        run = self.storage.get_run(run_id)
        return None if run is None else RunRecordView(run)

    def get_run_ids(
        self,
        filters: RunsFilter | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Sequence[str]:
        """Ids of the runs matching ``filters``, newest first, after the run ``cursor``."""
        ids = [run.run_id for run in self.storage.get_runs(filters)]
        if cursor is not None and cursor in ids:
            ids = ids[ids.index(cursor) + 1:]
        return ids[:limit] if limit is not None else ids

    def get_runs_count(self, filters: RunsFilter | None = None) -> int:
        """How many runs match ``filters``."""
        return self.storage.count_runs(filters)

    def delete_run(self, run_id: str) -> None:
        """Delete the run, its tags, its event log and what it put in the asset index."""
        self.storage.delete_run(run_id)

    def all_logs(self, run_id: str, of_type: Any = None) -> Sequence[EventLogEntry]:
        """Every event of the run, in order (only those of the given type or types)."""
        from headwater.snapshot.event_records import event_log_entry

        types: list[EventType] | None = None
        if of_type is not None:
            wanted = of_type if isinstance(of_type, (set, frozenset, list, tuple)) else {of_type}
            types = [EventType(getattr(kind, "value", kind)) for kind in wanted]
        records = self.storage.get_events(run_id, event_types=types)
        return [event_log_entry(record.storage_id, record.event) for record in records]
