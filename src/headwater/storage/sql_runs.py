"""Runs: add, read, filter, and the column updates that never rewrite a run's body."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from headwater.core.run_status import FINISHED_STATUSES, RunStatus
from headwater.snapshot.runs import RunRecord, RunsFilter
from headwater.storage.errors import RunAlreadyExistsError
from headwater.storage.schema import (
    asset_check_results,
    asset_events,
    asset_keys,
    event_logs,
    run_tags,
    runs,
)
from headwater.storage.sql_base import SqlBase

if TYPE_CHECKING:
    from headwater.storage.sql_base import AnyRow

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(RunRecord)

#: Columns read with every run; they override the same fields of the stored body.
_RUN_COLUMNS = (runs.c.body, runs.c.status, runs.c.created_at, runs.c.updated_at,
                runs.c.start_time, runs.c.end_time, runs.c.worker_pid, runs.c.worker_heartbeat,
                runs.c.failure_message)


def run_from_row(row: AnyRow) -> RunRecord:
    """A run from its body and the columns that change after it is added."""
    record = _decoder.decode(row.body)
    return msgspec.structs.replace(
        record,
        status=RunStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        start_time=row.start_time,
        end_time=row.end_time,
        worker_pid=row.worker_pid,
        worker_heartbeat=row.worker_heartbeat,
        failure_message=row.failure_message,
    )


class SqlRuns(SqlBase):
    """The runs half of the storage."""

    def add_run(self, run: RunRecord) -> RunRecord:
        now = time.time()
        created = run.created_at or now
        run = msgspec.structs.replace(run, created_at=created, updated_at=run.updated_at or created)

        def add(connection: Connection) -> None:
            exists = connection.execute(
                sa.select(runs.c.id).where(runs.c.run_id == run.run_id)
            ).first()
            if exists is not None:
                raise RunAlreadyExistsError(f"A run with id '{run.run_id}' is already stored.")
            try:
                connection.execute(_insert_run(run))
            except IntegrityError as exc:  # added by another process since the check
                raise RunAlreadyExistsError(
                    f"A run with id '{run.run_id}' is already stored."
                ) from exc
            if run.tags:
                connection.execute(run_tags.insert(), [
                    {"run_id": run.run_id, "key": key, "value": value}
                    for key, value in run.tags.items()
                ])

        self._write(add)
        return run

    def get_run(self, run_id: str) -> RunRecord | None:
        def read(connection: Connection) -> RunRecord | None:
            row = connection.execute(
                sa.select(*_RUN_COLUMNS).where(runs.c.run_id == run_id)
            ).first()
            return None if row is None else run_from_row(row)

        return self._read(read)

    def get_runs(
        self, filters: RunsFilter | None = None, limit: int | None = None, offset: int = 0
    ) -> list[RunRecord]:
        query = _filtered(sa.select(*_RUN_COLUMNS), filters).order_by(runs.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return self._read(lambda connection: [
            run_from_row(row) for row in connection.execute(query)
        ])

    def count_runs(self, filters: RunsFilter | None = None) -> int:
        query = _filtered(sa.select(sa.func.count()).select_from(runs), filters)
        return self._read(lambda connection: int(connection.execute(query).scalar_one()))

    def update_run_status(
        self,
        run_id: str,
        status: RunStatus,
        *,
        expected: Iterable[RunStatus] | None = None,
        failure_message: str | None = None,
    ) -> bool:
        now = time.time()
        values: dict[str, Any] = {"status": status.value, "updated_at": now}
        if status is RunStatus.STARTED:
            values["start_time"] = sa.func.coalesce(runs.c.start_time, now)
        if status in FINISHED_STATUSES:
            values["end_time"] = sa.func.coalesce(runs.c.end_time, now)
        if failure_message is not None:
            values["failure_message"] = failure_message
        statement = runs.update().where(runs.c.run_id == run_id).values(**values)
        if expected is not None:
            statement = statement.where(runs.c.status.in_([item.value for item in expected]))
        return self._write(lambda connection: connection.execute(statement).rowcount > 0)

    def set_run_worker(self, run_id: str, pid: int | None) -> None:
        statement = runs.update().where(runs.c.run_id == run_id).values(
            worker_pid=pid, updated_at=time.time()
        )
        self._write(lambda connection: connection.execute(statement))

    def set_run_origin(self, run_id: str, origin: Mapping[str, Any]) -> bool:
        def write(connection: Connection) -> bool:
            row = connection.execute(
                sa.select(runs.c.body).where(runs.c.run_id == run_id)
            ).first()
            if row is None:
                return False
            record = msgspec.structs.replace(_decoder.decode(row.body), origin=dict(origin))
            connection.execute(runs.update().where(runs.c.run_id == run_id).values(
                body=_encoder.encode(record).decode(), updated_at=time.time()))
            return True

        return self._write(write)

    def heartbeat_run(self, run_id: str, timestamp: float) -> None:
        statement = runs.update().where(runs.c.run_id == run_id).values(
            worker_heartbeat=timestamp
        )
        self._write(lambda connection: connection.execute(statement))

    def delete_run(self, run_id: str) -> None:
        def delete(connection: Connection) -> None:
            touched = list(connection.execute(
                sa.select(asset_events.c.asset_key).where(asset_events.c.run_id == run_id)
                .distinct()
            ).scalars())
            for table in (asset_events, asset_check_results, event_logs, run_tags, runs):
                connection.execute(table.delete().where(table.c.run_id == run_id))
            for key in touched:
                reindex_asset_key(connection, key)

        self._write(delete)


def reindex_asset_key(connection: Connection, key: str) -> None:
    """Recompute the latest materialization and observation of ``key`` from the index."""
    def newest(event_type: str) -> Any:
        return sa.select(sa.func.max(asset_events.c.storage_id)).where(
            asset_events.c.asset_key == key, asset_events.c.event_type == event_type
        ).scalar_subquery()

    connection.execute(asset_keys.update().where(asset_keys.c.asset_key == key).values(
        last_materialization_id=newest("ASSET_MATERIALIZATION"),
        last_observation_id=newest("ASSET_OBSERVATION"),
        updated_at=time.time(),
    ))
    connection.execute(asset_keys.delete().where(
        asset_keys.c.asset_key == key,
        asset_keys.c.last_materialization_id.is_(None),
        asset_keys.c.last_observation_id.is_(None),
    ))


def _insert_run(run: RunRecord) -> sa.Insert:
    return runs.insert().values(
        run_id=run.run_id,
        status=run.status.value,
        job_name=run.job_name,
        location_name=run.location_name,
        partition_key=run.partition_key,
        tags=_encoder.encode(run.tags).decode(),
        body=_encoder.encode(run).decode(),
        created_at=run.created_at,
        updated_at=run.updated_at,
        start_time=run.start_time,
        end_time=run.end_time,
        failure_message=run.failure_message,
        worker_pid=run.worker_pid,
        worker_heartbeat=run.worker_heartbeat,
    )


def _filtered(query: sa.Select[Any], filters: RunsFilter | None) -> sa.Select[Any]:
    if filters is None:
        return query
    if filters.run_ids is not None:
        query = query.where(runs.c.run_id.in_(filters.run_ids))
    if filters.job_name is not None:
        query = query.where(runs.c.job_name == filters.job_name)
    if filters.location_name is not None:
        query = query.where(runs.c.location_name == filters.location_name)
    if filters.statuses is not None:
        query = query.where(runs.c.status.in_([status.value for status in filters.statuses]))
    for key, value in (filters.tags or {}).items():
        query = query.where(sa.exists().where(
            run_tags.c.run_id == runs.c.run_id, run_tags.c.key == key, run_tags.c.value == value
        ))
    if filters.created_after is not None:
        query = query.where(runs.c.created_at > filters.created_after)
    if filters.created_before is not None:
        query = query.where(runs.c.created_at < filters.created_before)
    return query
