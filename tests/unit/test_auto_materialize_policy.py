"""AutoMaterializePolicy and AutoMaterializeRule, the older form of automation conditions:
accepted where Dagster accepts them and evaluated as the equivalent condition."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import headwater as hw
from headwater import AutoMaterializePolicy, AutoMaterializeRule
from headwater.storage.instance import Instance


@pytest.fixture
def instance() -> Iterator[Instance]:
    with hw.instance_for_test() as test_instance:
        yield test_instance


def _requested(result: object) -> list[str]:
    return sorted(key.to_user_string() for key in result.requested_asset_keys)  # type: ignore[attr-defined]


def test_an_eager_policy_materializes_children_of_updated_parents(instance: Instance) -> None:
    @hw.asset
    def root() -> int:
        return 1

    @hw.asset(deps=[root], auto_materialize_policy=AutoMaterializePolicy.eager())
    def child() -> None:
        return None

    defs = hw.Definitions(assets=[root, child])
    assert child.specs_by_key[hw.AssetKey("child")].automation_condition is not None
    first = hw.evaluate_automation_conditions(defs, instance)
    assert first.total_requested_count == 0  # its parent is missing: skipped
    hw.materialize([root], instance=instance)
    second = hw.evaluate_automation_conditions(defs, instance, cursor=first.cursor)
    assert _requested(second) == ["child"]
    third = hw.evaluate_automation_conditions(defs, instance, cursor=second.cursor)
    assert third.total_requested_count == 0  # requested once per parent update
    hw.materialize([root, child], instance=instance)  # the requested run happened
    fourth = hw.evaluate_automation_conditions(defs, instance, cursor=third.cursor)
    assert fourth.total_requested_count == 0
    hw.materialize([root], instance=instance)
    fifth = hw.evaluate_automation_conditions(defs, instance, cursor=fourth.cursor)
    assert _requested(fifth) == ["child"]


def test_a_missing_root_with_an_eager_policy_is_requested_once(instance: Instance) -> None:
    @hw.asset(auto_materialize_policy=AutoMaterializePolicy.eager())
    def lonely() -> int:
        return 1

    defs = hw.Definitions(assets=[lonely])
    first = hw.evaluate_automation_conditions(defs, instance)
    assert _requested(first) == ["lonely"]
    second = hw.evaluate_automation_conditions(defs, instance, cursor=first.cursor)
    assert second.total_requested_count == 0  # requested already, not yet materialized
    hw.materialize([lonely], instance=instance)
    third = hw.evaluate_automation_conditions(defs, instance, cursor=second.cursor)
    assert third.total_requested_count == 0  # present now


def test_rules_can_be_added_and_removed() -> None:
    eager = AutoMaterializePolicy.eager()
    assert AutoMaterializeRule.materialize_on_missing() in eager.materialize_rules
    assert AutoMaterializeRule.skip_on_parent_missing() in eager.skip_rules
    cron = AutoMaterializeRule.materialize_on_cron("0 * * * *")
    hourly = eager.without_rules(AutoMaterializeRule.materialize_on_parent_updated()).with_rules(
        cron, AutoMaterializeRule.skip_on_not_all_parents_updated_since_cron("0 * * * *"))
    assert cron in hourly.rules
    assert AutoMaterializeRule.materialize_on_parent_updated() not in hourly.rules
    condition = hourly.to_automation_condition()
    assert isinstance(condition, hw.AutomationCondition)
    with pytest.raises(hw.DagsterInvalidDefinitionError, match="has no rule"):
        hourly.without_rules(AutoMaterializeRule.skip_on_run_in_progress())
    just = AutoMaterializePolicy.from_automation_condition(hw.AutomationCondition.on_missing())
    assert just.to_automation_condition() == hw.AutomationCondition.on_missing()


def test_accepted_where_dagster_accepts_it() -> None:
    policy = AutoMaterializePolicy.eager()
    spec = hw.AssetSpec("external", auto_materialize_policy=policy)
    out = hw.AssetOut(auto_materialize_policy=policy)
    assert spec.automation_condition == policy.to_automation_condition()
    assert out.automation_condition == policy.to_automation_condition()

    @hw.op
    def one() -> int:
        return 1

    @hw.graph_asset(auto_materialize_policy=policy)
    def composed() -> int:
        return one()

    assert composed.specs_by_key[hw.AssetKey("composed")].automation_condition is not None


def test_both_arguments_at_once_are_refused() -> None:
    with pytest.raises(hw.DagsterInvariantViolationError, match="cannot supply both"):
        @hw.asset(auto_materialize_policy=AutoMaterializePolicy.eager(),
                  automation_condition=hw.AutomationCondition.eager())
        def both() -> None:
            return None
    with pytest.raises(hw.DagsterInvalidDefinitionError, match="must be an AutoMaterializePolicy"):
        hw.AssetSpec("x", auto_materialize_policy="eager")
