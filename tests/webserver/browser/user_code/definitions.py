"""A small code location for the browser tests: partitions, run config, a sensor, a failure.

- ``daily_events``: a daily-partitioned asset whose partitions start four days ago;
- ``greet_job``: one op reading a ``GreetConfig`` (``name`` is required);
- ``failing_job``: one op that raises;
- ``quiet_sensor``: STOPPED by default; when started it skips every second with a reason.
"""

from __future__ import annotations

from datetime import date, timedelta

import headwater as hw

FIRST_DAY = (date.today() - timedelta(days=4)).isoformat()


@hw.asset(partitions_def=hw.DailyPartitionsDefinition(start_date=FIRST_DAY),
          description="One row count per day.")
def daily_events(context: hw.AssetExecutionContext) -> hw.MaterializeResult:
    """Pretend to load one day of events."""
    day = context.partition_key
    return hw.MaterializeResult(metadata={"day": day, "rows": 100 + int(day[-2:])})


class GreetConfig(hw.Config):
    """Who to greet, and how often."""

    name: str
    times: int = 1


@hw.op
def greet(context: hw.OpExecutionContext, config: GreetConfig) -> str:
    """Log a greeting ``times`` times."""
    for _ in range(config.times):
        context.log.info(f"hello, {config.name}")
    return config.name


@hw.job
def greet_job() -> None:
    """Greets whoever the run config names."""
    greet()


@hw.op
def explode() -> None:
    """Always fails."""
    raise RuntimeError("this op always fails")


@hw.job
def failing_job() -> None:
    """A run of this job always ends in FAILURE."""
    explode()


@hw.sensor(job=greet_job, minimum_interval_seconds=1,
           default_status=hw.DefaultSensorStatus.STOPPED)
def quiet_sensor(context: hw.SensorEvaluationContext) -> hw.SkipReason:
    """Never requests a run; says why."""
    return hw.SkipReason("nothing new upstream")


defs = hw.Definitions(assets=[daily_events], jobs=[greet_job, failing_job],
                      sensors=[quiet_sensor])
