"""A location for the automation semantics run by the daemon: an hourly asset feeding a daily
one through the default time-window mapping, and an asset reacting only to new data versions."""

from headwater import (
    AutomationCondition,
    DailyPartitionsDefinition,
    DataVersion,
    Definitions,
    HourlyPartitionsDefinition,
    Output,
    asset,
)

AC = AutomationCondition


@asset(partitions_def=HourlyPartitionsDefinition(start_date="2026-01-01-00:00"))
def readings() -> None:
    return None


@asset(partitions_def=DailyPartitionsDefinition(start_date="2026-01-01"), deps=[readings],
       automation_condition=AC.any_deps_match(AC.newly_updated()))
def daily_rollup() -> None:
    return None


@asset
def versioned() -> Output[int]:
    return Output(1, data_version=DataVersion("v1"))


@asset(deps=[versioned], automation_condition=AC.any_deps_match(AC.data_version_changed()))
def reacts() -> None:
    return None


defs = Definitions(assets=[readings, daily_rollup, versioned, reacts])
