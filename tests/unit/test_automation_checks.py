"""Automation conditions on asset checks (``@asset_check(automation_condition=...)``,
``AssetCheckSpec(automation_condition=...)``): evaluated as Dagster evaluates them, on the
check, and requesting the check (not its asset)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

import headwater as hw
from headwater.snapshot.build import build_location_snapshot
from headwater.snapshot.events import AssetCheckData, EventType, RunEvent
from headwater.storage.instance import Instance

AC = hw.AutomationCondition


@pytest.fixture
def instance() -> Iterator[Instance]:
    with hw.instance_for_test() as found:
        yield found


def _check_result(instance: Instance, asset: str, name: str, passed: bool) -> None:
    instance.storage.store_events([RunEvent(
        "seed", EventType.ASSET_CHECK_EVALUATION, time.time(),
        data=AssetCheckData(asset_key=[asset], check_name=name, passed=passed))])


@hw.asset
def orders() -> int:
    return 1


@hw.asset_check(asset=orders, automation_condition=AC.any_deps_updated())
def orders_not_empty(orders: int) -> hw.AssetCheckResult:
    return hw.AssetCheckResult(passed=orders > 0)


def test_the_condition_is_in_the_snapshot_and_selects_the_default_sensor() -> None:
    spec = hw.AssetCheckSpec("fresh", asset="external",
                             automation_condition=AC.cron_tick_passed("0 * * * *"))
    assert spec.automation_condition == AC.cron_tick_passed("0 * * * *")
    repo = hw.Definitions(assets=[orders], asset_checks=[orders_not_empty]).get_repository_def()
    snapshot = build_location_snapshot("x", {"r": repo}).repositories[0]
    [check] = snapshot.asset_checks
    assert check.automation_condition_tree == AC.any_deps_updated().to_dict()
    [sensor] = snapshot.sensors
    assert sensor.name == "default_automation_condition_sensor"
    assert sensor.asset_selection == [["orders"]]  # the checked asset selects its checks


def test_a_check_is_requested_when_its_asset_updates(instance: Instance) -> None:
    defs = hw.Definitions(assets=[orders], asset_checks=[orders_not_empty])
    first = hw.evaluate_automation_conditions(defs, instance)
    assert first.total_requested_count == 0
    hw.materialize([orders], instance=instance, selection=[orders])
    second = hw.evaluate_automation_conditions(defs, instance, cursor=first.cursor)
    check_key = hw.AssetCheckKey(hw.AssetKey("orders"), "orders_not_empty")
    assert second.requested_asset_check_keys == {check_key}
    assert second.requested_asset_keys == set()  # the check alone, not its asset
    assert second.get_num_requested(check_key) == 1
    tree = second.evaluation_tree(check_key)
    assert tree is not None and tree["label"] == "any_deps_updated"
    assert tree["matched_deps"] == ["orders"]
    third = hw.evaluate_automation_conditions(defs, instance, cursor=second.cursor)
    assert third.total_requested_count == 0


def test_check_leaves_read_the_checks_own_results(instance: Instance) -> None:
    @hw.asset_check(asset=orders, automation_condition=AC.missing() | AC.check_failed())
    def orders_retry(orders: int) -> hw.AssetCheckResult:
        return hw.AssetCheckResult(passed=True)

    defs = hw.Definitions(assets=[orders], asset_checks=[orders_retry])
    check_key = hw.AssetCheckKey(hw.AssetKey("orders"), "orders_retry")
    result = hw.evaluate_automation_conditions(defs, instance)
    assert result.requested_asset_check_keys == {check_key}  # never executed: missing
    _check_result(instance, "orders", "orders_retry", passed=False)
    result = hw.evaluate_automation_conditions(defs, instance, cursor=result.cursor)
    assert result.requested_asset_check_keys == {check_key}  # executed, failed
    _check_result(instance, "orders", "orders_retry", passed=True)
    result = hw.evaluate_automation_conditions(defs, instance, cursor=result.cursor)
    assert result.total_requested_count == 0


def test_newly_updated_on_a_check_is_a_new_result(instance: Instance) -> None:
    @hw.asset(automation_condition=AC.any_checks_match(AC.check_passed()))
    def gated() -> None:
        return None

    @hw.asset_check(asset=gated, automation_condition=AC.newly_updated().newly_true())
    def gated_check() -> hw.AssetCheckResult:
        return hw.AssetCheckResult(passed=True)

    defs = hw.Definitions(assets=[gated], asset_checks=[gated_check])
    check_key = hw.AssetCheckKey(hw.AssetKey("gated"), "gated_check")
    first = hw.evaluate_automation_conditions(defs, instance)
    _check_result(instance, "gated", "gated_check", passed=True)
    second = hw.evaluate_automation_conditions(defs, instance, cursor=first.cursor)
    assert second.get_num_requested(check_key) == 1
    assert second.requested_asset_keys == {hw.AssetKey("gated")}
    third = hw.evaluate_automation_conditions(defs, instance, cursor=second.cursor)
    assert third.get_num_requested(check_key) == 0  # no result since


def test_a_check_computed_by_its_assets_op_is_run_with_the_asset(instance: Instance) -> None:
    from headwater.daemon.automation.cursor import AutomationCursor
    from headwater.daemon.automation.tick import build_catalog, evaluate_tick, plan_runs

    @hw.asset(check_specs=[hw.AssetCheckSpec("inline", asset="table",
                                             automation_condition=AC.missing())])
    def table() -> Iterator[object]:
        yield hw.Output(1)
        yield hw.AssetCheckResult(passed=True)

    repo = build_location_snapshot(
        "x", {"r": hw.Definitions(assets=[table]).get_repository_def()}).repositories[0]
    now = time.time()
    catalog = build_catalog([("x", None, repo)], now, instance)
    evaluation = evaluate_tick(catalog, instance, AutomationCursor(), now)
    [run] = plan_runs(catalog, evaluation, "sensor")
    assert run.asset_selection == [["table"]]  # it cannot run alone (its op makes the asset)
    assert run.asset_check_selection == [["table", "inline"]]
