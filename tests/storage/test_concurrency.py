"""16 processes write runs at once, to SQLite and to PostgreSQL: every event is kept, no
writer sees "database is locked", and the asset index stays right."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType
from headwater.storage.config import PostgresStorageConfig, SqliteStorageConfig, StorageConfig
from headwater.storage.sql_storage import SqlStorage

WRITER = Path(__file__).with_name("concurrent_writer.py")
WRITERS = 16
EVENTS = 60


def _target(config: StorageConfig) -> tuple[str, str]:
    if isinstance(config, SqliteStorageConfig):
        return "sqlite", str(config.base_dir)
    assert isinstance(config, PostgresStorageConfig)
    return "postgres", config.url.render_as_string(hide_password=False)


@pytest.mark.slow
def test_sixteen_concurrent_writer_processes(storage_config: StorageConfig) -> None:
    backend, target = _target(storage_config)
    processes = [
        subprocess.Popen(
            [sys.executable, str(WRITER), backend, target, f"run-{index}", str(EVENTS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for index in range(WRITERS)
    ]
    failures = []
    try:
        for process in processes:  # every writer is up before any writes
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready", process.stderr
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        for process in processes:
            _, stderr = process.communicate(timeout=100)
            if process.returncode != 0:
                failures.append(stderr)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert not failures, "\n\n".join(failures)

    storage = SqlStorage.open(storage_config)
    try:
        _check_every_event_kept(storage)
    finally:
        storage.dispose()


def _check_every_event_kept(storage: SqlStorage) -> None:
    per_run = EVENTS + 2 * (EVENTS // 10) + 2
    all_ids: list[int] = []
    shared_ids: list[int] = []
    for index in range(WRITERS):
        run_id = f"run-{index}"
        records = storage.get_events(run_id)
        assert len(records) == per_run, run_id
        logs = [r.event.message for r in records if r.event.event_type is EventType.LOG]
        assert logs == [str(n) for n in range(EVENTS)], run_id  # in the order written
        assert records[0].event.event_type is EventType.RUN_START
        assert records[-1].event.event_type is EventType.RUN_SUCCESS
        record = storage.get_run(run_id)
        assert record is not None and record.status is RunStatus.SUCCESS
        all_ids.extend(r.storage_id for r in records)
        shared_ids.extend(
            r.storage_id for r in records
            if r.event.event_type is EventType.ASSET_MATERIALIZATION
            and r.event.asset_key == ["shared"]
        )
        own = storage.get_latest_materializations([[run_id]])[(run_id,)]
        assert own.run_id == run_id
    assert len(set(all_ids)) == WRITERS * per_run
    assert len(storage.get_materializations(["shared"])) == len(shared_ids)
    latest = storage.get_latest_materializations([["shared"]])[("shared",)]
    assert latest.storage_id == max(shared_ids)
