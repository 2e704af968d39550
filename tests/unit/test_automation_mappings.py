"""Dependency conditions across different partitions definitions follow the snapshot's
partition mappings (evaluated on the host), not all-to-all."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

import headwater as hw
from headwater.execution.automation_testing import EvaluateAutomationConditionsResult
from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.storage.instance import Instance

AC = hw.AutomationCondition
WHEN = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)
UPDATED = AC.any_deps_match(AC.newly_updated())


@pytest.fixture
def instance() -> Iterator[Instance]:
    with hw.instance_for_test() as found:
        yield found


def _requested_after_update(instance: Instance, assets: list[Any], parent: str,
                            *partitions: str) -> EvaluateAutomationConditionsResult:
    """Evaluate once, store materializations of ``parent``'s partitions, evaluate again."""
    defs = hw.Definitions(assets=assets)
    first = hw.evaluate_automation_conditions(defs, instance, evaluation_time=WHEN)
    instance.storage.store_events([
        RunEvent("seed", EventType.ASSET_MATERIALIZATION, time.time(),
                 data=AssetEventData(asset_key=[parent], partition=partition))
        for partition in partitions])
    return hw.evaluate_automation_conditions(defs, instance, cursor=first.cursor,
                                             evaluation_time=WHEN)


def test_hourly_to_daily_maps_each_hour_to_its_day(instance: Instance) -> None:
    hourly = hw.HourlyPartitionsDefinition(start_date="2026-01-01-00:00")
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-01")

    @hw.asset(partitions_def=hourly)
    def events() -> None:
        return None

    @hw.asset(partitions_def=daily, deps=[events], automation_condition=UPDATED)
    def day_summary() -> None:
        return None

    result = _requested_after_update(instance, [events, day_summary], "events",
                                     "2026-01-02-05:00", "2026-01-03-23:00")
    assert result.get_requested_partitions("day_summary") == {"2026-01-02", "2026-01-03"}


def test_daily_to_hourly_maps_a_day_to_its_hours(instance: Instance) -> None:
    hourly = hw.HourlyPartitionsDefinition(start_date="2026-01-01-00:00")
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-01")

    @hw.asset(partitions_def=daily)
    def calendar() -> None:
        return None

    @hw.asset(partitions_def=hourly, deps=[calendar], automation_condition=UPDATED)
    def hourly_view() -> None:
        return None

    result = _requested_after_update(instance, [calendar, hourly_view], "calendar",
                                     "2026-01-02")
    assert result.get_requested_partitions("hourly_view") == {
        f"2026-01-02-{hour:02d}:00" for hour in range(24)}


def test_time_window_offsets_read_the_previous_window(instance: Instance) -> None:
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-01")

    @hw.asset(partitions_def=daily)
    def balance() -> None:
        return None

    @hw.asset(partitions_def=daily, automation_condition=UPDATED, deps=[hw.AssetDep(
        balance, partition_mapping=hw.TimeWindowPartitionMapping(start_offset=-1,
                                                                 end_offset=-1))])
    def next_day() -> None:
        return None

    result = _requested_after_update(instance, [balance, next_day], "balance", "2026-01-02")
    assert result.get_requested_partitions("next_day") == {"2026-01-03"}


def test_static_and_identity_mappings_between_static_definitions(instance: Instance) -> None:
    letters = hw.StaticPartitionsDefinition(["a", "b", "c"])
    groups = hw.StaticPartitionsDefinition(["x", "y"])
    more_letters = hw.StaticPartitionsDefinition(["a", "b", "c", "d"])

    @hw.asset(partitions_def=letters)
    def source() -> None:
        return None

    @hw.asset(partitions_def=groups, automation_condition=UPDATED, deps=[hw.AssetDep(
        source, partition_mapping=hw.StaticPartitionMapping({"a": "x", "b": "x", "c": "y"}))])
    def grouped() -> None:
        return None

    @hw.asset(partitions_def=more_letters, automation_condition=UPDATED, deps=[hw.AssetDep(
        source, partition_mapping=hw.IdentityPartitionMapping())])
    def same_keys() -> None:
        return None

    result = _requested_after_update(instance, [source, grouped, same_keys], "source", "c")
    assert result.get_requested_partitions("grouped") == {"y"}
    assert result.get_requested_partitions("same_keys") == {"c"}


def test_last_and_all_mappings(instance: Instance) -> None:
    letters = hw.StaticPartitionsDefinition(["a", "b", "c"])
    groups = hw.StaticPartitionsDefinition(["x", "y"])

    @hw.asset(partitions_def=letters)
    def source() -> None:
        return None

    @hw.asset(partitions_def=groups, automation_condition=UPDATED, deps=[hw.AssetDep(
        source, partition_mapping=hw.LastPartitionMapping())])
    def latest_only() -> None:
        return None

    @hw.asset(partitions_def=groups, automation_condition=UPDATED, deps=[hw.AssetDep(
        source, partition_mapping=hw.AllPartitionMapping())])
    def everything() -> None:
        return None

    assets = [source, latest_only, everything]
    result = _requested_after_update(instance, assets, "source", "a")
    assert result.get_num_requested("latest_only") == 0  # "a" is not the last partition
    assert result.get_requested_partitions("everything") == {"x", "y"}
    again = _requested_after_update(instance, assets, "source", "c")
    assert again.get_requested_partitions("latest_only") == {"x", "y"}


def test_multi_to_single_dimension(instance: Instance) -> None:
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-01")
    both = hw.MultiPartitionsDefinition({
        "date": daily, "color": hw.StaticPartitionsDefinition(["red", "blue"])})

    @hw.asset(partitions_def=both)
    def paint() -> None:
        return None

    @hw.asset(partitions_def=daily, automation_condition=UPDATED, deps=[hw.AssetDep(
        paint, partition_mapping=hw.MultiToSingleDimensionPartitionMapping("date"))])
    def per_day() -> None:
        return None

    @hw.asset(partitions_def=both, automation_condition=UPDATED, deps=[per_day])
    def repainted() -> None:
        return None

    result = _requested_after_update(instance, [paint, per_day, repainted], "paint",
                                     "red|2026-01-03")
    assert result.get_requested_partitions("per_day") == {"2026-01-03"}
    # ...and per_day's will-be-requested partition is not "newly updated": nothing below.
    assert result.get_num_requested("repainted") == 0
    below = _requested_after_update(instance, [paint, per_day, repainted], "per_day",
                                    "2026-01-02")
    assert below.get_requested_partitions("repainted") == {"red|2026-01-02",
                                                           "blue|2026-01-02"}


def test_missing_dependency_partitions_block_only_their_dependents(instance: Instance) -> None:
    hourly = hw.HourlyPartitionsDefinition(start_date="2026-01-04-00:00")
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-04")

    @hw.asset(partitions_def=hourly)
    def readings() -> None:
        return None

    @hw.asset(partitions_def=daily, deps=[readings],
              automation_condition=~AC.any_deps_missing())
    def day() -> None:
        return None

    defs = hw.Definitions(assets=[readings, day])
    instance.storage.store_events([
        RunEvent("seed", EventType.ASSET_MATERIALIZATION, time.time(),
                 data=AssetEventData(asset_key=["readings"], partition=f"2026-01-04-{h:02d}:00"))
        for h in range(24)])
    result = hw.evaluate_automation_conditions(defs, instance, evaluation_time=WHEN)
    # Jan 4 has all its hours; Jan 5 has not ended (not a partition yet at noon).
    assert result.get_requested_partitions("day") == {"2026-01-04"}


def test_multi_partition_mapping_maps_dimension_by_dimension(instance: Instance) -> None:
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-01")
    painted = hw.MultiPartitionsDefinition({
        "date": daily, "color": hw.StaticPartitionsDefinition(["red", "blue"])})
    shipped = hw.MultiPartitionsDefinition({
        "date": daily, "region": hw.StaticPartitionsDefinition(["eu", "us"])})

    @hw.asset(partitions_def=painted)
    def paint() -> None:
        return None

    mapping = hw.MultiPartitionMapping({"date": hw.DimensionPartitionMapping(
        "date", hw.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1))})

    @hw.asset(partitions_def=shipped, automation_condition=UPDATED,
              deps=[hw.AssetDep(paint, partition_mapping=mapping)])
    def ship() -> None:
        return None

    result = _requested_after_update(instance, [paint, ship], "paint", "red|2026-01-02")
    # The next day's partitions, every region (color is read whole: any color counts).
    assert result.get_requested_partitions("ship") == {"2026-01-03|eu", "2026-01-03|us"}
