"""The asset index: latest and historical materializations, partitions, check results.

Every query reads the index tables (joined to the event bodies), never scans the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from headwater.snapshot.events import EventType, decode_event
from headwater.snapshot.runs import AssetCheckRecord, AssetEventRecord
from headwater.storage.schema import asset_check_results, asset_events, event_logs
from headwater.storage.schema import asset_keys as asset_keys_table
from headwater.storage.sql_base import SqlBase, chunks, decode_key, encode_key
from headwater.storage.sql_partition_status import forget_partition_statuses

if TYPE_CHECKING:
    from headwater.storage.sql_base import AnyRow

_MATERIALIZATION = EventType.ASSET_MATERIALIZATION.value

_EVENT_COLUMNS = (asset_events.c.storage_id, asset_events.c.asset_key, asset_events.c.run_id,
                  asset_events.c.timestamp, asset_events.c.partition, event_logs.c.body)
_CHECK_COLUMNS = (asset_check_results.c.storage_id, asset_check_results.c.asset_key,
                  asset_check_results.c.check_name, asset_check_results.c.run_id,
                  asset_check_results.c.timestamp, asset_check_results.c.passed,
                  asset_check_results.c.partition, event_logs.c.body)


def _asset_record(row: AnyRow) -> AssetEventRecord:
    return AssetEventRecord(
        storage_id=int(row.storage_id),
        asset_key=decode_key(row.asset_key),
        run_id=row.run_id,
        timestamp=row.timestamp,
        event=decode_event(row.body),
        partition=row.partition,
    )


def _check_record(row: AnyRow) -> AssetCheckRecord:
    return AssetCheckRecord(
        storage_id=int(row.storage_id),
        asset_key=decode_key(row.asset_key),
        check_name=row.check_name,
        run_id=row.run_id,
        timestamp=row.timestamp,
        passed=bool(row.passed),
        event=decode_event(row.body),
        partition=row.partition,
    )


def _materializations(asset_key: Sequence[str], event_type: str = _MATERIALIZATION
                      ) -> sa.Select[Any]:
    return (
        sa.select(*_EVENT_COLUMNS)
        .join(event_logs, event_logs.c.id == asset_events.c.storage_id)
        .where(asset_events.c.asset_key == encode_key(asset_key),
               asset_events.c.event_type == event_type)
    )


class SqlAssets(SqlBase):
    """The asset-index half of the storage."""

    def get_latest_materializations(
        self, asset_keys: Iterable[Sequence[str]] | None = None
    ) -> dict[tuple[str, ...], AssetEventRecord]:
        return self._latest_events(asset_keys, asset_keys_table.c.last_materialization_id)

    def get_latest_observations(
        self, asset_keys: Iterable[Sequence[str]] | None = None
    ) -> dict[tuple[str, ...], AssetEventRecord]:
        return self._latest_events(asset_keys, asset_keys_table.c.last_observation_id)

    def _latest_events(
        self, asset_keys: Iterable[Sequence[str]] | None, latest_id: sa.Column[Any]
    ) -> dict[tuple[str, ...], AssetEventRecord]:
        base = (
            sa.select(*_EVENT_COLUMNS)
            .select_from(asset_keys_table)
            .join(asset_events, asset_events.c.storage_id == latest_id)
            .join(event_logs, event_logs.c.id == asset_events.c.storage_id)
        )
        if asset_keys is None:
            queries = [base]
        else:
            encoded = sorted({encode_key(key) for key in asset_keys})
            queries = [base.where(asset_keys_table.c.asset_key.in_(part))
                       for part in chunks(encoded)]

        def read(connection: Connection) -> dict[tuple[str, ...], AssetEventRecord]:
            found: dict[tuple[str, ...], AssetEventRecord] = {}
            for query in queries:
                for row in connection.execute(query):
                    record = _asset_record(row)
                    found[tuple(record.asset_key)] = record
            return found

        return self._read(read)

    def get_materializations(
        self,
        asset_key: Sequence[str],
        *,
        partition: str | None = None,
        limit: int | None = None,
        before_storage_id: int | None = None,
    ) -> list[AssetEventRecord]:
        query = _materializations(asset_key).order_by(asset_events.c.storage_id.desc())
        if partition is not None:
            query = query.where(asset_events.c.partition == partition)
        if before_storage_id is not None:
            query = query.where(asset_events.c.storage_id < before_storage_id)
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            _asset_record(row) for row in connection.execute(query)
        ])

    def get_observations(
        self, asset_key: Sequence[str], *, limit: int | None = None
    ) -> list[AssetEventRecord]:
        query = (_materializations(asset_key, EventType.ASSET_OBSERVATION.value)
                 .order_by(asset_events.c.storage_id.desc()))
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            _asset_record(row) for row in connection.execute(query)
        ])

    def get_materialized_partitions(self, asset_key: Sequence[str]) -> set[str]:
        query = (
            sa.select(asset_events.c.partition)
            .where(asset_events.c.asset_key == encode_key(asset_key),
                   asset_events.c.event_type == _MATERIALIZATION,
                   asset_events.c.partition.is_not(None))
            .distinct()
        )
        return self._read(lambda connection: set(connection.execute(query).scalars()))

    def get_materializations_after(
        self, asset_key: Sequence[str], after_storage_id: int, limit: int | None = None
    ) -> list[AssetEventRecord]:
        query = (
            _materializations(asset_key)
            .where(asset_events.c.storage_id > after_storage_id)
            .order_by(asset_events.c.storage_id)
        )
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            _asset_record(row) for row in connection.execute(query)
        ])

    def get_latest_check_results(
        self, asset_key: Sequence[str]
    ) -> dict[str, AssetCheckRecord]:
        key = encode_key(asset_key)
        newest = (
            sa.select(sa.func.max(asset_check_results.c.storage_id))
            .where(asset_check_results.c.asset_key == key)
            .group_by(asset_check_results.c.check_name)
        )
        query = (
            sa.select(*_CHECK_COLUMNS)
            .join(event_logs, event_logs.c.id == asset_check_results.c.storage_id)
            .where(asset_check_results.c.storage_id.in_(newest))
        )
        return self._read(lambda connection: {
            row.check_name: _check_record(row) for row in connection.execute(query)
        })

    def get_all_latest_check_results(self) -> dict[tuple[str, ...], dict[str, AssetCheckRecord]]:
        newest = (
            sa.select(sa.func.max(asset_check_results.c.storage_id))
            .group_by(asset_check_results.c.asset_key, asset_check_results.c.check_name)
        )
        query = (
            sa.select(*_CHECK_COLUMNS)
            .join(event_logs, event_logs.c.id == asset_check_results.c.storage_id)
            .where(asset_check_results.c.storage_id.in_(newest))
        )

        def read(connection: Connection) -> dict[tuple[str, ...], dict[str, AssetCheckRecord]]:
            found: dict[tuple[str, ...], dict[str, AssetCheckRecord]] = {}
            for row in connection.execute(query):
                record = _check_record(row)
                found.setdefault(tuple(record.asset_key), {})[record.check_name] = record
            return found

        return self._read(read)

    def get_latest_check_storage_id(self) -> int:
        query = sa.select(sa.func.max(asset_check_results.c.storage_id))
        return self._read(lambda connection: int(connection.execute(query).scalar() or 0))

    def get_check_history(
        self, asset_key: Sequence[str], check_name: str, limit: int | None = None,
        *, partition: str | None = None,
    ) -> list[AssetCheckRecord]:
        query = (
            sa.select(*_CHECK_COLUMNS)
            .join(event_logs, event_logs.c.id == asset_check_results.c.storage_id)
            .where(asset_check_results.c.asset_key == encode_key(asset_key),
                   asset_check_results.c.check_name == check_name)
            .order_by(asset_check_results.c.storage_id.desc())
        )
        if partition is not None:
            query = query.where(asset_check_results.c.partition == partition)
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            _check_record(row) for row in connection.execute(query)
        ])

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
        column = asset_events.c.storage_id
        query = (
            sa.select(*_EVENT_COLUMNS)
            .join(event_logs, event_logs.c.id == column)
            .where(asset_events.c.asset_key == encode_key(asset_key),
                   asset_events.c.event_type == event_type.value)
            .order_by(column if ascending else column.desc())
        )
        if partitions is not None:
            query = query.where(asset_events.c.partition.in_(list(partitions)))
        if after_storage_id is not None:
            query = query.where(column > after_storage_id)
        if before_storage_id is not None:
            query = query.where(column < before_storage_id)
        if after_timestamp is not None:
            query = query.where(asset_events.c.timestamp > after_timestamp)
        if before_timestamp is not None:
            query = query.where(asset_events.c.timestamp < before_timestamp)
        if storage_ids is not None:
            query = query.where(column.in_(list(storage_ids)))
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            _asset_record(row) for row in connection.execute(query)
        ])

    def get_indexed_asset_keys(self) -> list[list[str]]:
        query = sa.select(asset_keys_table.c.asset_key).order_by(asset_keys_table.c.asset_key)
        return self._read(lambda connection: [
            decode_key(key) for key in connection.execute(query).scalars()
        ])

    def wipe_assets(self, asset_keys: Iterable[Sequence[str]]) -> None:
        encoded = sorted({encode_key(key) for key in asset_keys})

        def wipe(connection: Connection) -> None:
            for part in chunks(encoded):
                for table in (asset_events, asset_check_results, asset_keys_table):
                    connection.execute(table.delete().where(table.c.asset_key.in_(part)))
            forget_partition_statuses(connection, encoded)

        self._write(wipe)
