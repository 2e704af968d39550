"""AutomationCondition as data: operators, composites, labels, replace/allow/ignore, round trips."""

from __future__ import annotations

import datetime
import json

import pytest

import headwater as hw
from headwater.errors import InvalidDefinitionError

AC = hw.AutomationCondition


def _labels(condition: hw.AutomationCondition) -> list[str]:
    return [node.label for node in condition.walk() if node.label]


def test_eager_is_built_from_dagsters_operands() -> None:
    eager = AC.eager()
    assert eager.kind == "and" and eager.label == "eager"
    assert [operand.kind for operand in eager.operands] == [
        "in_latest_time_window", "since", "not", "not", "not"]
    since = eager.operands[1]
    trigger, reset = since.operands
    assert trigger == AC.newly_missing() | AC.any_deps_updated()
    assert reset.label == "handled"
    assert {operand.kind for operand in reset.operands} == {
        "newly_requested", "newly_updated", "initial_evaluation"}
    assert set(_labels(eager)) == {
        "eager", "handled", "newly_missing", "any_deps_updated", "any_deps_missing",
        "any_deps_in_progress"}


def test_on_cron_and_on_missing_labels_and_parts() -> None:
    on_cron = AC.on_cron("0 * * * *")
    assert on_cron.label == "on_cron(0 * * * *, UTC)"
    cron = AC.cron_tick_passed("0 * * * *")
    assert cron.params == {"cron_schedule": "0 * * * *", "cron_timezone": "UTC"}
    assert any(node == cron for node in on_cron.walk())
    assert "all_deps_updated_since_cron(0 * * * *, UTC)" in _labels(on_cron)
    on_missing = AC.on_missing()
    assert on_missing.label == "on_missing"
    assert "missing_since_last_handled" in _labels(on_missing)


def test_boolean_operators_flatten_unlabelled_operands() -> None:
    a, b, c = AC.missing(), AC.in_progress(), AC.newly_updated()
    assert (a & b & c).operands == (a, b, c)
    assert (a | b | c).kind == "or" and len((a | b | c).operands) == 3
    assert (~a).kind == "not" and (~a).operands == (a,)
    labelled = (a & b).with_label("both")
    assert (labelled & c).operands == (labelled, c)
    assert a.since(b).operands == (a, b)
    assert a.newly_true().kind == "newly_true"


def test_replace_by_value_and_by_label() -> None:
    nine, midnight = "0 9 * * *", "0 0 * * *"
    replaced = AC.on_cron(nine).replace(
        AC.all_deps_updated_since_cron(nine), AC.all_deps_updated_since_cron(midnight))
    crons = {node.params["cron_schedule"] for node in replaced.walk()
             if node.kind == "cron_tick_passed"}
    assert crons == {nine, midnight}
    by_label = AC.eager().replace("any_deps_missing", AC.asset_matches("x", AC.missing()))
    assert "any_deps_missing" not in _labels(by_label)
    looked_back = AC.on_missing().replace(
        AC.in_latest_time_window(),
        AC.in_latest_time_window(lookback_delta=datetime.timedelta(hours=24)))
    assert looked_back.operands[0].params == {"lookback_seconds": 86400.0}


def test_without_removes_an_operand_or_says_it_is_not_there() -> None:
    relaxed = AC.eager().without(~AC.any_deps_missing())
    assert "any_deps_missing" not in _labels(relaxed)
    assert relaxed.label == "eager"
    with pytest.raises(InvalidDefinitionError, match="not one of its operands"):
        AC.missing().without(AC.in_progress())


def test_allow_and_ignore_reach_every_dependency_condition() -> None:
    allowed = AC.eager().allow(hw.AssetSelection.keys("a", "b/c"))
    deps = [node for node in allowed.walk() if node.kind in ("any_deps_match", "all_deps_match")]
    assert len(deps) == 3
    for node in allowed.to_dict()["operands"][2:4]:
        assert node["operands"][0]["params"]["allow"] == [["a"], ["b", "c"]]
    ignored = AC.any_deps_missing().ignore(["x"]).to_dict()
    assert ignored["params"]["ignore"] == [["x"]]


def test_group_selections_resolve_when_the_snapshot_is_built() -> None:
    condition = AC.eager().allow(hw.AssetSelection.groups("abc"))
    with pytest.raises(InvalidDefinitionError, match="needs the asset graph"):
        condition.to_dict()
    data = condition.to_dict(resolve=lambda selection: [hw.AssetKey("up")])
    assert '"allow": [["up"]]' in json.dumps(data)


def test_to_dict_from_dict_round_trip_is_plain_json() -> None:
    conditions = [
        AC.eager(), AC.on_cron("*/5 * * * *", "Europe/Paris"), AC.on_missing(),
        AC.any_downstream_conditions(), AC.all_deps_blocking_checks_passed(),
        AC.code_version_changed() | AC.data_version_changed() | AC.execution_failed(),
        AC.backfill_in_progress() & ~AC.run_in_progress(), AC.any_checks_match(
            AC.check_failed(), blocking_only=True),
    ]
    filtered = AC.eager().ignore(["noisy"])
    assert AC.from_dict(json.loads(json.dumps(filtered.to_dict()))).to_dict() == (
        filtered.to_dict())
    for condition in conditions:
        text = json.dumps(condition.to_dict())
        back = AC.from_dict(json.loads(text))
        assert back == condition
        assert isinstance(back, AC)
        assert hash(back) == hash(condition)


def test_invalid_conditions_say_what_to_do() -> None:
    with pytest.raises(TypeError, match="unsupported operand"):
        _ = AC.missing() & "missing"  # type: ignore[operator]
    with pytest.raises(InvalidDefinitionError, match="not an AutomationCondition"):
        AC.any_deps_match("missing")  # type: ignore[arg-type]
    with pytest.raises(InvalidDefinitionError, match="cron"):
        AC.on_cron("every hour")
    with pytest.raises(InvalidDefinitionError, match="Unknown automation condition kind"):
        AC.from_dict({"kind": "sometimes"})
    with pytest.raises(InvalidDefinitionError, match="timedelta"):
        AC.in_latest_time_window(lookback_delta=3600)  # type: ignore[arg-type]


def test_the_condition_is_in_the_snapshot_as_data() -> None:
    from headwater.snapshot.build import build_location_snapshot

    @hw.asset(automation_condition=AC.eager())
    def up() -> int:
        return 1

    @hw.asset(deps=[up], automation_condition=AC.on_cron("0 * * * *").allow(
        hw.AssetSelection.groups("default")))
    def down() -> None:
        return None

    repo = hw.Definitions(assets=[up, down]).get_repository_def()
    snap = build_location_snapshot("loc", {"main": repo})
    by_key = {tuple(asset.key): asset for asset in snap.repositories[0].assets}
    assert by_key[("up",)].automation_condition == "eager"
    assert AC.from_dict(by_key[("up",)].automation_condition_tree or {}) == AC.eager()
    tree = json.dumps(by_key[("down",)].automation_condition_tree)
    assert '"allow": [["down"], ["up"]]' in tree
