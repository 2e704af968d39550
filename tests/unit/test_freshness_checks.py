"""Freshness checks built by build_*_freshness_checks, run against a real instance."""

from __future__ import annotations

from datetime import timedelta

import pytest

import headwater as hw
from headwater.errors import InvalidDefinitionError


@hw.asset
def orders() -> None:
    return None


def _check_passed(result: hw.ExecuteInProcessResult) -> bool:
    [evaluation] = result.get_asset_check_evaluations()
    return bool(evaluation.passed)


def test_last_update_check_fails_before_and_passes_after_a_materialization() -> None:
    [check] = hw.build_last_update_freshness_checks(assets=[orders],
                                                    lower_bound_delta=timedelta(hours=1))
    assert {key.name for key in check.check_keys} == {"freshness_check"}
    with hw.instance_for_test() as instance:
        stale = hw.materialize([orders, check], instance=instance,
                               selection=hw.AssetSelection.checks_for_assets(orders))
        assert not _check_passed(stale)
        hw.materialize([orders], instance=instance)
        fresh = hw.materialize([orders, check], instance=instance,
                               selection=hw.AssetSelection.checks_for_assets(orders))
        assert _check_passed(fresh)


def test_time_partition_check_wants_the_latest_complete_partition() -> None:
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-01")

    @hw.asset(partitions_def=daily)
    def events() -> None:
        return None

    [check] = hw.build_time_partition_freshness_checks(assets=[events],
                                                       deadline_cron="0 0 * * *")
    with hw.instance_for_test() as instance:
        latest = daily.get_partition_keys()[-1]
        first = hw.materialize([events, check], instance=instance,
                               selection=hw.AssetSelection.checks_for_assets(events))
        assert not _check_passed(first)
        hw.materialize([events], instance=instance, partition_key=latest)
        second = hw.materialize([events, check], instance=instance,
                                selection=hw.AssetSelection.checks_for_assets(events))
        assert _check_passed(second)


def test_sensor_requests_the_checks_once_per_interval() -> None:
    checks = hw.build_last_update_freshness_checks(assets=[orders],
                                                   lower_bound_delta=timedelta(hours=1))
    freshness_sensor = hw.build_sensor_for_freshness_checks(freshness_checks=checks,
                                                            minimum_interval_seconds=60)
    assert freshness_sensor.name == "freshness_checks_sensor"
    result = freshness_sensor.evaluate_tick(hw.build_sensor_context())
    [request] = result.run_requests
    assert request.asset_check_keys == [key for check in checks for key in check.check_keys]
    assert (request.run_key or "").startswith("freshness-")


def test_builders_name_what_is_wrong() -> None:
    with pytest.raises(InvalidDefinitionError, match="no time partitions"):
        hw.build_time_partition_freshness_checks(assets=[orders], deadline_cron="0 0 * * *")
    with pytest.raises(InvalidDefinitionError, match="timedelta"):
        hw.build_last_update_freshness_checks(assets=[orders], lower_bound_delta=3600)  # type: ignore[arg-type]
    with pytest.raises(InvalidDefinitionError, match="freshness checks"):
        hw.build_sensor_for_freshness_checks(freshness_checks=[])
