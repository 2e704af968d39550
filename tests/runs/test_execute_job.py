"""Part 4 test utilities against a real instance: execute_job in a run worker process,
get_run_records / get_event_records with filters, ephemeral instances and result accessors."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import headwater as hw
from headwater.storage.instance import Instance

from .conftest import USER_CODE


@pytest.fixture(scope="module")
def jobs() -> ModuleType:
    """The user-code module, imported under its own name so reconstructable() finds it."""
    path = USER_CODE / "reconstructable_jobs.py"
    spec = importlib.util.spec_from_file_location("reconstructable_jobs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reconstructable_jobs"] = module
    spec.loader.exec_module(module)
    return module


def test_execute_job_runs_in_a_worker_process_recorded_in_the_instance(
    jobs: ModuleType,
) -> None:
    with hw.instance_for_test() as instance:
        config = hw.RunConfig(ops={"produce": jobs.Settings(factor=3)})
        with hw.execute_job(hw.reconstructable(jobs.works), instance, run_config=config) as result:
            assert result.success
            value, pid = result.output_for_node("report_pid")
            assert value == 63
            assert pid != os.getpid()  # executed in the run worker, not here
            assert result.dagster_run.status is hw.DagsterRunStatus.SUCCESS
        stored = instance.get_run(result.run_id)
        assert stored is not None and stored.job_name == "works"
        assert stored.run_config == {"ops": {"produce": {"config": {"factor": 3}}}}


def test_execute_job_failure_is_reported_or_raised(jobs: ModuleType) -> None:
    with hw.instance_for_test() as instance:
        result = hw.execute_job(hw.reconstructable(jobs.breaks), instance)
        assert not result.success
        [failure] = result.get_step_failure_events()
        assert failure.step_key == "explode" and "exploded on purpose" in failure.message
        with pytest.raises(hw.HeadwaterError, match="exploded on purpose"):
            hw.execute_job(hw.reconstructable(jobs.breaks), instance, raise_on_error=True)


def test_reconstructable_refuses_a_job_no_module_holds() -> None:
    @hw.job
    def local_only() -> None:
        pass

    with pytest.raises(hw.InvalidDefinitionError, match="Define the job at module level"):
        hw.reconstructable(local_only)


def test_run_and_event_records_with_filters(jobs: ModuleType) -> None:
    with hw.instance_for_test() as instance:
        first = hw.materialize([jobs.numbers], instance=instance, tags={"team": "a"})
        second = hw.materialize(
            [jobs.parted], instance=instance, partition_key="b", tags={"team": "b"}
        )
        runs = instance.get_run_records(filters=hw.RunsFilter(tags={"team": "a"}))
        assert [r.dagster_run.run_id for r in runs] == [first.run_id]
        assert runs[0].create_timestamp.timestamp() <= (runs[0].end_time or 0)
        newest = instance.get_run_records(limit=1)
        assert newest[0].dagster_run.run_id == second.run_id
        oldest = instance.get_run_records(limit=1, ascending=True)
        assert oldest[0].dagster_run.run_id == first.run_id

        materialized = hw.DagsterEventType.ASSET_MATERIALIZATION
        records = instance.get_event_records(
            hw.EventRecordsFilter(event_type=materialized, asset_key=hw.AssetKey("parted"))
        )
        [record] = records
        assert record.run_id == second.run_id and record.partition_key == "b"
        assert record.asset_key == hw.AssetKey("parted")
        entry = record.event_log_entry
        assert entry.dagster_event.event_type_value == "ASSET_MATERIALIZATION"
        assert entry.dagster_event.asset_key == hw.AssetKey("parted")
        assert entry.asset_materialization is not None
        assert entry.asset_materialization.partition == "b"
        mat = entry.dagster_event.event_specific_data.materialization
        assert mat.asset_key == hw.AssetKey("parted")
        assert entry.run_id == second.run_id and entry.timestamp == record.timestamp

        everything = instance.get_event_records(hw.EventRecordsFilter(event_type=materialized))
        assert [r.asset_key for r in everything] == [hw.AssetKey("parted"), hw.AssetKey("numbers")]
        after = instance.get_event_records(
            hw.EventRecordsFilter(event_type=materialized, after_cursor=everything[1].storage_id)
        )
        assert [r.asset_key for r in after] == [hw.AssetKey("parted")]
        none = instance.get_event_records(
            hw.EventRecordsFilter(
                event_type=materialized, asset_key=hw.AssetKey("parted"), asset_partitions=["a"]
            )
        )
        assert none == []


def test_in_process_result_accessors(jobs: ModuleType) -> None:
    result = hw.materialize([jobs.numbers])
    assert result.dagster_run.run_id == result.run_id
    assert result.dagster_run.status is hw.DagsterRunStatus.SUCCESS
    assert result.asset_value("numbers") == [1, 2, 3]
    [mat] = result.get_asset_materialization_events()
    assert mat.asset_key == hw.AssetKey("numbers")
    assert result.all_events[0].event_type is hw.DagsterEventType.RUN_START


def test_ephemeral_instance_removes_its_folder() -> None:
    instance = hw.DagsterInstance.ephemeral()
    root = Path(instance.root)
    assert root.is_dir()
    hw.materialize([hw.asset(lambda: 1, name="one")], instance=instance)
    assert instance.get_run_records()
    instance.dispose()
    assert not root.exists()
    with Instance.ephemeral() as scoped:
        scoped_root = Path(scoped.root)
    assert not scoped_root.exists()


def test_an_undisposed_ephemeral_instance_is_removed_at_exit(tmp_path: Path) -> None:
    script = (
        "import headwater as hw\n"
        "instance = hw.DagsterInstance.ephemeral()\n"
        "hw.materialize([hw.asset(lambda: 1, name='one')], instance=instance)\n"
        "print(instance.root)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    root = Path(done.stdout.strip().splitlines()[-1])
    assert root.name.startswith("headwater-") and not root.exists()


def test_execute_job_reexecutes_from_failure(jobs: ModuleType, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    flag = tmp_path / "flag"
    monkeypatch.setenv("HW_FLAKY_FLAG", str(flag))
    with hw.instance_for_test() as instance:
        job = hw.reconstructable(jobs.sometimes)
        failed = hw.execute_job(job, instance)
        assert not failed.success
        flag.write_text("ok")
        options = hw.ReexecutionOptions.from_failure(failed.run_id, instance)
        retried = hw.execute_job(job, instance, reexecution_options=options)
        assert retried.success
        started = [e.step_key for e in retried.all_events
                   if e.event_type.value == "STEP_START"]
        assert started == ["flaky"]  # first_step's output came from the failed run
        assert retried.output_for_node("flaky") == 6
        assert retried.dagster_run.tags["headwater/parent_run_id"] == failed.run_id
        everything = hw.execute_job(job, instance, reexecution_options=hw.ReexecutionOptions(
            parent_run_id=retried.run_id, step_selection=["first_step"]))
        assert everything.success
        assert [e.step_key for e in everything.all_events
                if e.event_type.value == "STEP_START"] == ["first_step"]
        with pytest.raises(hw.DagsterInvalidDefinitionError, match="not of 'works'"):
            hw.execute_job(hw.reconstructable(jobs.works), instance,
                           reexecution_options=hw.ReexecutionOptions(failed.run_id))
        with pytest.raises(hw.DagsterError, match="No run"):
            hw.ReexecutionOptions.from_failure("missing", instance)
