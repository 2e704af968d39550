"""The automation evaluator through evaluate_automation_conditions: Dagster's semantics of
eager, on_cron, on_missing, since/newly_true, dependency filters, runs in progress."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

import headwater as hw
from headwater.core.run_status import RunStatus
from headwater.errors import InvalidDefinitionError
from headwater.execution.automation_testing import EvaluateAutomationConditionsResult
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance

AC = hw.AutomationCondition


@pytest.fixture
def instance() -> Iterator[Instance]:
    with hw.instance_for_test() as found:
        yield found


def _chain(condition: hw.AutomationCondition, length: int = 5) -> list[hw.AssetsDefinition]:
    @hw.asset(name="a1")
    def root() -> int:
        return 1

    chain = [root]
    for index in range(2, length + 1):
        @hw.asset(name=f"a{index}", deps=[chain[-1]], automation_condition=condition)
        def step() -> None:
            return None

        chain.append(step)
    return chain


def _requested(result: EvaluateAutomationConditionsResult) -> list[str]:
    return sorted(key.to_user_string() for key in result.requested_asset_keys)


def test_eager_chain_requests_everything_downstream_once(instance: Instance) -> None:
    chain = _chain(AC.eager())
    defs = hw.Definitions(assets=chain)
    first = hw.evaluate_automation_conditions(defs, instance)
    assert first.total_requested_count == 0  # missing from the start, root missing
    tree = first.evaluation_tree("a2")
    assert tree is not None and tree["name"] == "eager" and tree["result"] is False
    since = tree["children"][1]
    assert since["kind"] == "since" and since["result"] is False
    trigger, reset = since["children"]
    assert trigger["result"] is True  # newly missing...
    assert reset["label"] == "handled" and reset["result"] is True  # ...but first evaluation
    assert not tree["children"][2]["evaluated"]  # "and" stopped at the false operand

    hw.materialize([chain[0]], instance=instance)
    second = hw.evaluate_automation_conditions(defs, instance, cursor=first.cursor)
    assert _requested(second) == ["a2", "a3", "a4", "a5"]
    third = hw.evaluate_automation_conditions(defs, instance, cursor=second.cursor)
    assert third.total_requested_count == 0  # handled: newly requested resets since

    hw.materialize(chain, instance=instance)  # the requested run happened
    fourth = hw.evaluate_automation_conditions(defs, instance, cursor=third.cursor)
    assert fourth.total_requested_count == 0  # deps and asset updated together
    hw.materialize([chain[0]], instance=instance)
    fifth = hw.evaluate_automation_conditions(defs, instance, cursor=fourth.cursor)
    assert _requested(fifth) == ["a2", "a3", "a4", "a5"]


def test_eager_waits_while_the_asset_or_a_dep_is_in_progress(instance: Instance) -> None:
    chain = _chain(AC.eager(), length=2)
    defs = hw.Definitions(assets=chain)
    hw.materialize(chain, instance=instance)
    cursor = hw.evaluate_automation_conditions(defs, instance).cursor
    instance.add_run(RunRecord(run_id="busy", job_name="__ASSET_JOB",
                               status=RunStatus.STARTED, asset_selection=[["a2"]]))
    hw.materialize([chain[0]], instance=instance)
    blocked = hw.evaluate_automation_conditions(defs, instance, cursor=cursor)
    assert blocked.total_requested_count == 0
    tree = blocked.evaluation_tree("a2")
    assert tree is not None
    assert [child["result"] for child in tree["children"]] == [True, True, True, True, False]
    instance.storage.update_run_status("busy", RunStatus.SUCCESS)
    freed = hw.evaluate_automation_conditions(defs, instance, cursor=blocked.cursor)
    assert _requested(freed) == ["a2"]  # the update stayed true "since" until handled


def test_on_cron_runs_once_per_tick_after_deps_update(instance: Instance) -> None:
    chain = _chain(AC.on_cron("0 * * * *"), length=2)
    defs = hw.Definitions(assets=chain)
    start = datetime(2026, 1, 1, 10, 30, tzinfo=timezone.utc)
    result = hw.evaluate_automation_conditions(defs, instance, evaluation_time=start)
    result = hw.evaluate_automation_conditions(
        defs, instance, cursor=result.cursor, evaluation_time=start + timedelta(minutes=40))
    assert result.total_requested_count == 0  # tick passed, but the dep did not update
    hw.materialize([chain[0]], instance=instance)
    result = hw.evaluate_automation_conditions(
        defs, instance, cursor=result.cursor, evaluation_time=start + timedelta(minutes=45))
    assert _requested(result) == ["a2"]
    hw.materialize([chain[0]], instance=instance)
    result = hw.evaluate_automation_conditions(
        defs, instance, cursor=result.cursor, evaluation_time=start + timedelta(minutes=50))
    assert result.total_requested_count == 0  # once per tick
    result = hw.evaluate_automation_conditions(
        defs, instance, cursor=result.cursor, evaluation_time=start + timedelta(minutes=95))
    assert result.total_requested_count == 0  # next tick, dep not updated since it
    hw.materialize([chain[0]], instance=instance)
    result = hw.evaluate_automation_conditions(
        defs, instance, cursor=result.cursor, evaluation_time=start + timedelta(minutes=96))
    assert _requested(result) == ["a2"]


def test_on_missing_requests_new_missing_partitions_only(instance: Instance) -> None:
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-01")

    @hw.asset(partitions_def=daily, automation_condition=AC.on_missing())
    def events() -> None:
        return None

    defs = hw.Definitions(assets=[events])
    day = datetime(2026, 1, 5, 1, tzinfo=timezone.utc)
    first = hw.evaluate_automation_conditions(defs, instance, evaluation_time=day)
    assert first.total_requested_count == 0  # missing when the condition was applied
    hw.materialize([events], instance=instance, partition_key="2026-01-04")
    nxt = hw.evaluate_automation_conditions(
        defs, instance, cursor=first.cursor, evaluation_time=day + timedelta(days=1))
    assert nxt.get_requested_partitions("events") == {"2026-01-05"}
    again = hw.evaluate_automation_conditions(
        defs, instance, cursor=nxt.cursor, evaluation_time=day + timedelta(days=1, hours=1))
    assert again.total_requested_count == 0


def test_eager_with_partitions_takes_the_latest_window(instance: Instance) -> None:
    daily = hw.DailyPartitionsDefinition(start_date="2026-01-01")

    @hw.asset(partitions_def=daily)
    def raw() -> None:
        return None

    @hw.asset(partitions_def=daily, deps=[raw], automation_condition=AC.eager())
    def clean() -> None:
        return None

    defs = hw.Definitions(assets=[raw, clean])
    when = datetime(2026, 1, 10, 3, tzinfo=timezone.utc)
    cursor = hw.evaluate_automation_conditions(defs, instance, evaluation_time=when).cursor
    for key in ("2026-01-08", "2026-01-09"):
        hw.materialize([raw], instance=instance, partition_key=key)
    result = hw.evaluate_automation_conditions(defs, instance, cursor=cursor,
                                               evaluation_time=when)
    assert result.get_requested_partitions("clean") == {"2026-01-09"}


def test_allow_and_ignore_limit_the_deps_considered(instance: Instance) -> None:
    @hw.asset
    def noisy() -> int:
        return 1

    @hw.asset
    def quiet() -> int:
        return 1

    @hw.asset(deps=[noisy, quiet],
              automation_condition=AC.any_deps_updated().ignore(hw.AssetSelection.keys("noisy")))
    def report() -> None:
        return None

    defs = hw.Definitions(assets=[noisy, quiet, report])
    cursor = hw.evaluate_automation_conditions(defs, instance).cursor
    hw.materialize([noisy], instance=instance)
    ignored = hw.evaluate_automation_conditions(defs, instance, cursor=cursor)
    assert ignored.total_requested_count == 0
    hw.materialize([quiet], instance=instance)
    seen = hw.evaluate_automation_conditions(defs, instance, cursor=ignored.cursor)
    assert _requested(seen) == ["report"]


def test_newly_true_code_version_and_initial_evaluation(instance: Instance) -> None:
    @hw.asset(code_version="1", automation_condition=AC.initial_evaluation()
              | AC.code_version_changed())
    def model() -> None:
        return None

    first = hw.evaluate_automation_conditions(hw.Definitions(assets=[model]), instance)
    assert _requested(first) == ["model"]
    same = hw.evaluate_automation_conditions(hw.Definitions(assets=[model]), instance,
                                             cursor=first.cursor)
    assert same.total_requested_count == 0

    @hw.asset(name="model", code_version="2",
              automation_condition=AC.initial_evaluation() | AC.code_version_changed())
    def model_v2() -> None:
        return None

    changed = hw.evaluate_automation_conditions(hw.Definitions(assets=[model_v2]), instance,
                                                cursor=same.cursor)
    assert _requested(changed) == ["model"]


def test_execution_failed_and_asset_matches(instance: Instance) -> None:
    @hw.asset
    def source() -> int:
        return 1

    @hw.asset(automation_condition=AC.execution_failed()
              | AC.asset_matches("source", AC.newly_updated()))
    def retry() -> None:
        return None

    defs = hw.Definitions(assets=[source, retry])
    cursor = hw.evaluate_automation_conditions(defs, instance).cursor
    instance.add_run(RunRecord(run_id="bad", job_name="__ASSET_JOB",
                               status=RunStatus.FAILURE, asset_selection=[["retry"]]))
    failed = hw.evaluate_automation_conditions(defs, instance, cursor=cursor)
    assert _requested(failed) == ["retry"]
    instance.storage.delete_run("bad")
    hw.materialize([source], instance=instance)
    matched = hw.evaluate_automation_conditions(defs, instance, cursor=failed.cursor)
    assert _requested(matched) == ["retry"]


def test_a_foreign_cursor_is_rejected(instance: Instance) -> None:
    with pytest.raises(InvalidDefinitionError, match="result.cursor"):
        hw.evaluate_automation_conditions(hw.Definitions(), instance, cursor="nope")
