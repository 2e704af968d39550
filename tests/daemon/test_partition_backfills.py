"""Backfills over mapped partitions and with backfill policies, and sensors adding dynamic
partitions, against real code servers and run workers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.daemon.run_queue import RunQueue
from headwater.snapshot.runs import BackfillRecord, InstigatorType
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from headwater.workspace.backfills import advance_backfill, backfill_runs, create_backfill
from polling import wait_for

from .conftest import USER_CODE, turn_on

LOCATION = "partitions_location"
ORIGIN = PythonFileOrigin(LOCATION, str(USER_CODE / "partitions_location.py"),
                          working_directory=str(USER_CODE))


@pytest.fixture
def workspace(make_workspace: Callable[..., Workspace]) -> Workspace:
    return make_workspace([ORIGIN])


def _run_backfill(workspace: Workspace, instance: Instance, **kwargs: Any) -> BackfillRecord:
    backfill = create_backfill(workspace, instance, location=LOCATION, **kwargs)
    while backfill.submitted < len(backfill.partition_keys):
        backfill = advance_backfill(workspace, instance, backfill)
    queue = RunQueue(workspace, instance)

    def all_done() -> bool:
        queue.iterate()
        runs = backfill_runs(instance, backfill.backfill_id)
        return bool(runs) and all(run.status.is_finished for run in runs)

    wait_for(all_done, f"the runs of backfill {backfill.backfill_id} to finish", 120)
    runs = backfill_runs(instance, backfill.backfill_id)
    assert all(run.status is RunStatus.SUCCESS for run in runs), [
        (run.run_id, run.status) for run in runs]
    return backfill


def _seen(instance: Instance, name: str) -> Any:
    return json.loads((Path(instance.root) / "seen" / f"{name}.json").read_text())


def test_backfilled_downstream_assets_receive_exactly_their_mapped_partitions(
        workspace: Workspace, instance: Instance) -> None:
    # Upstreams backfilled with single_run: one run writes every partition.
    hourly = _run_backfill(workspace, instance, asset_selection=[["hourly_events"]],
                           partition_range=("2024-01-02-00:00", "2024-01-02-23:00"))
    assert len(backfill_runs(instance, hourly.backfill_id)) == 1
    _run_backfill(workspace, instance, asset_selection=[["daily_sales"]],
                  partition_range=("2024-01-07", "2024-01-13"))
    _run_backfill(workspace, instance, asset_selection=[["regional"]],
                  partition_keys=["2024-01-03|eu", "2024-01-03|us"])
    _run_backfill(workspace, instance, asset_selection=[["daily_summary"]],
                  partition_keys=["2024-01-02"])
    _run_backfill(workspace, instance, asset_selection=[["weekly_report"]],
                  partition_keys=["2024-01-14"])
    _run_backfill(workspace, instance, asset_selection=[["all_regions"]],
                  partition_keys=["2024-01-03"])
    assert _seen(instance, "daily_summary.2024-01-02") == [
        f"2024-01-02-{hour:02d}:00" for hour in range(24)]
    assert _seen(instance, "weekly_report.2024-01-14") == [
        f"2024-01-{day:02d}" for day in range(7, 14)]
    assert _seen(instance, "all_regions.2024-01-03") == ["2024-01-03|eu", "2024-01-03|us"]
    materialized = instance.storage.get_materialized_partitions(["hourly_events"])
    assert len(materialized) == 24


def test_1000_daily_partitions_are_one_run_with_single_run_and_ten_with_multi_run_100(
        workspace: Workspace, instance: Instance) -> None:
    single = create_backfill(workspace, instance, location=LOCATION,
                             asset_selection=[["single_run_daily"]],
                             partition_range=("2020-01-01", "2022-09-26"))
    assert len(single.partition_keys) == 1000
    single = advance_backfill(workspace, instance, single)
    [run] = backfill_runs(instance, single.backfill_id)
    assert (run.tags["headwater/asset_partition_range_start"],
            run.tags["headwater/asset_partition_range_end"]) == ("2020-01-01", "2022-09-26")
    multi = create_backfill(workspace, instance, location=LOCATION,
                            asset_selection=[["multi_run_daily"]],
                            partition_range=("2020-01-01", "2022-09-26"))
    multi = advance_backfill(workspace, instance, multi)
    runs = sorted(backfill_runs(instance, multi.backfill_id),
                  key=lambda r: r.tags["headwater/asset_partition_range_start"])
    assert len(runs) == 10
    assert [r.tags["headwater/asset_partition_range_start"] for r in runs][:2] == [
        "2020-01-01", "2020-04-10"]
    # The single run executes over the whole range, materializing each of the 1000 partitions.
    queue = RunQueue(workspace, instance)

    def finished() -> bool:
        queue.iterate()
        current = instance.storage.get_run(run.run_id)
        return current is not None and current.status.is_finished

    wait_for(finished, "the single backfill run to finish", 120)
    assert instance.storage.get_run(run.run_id).status is RunStatus.SUCCESS  # type: ignore[union-attr]
    assert _seen(instance, "single_run_daily.range") == ["2020-01-01", "2022-09-26"]
    assert len(instance.storage.get_materialized_partitions(["single_run_daily"])) == 1000


def test_a_sensor_adds_dynamic_partitions_before_its_run_requests(
        workspace: Workspace, instance: Instance) -> None:
    import time

    from headwater.daemon.sensors import SensorLoop

    turn_on(instance, "new_files", InstigatorType.SENSOR, location=LOCATION)
    loop = SensorLoop(workspace, instance)
    queue = RunQueue(workspace, instance)

    def ran() -> bool:
        loop.iterate(time.time())
        queue.iterate()
        return (Path(instance.root) / "seen" / "file_asset.a.csv.json").exists()

    try:
        wait_for(ran, "the sensor's run for the new partition 'a.csv' to run", 120)
    finally:
        loop.shutdown()
    assert list(instance.storage.get_dynamic_partitions("files")) == ["a.csv", "b.csv"]
    # The asset read the dynamic keys from the instance inside its run.
    assert _seen(instance, "file_asset.a.csv") == ["a.csv", "b.csv"]
