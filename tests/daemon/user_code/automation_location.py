"""A location for the automation tests: an eager chain, an on_cron asset, an on_missing
daily-partitioned asset. Each is under its own automation sensor (1 s interval, stopped by
default) so a test turns on only what it exercises."""

from headwater import (
    AssetSelection,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    DailyPartitionsDefinition,
    Definitions,
    asset,
)


@asset
def a1() -> int:
    return 1


@asset(automation_condition=AutomationCondition.eager())
def a2(a1: int) -> int:
    return a1 + 1


@asset(automation_condition=AutomationCondition.eager())
def a3(a2: int) -> int:
    return a2 + 1


@asset(automation_condition=AutomationCondition.eager())
def a4(a3: int) -> int:
    return a3 + 1


@asset(automation_condition=AutomationCondition.eager())
def a5(a4: int) -> int:
    return a4 + 1


@asset
def source() -> int:
    return 1


@asset(deps=[source], automation_condition=AutomationCondition.on_cron("* * * * *"))
def hourly_report() -> None:
    return None


@asset(partitions_def=DailyPartitionsDefinition(start_date="2026-01-01"),
       automation_condition=AutomationCondition.on_missing())
def daily_events() -> None:
    return None


@asset(automation_condition=AutomationCondition.eager())
def unsensed(a1: int) -> int:
    return a1


@asset(automation_condition=AutomationCondition.eager())
def slow(a1: int) -> int:
    return a1


chain_sensor = AutomationConditionSensorDefinition(
    "chain_sensor", target=AssetSelection.keys("a2", "a3", "a4", "a5"),
    minimum_interval_seconds=1, run_tags={"team": "data"})
cron_sensor = AutomationConditionSensorDefinition(
    "cron_sensor", target=AssetSelection.keys("hourly_report"), minimum_interval_seconds=1)
missing_sensor = AutomationConditionSensorDefinition(
    "missing_sensor", target=AssetSelection.keys("daily_events"), minimum_interval_seconds=1)
slow_sensor = AutomationConditionSensorDefinition(
    "slow_sensor", target=AssetSelection.keys("slow"), minimum_interval_seconds=120)

defs = Definitions(
    assets=[a1, a2, a3, a4, a5, source, hourly_report, daily_events, unsensed, slow],
    sensors=[chain_sensor, cron_sensor, missing_sensor, slow_sensor],
)
