"""A run writing its events; test_concurrency.py starts 16 of these processes at once.

Usage: ``python concurrent_writer.py BACKEND TARGET RUN_ID COUNT``. The writer prints
``ready`` and waits for a line on stdin (so all 16 are up before any writes), then opens the
storage (on a new database the first writers create the schema) and writes: RUN_START,
COUNT log lines (alternating single events and batches of 5), a materialization of a shared
asset and of its own asset every 10 lines, RUN_SUCCESS. Any error exits non-zero with its
traceback on stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.config import PostgresStorageConfig, SqliteStorageConfig, StorageConfig
from headwater.storage.sql_storage import SqlStorage


def main() -> None:
    """Wait for the go line, then write one run's events."""
    backend, target, run_id, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    config: StorageConfig = (SqliteStorageConfig(Path(target)) if backend == "sqlite"
                             else PostgresStorageConfig(make_url(target)))
    print("ready", flush=True)
    sys.stdin.readline()
    storage = SqlStorage.open(config)
    try:
        _write(storage, run_id, count)
    finally:
        storage.dispose()


def _write(storage: SqlStorage, run_id: str, count: int) -> None:
    storage.add_run(RunRecord(run_id=run_id, job_name="concurrent"))
    storage.store_event(RunEvent(run_id, EventType.RUN_START, time.time()))
    pending: list[RunEvent] = []
    for index in range(count):
        pending.append(RunEvent(run_id, EventType.LOG, time.time(), message=str(index)))
        if index % 10 == 9:
            for key in (["shared"], [run_id]):
                pending.append(RunEvent(run_id, EventType.ASSET_MATERIALIZATION, time.time(),
                                        data=AssetEventData(asset_key=key)))
        if (index // 5) % 2 == 0:
            for item in pending:
                storage.store_event(item)
            pending.clear()
        elif len(pending) >= 5:
            storage.store_events(pending)
            pending.clear()
    storage.store_events(pending)
    storage.store_event(RunEvent(run_id, EventType.RUN_SUCCESS, time.time()))


if __name__ == "__main__":
    main()
