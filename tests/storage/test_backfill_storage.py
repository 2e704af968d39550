"""Backfill records (revision r0003) and tick purging in storage, on SQLite and PostgreSQL."""

from __future__ import annotations

import msgspec
import pytest

from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.runs import (
    BackfillRecord,
    BackfillStatus,
    InstigatorType,
    TickRecord,
    TickStatus,
)
from headwater.storage.errors import StorageError
from headwater.storage.sql_storage import SqlStorage


def backfill(backfill_id: str, **fields: object) -> BackfillRecord:
    return BackfillRecord(backfill_id=backfill_id, location_name="etl",  # type: ignore[arg-type]
                          job_name="daily", partition_keys=["2024-01-01", "2024-01-02"],
                          **fields)


def test_a_backfill_round_trips_and_lists_newest_first(storage: SqlStorage) -> None:
    first = storage.add_backfill(backfill("b1", tags={"team": "data"}))
    assert first.created_at > 0 and first.updated_at == first.created_at
    storage.add_backfill(backfill("b2", asset_selection=[["raw", "orders"]]))
    assert storage.get_backfill("b1") == first
    assert storage.get_backfill("missing") is None
    assert [b.backfill_id for b in storage.get_backfills()] == ["b2", "b1"]
    assert [b.backfill_id for b in storage.get_backfills(limit=1)] == ["b2"]
    with pytest.raises(StorageError, match="'b1' is already stored"):
        storage.add_backfill(backfill("b1"))


def test_updates_filter_by_status_and_compare_and_set(storage: SqlStorage) -> None:
    stored = storage.add_backfill(backfill("b1"))
    canceling = msgspec.structs.replace(stored, status=BackfillStatus.CANCELING)
    assert storage.update_backfill(canceling, expected=[BackfillStatus.REQUESTED])
    # A writer that still believes the backfill is REQUESTED loses.
    progressed = msgspec.structs.replace(stored, submitted=2)
    assert not storage.update_backfill(progressed, expected=[BackfillStatus.REQUESTED])
    current = storage.get_backfill("b1")
    assert current is not None and (current.status, current.submitted) == (
        BackfillStatus.CANCELING, 0)
    failed = msgspec.structs.replace(current, status=BackfillStatus.FAILED,
                                     error=ErrorInfo(message="boom", class_name="X"))
    assert storage.update_backfill(failed)
    assert [b.backfill_id for b in storage.get_backfills(BackfillStatus.FAILED)] == ["b1"]
    assert storage.get_backfills(BackfillStatus.REQUESTED) == []
    reread = storage.get_backfill("b1")
    assert reread is not None and reread.error is not None and reread.error.message == "boom"
    with pytest.raises(StorageError, match="No stored backfill has id 'nope'"):
        storage.update_backfill(backfill("nope"))


def test_delete_ticks_removes_old_ticks_of_the_given_statuses(storage: SqlStorage) -> None:
    def add(name: str, timestamp: float, status: TickStatus) -> None:
        storage.add_tick(TickRecord(location_name="etl", name=name,
                                    instigator_type=InstigatorType.SENSOR,
                                    timestamp=timestamp, status=status))

    add("s", 100.0, TickStatus.SKIPPED)
    add("s", 100.0, TickStatus.FAILURE)
    add("s", 300.0, TickStatus.SKIPPED)
    add("t", 150.0, TickStatus.SKIPPED)
    assert storage.delete_ticks(200.0, [TickStatus.SKIPPED]) == 2
    left = storage.get_ticks("etl", "s", InstigatorType.SENSOR)
    assert [(t.timestamp, t.status) for t in left] == [(300.0, TickStatus.SKIPPED),
                                                       (100.0, TickStatus.FAILURE)]
    assert storage.get_ticks("etl", "t", InstigatorType.SENSOR) == []
