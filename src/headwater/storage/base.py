"""The instance storage interface: everything headwater keeps between processes.

One SQL implementation (``storage.sql_storage``) serves SQLite and PostgreSQL. The execution
core never sees this interface: run workers hand their events to ``store_event`` through an
event sink.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.runs import (
    AssetCheckRecord,
    AssetEventRecord,
    BackfillRecord,
    BackfillStatus,
    EventLogRecord,
    InstigatorState,
    InstigatorType,
    RunRecord,
    RunsFilter,
    TickRecord,
    TickStatus,
)


class Storage(ABC):
    """Runs, the event log, the asset index, schedule/sensor state, ticks and a key-value table."""

    # Runs ---------------------------------------------------------------------------------

    @abstractmethod
    def add_run(self, run: RunRecord) -> RunRecord:
        """Store a new run (its ``created_at``/``updated_at`` are set now); error if it exists."""

    @abstractmethod
    def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or None."""

    @abstractmethod
    def get_runs(
        self, filters: RunsFilter | None = None, limit: int | None = None, offset: int = 0
    ) -> list[RunRecord]:
        """Runs matching ``filters``, newest first."""

    @abstractmethod
    def count_runs(self, filters: RunsFilter | None = None) -> int:
        """How many runs match ``filters``."""

    @abstractmethod
    def update_run_status(
        self,
        run_id: str,
        status: RunStatus,
        *,
        expected: Iterable[RunStatus] | None = None,
        failure_message: str | None = None,
    ) -> bool:
        """Set the status (compare-and-set when ``expected`` is given); True if it changed."""

    @abstractmethod
    def set_run_worker(self, run_id: str, pid: int | None) -> None:
        """Record the pid of the process executing the run."""

    @abstractmethod
    def set_run_origin(self, run_id: str, origin: Mapping[str, Any]) -> bool:
        """Store the run's location origin (``LocationOrigin.to_dict()``); False if no such
        run. For runs submitted without one, filled in by the code server launching them."""

    @abstractmethod
    def heartbeat_run(self, run_id: str, timestamp: float) -> None:
        """Record that the run's worker is alive."""

    @abstractmethod
    def delete_run(self, run_id: str) -> None:
        """Remove a run and its events."""

    # Event log ----------------------------------------------------------------------------

    @abstractmethod
    def store_event(self, event: RunEvent) -> int:
        """Append an event; returns its storage id.

        Run-lifecycle events move the run's status (RUN_START -> STARTED, RUN_SUCCESS ->
        SUCCESS, ...) and asset events update the asset index, in the same transaction.
        """

    @abstractmethod
    def store_events(self, events: Sequence[RunEvent]) -> list[int]:
        """Append several events in one transaction."""

    @abstractmethod
    def get_events(
        self,
        run_id: str,
        *,
        after_storage_id: int = 0,
        limit: int | None = None,
        event_types: Iterable[EventType] | None = None,
    ) -> list[EventLogRecord]:
        """A run's events in order, optionally after a storage id (for following a live run)."""

    @abstractmethod
    def get_events_by_type(
        self,
        event_types: Iterable[EventType],
        *,
        after_storage_id: int = 0,
        limit: int | None = None,
        newest_first: bool = False,
        before_storage_id: int | None = None,
    ) -> list[EventLogRecord]:
        """Events of these types across every run after a storage id, oldest first (or newest
        first); run-status sensors read RUN_SUCCESS, RUN_FAILURE, ... this way."""

    # Asset index --------------------------------------------------------------------------

    @abstractmethod
    def get_latest_materializations(
        self, asset_keys: Iterable[Sequence[str]] | None = None
    ) -> dict[tuple[str, ...], AssetEventRecord]:
        """The newest materialization of each asset (all assets when None)."""

    @abstractmethod
    def get_latest_observations(
        self, asset_keys: Iterable[Sequence[str]] | None = None
    ) -> dict[tuple[str, ...], AssetEventRecord]:
        """The newest observation of each asset (all assets when None)."""

    @abstractmethod
    def get_materializations(
        self,
        asset_key: Sequence[str],
        *,
        partition: str | None = None,
        limit: int | None = None,
        before_storage_id: int | None = None,
    ) -> list[AssetEventRecord]:
        """Materialization history of one asset, newest first."""

    @abstractmethod
    def get_observations(
        self, asset_key: Sequence[str], *, limit: int | None = None
    ) -> list[AssetEventRecord]:
        """Observation history of one asset, newest first."""

    @abstractmethod
    def get_materialized_partitions(self, asset_key: Sequence[str]) -> set[str]:
        """Partitions of the asset that have been materialized at least once."""

    @abstractmethod
    def get_materializations_after(
        self, asset_key: Sequence[str], after_storage_id: int, limit: int | None = None
    ) -> list[AssetEventRecord]:
        """Materializations of the asset with a storage id above ``after_storage_id``, oldest
        first (asset sensors read these)."""

    @abstractmethod
    def query_asset_events(
        self,
        asset_key: Sequence[str],
        event_type: EventType,
        *,
        partitions: Sequence[str] | None = None,
        after_storage_id: int | None = None,
        before_storage_id: int | None = None,
        after_timestamp: float | None = None,
        before_timestamp: float | None = None,
        storage_ids: Sequence[int] | None = None,
        limit: int | None = None,
        ascending: bool = False,
    ) -> list[AssetEventRecord]:
        """Materializations or observations of one asset matching every given bound,
        newest first (oldest first with ``ascending``)."""

    @abstractmethod
    def get_indexed_asset_keys(self) -> list[list[str]]:
        """Every asset key with a stored materialization or observation, sorted."""

    @abstractmethod
    def wipe_assets(self, asset_keys: Iterable[Sequence[str]]) -> None:
        """Forget the assets' materializations, observations, check results and partition
        statuses (the runs and their event logs stay)."""

    @abstractmethod
    def get_latest_check_results(
        self, asset_key: Sequence[str]
    ) -> dict[str, AssetCheckRecord]:
        """The newest evaluation of each check of the asset, by check name."""

    @abstractmethod
    def get_all_latest_check_results(self) -> dict[tuple[str, ...], dict[str, AssetCheckRecord]]:
        """The newest evaluation of every check of every asset: asset key -> check name ->."""

    @abstractmethod
    def get_latest_check_storage_id(self) -> int:
        """The storage id of the newest check evaluation (0 when there is none); tells
        whether :meth:`get_all_latest_check_results` changed."""

    @abstractmethod
    def get_check_history(
        self, asset_key: Sequence[str], check_name: str, limit: int | None = None,
        *, partition: str | None = None,
    ) -> list[AssetCheckRecord]:
        """Evaluations of one check, newest first (of one partition when given)."""

    @abstractmethod
    def mark_partitions_in_progress(self, run_id: str, asset_keys: Iterable[Sequence[str]],
                                    partitions: Sequence[str]) -> None:
        """Show these partitions of the assets as in progress in run ``run_id`` until it ends
        (for runs over a range of partitions)."""

    @abstractmethod
    def get_partition_statuses(self, asset_key: Sequence[str]) -> Mapping[str, int]:
        """The asset's partitions that are materialized, failed or in progress, by key
        (values are ``PartitionStatus`` numbers); kept as events are stored, not read from
        the event log."""

    # Schedules and sensors ----------------------------------------------------------------

    @abstractmethod
    def get_instigator_state(
        self, location_name: str, name: str, instigator_type: InstigatorType
    ) -> InstigatorState | None:
        """The stored state of a schedule or sensor, or None."""

    @abstractmethod
    def set_instigator_state(self, state: InstigatorState) -> None:
        """Insert or replace the state of a schedule or sensor."""

    @abstractmethod
    def get_instigator_states(
        self, location_name: str | None = None, instigator_type: InstigatorType | None = None
    ) -> list[InstigatorState]:
        """Every stored state, optionally of one location and/or type."""

    @abstractmethod
    def add_tick(self, tick: TickRecord) -> TickRecord:
        """Store a tick; returns it with its ``tick_id``."""

    @abstractmethod
    def update_tick(self, tick: TickRecord) -> None:
        """Replace a stored tick (by ``tick_id``)."""

    @abstractmethod
    def get_ticks(
        self,
        location_name: str,
        name: str,
        instigator_type: InstigatorType,
        limit: int | None = None,
    ) -> list[TickRecord]:
        """Ticks of one schedule or sensor, newest first."""

    @abstractmethod
    def delete_ticks(self, before: float, statuses: Iterable[TickStatus]) -> int:
        """Delete the ticks (of every schedule and sensor) with one of ``statuses`` and a
        timestamp before ``before``; how many were deleted."""

    # Dynamic partitions and key-value -----------------------------------------------------

    @abstractmethod
    def get_dynamic_partitions(self, partitions_def_name: str) -> list[str]:
        """Keys of a dynamic partitions definition, in the order they were added."""

    @abstractmethod
    def has_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> bool:
        """Whether the key was added (and not deleted)."""

    @abstractmethod
    def add_dynamic_partitions(self, partitions_def_name: str, keys: Sequence[str]) -> None:
        """Add keys (existing ones are kept once)."""

    @abstractmethod
    def delete_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> None:
        """Remove one key."""

    @abstractmethod
    def get_kv(self, key: str) -> str | None:
        """A value of the key-value table."""

    @abstractmethod
    def set_kv(self, key: str, value: str) -> None:
        """Insert or replace a value of the key-value table."""

    # Backfills ----------------------------------------------------------------------------

    @abstractmethod
    def add_backfill(self, backfill: BackfillRecord) -> BackfillRecord:
        """Store a new backfill (``created_at``/``updated_at`` set now); error if it exists."""

    @abstractmethod
    def get_backfill(self, backfill_id: str) -> BackfillRecord | None:
        """The backfill, or None."""

    @abstractmethod
    def get_backfills(
        self, status: BackfillStatus | None = None, limit: int | None = None
    ) -> list[BackfillRecord]:
        """Backfills, newest first, optionally only those with ``status``."""

    @abstractmethod
    def update_backfill(
        self, backfill: BackfillRecord, *, expected: Iterable[BackfillStatus] | None = None
    ) -> bool:
        """Replace a stored backfill (compare-and-set on its stored status when ``expected``
        is given); True if it changed. StorageError if no such backfill."""

    # Lifecycle ----------------------------------------------------------------------------

    @abstractmethod
    def dispose(self) -> None:
        """Close connections."""
