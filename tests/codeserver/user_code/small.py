"""A small location: two assets, an asset job, a schedule and a sensor with a cursor."""

import headwater as hw

VERSION = 1


@hw.asset
def numbers() -> list[int]:
    return [1, 2, 3]


@hw.asset
def total(numbers: list[int]) -> int:
    return sum(numbers)


everything = hw.define_asset_job("everything", selection="*")


@hw.schedule(cron_schedule="0 6 * * *", job=everything)
def daily(context: hw.ScheduleEvaluationContext) -> hw.RunRequest:
    day = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return hw.RunRequest(run_key=day, tags={"day": day})


@hw.sensor(job=everything)
def counter(context: hw.SensorEvaluationContext) -> object:
    count = int(context.cursor or "0")
    context.update_cursor(str(count + 1))
    if count % 2:
        return hw.SkipReason(f"odd tick {count}")
    return hw.RunRequest(run_key=f"tick-{count}")


@hw.sensor(job=everything)
def crasher(context: hw.SensorEvaluationContext) -> None:
    """Ends the location process abruptly, as a crashing extension module would."""
    import os

    os._exit(7)


@hw.sensor(job=everything)
def waits(context: hw.SensorEvaluationContext) -> hw.SkipReason:
    """Blocks until the file the cursor names exists (at most 30 s)."""
    import os
    import time

    deadline = time.monotonic() + 30
    while not os.path.exists(context.cursor or "") and time.monotonic() < deadline:
        time.sleep(0.01)
    return hw.SkipReason("released")


defs = hw.Definitions(assets=[numbers, total], jobs=[everything], schedules=[daily],
                      sensors=[counter, crasher, waits])
