"""Dagster's finer automation semantics through evaluate_automation_conditions: since's
same-evaluation tie-break by time, data_version_changed, nested any_downstream_conditions and
evaluation hashes that do not depend on the process."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

import headwater as hw
from headwater.core.run_status import RunStatus
from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance

AC = hw.AutomationCondition


@pytest.fixture
def instance() -> Iterator[Instance]:
    with hw.instance_for_test() as found:
        yield found


def _at(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def _store(instance: Instance, key: str, event_type: EventType, version: str | None) -> float:
    """Store a materialization or observation of ``key`` carrying ``version``; its time."""
    now = time.time()
    instance.storage.store_events([RunEvent(
        "seed", event_type, now,
        data=AssetEventData(asset_key=[key], data_version=version))])
    return now


def test_since_tie_break_keeps_a_trigger_newer_than_the_reset(instance: Instance) -> None:
    @hw.asset(automation_condition=AC.newly_updated().since(
        AC.cron_tick_passed("* * * * *")).with_label("updated_since_tick"))
    def report() -> None:
        return None

    defs = hw.Definitions(assets=[report])
    before = hw.evaluate_automation_conditions(defs, instance,
                                               evaluation_time=_at(time.time() - 120))
    materialized = _store(instance, "report", EventType.ASSET_MATERIALIZATION, None)
    # A minute tick and the materialization both fall between the two evaluations.
    after_update = hw.evaluate_automation_conditions(
        defs, instance, cursor=before.cursor, evaluation_time=_at(materialized + 0.001))
    tree = after_update.evaluation_tree("report")
    assert tree is not None
    trigger, reset = tree["children"]
    assert trigger["result"] is True and reset["result"] is True  # both newly true...
    assert after_update.get_num_requested("report") == 1  # ...the update came after the tick
    next_tick = math.ceil(materialized / 60) * 60
    after_tick = hw.evaluate_automation_conditions(
        defs, instance, cursor=before.cursor, evaluation_time=_at(next_tick + 1))
    assert after_tick.get_num_requested("report") == 0  # the tick came after the update


def test_since_without_times_lets_the_reset_win(instance: Instance) -> None:
    # "or" says nothing about when it became true: a same-evaluation tie resets.
    condition = (AC.newly_updated() | AC.missing()).since(
        AC.cron_tick_passed("* * * * *") | AC.missing())

    @hw.asset(automation_condition=condition)
    def table() -> None:
        return None

    defs = hw.Definitions(assets=[table])
    _store(instance, "table", EventType.ASSET_MATERIALIZATION, None)
    before = hw.evaluate_automation_conditions(defs, instance,
                                               evaluation_time=_at(time.time() - 120))
    materialized = _store(instance, "table", EventType.ASSET_MATERIALIZATION, None)
    after = hw.evaluate_automation_conditions(
        defs, instance, cursor=before.cursor, evaluation_time=_at(materialized + 0.001))
    assert after.get_num_requested("table") == 0


def test_since_sees_partitions_outside_the_narrowed_candidates(instance: Instance) -> None:
    # The trigger turns true for a partition while an earlier "and" operand excludes it;
    # since still remembers it (Dagster evaluates since's operands on every partition).
    letters = hw.StaticPartitionsDefinition(["a", "b"])

    @hw.asset(partitions_def=letters, automation_condition=~AC.in_progress()
              & AC.newly_updated().since(AC.newly_requested()))
    def part() -> None:
        return None

    defs = hw.Definitions(assets=[part])
    first = hw.evaluate_automation_conditions(defs, instance)
    instance.add_run(RunRecord(run_id="busy", job_name="__ASSET_JOB", partition_key="a",
                               status=RunStatus.STARTED, asset_selection=[["part"]]))
    hw.materialize([part], instance=instance, partition_key="a")
    busy = hw.evaluate_automation_conditions(defs, instance, cursor=first.cursor)
    assert busy.total_requested_count == 0
    tree = busy.evaluation_tree("part")
    assert tree is not None
    since = tree["children"][1]
    assert since["candidates"] == 1 and since["result"] is False  # only "b" is a candidate
    assert since["children"][0]["partitions"] == ["a"]  # ...but the trigger saw "a"
    instance.storage.update_run_status("busy", RunStatus.SUCCESS)
    freed = hw.evaluate_automation_conditions(defs, instance, cursor=busy.cursor)
    assert freed.get_requested_partitions("part") == {"a"}


def test_data_version_changed_compares_with_the_previous_version(instance: Instance) -> None:
    @hw.asset(automation_condition=AC.data_version_changed())
    def versioned() -> None:
        return None

    defs = hw.Definitions(assets=[versioned])
    result = hw.evaluate_automation_conditions(defs, instance)
    assert result.total_requested_count == 0  # first evaluation: nothing is "changed"
    expectations = [
        (EventType.ASSET_MATERIALIZATION, "v1", 1),  # none before: a new version
        (EventType.ASSET_MATERIALIZATION, "v1", 0),  # materialized again, same version
        (EventType.ASSET_OBSERVATION, "v2", 1),  # an observation with a new version
        (EventType.ASSET_OBSERVATION, "v2", 0),
        (EventType.ASSET_MATERIALIZATION, None, 1),  # no version after v2: changed
    ]
    for event_type, version, requested in expectations:
        _store(instance, "versioned", event_type, version)
        result = hw.evaluate_automation_conditions(defs, instance, cursor=result.cursor)
        assert result.total_requested_count == requested, (event_type, version)
    result = hw.evaluate_automation_conditions(defs, instance, cursor=result.cursor)
    assert result.total_requested_count == 0  # nothing new


def test_data_version_changed_reads_versions_of_real_runs(instance: Instance) -> None:
    version = {"value": "a"}

    @hw.asset
    def upstream() -> hw.Output[int]:
        return hw.Output(1, data_version=hw.DataVersion(version["value"]))

    @hw.asset(deps=[upstream],
              automation_condition=AC.any_deps_match(AC.data_version_changed()))
    def downstream() -> None:
        return None

    defs = hw.Definitions(assets=[upstream, downstream])
    result = hw.evaluate_automation_conditions(defs, instance)
    hw.materialize([upstream], instance=instance)
    result = hw.evaluate_automation_conditions(defs, instance, cursor=result.cursor)
    assert result.requested_asset_keys == {hw.AssetKey("downstream")}
    hw.materialize([upstream], instance=instance)
    result = hw.evaluate_automation_conditions(defs, instance, cursor=result.cursor)
    assert result.total_requested_count == 0  # new materialization, same data version
    version["value"] = "b"
    hw.materialize([upstream], instance=instance)
    result = hw.evaluate_automation_conditions(defs, instance, cursor=result.cursor)
    assert result.requested_asset_keys == {hw.AssetKey("downstream")}


def test_any_downstream_conditions_reaches_past_children(instance: Instance) -> None:
    @hw.asset(automation_condition=AC.any_downstream_conditions())
    def root() -> None:
        return None

    @hw.asset(deps=[root], automation_condition=AC.any_downstream_conditions())
    def middle() -> None:
        return None

    @hw.asset(deps=[middle], automation_condition=AC.missing().with_label("leaf_missing"))
    def leaf() -> None:
        return None

    defs = hw.Definitions(assets=[root, middle, leaf])
    result = hw.evaluate_automation_conditions(defs, instance)
    # leaf's condition, evaluated on each asset above it: all three are missing.
    assert {key.to_user_string() for key in result.requested_asset_keys} == {
        "root", "middle", "leaf"}
    hw.materialize([root], instance=instance)
    result = hw.evaluate_automation_conditions(defs, instance, cursor=result.cursor)
    assert {key.to_user_string() for key in result.requested_asset_keys} == {
        "middle", "leaf"}


def test_labelled_downstream_conditions_that_nest_end(instance: Instance) -> None:
    nested = (AC.any_downstream_conditions() | AC.newly_updated()).with_label("nested")

    @hw.asset(automation_condition=nested)
    def first() -> None:
        return None

    @hw.asset(deps=[first], automation_condition=nested)
    def second() -> None:
        return None

    @hw.asset(deps=[second], automation_condition=(
        AC.any_downstream_conditions() | AC.missing()).with_label("other"))
    def third() -> None:
        return None

    @hw.asset(deps=[third], automation_condition=nested)
    def fourth() -> None:
        return None

    defs = hw.Definitions(assets=[first, second, third, fourth])
    result = hw.evaluate_automation_conditions(defs, instance)
    # "other" (third's, with missing) reaches first and second through their nested "nested".
    assert {key.to_user_string() for key in result.requested_asset_keys} == {
        "first", "second", "third"}


_HASHES = """
import json
import headwater as hw
AC = hw.AutomationCondition
days = hw.DailyPartitionsDefinition(start_date="2026-01-01")
@hw.asset
def a() -> None: ...
@hw.asset(deps=[a], automation_condition=AC.eager())
def b() -> None: ...
@hw.asset(deps=[b], partitions_def=days, automation_condition=AC.on_missing()
          | AC.any_downstream_conditions())
def c() -> None: ...
with hw.instance_for_test() as instance:
    result = hw.evaluate_automation_conditions(hw.Definitions(assets=[a, b, c]), instance)
    print(json.dumps({key: [entry.condition_hash, entry.trace_hash]
                      for key, entry in result.cursor.assets.items()}))
"""


def test_evaluation_hashes_are_the_same_in_every_process() -> None:
    found = []
    for seed in ("1", "2", "random"):
        out = subprocess.run([sys.executable, "-c", _HASHES], check=True, text=True,
                             capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        found.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert found[0] == found[1] == found[2]
    assert set(found[0]) == {"b", "c"}


def test_many_remembered_partitions_are_stored_as_runs(instance: Instance) -> None:
    from headwater.daemon.automation.cursor import AutomationCursor

    year = hw.DailyPartitionsDefinition(start_date="2025-01-01")

    @hw.asset(partitions_def=year,
              automation_condition=AC.missing().since(AC.newly_updated()))
    def history() -> None:
        return None

    defs = hw.Definitions(assets=[history])
    when = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    first = hw.evaluate_automation_conditions(defs, instance, evaluation_time=when)
    assert first.get_num_requested("history") == 365
    [state] = first.cursor.assets["history"].states.values()
    assert len(state) == 3  # the marker, the first key and one run "0-364"
    hw.materialize([history], instance=instance, partition_key="2025-06-01")
    cursor = AutomationCursor.decode(first.cursor.encode())
    second = hw.evaluate_automation_conditions(defs, instance, cursor=cursor,
                                               evaluation_time=when)
    requested = second.get_requested_partitions("history")
    assert len(requested) == 364 and "2025-06-01" not in requested
    [state] = second.cursor.assets["history"].states.values()
    assert state[2:] == ["0-150", "152-364"]
