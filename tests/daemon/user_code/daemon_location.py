"""A location for the daemon tests: schedules, sensors of every outcome, a partitioned job.

Everything is STOPPED by default; each test turns on what it exercises.
"""

import os
import time
from typing import Any

from headwater import (
    AssetKey,
    Definitions,
    RunRequest,
    ScheduleDefinition,
    SensorResult,
    SkipReason,
    StaticPartitionsDefinition,
    asset,
    asset_sensor,
    define_asset_job,
    job,
    op,
    run_failure_sensor,
    schedule,
    sensor,
)


@op
def say_hello() -> int:
    return 1


@job
def hello_job() -> None:
    say_hello()


@op
def wait_a_minute() -> int:
    time.sleep(60)
    return 1


@job
def sleepy_job() -> None:
    wait_a_minute()


letters = StaticPartitionsDefinition(["a", "b", "c"])


@asset(partitions_def=letters)
def letter_asset(context: object) -> str:
    return "ok"


letters_job = define_asset_job("letters_job", selection=[letter_asset], partitions_def=letters)

every_minute = ScheduleDefinition(name="every_minute", job=hello_job, cron_schedule="* * * * *")
new_york_night = ScheduleDefinition(name="new_york_night", job=hello_job,
                                    cron_schedule="30 2 * * *",
                                    execution_timezone="America/New_York")


@schedule(cron_schedule="0 * * * *", job=hello_job)
def skipping_schedule(context: object) -> SkipReason:
    return SkipReason("no data this hour")


@schedule(cron_schedule="0 * * * *", job=letters_job)
def two_partitions_schedule(context: Any) -> list[RunRequest]:
    return [RunRequest(run_key=f"{key}-{context.scheduled_execution_time:%H}", partition_key=key)
            for key in ("a", "b")]


@sensor(job=hello_job, minimum_interval_seconds=1)
def counting_sensor(context: Any) -> SensorResult:
    count = int(context.cursor or 0) + 1
    return SensorResult(run_requests=[RunRequest(run_key=f"key-{min(count, 2)}")],
                        cursor=str(count))


@sensor(job=hello_job, minimum_interval_seconds=1)
def skip_sensor(context: object) -> SkipReason:
    return SkipReason("nothing new upstream")


@sensor(job=hello_job, minimum_interval_seconds=1)
def raising_sensor(context: object) -> None:
    raise ValueError("the upstream API said no")


@sensor(job=hello_job, minimum_interval_seconds=1)
def wrong_type_sensor(context: object) -> int:
    return 42


@sensor(job=hello_job, minimum_interval_seconds=1)
def slow_sensor(context: object) -> None:
    time.sleep(float(os.environ.get("SLOW_SENSOR_SECONDS", "30")))


@sensor(job=letters_job, minimum_interval_seconds=1)
def missing_partition_sensor(context: object) -> RunRequest:
    return RunRequest(run_key="z", partition_key="zzz")


@asset
def plain_asset() -> int:
    return 1


plain_job = define_asset_job("plain_job", selection=[plain_asset])


@asset_sensor(asset_key=AssetKey("plain_asset"), job=hello_job, minimum_interval_seconds=1)
def plain_asset_sensor(context: Any, asset_event: Any) -> RunRequest:
    return RunRequest(run_key=f"after-{asset_event.run_id}")


@op
def explode() -> None:
    raise ValueError("boom")


@job
def failing_job() -> None:
    explode()


@run_failure_sensor(monitored_jobs=[failing_job], request_job=hello_job,
                    minimum_interval_seconds=1)
def on_failure(context: Any) -> RunRequest:
    return RunRequest(run_key=f"cleanup-{context.dagster_run.run_id}")


defs = Definitions(
    assets=[letter_asset, plain_asset],
    jobs=[hello_job, letters_job, sleepy_job, plain_job, failing_job],
    schedules=[every_minute, new_york_night, skipping_schedule, two_partitions_schedule],
    sensors=[counting_sensor, skip_sensor, raising_sensor, wrong_type_sensor, slow_sensor,
             missing_partition_sensor, plain_asset_sensor, on_failure],
)
