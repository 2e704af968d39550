"""Events written per second to instance storage, by 1 and 8 concurrent writer processes.

For SQLite (a temporary instance) and PostgreSQL (a temporary database on the server at
HEADWATER_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres; skipped
when it does not answer). Each writer is a process that stores a run's events the way a run
worker does: one transaction per event (``store_event``), and, for comparison, batches of 50
(``store_events``). Every run's events are counted afterwards: lost events are reported.

Run: .venv/bin/python benchmarks/storage_events.py [--events N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.config import PostgresStorageConfig, SqliteStorageConfig, StorageConfig
from headwater.storage.sql_storage import SqlStorage

ADMIN_URL = os.environ.get("HEADWATER_BENCH_POSTGRES_URL",
                           "postgresql://postgres@127.0.0.1:5432/postgres")


def run_events(run_id: str, count: int) -> list[RunEvent]:
    """A run's events: step starts, logs, outputs and (one in ten) materializations."""
    kinds = [EventType.STEP_START, EventType.LOG, EventType.STEP_OUTPUT, EventType.HANDLED_OUTPUT,
             EventType.ASSET_MATERIALIZATION, EventType.STEP_SUCCESS, EventType.LOG,
             EventType.LOG, EventType.LOADED_INPUT, EventType.LOG]
    events = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        step = f"asset_{index // len(kinds)}"
        data = (AssetEventData(asset_key=[step]) if kind is EventType.ASSET_MATERIALIZATION
                else None)
        events.append(RunEvent(run_id, kind, time.time(), message=f"event {index} of {step}",
                               step_key=step, data=data))
    return events


def _writer(config: StorageConfig, run_id: str, count: int, batch: int, barrier: Any,
            results: Any) -> None:
    storage = SqlStorage.open(config)
    try:
        storage.add_run(RunRecord(run_id=run_id, job_name="bench"))
        events = run_events(run_id, count)
        errors = 0
        barrier.wait(timeout=120)
        start = time.perf_counter()
        for index in range(0, count, batch):
            try:
                if batch == 1:
                    storage.store_event(events[index])
                else:
                    storage.store_events(events[index:index + batch])
            except Exception as exc:  # counted, then reported by the parent
                errors += 1
                print(f"{run_id}: {type(exc).__name__}: {exc}", file=sys.stderr)
        results.put((start, time.perf_counter(), errors))
    finally:
        storage.dispose()


def measure(config: StorageConfig, writers: int, events: int, batch: int = 1) -> dict[str, Any]:
    """Events/s for ``writers`` processes writing ``events`` each (in batches of ``batch``)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(writers)
    results = context.Queue()
    prefix = uuid.uuid4().hex[:8]
    processes = [
        context.Process(target=_writer,
                        args=(config, f"{prefix}-{index}", events, batch, barrier, results))
        for index in range(writers)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(end for _, end, _ in outcomes) - min(start for start, _, _ in outcomes)
    storage = SqlStorage.open(config)
    try:
        stored = sum(len(storage.get_events(f"{prefix}-{index}")) for index in range(writers))
    finally:
        storage.dispose()
    return {
        "writers": writers,
        "batch": batch,
        "events": writers * events,
        "seconds": elapsed,
        "events_per_second": writers * events / elapsed,
        "lost": writers * events - stored,
        "errors": sum(errors for _, _, errors in outcomes),
    }


@contextmanager
def sqlite_config() -> Iterator[StorageConfig]:
    """A temporary SQLite instance."""
    folder = Path(tempfile.mkdtemp(prefix="headwater-bench-"))
    try:
        yield SqliteStorageConfig(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_config() -> Iterator[StorageConfig | None]:
    """A temporary PostgreSQL database (None when the server does not answer)."""
    import psycopg

    name = f"hw_bench_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL at {ADMIN_URL} skipped: {str(exc).strip()}")
        yield None
        return
    try:
        url = make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
        yield PostgresStorageConfig(url)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(backend: str, result: dict[str, Any]) -> str:
    """One line of figures."""
    mode = "one event per transaction" if result["batch"] == 1 else f"batches of {result['batch']}"
    return (f"{backend:<10} {result['writers']} writer{'s' if result['writers'] > 1 else ' '} "
            f"{mode:<26} {result['events_per_second']:>9,.0f} events/s "
            f"({result['events']:,} events in {result['seconds']:.2f} s; "
            f"lost {result['lost']}, errors {result['errors']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000, help="events per writer")
    args = parser.parse_args()
    for backend, factory in (("sqlite", sqlite_config), ("postgres", postgres_config)):
        with factory() as config:
            if config is None:
                continue
            SqlStorage.open(config).dispose()  # create the schema once, outside the timing
            for writers, batch in ((1, 1), (1, 50), (8, 1), (8, 50)):
                events = args.events if writers == 1 else max(args.events // 4, 50)
                print(report(backend, measure(config, writers, events, batch)), flush=True)


if __name__ == "__main__":
    main()
