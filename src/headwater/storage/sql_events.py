"""The event log: storing events (and what they change in runs and the asset index), reading
them back in order.

Storing is one transaction per call: insert the events, then move the run's status for
lifecycle events (a terminal status is written once: compare-and-set), then index asset
materializations, observations and check evaluations, and update partition statuses.
An oversized event is stored shortened rather than refused (see :func:`fit_event`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from headwater.core.run_status import FINISHED_STATUSES, RunStatus
from headwater.snapshot.events import (
    AssetCheckData,
    AssetEventData,
    EventType,
    RunEvent,
    RunFailureData,
    StepFailureData,
    decode_event,
    encode_event,
)
from headwater.snapshot.metadata_types import TextMetadata
from headwater.snapshot.runs import EventLogRecord
from headwater.storage.schema import asset_check_results, asset_events, asset_keys, event_logs, runs
from headwater.storage.sql_base import SqlBase, encode_key
from headwater.storage.sql_partition_status import index_partition_status

#: An encoded event above this size has its message shortened to fit.
MAX_EVENT_BYTES = 1024 * 1024
#: Still above this after that, its metadata is replaced by a note (upstream should have
#: truncated it already; this is the last guard, so storing never fails).
HARD_MAX_EVENT_BYTES = 16 * 1024 * 1024
#: Note key put in place of dropped metadata.
TRUNCATED_KEY = "headwater/truncated"

_ASSET_EVENT_TYPES = (EventType.ASSET_MATERIALIZATION, EventType.ASSET_OBSERVATION)
_FINISHED = [status.value for status in FINISHED_STATUSES]
_NOT_RESTARTED = [*_FINISHED, RunStatus.CANCELING.value]
_TERMINAL_EVENTS = (EventType.RUN_SUCCESS, EventType.RUN_FAILURE, EventType.RUN_CANCELED)


_INSERT_RETURNING = event_logs.insert().returning(event_logs.c.id, sort_by_parameter_order=True)
_EVENT_COLUMNS = ("run_id", "event_type", "step_key", "level", "timestamp", "asset_key",
                  "partition", "body")


def _insert_returning(connection: Connection, rows: list[dict[str, Any]]) -> list[int]:
    return [int(row[0]) for row in connection.execute(_INSERT_RETURNING, rows)]


class SqlEvents(SqlBase):
    """The event-log half of the storage."""

    _insert_sql: str | None = None
    _insert_order: tuple[str, ...] = ()
    _upsert_latest: Any = None

    def store_event(self, event: RunEvent) -> int:
        return self.store_events([event])[0]

    def store_events(self, events: Sequence[RunEvent]) -> list[int]:
        if not events:
            return []
        fitted = [fit_event(event) for event in events]
        stored = [event for event, _ in fitted]
        rows = [_event_row(event, body) for event, body in fitted]
        insert = self._insert_rows if self.engine.dialect.name == "sqlite" else _insert_returning

        def store(connection: Connection) -> list[int]:
            ids = insert(connection, rows)
            _index(connection, ids, stored, self._upsert())
            return ids

        return self._write(store)

    def _insert_rows(self, connection: Connection, rows: list[dict[str, Any]]) -> list[int]:
        """SQLite's fast path (run workers write one event per transaction, often).

        The INSERT is compiled once and run on the driver's connection, inside the
        transaction SQLAlchemy began (its per-statement work costs more than SQLite's
        insert), as an executemany for batches. The transaction holds the write lock
        (BEGIN IMMEDIATE) and the table is AUTOINCREMENT, so the new ids are the ones just
        below ``last_insert_rowid()``, in order.
        """
        if self._insert_sql is None:
            compiled = event_logs.insert().values(
                {name: sa.bindparam(name) for name in _EVENT_COLUMNS}
            ).compile(dialect=self.engine.dialect)
            self._insert_sql = compiled.string
            self._insert_order = tuple(compiled.positiontup or ())
        sql, order = self._insert_sql, self._insert_order
        params = [tuple(row[name] for name in order) for row in rows]
        driver = connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        if len(params) == 1:
            last = driver.execute(sql, params[0]).lastrowid
        else:
            driver.executemany(sql, params)
            last = driver.execute("SELECT last_insert_rowid()").fetchone()[0]
        assert last is not None
        return list(range(int(last) - len(params) + 1, int(last) + 1))

    def _upsert(self) -> Any:
        if self._upsert_latest is None:  # built once: constructing it costs more than running it
            self._upsert_latest = upsert_latest(self._insert(asset_keys))
        return self._upsert_latest

    def get_events(
        self,
        run_id: str,
        *,
        after_storage_id: int = 0,
        limit: int | None = None,
        event_types: Iterable[EventType] | None = None,
    ) -> list[EventLogRecord]:
        query = (
            sa.select(event_logs.c.id, event_logs.c.body)
            .where(event_logs.c.run_id == run_id, event_logs.c.id > after_storage_id)
            .order_by(event_logs.c.id)
        )
        if event_types is not None:
            query = query.where(event_logs.c.event_type.in_([kind.value for kind in event_types]))
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            EventLogRecord(int(row.id), decode_event(row.body))
            for row in connection.execute(query)
        ])

    def get_events_by_type(
        self,
        event_types: Iterable[EventType],
        *,
        after_storage_id: int = 0,
        limit: int | None = None,
        newest_first: bool = False,
        before_storage_id: int | None = None,
    ) -> list[EventLogRecord]:
        query = sa.select(event_logs.c.id, event_logs.c.body).where(
            event_logs.c.id > after_storage_id,
            event_logs.c.event_type.in_([kind.value for kind in event_types]),
        ).order_by(event_logs.c.id.desc() if newest_first else event_logs.c.id)
        if before_storage_id is not None:
            query = query.where(event_logs.c.id < before_storage_id)
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            EventLogRecord(int(row.id), decode_event(row.body))
            for row in connection.execute(query)
        ])


def fit_event(event: RunEvent) -> tuple[RunEvent, bytes]:
    """The event as it will be stored, and its encoding: shortened when it is too large.

    Above :data:`MAX_EVENT_BYTES` the message is cut (with a note saying how much); above
    :data:`HARD_MAX_EVENT_BYTES` after that, metadata is replaced by a note too.
    """
    body = encode_event(event)
    if len(body) <= MAX_EVENT_BYTES:
        return event, body
    message = event.message.encode()
    budget = max(MAX_EVENT_BYTES - (len(body) - len(message)) - 200, 1000)
    if len(message) > budget:
        kept = message[:budget].decode("utf-8", "ignore")
        dropped = len(event.message) - len(kept)
        event = msgspec.structs.replace(
            event, message=f"{kept}… [message truncated: {dropped} more characters]"
        )
        body = encode_event(event)
    data = event.data
    if len(body) > HARD_MAX_EVENT_BYTES and isinstance(
        data, (AssetEventData, AssetCheckData, StepFailureData)
    ):
        note = TextMetadata(f"metadata dropped: the event was {len(body)} bytes, over the "
                            f"{HARD_MAX_EVENT_BYTES} byte limit of one stored event")
        event = msgspec.structs.replace(
            event, data=msgspec.structs.replace(data, metadata={TRUNCATED_KEY: note})
        )
        body = encode_event(event)
    return event, body


def _event_row(event: RunEvent, body: bytes) -> dict[str, Any]:
    data = event.data
    key = event.asset_key
    return {
        "run_id": event.run_id,
        "event_type": event.event_type.value,
        "step_key": event.step_key,
        "level": event.level,
        "timestamp": event.timestamp,
        "asset_key": encode_key(key) if key else None,
        "partition": (data.partition if isinstance(data, (AssetEventData, AssetCheckData))
                      else None),
        "body": body.decode(),
    }


def _index(
    connection: Connection, ids: list[int], events: list[RunEvent], upsert: Any
) -> None:
    """Apply run-lifecycle events to their runs and index asset events."""
    asset_rows: list[dict[str, Any]] = []
    check_rows: list[dict[str, Any]] = []
    latest: dict[str, dict[str, Any]] = {}
    for storage_id, event in zip(ids, events, strict=True):
        data = event.data
        if event.event_type.value.startswith("RUN_"):
            _apply_run_event(connection, event)
        elif event.event_type in _ASSET_EVENT_TYPES and isinstance(data, AssetEventData):
            key = encode_key(data.asset_key)
            asset_rows.append({
                "storage_id": storage_id, "asset_key": key, "partition": data.partition,
                "event_type": event.event_type.value, "run_id": event.run_id,
                "timestamp": event.timestamp,
            })
            entry = latest.setdefault(key, {"asset_key": key, "last_materialization_id": None,
                                            "last_observation_id": None})
            column = ("last_materialization_id"
                      if event.event_type is EventType.ASSET_MATERIALIZATION
                      else "last_observation_id")
            entry[column] = storage_id
            entry["last_run_id"] = event.run_id
        elif event.event_type is EventType.ASSET_CHECK_EVALUATION and isinstance(
            data, AssetCheckData
        ):
            check_rows.append({
                "storage_id": storage_id, "asset_key": encode_key(data.asset_key),
                "check_name": data.check_name, "partition": data.partition,
                "passed": data.passed, "run_id": event.run_id, "timestamp": event.timestamp,
            })
    if asset_rows:
        connection.execute(asset_events.insert(), asset_rows)
    if check_rows:
        connection.execute(asset_check_results.insert(), check_rows)
    if latest:
        now = time.time()
        # One statement for all keys, in a fixed order: concurrent writers cannot deadlock.
        connection.execute(upsert, [{**latest[key], "updated_at": now} for key in sorted(latest)])
    index_partition_status(connection, events)


def upsert_latest(statement: Any) -> Any:
    """The asset_keys upsert that keeps the newest storage ids: concurrent writers may
    commit out of id order."""
    excluded = statement.excluded

    def newer(column: str) -> Any:
        mine, theirs = asset_keys.c[column], excluded[column]
        return sa.case(
            (theirs.is_(None), mine),
            (mine.is_(None), theirs),
            (theirs > mine, theirs),
            else_=mine,
        )

    return statement.on_conflict_do_update(
        index_elements=[asset_keys.c.asset_key],
        set_={
            "last_materialization_id": newer("last_materialization_id"),
            "last_observation_id": newer("last_observation_id"),
            "last_run_id": excluded.last_run_id,
            "updated_at": excluded.updated_at,
        },
    )


def _apply_run_event(connection: Connection, event: RunEvent) -> None:
    kind = event.event_type
    values: dict[str, Any] = {"updated_at": time.time()}
    if kind is EventType.RUN_START:
        # A run asked to cancel before its worker started stays CANCELING.
        values["status"] = sa.case((runs.c.status.in_(_NOT_RESTARTED), runs.c.status),
                                   else_=RunStatus.STARTED.value)
        values["start_time"] = event.timestamp
    elif kind is EventType.RUN_CANCELING:
        values["status"] = sa.case((runs.c.status.in_(_FINISHED), runs.c.status),
                                   else_=RunStatus.CANCELING.value)
    elif kind in _TERMINAL_EVENTS:
        values["status"] = {EventType.RUN_SUCCESS: RunStatus.SUCCESS,
                            EventType.RUN_FAILURE: RunStatus.FAILURE,
                            EventType.RUN_CANCELED: RunStatus.CANCELED}[kind].value
        values["end_time"] = event.timestamp
        if kind is EventType.RUN_FAILURE:
            values["failure_message"] = _failure_message(event)
    else:
        return
    statement = runs.update().where(runs.c.run_id == event.run_id)
    if kind in _TERMINAL_EVENTS:
        # Compare-and-set: a run ends once. A late terminal event (a worker that reports
        # SUCCESS after the run monitor failed its run) is stored but changes nothing.
        statement = statement.where(runs.c.status.not_in(_FINISHED))
    connection.execute(statement.values(**values))


def _failure_message(event: RunEvent) -> str | None:
    if event.message:
        return event.message
    data = event.data
    if isinstance(data, RunFailureData) and data.error is not None:
        return data.error.message
    return None
