"""A location for the partition tests: mapped upstream slices, backfill policies, and a sensor
that adds dynamic partitions. Each asset records the upstream keys it received in
``$HEADWATER_HOME/seen/<asset>.<partition>.json``."""

import json
import os
from pathlib import Path
from typing import Any

from headwater import (
    AddDynamicPartitionsRequest,
    AssetExecutionContext,
    AssetIn,
    BackfillPolicy,
    DailyPartitionsDefinition,
    Definitions,
    DynamicPartitionsDefinition,
    HourlyPartitionsDefinition,
    InputContext,
    IOManager,
    MultiPartitionsDefinition,
    OutputContext,
    RunRequest,
    SensorResult,
    StaticPartitionsDefinition,
    TimeWindowPartitionMapping,
    WeeklyPartitionsDefinition,
    asset,
    define_asset_job,
    sensor,
)

HOURLY = HourlyPartitionsDefinition("2024-01-01-00:00")
DAILY = DailyPartitionsDefinition("2024-01-01")
WEEKLY = WeeklyPartitionsDefinition("2024-01-07")
DATE_REGION = MultiPartitionsDefinition({
    "date": DAILY, "region": StaticPartitionsDefinition(["eu", "us"])})
LONG_DAILY = DailyPartitionsDefinition("2020-01-01")
FILES = DynamicPartitionsDefinition("files")


def _home() -> Path:
    return Path(os.environ["HEADWATER_HOME"])


def _record(name: str, key: str, seen: Any) -> None:
    folder = _home() / "seen"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.{key.replace('|', '_')}.json").write_text(json.dumps(seen))


class JsonPartitionIOManager(IOManager):
    """One JSON file per asset partition; an output over several partitions is a dict by key."""

    def _path(self, asset: list[str], key: str | None) -> Path:
        return _home() / "values" / "_".join(asset) / f"{key or 'all'}.json".replace("|", "_")

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        keys = context.asset_partition_keys
        values = obj if len(keys) > 1 else {keys[0] if keys else None: obj}
        for key, value in values.items():
            path = self._path(context.asset_key.path, key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))

    def load_input(self, context: InputContext) -> Any:
        keys = context.asset_partition_keys
        read = {key: json.loads(self._path(context.asset_key.path, key).read_text())
                for key in keys}
        return read if len(keys) > 1 else next(iter(read.values()))


@asset(partitions_def=HOURLY, backfill_policy=BackfillPolicy.single_run())
def hourly_events(context: AssetExecutionContext) -> dict[str, str]:
    return {key: f"events {key}" for key in context.partition_keys}


@asset(partitions_def=DAILY)
def daily_summary(context: AssetExecutionContext, hourly_events: dict[str, str]) -> int:
    _record("daily_summary", context.partition_key, sorted(hourly_events))
    return len(hourly_events)


@asset(partitions_def=DAILY, backfill_policy=BackfillPolicy.single_run())
def daily_sales(context: AssetExecutionContext) -> dict[str, str]:
    return {key: f"sales {key}" for key in context.partition_keys}


@asset(partitions_def=WEEKLY, ins={"daily_sales": AssetIn(
    partition_mapping=TimeWindowPartitionMapping(start_offset=-1, end_offset=-1))})
def weekly_report(context: AssetExecutionContext, daily_sales: dict[str, str]) -> None:
    _record("weekly_report", context.partition_key, sorted(daily_sales))


@asset(partitions_def=DATE_REGION)
def regional(context: AssetExecutionContext) -> str:
    return f"regional {context.partition_key}"


@asset(partitions_def=DAILY)
def all_regions(context: AssetExecutionContext, regional: dict[str, str]) -> None:
    _record("all_regions", context.partition_key, sorted(regional))


@asset(partitions_def=LONG_DAILY, backfill_policy=BackfillPolicy.single_run())
def single_run_daily(context: AssetExecutionContext) -> None:
    _record("single_run_daily", "range", [context.partition_key_range.start,
                                          context.partition_key_range.end])


@asset(partitions_def=LONG_DAILY, backfill_policy=BackfillPolicy.multi_run(100))
def multi_run_daily(context: AssetExecutionContext) -> None: ...


@asset(partitions_def=FILES)
def file_asset(context: AssetExecutionContext) -> None:
    _record("file_asset", context.partition_key, FILES.get_partition_keys())


file_job = define_asset_job("file_job", selection=[file_asset], partitions_def=FILES)


@sensor(job=file_job, minimum_interval_seconds=1)
def new_files(context: Any) -> SensorResult:
    return SensorResult(
        dynamic_partitions_requests=[FILES.build_add_request(["a.csv", "b.csv"])],
        run_requests=[RunRequest(partition_key="a.csv")],
    )


@sensor(job=file_job, minimum_interval_seconds=1)
def remove_file(context: Any) -> SensorResult:
    return SensorResult(dynamic_partitions_requests=[
        FILES.build_delete_request(["b.csv"]),
        AddDynamicPartitionsRequest("files", ["c.csv"]),
    ])


defs = Definitions(
    assets=[hourly_events, daily_summary, daily_sales, weekly_report, regional, all_regions,
            single_run_daily, multi_run_daily, file_asset],
    jobs=[file_job],
    sensors=[new_files, remove_file],
    resources={"io_manager": JsonPartitionIOManager()},
)
