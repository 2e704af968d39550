"""The end-to-end daemon location: a schedule and a sensor that are on from the start."""

from headwater import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    RunRequest,
    ScheduleDefinition,
    job,
    op,
    sensor,
)


@op
def greet() -> int:
    return 1


@job
def greet_job() -> None:
    greet()


minutely = ScheduleDefinition(name="minutely", job=greet_job, cron_schedule="* * * * *",
                              default_status=DefaultScheduleStatus.RUNNING)


@sensor(job=greet_job, minimum_interval_seconds=1, default_status=DefaultSensorStatus.RUNNING)
def once_sensor(context: object) -> RunRequest:
    return RunRequest(run_key="only-once")


defs = Definitions(jobs=[greet_job], schedules=[minutely], sensors=[once_sensor])
