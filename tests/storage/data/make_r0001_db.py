"""Write ``headwater_r0001.db``: an instance database at schema revision r0001, with rows.

The file is committed; the migration tests upgrade copies of it. Run this only to rebuild
it (``python tests/storage/data/make_r0001_db.py``); the rows are what the r0001-era
storage wrote: one finished run with tags, its events, an indexed materialization and check
result, a schedule state, a tick, dynamic partition keys and a key-value pair.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec
import sqlalchemy as sa

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import (
    AssetCheckData,
    AssetEventData,
    EventType,
    RunEvent,
    encode_event,
)
from headwater.snapshot.runs import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    RunRecord,
    TickRecord,
    TickStatus,
)
from headwater.storage import migrations
from headwater.storage.engines import create_sqlite_engine

TARGET = Path(__file__).with_name("headwater_r0001.db")
RUN = RunRecord(run_id="old-run-1", job_name="__asset_job", status=RunStatus.SUCCESS,
                location_name="legacy", asset_selection=[["orders"]],
                tags={"team": "data"}, created_at=1_700_000_000.0,
                updated_at=1_700_000_010.0, start_time=1_700_000_001.0,
                end_time=1_700_000_010.0)
EVENTS = [
    RunEvent("old-run-1", EventType.RUN_START, 1_700_000_001.0),
    RunEvent("old-run-1", EventType.ASSET_MATERIALIZATION, 1_700_000_005.0, step_key="orders",
             data=AssetEventData(asset_key=["orders"], partition="2023-11-14")),
    RunEvent("old-run-1", EventType.ASSET_CHECK_EVALUATION, 1_700_000_006.0,
             data=AssetCheckData(asset_key=["orders"], check_name="not_empty", passed=True)),
    RunEvent("old-run-1", EventType.RUN_SUCCESS, 1_700_000_010.0),
]


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{TARGET}{suffix}").unlink(missing_ok=True)
    engine = create_sqlite_engine(TARGET)
    migrations.upgrade(engine, str(TARGET), target="r0001")
    with engine.begin() as connection:
        _write_rows(connection)
    engine.dispose()
    plain = sqlite3.connect(TARGET)  # one self-contained file: no -wal beside it
    plain.execute("PRAGMA journal_mode=DELETE")
    plain.execute("VACUUM")
    plain.close()
    print(f"wrote {TARGET}")


def _write_rows(connection: sa.Connection) -> None:
    def insert(table: str, **values: object) -> None:
        columns = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)

    encode = msgspec.json.encode
    insert("runs", run_id=RUN.run_id, status=RUN.status.value, job_name=RUN.job_name,
           location_name=RUN.location_name, partition_key=None, tags=encode(RUN.tags).decode(),
           body=encode(RUN).decode(), created_at=RUN.created_at, updated_at=RUN.updated_at,
           start_time=RUN.start_time, end_time=RUN.end_time, failure_message=None)
    insert("run_tags", run_id=RUN.run_id, key="team", value="data")
    for storage_id, event in enumerate(EVENTS, start=1):
        data = event.data
        key = encode(data.asset_key).decode() if isinstance(
            data, (AssetEventData, AssetCheckData)) else None
        partition = data.partition if isinstance(data, (AssetEventData, AssetCheckData)) else None
        insert("event_logs", id=storage_id, run_id=event.run_id,
               event_type=event.event_type.value, step_key=event.step_key, level=event.level,
               timestamp=event.timestamp, asset_key=key, partition=partition,
               body=encode_event(event).decode())
        if isinstance(data, AssetEventData):
            insert("asset_events", storage_id=storage_id, asset_key=key,
                   event_type=event.event_type.value, partition=partition,
                   run_id=event.run_id, timestamp=event.timestamp)
            insert("asset_keys", asset_key=key, last_materialization_id=storage_id,
                   last_observation_id=None, last_run_id=event.run_id,
                   updated_at=event.timestamp)
        if isinstance(data, AssetCheckData):
            insert("asset_check_results", storage_id=storage_id, asset_key=key,
                   check_name=data.check_name, partition=None, passed=data.passed,
                   run_id=event.run_id, timestamp=event.timestamp)
    state = InstigatorState(location_name="legacy", name="daily",
                            instigator_type=InstigatorType.SCHEDULE,
                            status=InstigatorStatus.RUNNING, cursor="c1",
                            updated_at=1_700_000_000.0)
    insert("instigators", location_name="legacy", name="daily", instigator_type="SCHEDULE",
           status="RUNNING", cursor="c1", body=encode(state).decode(),
           updated_at=state.updated_at)
    tick = TickRecord(location_name="legacy", name="daily",
                      instigator_type=InstigatorType.SCHEDULE, timestamp=1_700_000_000.0,
                      status=TickStatus.SUCCESS, run_ids=["old-run-1"])
    insert("ticks", location_name="legacy", name="daily", instigator_type="SCHEDULE",
           timestamp=tick.timestamp, status="SUCCESS", body=encode(tick).decode())
    for index, key in enumerate(["acme", "globex"]):
        insert("dynamic_partitions", partitions_def_name="customers", partition_key=key,
               created_at=1_700_000_000.0 + index)
    insert("kv", key="legacy-key", value="kept")


if __name__ == "__main__":
    main()
