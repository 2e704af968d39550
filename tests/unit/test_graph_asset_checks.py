"""Checks of graph-backed assets run in process: reported by the op whose output each check's
graph output maps to, recorded like any check, a failed blocking check stopping downstream."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from headwater import (
    AssetCheckKey,
    AssetCheckSpec,
    AssetKey,
    AssetsDefinition,
    GraphOut,
    Out,
    graph,
    graph_asset,
    materialize,
    op,
)
from headwater.errors import InvalidDefinitionError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runs" / "user_code"))
import graph_checks  # noqa: E402


def test_checks_of_graph_assets_run_and_a_failed_blocking_one_stops_downstream() -> None:
    result = materialize(graph_checks.defs.assets, raise_on_error=False)

    assert not result.success
    outcomes = {(c.asset_key, c.check_name): c for c in result.get_asset_check_evaluations()}
    assert outcomes.keys() == {(AssetKey("checked"), "positive"), (AssetKey("gated"), "large")}
    assert outcomes[(AssetKey("checked"), "positive")].passed
    assert outcomes[(AssetKey("checked"), "positive")].metadata["value"].value == 2
    assert not outcomes[(AssetKey("gated"), "large")].passed
    by_step = {e.step_key for e in result.all_events
               if e.event_type.value == "ASSET_CHECK_EVALUATION"}
    assert by_step == {"checked.plus_one_checked", "gated_pair.inspect_value"}
    [failure] = [e for e in result.all_events if e.event_type.value == "STEP_FAILURE"]
    assert failure.step_key == "gated_pair.inspect_value"
    assert "gated" in failure.message and "large" in failure.message
    skipped = {e.step_key for e in result.all_events if e.event_type.value == "STEP_SKIPPED"}
    assert skipped == {"after_gated"}
    assert result.output_for_node("after_checked") == 12
    assert result.asset_value("gated") == 2  # materialized before its check failed


def test_a_subset_without_the_checked_asset_runs_neither_its_check_nor_its_ops() -> None:
    result = materialize(
        graph_checks.defs.assets,
        selection=[AssetKey("side")],
        raise_on_error=False,
    )
    assert result.success
    assert result.get_asset_check_evaluations() == []
    steps = {e.step_key for e in result.all_events if e.event_type.value == "STEP_SUCCESS"}
    assert steps == {"gated_pair.base_2"}


def test_a_check_whose_result_the_body_does_not_return_is_refused() -> None:
    @op
    def one() -> int:
        return 1

    with pytest.raises(InvalidDefinitionError, match="thing_ok"):
        @graph_asset(check_specs=[AssetCheckSpec("ok", asset="thing")])
        def thing():
            return one()


def test_from_graph_with_check_specs_keeps_check_outputs_out_of_the_assets() -> None:
    from headwater import AssetCheckResult, Nothing

    @op
    def make() -> int:
        return 5

    @op(out=Out(dagster_type=Nothing))
    def verify(x: int):
        yield AssetCheckResult(passed=x == 5, asset_key="made", check_name="five")

    @graph(out={"made": GraphOut(), "made_five": GraphOut()})
    def build():
        value = make()
        return {"made": value, "made_five": verify(value)}

    made = AssetsDefinition.from_graph(
        build, check_specs=[AssetCheckSpec("five", asset="made")]
    )
    assert made.keys == {AssetKey("made")}
    assert made.check_keys == {AssetCheckKey(AssetKey("made"), "five")}
    result = materialize([made])
    [evaluation] = result.get_asset_check_evaluations()
    assert (evaluation.check_name, evaluation.passed) == ("five", True)


def test_snapshot_downstream_waits_for_the_op_running_a_blocking_check() -> None:
    from headwater.snapshot.build import build_location_snapshot

    snap = build_location_snapshot("l", {"m": graph_checks.defs.get_repository_def()})
    [asset_job] = [j for j in snap.repository("m").jobs if j.is_implicit]
    ops = {op.name: op for op in asset_job.ops}
    assert "gated_pair.inspect_value" in ops["after_gated"].depends_on
    assert "checked.plus_one_checked" in ops["after_checked"].depends_on
    outputs = {o.name: o for o in ops["checked.plus_one_checked"].outputs}
    assert outputs["value"].asset_key == ["checked"]
    assert outputs["check"].check_name == "positive"
    [inspect_out] = ops["gated_pair.inspect_value"].outputs
    assert inspect_out.check_name == "large"
