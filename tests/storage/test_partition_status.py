"""The per-asset partition status kept with the events, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.sql_partition_status import PartitionStatus
from headwater.storage.sql_storage import SqlStorage

M, F, P = PartitionStatus.MATERIALIZED, PartitionStatus.FAILED, PartitionStatus.IN_PROGRESS


def _event(run_id: str, kind: EventType, data: AssetEventData | None = None) -> RunEvent:
    return RunEvent(run_id, kind, time.time(), data=data)


def _materialized(run_id: str, key: list[str], partition: str) -> RunEvent:
    return _event(run_id, EventType.ASSET_MATERIALIZATION,
                  AssetEventData(asset_key=key, partition=partition))


def _start(storage: SqlStorage, run_id: str, keys: list[list[str]], partition: str) -> None:
    storage.add_run(RunRecord(run_id=run_id, job_name="j", asset_selection=keys,
                              partition_key=partition))
    storage.store_event(_event(run_id, EventType.RUN_START))


def test_materializations_set_their_partitions_materialized(storage: SqlStorage) -> None:
    assert dict(storage.get_partition_statuses(["a"])) == {}
    storage.store_events([_materialized("r1", ["a"], "2024-01-01"),
                          _materialized("r1", ["a"], "2024-01-02"),
                          _materialized("r1", ["b", "c"], "x")])
    assert dict(storage.get_partition_statuses(["a"])) == {"2024-01-01": M, "2024-01-02": M}
    assert dict(storage.get_partition_statuses(["b", "c"])) == {"x": M}


def test_a_started_run_is_in_progress_then_failed_or_materialized(storage: SqlStorage) -> None:
    _start(storage, "r1", [["a"], ["b"]], "p1")
    assert dict(storage.get_partition_statuses(["a"])) == {"p1": P}
    assert dict(storage.get_partition_statuses(["b"])) == {"p1": P}
    storage.store_events([_materialized("r1", ["a"], "p1"),
                          _event("r1", EventType.RUN_FAILURE)])
    assert dict(storage.get_partition_statuses(["a"])) == {"p1": M}
    assert dict(storage.get_partition_statuses(["b"])) == {"p1": F}
    # A later run fails the materialized partition: failed (the newest attempt wins).
    _start(storage, "r2", [["a"]], "p1")
    assert dict(storage.get_partition_statuses(["a"])) == {"p1": P}
    storage.store_event(_event("r2", EventType.RUN_CANCELED))
    assert dict(storage.get_partition_statuses(["a"])) == {"p1": F}


def test_a_successful_run_without_a_materialization_restores_the_status(
        storage: SqlStorage) -> None:
    storage.store_event(_materialized("r0", ["a"], "p1"))
    _start(storage, "r1", [["a"]], "p1")
    _start(storage, "r2", [["a"]], "p2")
    storage.store_events([_event("r1", EventType.RUN_SUCCESS),
                          _event("r2", EventType.RUN_SUCCESS)])
    assert dict(storage.get_partition_statuses(["a"])) == {"p1": M}


def test_another_reader_sees_only_committed_changes_incrementally(
        storage: SqlStorage) -> None:
    """A second storage object (another process) reads the same statuses; a view handed out
    before a change keeps its content."""
    other = SqlStorage(storage.engine)
    storage.store_event(_materialized("r1", ["a"], "p1"))
    before = other.get_partition_statuses(["a"])
    assert dict(before) == {"p1": M}
    storage.store_events([_materialized("r2", ["a"], f"k{index}") for index in range(600)])
    after = other.get_partition_statuses(["a"])
    assert len(after) == 601 and after["k599"] == M
    assert dict(before) == {"p1": M}
    assert other.get_partition_statuses(["a"]) == after


def test_a_new_reader_starts_from_the_compacted_snapshot(storage: SqlStorage) -> None:
    from headwater.storage import sql_partition_status
    from headwater.storage.schema import asset_partition_snapshots

    many = sql_partition_status.SNAPSHOT_ROWS
    storage.store_events([_materialized("r1", ["a"], f"k{index}") for index in range(many)])
    assert len(storage.get_partition_statuses(["a"])) == many
    with storage.engine.connect() as connection:
        versions = connection.execute(
            asset_partition_snapshots.select().with_only_columns(
                asset_partition_snapshots.c.version)).scalars().all()
    assert len(versions) == 1
    # Changed after the snapshot: a new reader applies the newer rows over it.
    storage.store_events([_event("r2", EventType.RUN_FAILURE),
                          _materialized("r2", ["a"], "late")])
    _start(storage, "r3", [["a"]], "k0")
    # Proof that the new reader does not read the rows the snapshot covers: drop them.
    from headwater.storage.schema import asset_partition_status

    with storage.engine.begin() as connection:
        connection.execute(asset_partition_status.delete().where(
            asset_partition_status.c.version <= versions[0]))
    fresh = SqlStorage(storage.engine).get_partition_statuses(["a"])
    assert len(fresh) == many + 1 and fresh["late"] == M and fresh["k0"] == P
    assert fresh == {**storage.get_partition_statuses(["a"]), "late": M, "k0": P}


def test_check_results_are_kept_per_partition(storage: SqlStorage) -> None:
    from headwater.snapshot.events import AssetCheckData

    def evaluated(partition: str, passed: bool) -> RunEvent:
        return RunEvent("r1", EventType.ASSET_CHECK_EVALUATION, time.time(),
                        data=AssetCheckData(asset_key=["a"], check_name="c", passed=passed,
                                            partition=partition))

    storage.store_events([evaluated("p1", True), evaluated("p2", False), evaluated("p1", False)])
    assert [r.passed for r in storage.get_check_history(["a"], "c", partition="p1")] == [
        False, True]
    assert [(r.partition, r.passed) for r in storage.get_check_history(
        ["a"], "c", partition="p2")] == [("p2", False)]
    assert len(storage.get_check_history(["a"], "c")) == 3


def test_a_range_run_marked_in_progress_settles_when_it_ends(storage: SqlStorage) -> None:
    storage.add_run(RunRecord(run_id="r1", job_name="j", asset_selection=[["a"]]))
    storage.mark_partitions_in_progress("r1", [["a"]], ["p1", "p2", "p3"])
    assert dict(storage.get_partition_statuses(["a"])) == {"p1": P, "p2": P, "p3": P}
    storage.store_events([_event("r1", EventType.RUN_START),
                          _materialized("r1", ["a"], "p1"), _materialized("r1", ["a"], "p2"),
                          _event("r1", EventType.RUN_FAILURE)])
    assert dict(storage.get_partition_statuses(["a"])) == {"p1": M, "p2": M, "p3": F}
