"""FreshnessPolicy: construction, the snapshot's plain form, and PASS/WARN/FAIL over time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import headwater as hw
from headwater.core.freshness import FAIL, PASS, WARN, freshness_status
from headwater.errors import InvalidDefinitionError
from headwater.snapshot.build import build_location_snapshot

HOUR = 3600.0


def test_time_window_passes_then_warns_then_fails() -> None:
    policy = hw.FreshnessPolicy.time_window(fail_window=timedelta(hours=24),
                                            warn_window=timedelta(hours=12)).to_dict()
    now = 1_000_000.0
    assert freshness_status(policy, now - 1 * HOUR, now) == PASS
    assert freshness_status(policy, now - 13 * HOUR, now) == WARN
    assert freshness_status(policy, now - 25 * HOUR, now) == FAIL
    assert freshness_status(policy, None, now) == FAIL


def test_cron_policy_needs_a_materialization_before_each_deadline() -> None:
    policy = hw.FreshnessPolicy.cron(deadline_cron="0 9 * * *",
                                     lower_bound_delta=timedelta(hours=1)).to_dict()
    deadline = datetime(2026, 3, 2, 9, tzinfo=timezone.utc).timestamp()
    later = deadline + 2 * HOUR
    assert freshness_status(policy, deadline - 0.5 * HOUR, later) == PASS
    assert freshness_status(policy, deadline - 3 * HOUR, later) == FAIL  # too early
    assert freshness_status(policy, None, later) == FAIL


def test_bad_windows_are_rejected_with_what_to_pass() -> None:
    with pytest.raises(InvalidDefinitionError, match="warning must come first"):
        hw.FreshnessPolicy.time_window(fail_window=timedelta(hours=1),
                                       warn_window=timedelta(hours=2))
    with pytest.raises(InvalidDefinitionError, match="positive datetime.timedelta"):
        hw.FreshnessPolicy.time_window(fail_window=3600)  # type: ignore[arg-type]
    with pytest.raises(InvalidDefinitionError, match="cron"):
        hw.FreshnessPolicy.cron("at nine", timedelta(hours=1))


def test_the_policy_is_in_the_snapshot_as_data() -> None:
    policy = hw.FreshnessPolicy.time_window(fail_window=timedelta(minutes=30))

    @hw.asset(freshness_policy=policy)
    def orders() -> None:
        return None

    spec = hw.AssetSpec("external", freshness_policy=hw.FreshnessPolicy.cron(
        "0 * * * *", timedelta(minutes=5)))
    repo = hw.Definitions(assets=[orders, spec]).get_repository_def()
    assets = {tuple(asset.key): asset
              for asset in build_location_snapshot("x", {"r": repo}).repositories[0].assets}
    assert assets[("orders",)].freshness_policy == {"kind": "time_window",
                                                    "fail_seconds": 1800.0}
    assert hw.FreshnessPolicy.from_dict(assets[("orders",)].freshness_policy or {}) == policy
    assert (assets[("external",)].freshness_policy or {})["deadline_cron"] == "0 * * * *"


def test_multi_assets_and_graph_assets_carry_their_policies() -> None:
    hourly = hw.FreshnessPolicy.time_window(fail_window=timedelta(hours=1))
    daily = hw.FreshnessPolicy.cron("0 9 * * *", timedelta(hours=2))

    @hw.multi_asset(outs={"left": hw.AssetOut(freshness_policy=hourly),
                          "right": hw.AssetOut()})
    def pair() -> tuple[int, int]:
        return 1, 2

    @hw.multi_asset(specs=[hw.AssetSpec("spec_asset", freshness_policy=daily)])
    def from_specs() -> None:
        return None

    @hw.op
    def one() -> int:
        return 1

    @hw.graph_multi_asset(outs={"graph_out": hw.AssetOut(freshness_policy=daily)})
    def graph_pair() -> dict[str, object]:
        return {"graph_out": one()}

    @hw.graph_asset(freshness_policy=hourly)
    def graph_single() -> object:
        return one()

    repo = hw.Definitions(assets=[pair, from_specs, graph_pair, graph_single]
                          ).get_repository_def()
    policies = {asset.key[0]: asset.freshness_policy
                for asset in build_location_snapshot("x", {"r": repo}).repositories[0].assets}
    assert policies == {"left": hourly.to_dict(), "right": None, "spec_asset": daily.to_dict(),
                        "graph_out": daily.to_dict(), "graph_single": hourly.to_dict()}
    assert pair.specs_by_key[hw.AssetKey("left")].freshness_policy == hourly
