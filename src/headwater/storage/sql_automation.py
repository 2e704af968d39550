"""What declarative automation reads and writes: bulk asset state and evaluation trees.

One query each for every asset's materialized partitions and for the materializations since
a storage id, so a tick over thousands of assets costs a few queries, not one per asset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import sqlalchemy as sa

from headwater.snapshot.events import AssetEventData, EventType, decode_event
from headwater.storage.schema import (
    asset_check_results,
    asset_events,
    automation_evaluations,
    event_logs,
)
from headwater.storage.sql_base import SqlBase, chunks, decode_key, encode_key

_MATERIALIZATION = EventType.ASSET_MATERIALIZATION.value
_ASSET_EVENTS = (_MATERIALIZATION, EventType.ASSET_OBSERVATION.value)

#: A materialization's asset key, partition (``""`` when unpartitioned), storage id and time.
MaterializationRef = tuple[tuple[str, ...], str, int, float]

#: An asset check result's asset key, check name, storage id and time.
CheckResultRef = tuple[tuple[str, ...], str, int, float]


class AutomationEvaluationRecord(msgspec.Struct, frozen=True):
    """One asset's evaluation on one automation tick."""

    asset_key: list[str]
    evaluation_id: int
    sensor_name: str
    location_name: str
    timestamp: float
    num_requested: int
    tree: dict[str, Any]
    #: Set for the evaluation of an asset check's own condition.
    check_name: str | None = None


class SqlAutomation(SqlBase):
    """Storage for the automation evaluator."""

    def get_materialized_partition_index(self) -> dict[tuple[str, ...], set[str]]:
        """Every asset's materialized partitions (``""`` for an unpartitioned one)."""
        query = (
            sa.select(asset_events.c.asset_key, asset_events.c.partition)
            .where(asset_events.c.event_type == _MATERIALIZATION)
            .distinct()
        )

        def read(connection: sa.Connection) -> dict[tuple[str, ...], set[str]]:
            found: dict[tuple[str, ...], set[str]] = {}
            decoded: dict[str, tuple[str, ...]] = {}
            for raw, partition in connection.execute(query):
                key = decoded.get(raw)
                if key is None:
                    key = decoded[raw] = tuple(decode_key(raw))
                found.setdefault(key, set()).add(partition or "")
            return found

        return self._read(read)

    def get_materialization_refs_after(self, after_storage_id: int) -> list[MaterializationRef]:
        """Materializations stored after ``after_storage_id``, oldest first."""
        query = (
            sa.select(asset_events.c.asset_key, asset_events.c.partition,
                      asset_events.c.storage_id, asset_events.c.timestamp)
            .where(asset_events.c.event_type == _MATERIALIZATION,
                   asset_events.c.storage_id > after_storage_id)
            .order_by(asset_events.c.storage_id)
        )
        return self._read(lambda connection: [
            (tuple(decode_key(raw)), partition or "", int(storage_id), float(timestamp))
            for raw, partition, storage_id, timestamp in connection.execute(query)])

    def get_data_version_changes_after(
        self, after_storage_id: int, asset_keys: Sequence[Sequence[str]],
    ) -> dict[tuple[str, ...], set[str]]:
        """Per asset, the partitions whose newest materialization or observation after
        ``after_storage_id`` carries another data version than the newest one at or before it
        (none before counts as ``None``), as Dagster's ``data_version_changed`` reads them."""
        if not asset_keys:
            return {}
        encoded = [encode_key(key) for key in asset_keys]

        def newest(connection: sa.Connection, keys: Sequence[str], after: bool
                   ) -> dict[tuple[str, str], int]:
            bound = (asset_events.c.storage_id > after_storage_id if after
                     else asset_events.c.storage_id <= after_storage_id)
            query = (
                sa.select(asset_events.c.asset_key, asset_events.c.partition,
                          sa.func.max(asset_events.c.storage_id))
                .where(asset_events.c.event_type.in_(_ASSET_EVENTS),
                       asset_events.c.asset_key.in_(keys), bound)
                .group_by(asset_events.c.asset_key, asset_events.c.partition)
            )
            return {(raw, partition or ""): int(storage_id)
                    for raw, partition, storage_id in connection.execute(query)}

        def versions(connection: sa.Connection, ids: list[int]) -> dict[int, str | None]:
            found: dict[int, str | None] = {}
            for chunk in chunks(ids, 500):
                query = sa.select(event_logs.c.id, event_logs.c.body).where(
                    event_logs.c.id.in_(chunk))
                for storage_id, body in connection.execute(query):
                    data = decode_event(body).data
                    found[int(storage_id)] = (data.data_version
                                              if isinstance(data, AssetEventData) else None)
            return found

        def read(connection: sa.Connection) -> dict[tuple[str, ...], set[str]]:
            latest: dict[tuple[str, str], int] = {}
            previous: dict[tuple[str, str], int] = {}
            for chunk in chunks(encoded, 500):
                latest.update(newest(connection, chunk, after=True))
                if latest:
                    previous.update(newest(connection, chunk, after=False))
            previous = {item: storage_id for item, storage_id in previous.items()
                        if item in latest}
            seen = versions(connection, [*latest.values(), *previous.values()])
            changed: dict[tuple[str, ...], set[str]] = {}
            for (raw, partition), storage_id in latest.items():
                before = previous.get((raw, partition))
                if seen.get(storage_id) != (seen.get(before) if before is not None else None):
                    changed.setdefault(tuple(decode_key(raw)), set()).add(partition)
            return changed

        return self._read(read)

    def get_max_asset_event_id(self) -> int:
        """The newest asset event's storage id (0 when there is none)."""
        query = sa.select(sa.func.max(asset_events.c.storage_id))
        return self._read(lambda connection: int(connection.execute(query).scalar() or 0))

    def get_max_check_result_id(self) -> int:
        """The newest asset check result's storage id (0 when there is none)."""
        query = sa.select(sa.func.max(asset_check_results.c.storage_id))
        return self._read(lambda connection: int(connection.execute(query).scalar() or 0))

    def get_check_result_refs_after(self, after_storage_id: int) -> list[CheckResultRef]:
        """Asset check results stored after ``after_storage_id``, oldest first."""
        query = (
            sa.select(asset_check_results.c.asset_key, asset_check_results.c.check_name,
                      asset_check_results.c.storage_id, asset_check_results.c.timestamp)
            .where(asset_check_results.c.storage_id > after_storage_id)
            .order_by(asset_check_results.c.storage_id)
        )
        return self._read(lambda connection: [
            (tuple(decode_key(raw)), name, int(storage_id), float(timestamp))
            for raw, name, storage_id, timestamp in connection.execute(query)])

    def add_automation_evaluations(self, records: Sequence[AutomationEvaluationRecord]) -> None:
        """Store evaluation trees (one row per asset)."""
        if not records:
            return
        rows = [{
            "asset_key": encode_key(record.asset_key),
            "evaluation_id": record.evaluation_id,
            "sensor_name": record.sensor_name,
            "location_name": record.location_name,
            "timestamp": record.timestamp,
            "num_requested": record.num_requested,
            "body": msgspec.json.encode(record.tree).decode(),
            "check_name": record.check_name,
        } for record in records]
        self._write(lambda connection: connection.execute(
            automation_evaluations.insert(), rows))

    def get_automation_evaluations(
        self, asset_key: Sequence[str], limit: int = 20, check_name: str | None = None,
    ) -> list[AutomationEvaluationRecord]:
        """An asset's stored evaluations (or, with ``check_name``, those of that check),
        newest first."""
        table = automation_evaluations
        which = (table.c.check_name.is_(None) if check_name is None
                 else table.c.check_name == check_name)
        query = (
            sa.select(table)
            .where(table.c.asset_key == encode_key(asset_key), which)
            .order_by(table.c.evaluation_id.desc(), table.c.id.desc())
            .limit(limit)
        )
        return self._read(lambda connection: [
            AutomationEvaluationRecord(
                asset_key=decode_key(row.asset_key), evaluation_id=int(row.evaluation_id),
                sensor_name=row.sensor_name, location_name=row.location_name,
                timestamp=row.timestamp, num_requested=int(row.num_requested),
                tree=msgspec.json.decode(row.body), check_name=row.check_name)
            for row in connection.execute(query)])

    def get_latest_check_automation_evaluations(
        self, asset_key: Sequence[str]
    ) -> dict[str, AutomationEvaluationRecord]:
        """The newest stored evaluation of each of the asset's checks, by check name."""
        table = automation_evaluations
        newest = (
            sa.select(sa.func.max(table.c.id))
            .where(table.c.asset_key == encode_key(asset_key), table.c.check_name.is_not(None))
            .group_by(table.c.check_name)
        )
        query = sa.select(table).where(table.c.id.in_(newest))
        return self._read(lambda connection: {
            row.check_name: AutomationEvaluationRecord(
                asset_key=decode_key(row.asset_key), evaluation_id=int(row.evaluation_id),
                sensor_name=row.sensor_name, location_name=row.location_name,
                timestamp=row.timestamp, num_requested=int(row.num_requested),
                tree=msgspec.json.decode(row.body), check_name=row.check_name)
            for row in connection.execute(query)})
