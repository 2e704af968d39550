"""The storage contract: every method of ``Storage``, run against SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import time

import msgspec
import pytest

from headwater.core.run_status import RunStatus
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import (
    AssetCheckData,
    AssetEventData,
    EngineData,
    EventType,
    RunEvent,
    RunFailureData,
    StepFailureData,
    StepSuccessData,
)
from headwater.snapshot.metadata_types import TextMetadata
from headwater.snapshot.runs import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    RunRecord,
    RunsFilter,
    TickRecord,
    TickStatus,
)
from headwater.storage import sql_events
from headwater.storage.errors import RunAlreadyExistsError, StorageError
from headwater.storage.sql_storage import SqlStorage


def run(run_id: str, job: str = "job", **fields: object) -> RunRecord:
    return RunRecord(run_id=run_id, job_name=job, **fields)  # type: ignore[arg-type]


def event(run_id: str, kind: EventType, **fields: object) -> RunEvent:
    return RunEvent(run_id, kind, fields.pop("timestamp", time.time()), **fields)  # type: ignore[arg-type]


def materialization(run_id: str, key: list[str], partition: str | None = None,
                    kind: EventType = EventType.ASSET_MATERIALIZATION) -> RunEvent:
    return event(run_id, kind, step_key=key[-1],
                 data=AssetEventData(asset_key=key, partition=partition,
                                     metadata={"rows": TextMetadata("3")}))


def check(run_id: str, key: list[str], name: str, passed: bool) -> RunEvent:
    return event(run_id, EventType.ASSET_CHECK_EVALUATION,
                 data=AssetCheckData(asset_key=key, check_name=name, passed=passed))


class TestStorageContract:
    """One test per behaviour; the ``storage`` fixture runs each on both backends."""

    # Runs -------------------------------------------------------------------------------

    def test_add_and_get_run_keeps_every_field(self, storage: SqlStorage) -> None:
        record = run(
            "r1", "daily", location_name="loc", origin={"kind": "python_file", "path": "a.py"},
            asset_selection=[["a"], ["b", "c"]], asset_check_selection=[["a", "check"]],
            step_keys_to_execute=["a", "b"], partition_key="2024-01-01",
            run_config={"ops": {"a": {"config": {"n": 1}}}}, tags={"team": "data", "é": "ü"},
            parent_run_id="r0", root_run_id="r0",
        )
        stored = storage.add_run(record)
        assert stored.created_at > 0 and stored.updated_at == stored.created_at
        assert storage.get_run("r1") == stored
        assert msgspec.structs.replace(stored, created_at=0.0, updated_at=0.0) == record

    def test_add_run_keeps_a_given_creation_time(self, storage: SqlStorage) -> None:
        stored = storage.add_run(run("r1", created_at=123.5))
        assert stored.created_at == 123.5
        assert storage.get_run("r1") == stored

    def test_unknown_run_is_none(self, storage: SqlStorage) -> None:
        assert storage.get_run("missing") is None

    def test_adding_a_run_twice_is_an_error(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        with pytest.raises(RunAlreadyExistsError, match="'r1'"):
            storage.add_run(run("r1"))
        assert storage.count_runs() == 1

    def test_runs_are_listed_newest_first_with_limit_and_offset(
        self, storage: SqlStorage
    ) -> None:
        for index in range(5):
            storage.add_run(run(f"r{index}", created_at=1000.0))  # same time: insertion order
        assert [r.run_id for r in storage.get_runs()] == ["r4", "r3", "r2", "r1", "r0"]
        assert [r.run_id for r in storage.get_runs(limit=2)] == ["r4", "r3"]
        assert [r.run_id for r in storage.get_runs(limit=2, offset=2)] == ["r2", "r1"]
        assert storage.count_runs() == 5

    def test_run_filters(self, storage: SqlStorage) -> None:
        storage.add_run(run("a", "etl", location_name="one", tags={"team": "x", "env": "prod"},
                            created_at=100.0))
        storage.add_run(run("b", "etl", location_name="two", tags={"team": "y"},
                            created_at=200.0))
        storage.add_run(run("c", "report", location_name="one", tags={"team": "x"},
                            created_at=300.0))
        storage.update_run_status("b", RunStatus.SUCCESS)

        def ids(filters: RunsFilter) -> list[str]:
            found = [r.run_id for r in storage.get_runs(filters)]
            assert storage.count_runs(filters) == len(found)
            return found

        assert ids(RunsFilter(run_ids=["a", "c", "zzz"])) == ["c", "a"]
        assert ids(RunsFilter(run_ids=[])) == []
        assert ids(RunsFilter(job_name="etl")) == ["b", "a"]
        assert ids(RunsFilter(location_name="one")) == ["c", "a"]
        assert ids(RunsFilter(statuses=[RunStatus.SUCCESS])) == ["b"]
        assert ids(RunsFilter(statuses=[RunStatus.QUEUED, RunStatus.FAILURE])) == ["c", "a"]
        assert ids(RunsFilter(tags={"team": "x"})) == ["c", "a"]
        assert ids(RunsFilter(tags={"team": "x", "env": "prod"})) == ["a"]
        assert ids(RunsFilter(tags={"team": "z"})) == []
        assert ids(RunsFilter(created_after=100.0)) == ["c", "b"]
        assert ids(RunsFilter(created_before=300.0)) == ["b", "a"]
        assert ids(RunsFilter(job_name="etl", tags={"team": "x"})) == ["a"]

    def test_update_run_status_sets_times_and_message(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        assert storage.update_run_status("r1", RunStatus.STARTED)
        started = storage.get_run("r1")
        assert started is not None and started.status is RunStatus.STARTED
        assert started.start_time is not None and started.end_time is None
        assert storage.update_run_status("r1", RunStatus.FAILURE, failure_message="worker died")
        failed = storage.get_run("r1")
        assert failed is not None and failed.status is RunStatus.FAILURE
        assert failed.end_time is not None and failed.failure_message == "worker died"
        assert failed.start_time == started.start_time
        assert not storage.update_run_status("missing", RunStatus.STARTED)

    def test_update_run_status_compare_and_set(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        assert storage.update_run_status("r1", RunStatus.STARTING, expected=[RunStatus.QUEUED])
        # A second launcher loses the race.
        assert not storage.update_run_status("r1", RunStatus.STARTING,
                                             expected=[RunStatus.QUEUED])
        storage.update_run_status("r1", RunStatus.SUCCESS)
        # Cancelling a run that finished meanwhile does nothing.
        assert not storage.update_run_status(
            "r1", RunStatus.CANCELING,
            expected=[RunStatus.QUEUED, RunStatus.STARTING, RunStatus.STARTED],
        )
        final = storage.get_run("r1")
        assert final is not None and final.status is RunStatus.SUCCESS

    def test_worker_pid_and_heartbeat(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        storage.set_run_worker("r1", 4242)
        storage.heartbeat_run("r1", 1234.5)
        record = storage.get_run("r1")
        assert record is not None
        assert (record.worker_pid, record.worker_heartbeat) == (4242, 1234.5)
        storage.set_run_worker("r1", None)
        record = storage.get_run("r1")
        assert record is not None and record.worker_pid is None

    def test_set_run_origin_fills_in_a_missing_origin(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1", location_name="remote", tags={"t": "1"}))
        storage.update_run_status("r1", RunStatus.STARTING)
        origin = {"type": "python_file", "location_name": "remote", "python_file": "/a.py"}
        assert storage.set_run_origin("r1", origin)
        record = storage.get_run("r1")
        assert record is not None and record.origin == origin
        assert record.status is RunStatus.STARTING and record.tags == {"t": "1"}
        assert not storage.set_run_origin("missing", origin)

    def test_delete_run_removes_its_events_and_index_entries(self, storage: SqlStorage) -> None:
        storage.add_run(run("old", tags={"t": "1"}))
        storage.add_run(run("new", tags={"t": "1"}))
        older = storage.store_event(materialization("old", ["a"], "p1"))
        storage.store_event(materialization("new", ["a"], "p2"))
        storage.store_event(materialization("new", ["only_new"]))
        storage.store_event(check("new", ["a"], "positive", True))
        storage.delete_run("new")
        assert storage.get_run("new") is None
        assert storage.get_events("new") == []
        assert storage.count_runs(RunsFilter(tags={"t": "1"})) == 1
        latest = storage.get_latest_materializations()
        assert set(latest) == {("a",)} and latest[("a",)].storage_id == older
        assert storage.get_materialized_partitions(["a"]) == {"p1"}
        assert storage.get_latest_check_results(["a"]) == {}
        storage.delete_run("missing")  # no error

    def test_storage_ids_are_never_reused_after_a_delete(self, storage: SqlStorage) -> None:
        storage.store_events([event("keep", EventType.LOG)] * 3)
        doomed = storage.store_events([event("doomed", EventType.LOG)] * 3)
        storage.delete_run("doomed")
        assert storage.store_event(event("keep", EventType.LOG)) > max(doomed)

    # Event log ----------------------------------------------------------------------------

    def test_events_round_trip_in_order(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        error = ErrorInfo(message="ValueError: bad", class_name="ValueError",
                          stack=["  File 'a.py', line 1\n"])
        events = [
            event("r1", EventType.RUN_START, job_name="job"),
            event("r1", EventType.STEP_START, step_key="a", message="Started"),
            event("r1", EventType.LOG, step_key="a", message="héllo ✓", level=logging.WARNING),
            event("r1", EventType.STEP_SUCCESS, step_key="a",
                  data=StepSuccessData(duration_ms=1.5)),
            event("r1", EventType.STEP_FAILURE, step_key="b",
                  data=StepFailureData(error=error, metadata={"x": TextMetadata("y")})),
            event("r1", EventType.ENGINE_EVENT, data=EngineData(values={"pid": "1"})),
        ]
        ids = [storage.store_event(item) for item in events]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        records = storage.get_events("r1")
        assert [r.storage_id for r in records] == ids
        assert [r.event for r in records] == events

    def test_get_events_after_limit_and_types(self, storage: SqlStorage) -> None:
        ids = storage.store_events([event("r1", EventType.LOG, message=str(i)) for i in range(6)])
        storage.store_event(event("other", EventType.LOG, message="not mine"))
        assert [r.storage_id for r in storage.get_events("r1", after_storage_id=ids[2])] \
            == ids[3:]
        assert [r.event.message for r in storage.get_events("r1", limit=2)] == ["0", "1"]
        step = storage.store_event(event("r1", EventType.STEP_START, step_key="s"))
        found = storage.get_events("r1", event_types=[EventType.STEP_START])
        assert [r.storage_id for r in found] == [step]
        assert storage.get_events("nobody") == []

    def test_store_events_in_one_batch(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        batch = [
            event("r1", EventType.RUN_START),
            materialization("r1", ["a"]),
            materialization("r1", ["b", "c"], "p"),
            check("r1", ["a"], "c1", False),
            event("r1", EventType.RUN_SUCCESS),
        ]
        ids = storage.store_events(batch)
        assert len(ids) == 5 and ids == sorted(ids)
        assert [r.event for r in storage.get_events("r1")] == batch
        assert set(storage.get_latest_materializations()) == {("a",), ("b", "c")}
        record = storage.get_run("r1")
        assert record is not None and record.status is RunStatus.SUCCESS
        assert storage.store_events([]) == []

    def test_run_lifecycle_events_move_the_run(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        storage.store_event(event("r1", EventType.RUN_START, timestamp=10.0))
        started = storage.get_run("r1")
        assert started is not None
        assert (started.status, started.start_time) == (RunStatus.STARTED, 10.0)
        storage.store_event(event("r1", EventType.RUN_SUCCESS, timestamp=12.0))
        done = storage.get_run("r1")
        assert done is not None and (done.status, done.end_time) == (RunStatus.SUCCESS, 12.0)

    def test_run_failure_event_records_the_message(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        storage.add_run(run("r2"))
        storage.store_event(event("r1", EventType.RUN_FAILURE, message="Steps failed: a"))
        error = ErrorInfo(message="RuntimeError: boom", class_name="RuntimeError")
        storage.store_event(event("r2", EventType.RUN_FAILURE,
                                  data=RunFailureData(error=error)))
        first, second = storage.get_run("r1"), storage.get_run("r2")
        assert first is not None and first.status is RunStatus.FAILURE
        assert first.failure_message == "Steps failed: a" and first.end_time is not None
        assert second is not None and second.failure_message == "RuntimeError: boom"

    def test_cancellation_events(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        storage.store_event(event("r1", EventType.RUN_CANCELING))
        # A worker that starts after the cancel request does not undo it.
        storage.store_event(event("r1", EventType.RUN_START))
        canceling = storage.get_run("r1")
        assert canceling is not None and canceling.status is RunStatus.CANCELING
        assert canceling.start_time is not None
        storage.store_event(event("r1", EventType.RUN_CANCELED))
        storage.store_event(event("r1", EventType.RUN_CANCELING))  # too late: stays CANCELED
        canceled = storage.get_run("r1")
        assert canceled is not None and canceled.status is RunStatus.CANCELED
        assert canceled.end_time is not None

    def test_a_terminal_status_is_written_once(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        storage.store_event(event("r1", EventType.RUN_START, timestamp=10.0))
        # The run monitor failed the run (compare-and-set from STARTED) ...
        assert storage.update_run_status("r1", RunStatus.FAILURE, expected=[RunStatus.STARTED],
                                         failure_message="Run monitor: no heartbeat")
        failed = storage.get_run("r1")
        assert failed is not None and failed.end_time is not None
        # ... then the worker's late RUN_SUCCESS arrives: stored, but the status stays.
        storage.store_event(event("r1", EventType.RUN_SUCCESS, timestamp=99.0))
        storage.store_event(event("r1", EventType.RUN_CANCELED, timestamp=100.0))
        storage.store_event(event("r1", EventType.RUN_FAILURE, timestamp=101.0, message="late"))
        after = storage.get_run("r1")
        assert after is not None and after.status is RunStatus.FAILURE
        assert after.failure_message == "Run monitor: no heartbeat"
        assert after.end_time == failed.end_time
        assert [record.event.event_type for record in storage.get_events("r1")] == [
            EventType.RUN_START, EventType.RUN_SUCCESS, EventType.RUN_CANCELED,
            EventType.RUN_FAILURE]
        # Both in one batch: the first terminal event wins.
        storage.add_run(run("r2"))
        storage.store_events([event("r2", EventType.RUN_START),
                              event("r2", EventType.RUN_SUCCESS, timestamp=5.0),
                              event("r2", EventType.RUN_FAILURE, message="second")])
        second = storage.get_run("r2")
        assert second is not None and (second.status, second.end_time) == (RunStatus.SUCCESS, 5.0)
        assert second.failure_message is None

    def test_events_of_an_unknown_run_are_kept(self, storage: SqlStorage) -> None:
        storage.store_event(event("ghost", EventType.RUN_START))
        assert len(storage.get_events("ghost")) == 1
        assert storage.get_run("ghost") is None

    def test_a_huge_message_is_truncated_not_refused(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        huge = "x" * (sql_events.MAX_EVENT_BYTES + 10_000)
        storage.store_event(event("r1", EventType.LOG, message=huge))
        storage.store_event(event("r1", EventType.RUN_FAILURE, message=huge))
        stored = storage.get_events("r1")[0].event
        assert len(stored.message) < sql_events.MAX_EVENT_BYTES
        assert stored.message.startswith("xxx") and "message truncated" in stored.message
        record = storage.get_run("r1")
        assert record is not None and record.failure_message is not None
        assert "message truncated" in record.failure_message

    def test_huge_metadata_is_replaced_by_a_note(
        self, storage: SqlStorage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sql_events, "MAX_EVENT_BYTES", 2_000)
        monkeypatch.setattr(sql_events, "HARD_MAX_EVENT_BYTES", 4_000)
        data = AssetEventData(asset_key=["a"], metadata={"blob": TextMetadata("y" * 10_000)})
        storage_id = storage.store_event(event("r1", EventType.ASSET_MATERIALIZATION,
                                               message="m" * 5_000, data=data))
        stored = storage.get_events("r1")[0].event
        assert isinstance(stored.data, AssetEventData)
        assert set(stored.data.metadata) == {sql_events.TRUNCATED_KEY}
        assert storage.get_latest_materializations([["a"]])[("a",)].storage_id == storage_id

    # Asset index --------------------------------------------------------------------------

    def test_latest_materializations(self, storage: SqlStorage) -> None:
        first = storage.store_event(materialization("r1", ["a"]))
        storage.store_event(materialization("r1", ["a"], kind=EventType.ASSET_OBSERVATION))
        second = storage.store_event(materialization("r2", ["a"]))
        nested = storage.store_event(materialization("r2", ["x", "y/z"]))
        latest = storage.get_latest_materializations()
        assert {key: record.storage_id for key, record in latest.items()} == {
            ("a",): second, ("x", "y/z"): nested}
        record = latest[("a",)]
        assert (record.asset_key, record.run_id) == (["a"], "r2")
        assert record.event.event_type is EventType.ASSET_MATERIALIZATION
        assert first < second
        only = storage.get_latest_materializations([["x", "y/z"], ["unknown"]])
        assert list(only) == [("x", "y/z")]
        assert storage.get_latest_materializations([]) == {}

    def test_observations_alone_are_not_materializations(self, storage: SqlStorage) -> None:
        storage.store_event(materialization("r1", ["src"], kind=EventType.ASSET_OBSERVATION))
        assert storage.get_latest_materializations() == {}
        assert storage.get_materializations(["src"]) == []

    def test_materialization_history_with_partitions(self, storage: SqlStorage) -> None:
        ids = [storage.store_event(materialization("r1", ["a"], p))
               for p in ["p1", "p2", "p1", None]]
        storage.store_event(materialization("r1", ["b"], "p9"))
        history = storage.get_materializations(["a"])
        assert [r.storage_id for r in history] == ids[::-1]
        assert [r.partition for r in history] == [None, "p1", "p2", "p1"]
        assert [r.storage_id for r in storage.get_materializations(["a"], partition="p1")] \
            == [ids[2], ids[0]]
        assert [r.storage_id for r in storage.get_materializations(["a"], limit=2)] \
            == [ids[3], ids[2]]
        assert [r.storage_id for r in
                storage.get_materializations(["a"], before_storage_id=ids[2])] == [ids[1], ids[0]]
        assert storage.get_materialized_partitions(["a"]) == {"p1", "p2"}
        assert storage.get_materialized_partitions(["none"]) == set()

    def test_events_by_type_across_runs(self, storage: SqlStorage) -> None:
        for run_id in ("r1", "r2"):
            storage.add_run(run(run_id))
        ok = storage.store_event(event("r1", EventType.RUN_SUCCESS))
        storage.store_event(event("r2", EventType.RUN_START))
        failed = storage.store_event(event("r2", EventType.RUN_FAILURE))
        kinds = [EventType.RUN_SUCCESS, EventType.RUN_FAILURE]
        found = storage.get_events_by_type(kinds)
        assert [(r.storage_id, r.event.run_id) for r in found] == [(ok, "r1"), (failed, "r2")]
        assert [r.storage_id for r in storage.get_events_by_type(kinds, after_storage_id=ok)] \
            == [failed]
        newest = storage.get_events_by_type(kinds, newest_first=True, limit=1)
        assert [r.storage_id for r in newest] == [failed]
        assert storage.get_events_by_type([EventType.RUN_CANCELED]) == []

    def test_materializations_after_a_cursor(self, storage: SqlStorage) -> None:
        ids = [storage.store_event(materialization("r1", ["a"])) for _ in range(4)]
        storage.store_event(materialization("r1", ["b"]))
        after = storage.get_materializations_after(["a"], ids[1])
        assert [r.storage_id for r in after] == ids[2:]
        assert [r.storage_id for r in storage.get_materializations_after(["a"], 0, limit=1)] \
            == ids[:1]

    def test_check_results(self, storage: SqlStorage) -> None:
        first = storage.store_event(check("r1", ["a"], "positive", True))
        second = storage.store_event(check("r2", ["a"], "positive", False))
        other = storage.store_event(check("r2", ["a"], "unique", True))
        storage.store_event(check("r2", ["b"], "positive", True))
        latest = storage.get_latest_check_results(["a"])
        assert {name: r.storage_id for name, r in latest.items()} == {
            "positive": second, "unique": other}
        assert latest["positive"].passed is False and latest["positive"].run_id == "r2"
        assert latest["unique"].check_name == "unique" and latest["unique"].asset_key == ["a"]
        history = storage.get_check_history(["a"], "positive")
        assert [(r.storage_id, r.passed) for r in history] == [(second, False), (first, True)]
        assert len(storage.get_check_history(["a"], "positive", limit=1)) == 1
        assert storage.get_latest_check_results(["none"]) == {}

    # Schedules and sensors ----------------------------------------------------------------

    def test_instigator_state(self, storage: SqlStorage) -> None:
        state = InstigatorState(location_name="loc", name="daily",
                                instigator_type=InstigatorType.SCHEDULE,
                                status=InstigatorStatus.RUNNING)
        assert storage.get_instigator_state("loc", "daily", InstigatorType.SCHEDULE) is None
        storage.set_instigator_state(state)
        stored = storage.get_instigator_state("loc", "daily", InstigatorType.SCHEDULE)
        assert stored is not None and stored.status is InstigatorStatus.RUNNING
        assert stored.updated_at > 0
        storage.set_instigator_state(msgspec.structs.replace(
            state, status=InstigatorStatus.STOPPED, cursor="c1", updated_at=5.0))
        replaced = storage.get_instigator_state("loc", "daily", InstigatorType.SCHEDULE)
        assert replaced is not None
        assert (replaced.status, replaced.cursor, replaced.updated_at) == (
            InstigatorStatus.STOPPED, "c1", 5.0)
        # Same name, other type and other location: separate states.
        assert storage.get_instigator_state("loc", "daily", InstigatorType.SENSOR) is None
        sensor = InstigatorState(location_name="loc", name="daily",
                                 instigator_type=InstigatorType.SENSOR,
                                 status=InstigatorStatus.RUNNING, cursor="42")
        storage.set_instigator_state(sensor)
        storage.set_instigator_state(msgspec.structs.replace(sensor, location_name="other"))
        assert len(storage.get_instigator_states()) == 3
        assert [s.instigator_type for s in storage.get_instigator_states("loc")] == [
            InstigatorType.SCHEDULE, InstigatorType.SENSOR]
        assert [s.location_name for s in
                storage.get_instigator_states(instigator_type=InstigatorType.SENSOR)] == [
            "loc", "other"]

    def test_ticks(self, storage: SqlStorage) -> None:
        def tick(timestamp: float, name: str = "s") -> TickRecord:
            return TickRecord(location_name="loc", name=name,
                              instigator_type=InstigatorType.SENSOR, timestamp=timestamp)

        first = storage.add_tick(tick(1.0))
        second = storage.add_tick(tick(2.0))
        storage.add_tick(tick(3.0, name="other"))
        assert first.tick_id > 0 and second.tick_id != first.tick_id
        error = ErrorInfo(message="boom", class_name="RuntimeError")
        finished = msgspec.structs.replace(first, status=TickStatus.FAILURE, error=error,
                                           run_ids=["r1"], run_keys=["k"], cursor="c",
                                           end_timestamp=1.5)
        storage.update_tick(finished)
        ticks = storage.get_ticks("loc", "s", InstigatorType.SENSOR)
        assert ticks == [second, finished]
        assert storage.get_ticks("loc", "s", InstigatorType.SENSOR, limit=1) == [second]
        assert storage.get_ticks("loc", "s", InstigatorType.SCHEDULE) == []
        with pytest.raises(StorageError, match="add_tick"):
            storage.update_tick(tick(4.0))
        with pytest.raises(StorageError, match="999999"):
            storage.update_tick(msgspec.structs.replace(first, tick_id=999999))

    # Dynamic partitions and key-value -----------------------------------------------------

    def test_dynamic_partitions(self, storage: SqlStorage) -> None:
        assert storage.get_dynamic_partitions("customers") == []
        storage.add_dynamic_partitions("customers", ["b", "a", "b"])
        storage.add_dynamic_partitions("customers", ["a", "c"])
        storage.add_dynamic_partitions("other", ["a"])
        storage.add_dynamic_partitions("customers", [])
        assert storage.get_dynamic_partitions("customers") == ["b", "a", "c"]
        assert storage.has_dynamic_partition("customers", "c")
        assert not storage.has_dynamic_partition("customers", "z")
        storage.delete_dynamic_partition("customers", "a")
        storage.delete_dynamic_partition("customers", "missing")
        assert storage.get_dynamic_partitions("customers") == ["b", "c"]
        assert not storage.has_dynamic_partition("customers", "a")
        assert storage.get_dynamic_partitions("other") == ["a"]

    def test_key_value(self, storage: SqlStorage) -> None:
        assert storage.get_kv("k") is None
        storage.set_kv("k", "v1")
        storage.set_kv("k", "v2")
        storage.set_kv("other", "")
        assert (storage.get_kv("k"), storage.get_kv("other")) == ("v2", "")

    # Lifecycle ----------------------------------------------------------------------------

    def test_reopening_sees_the_same_data(self, storage: SqlStorage) -> None:
        storage.add_run(run("r1"))
        again = SqlStorage(storage.engine)
        assert again.get_run("r1") is not None
        assert storage.schema_revision() == "r0007"
        storage.dispose()
        assert storage.get_run("r1") is not None  # a disposed engine reconnects on use
