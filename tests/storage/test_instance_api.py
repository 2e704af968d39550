"""Dagster's instance API (latest materializations, record pages, asset keys, runless events,
wiping assets, run lookups) on SQLite and PostgreSQL, through in-process materializations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import headwater as dg
from headwater import AssetKey, AssetMaterialization, AssetObservation
from headwater.storage.config import InstanceConfig, StorageConfig
from headwater.storage.instance import Instance

LETTERS = dg.StaticPartitionsDefinition(["a", "b", "c"])


@dg.asset(partitions_def=LETTERS, code_version="v7")
def letters(context: dg.AssetExecutionContext) -> str:
    return context.partition_key


@dg.asset
def plain() -> int:
    return 1


@dg.asset(key_prefix=["warehouse"])
def orders() -> int:
    return 2


@pytest.fixture
def instance(storage_config: StorageConfig, tmp_path: Path) -> Iterator[Instance]:
    opened = Instance(tmp_path / "home", InstanceConfig(storage=storage_config))
    try:
        yield opened
    finally:
        opened.dispose()


def _materialize_letters(instance: Instance) -> None:
    for key in ("a", "b", "c"):
        assert dg.materialize([letters], instance=instance, partition_key=key).success


def test_latest_materialization_event_and_code_versions(instance: Instance) -> None:
    assert instance.get_latest_materialization_event(AssetKey("letters")) is None
    _materialize_letters(instance)
    entry = instance.get_latest_materialization_event(AssetKey("letters"))
    assert entry is not None and entry.asset_materialization is not None
    assert entry.asset_materialization.partition == "c" and entry.partition == "c"
    assert entry.dagster_event.event_type_value == "ASSET_MATERIALIZATION"
    found = instance.get_latest_materialization_events([AssetKey("letters"), "plain"])
    assert set(found) == {AssetKey("letters"), AssetKey("plain")}
    assert found[AssetKey("plain")] is None
    assert instance.get_latest_materialization_code_versions([AssetKey("letters")]) == {
        AssetKey("letters"): "v7"}


def test_fetch_materializations_pages_both_ways(instance: Instance) -> None:
    _materialize_letters(instance)
    first = instance.fetch_materializations(AssetKey("letters"), limit=2)
    assert [r.partition_key for r in first.records] == ["c", "b"] and first.has_more
    second = instance.fetch_materializations(AssetKey("letters"), limit=2, cursor=first.cursor)
    assert [r.partition_key for r in second.records] == ["a"] and not second.has_more
    rising = instance.fetch_materializations(AssetKey("letters"), limit=5, ascending=True)
    assert [r.partition_key for r in rising.records] == ["a", "b", "c"]
    assert rising.records[0].storage_id < rising.records[-1].storage_id
    only_b = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=AssetKey("letters"), asset_partitions=["b"]), limit=5)
    assert [r.partition_key for r in only_b.records] == ["b"]
    after = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=AssetKey("letters"),
                              after_storage_id=rising.records[0].storage_id), limit=5)
    assert [r.partition_key for r in after.records] == ["c", "b"]
    assert instance.fetch_observations(AssetKey("letters"), limit=5).records == []
    with pytest.raises(dg.DagsterInvalidInvocationError, match="Not a record cursor"):
        instance.fetch_materializations(AssetKey("letters"), limit=1, cursor="nonsense")


def test_asset_keys_partitions_and_logs(instance: Instance) -> None:
    _materialize_letters(instance)
    result = dg.materialize([plain, orders], instance=instance)
    assert instance.get_asset_keys() == [AssetKey("letters"), AssetKey("plain"),
                                         AssetKey(["warehouse", "orders"])]
    assert instance.get_asset_keys(prefix=["warehouse"]) == [AssetKey(["warehouse", "orders"])]
    assert instance.get_asset_keys(limit=1, cursor=AssetKey("letters").to_string()) == [
        AssetKey("plain")]
    assert instance.has_asset_key(AssetKey("plain"))
    assert not instance.has_asset_key(AssetKey("never"))
    assert instance.get_materialized_partitions(AssetKey("letters")) == {"a", "b", "c"}
    logs = instance.all_logs(result.run_id)
    assert logs[0].dagster_event.event_type_value == "RUN_START"
    materialized = instance.all_logs(result.run_id,
                                     of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    assert {entry.asset_key for entry in materialized} == {
        AssetKey("plain"), AssetKey(["warehouse", "orders"])}
    both = instance.all_logs(result.run_id, of_type={dg.DagsterEventType.RUN_START,
                                                      dg.DagsterEventType.RUN_SUCCESS})
    assert [e.dagster_event.event_type_value for e in both] == ["RUN_START", "RUN_SUCCESS"]


def test_runless_events_are_seen_like_any_other(instance: Instance) -> None:
    instance.report_runless_asset_event(
        AssetMaterialization("external", partition="b", metadata={"rows": 12},
                             tags={"dagster/data_version": "v1"}))
    instance.report_runless_asset_event(AssetObservation("external", metadata={"seen": True}))
    instance.report_runless_asset_event(
        dg.AssetCheckEvaluation(asset_key=AssetKey("external"), check_name="not_empty",
                                passed=False, severity=dg.AssetCheckSeverity.WARN))
    entry = instance.get_latest_materialization_event(AssetKey("external"))
    assert entry is not None and entry.run_id == ""
    assert entry.asset_materialization is not None
    assert entry.asset_materialization.metadata["rows"].value == 12
    assert instance.get_materialized_partitions(AssetKey("external")) == {"b"}
    assert instance.storage.get_partition_statuses(["external"]) == {"b": 1}
    observed = instance.fetch_observations(AssetKey("external"), limit=1).records
    assert len(observed) == 1 and observed[0].run_id == ""
    check = instance.storage.get_latest_check_results(["external"])["not_empty"]
    assert (check.passed, check.run_id, check.event.data.severity) == (  # type: ignore[union-attr]
        False, "", "WARN")
    with pytest.raises(dg.DagsterInvalidInvocationError, match="report_runless_asset_event"):
        instance.report_runless_asset_event("not an event")


def test_wiping_an_asset_forgets_its_history_but_keeps_runs(instance: Instance) -> None:
    _materialize_letters(instance)
    result = dg.materialize([plain], instance=instance)
    statuses = instance.storage.get_partition_statuses(["letters"])
    assert dict(statuses) == {"a": 1, "b": 1, "c": 1}
    instance.wipe_assets([AssetKey("letters")])
    assert instance.get_latest_materialization_event(AssetKey("letters")) is None
    assert instance.get_materialized_partitions(AssetKey("letters")) == set()
    assert instance.get_asset_keys() == [AssetKey("plain")]
    # The cached partition view sees the wipe too.
    assert dict(instance.storage.get_partition_statuses(["letters"])) == {}
    assert instance.get_latest_materialization_event(AssetKey("plain")) is not None
    assert instance.get_run_by_id(result.run_id) is not None
    # Materializing again after the wipe starts a fresh history.
    assert dg.materialize([letters], instance=instance, partition_key="a").success
    assert instance.get_materialized_partitions(AssetKey("letters")) == {"a"}


def test_run_lookups(instance: Instance) -> None:
    first = dg.materialize([plain], instance=instance)
    second = dg.materialize([plain], instance=instance, tags={"team": "x"})
    assert instance.get_run_ids() == [second.run_id, first.run_id]
    assert instance.get_run_ids(cursor=second.run_id) == [first.run_id]
    assert instance.get_run_ids(dg.RunsFilter(tags={"team": "x"})) == [second.run_id]
    assert instance.get_runs_count() == 2
    run = instance.get_run_by_id(first.run_id)
    assert run is not None and run.job_name == first.job_name
    record = instance.get_run_record_by_id(second.run_id)
    assert record is not None and record.dagster_run.run_id == second.run_id
    assert instance.get_run_by_id("missing") is None
    instance.delete_run(first.run_id)
    assert instance.get_run_ids() == [second.run_id]


def test_status_by_partition(instance: Instance) -> None:
    assert dg.materialize([letters], instance=instance, partition_key="a").success
    statuses = instance.get_status_by_partition(AssetKey("letters"), ["a", "b"], LETTERS)
    assert statuses == {"a": dg.AssetPartitionStatus.MATERIALIZED, "b": None}


def test_run_status_changes_page_by_page(instance: Instance) -> None:
    ok = [dg.materialize([plain], instance=instance).run_id for _ in range(3)]
    first = instance.fetch_run_status_changes(dg.DagsterEventType.RUN_SUCCESS, limit=2)
    assert [r.run_id for r in first.records] == [ok[2], ok[1]] and first.has_more
    rest = instance.fetch_run_status_changes(dg.DagsterEventType.RUN_SUCCESS, limit=2,
                                             cursor=first.cursor)
    assert [r.run_id for r in rest.records] == [ok[0]] and not rest.has_more
    rising = instance.fetch_run_status_changes(
        dg.RunStatusChangeRecordsFilter(event_type=dg.DagsterEventType.RUN_SUCCESS,
                                        job_names=["nope"]), limit=5, ascending=True)
    assert rising.records == []
    assert instance.fetch_run_status_changes(dg.DagsterEventType.RUN_FAILURE,
                                             limit=5).records == []


@dg.op
def noop() -> None:
    return None


@dg.job
def wanted_job() -> None:
    noop()


@dg.job
def other_job() -> None:
    noop()


def test_run_status_changes_are_read_in_batches_until_a_page_fills(
        instance: Instance, monkeypatch: pytest.MonkeyPatch) -> None:
    import headwater.storage.instance_api as instance_api

    monkeypatch.setattr(instance_api, "_STATUS_BATCH", 1)  # one query per page of one
    wanted = wanted_job.execute_in_process(instance=instance).run_id
    later = [other_job.execute_in_process(instance=instance).run_id for _ in range(4)]
    only_wanted = dg.RunStatusChangeRecordsFilter(
        event_type=dg.DagsterEventType.RUN_SUCCESS, job_names=["wanted_job"])
    found = instance.fetch_run_status_changes(only_wanted, limit=1)
    assert [r.run_id for r in found.records] == [wanted] and not found.has_more
    rising = instance.fetch_run_status_changes(dg.DagsterEventType.RUN_SUCCESS, limit=2,
                                               ascending=True)
    assert [r.run_id for r in rising.records] == [wanted, later[0]] and rising.has_more
