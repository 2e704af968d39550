"""Running asset checks without their assets: what the definitions run, what the snapshot
says about each check, and how the host decides (including snapshots of older servers)."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from headwater import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSpec,
    AssetKey,
    AssetSelection,
    AssetSpec,
    Definitions,
    FilesystemIOManager,
    MaterializeResult,
    Output,
    asset,
    asset_check,
    define_asset_job,
    materialize,
    multi_asset,
)
from headwater.errors import InvalidSubsetError
from headwater.snapshot.build import build_location_snapshot
from headwater.workspace.check_runs import (
    CAN_EXECUTE,
    REQUIRES_MATERIALIZATION,
    check_parts,
    execution_mode,
    find_check,
    materialization_reason,
)

calls: list[str] = []


@asset
def orders() -> list[int]:
    calls.append("orders")
    return [1, 2, 3]


@asset_check(asset=orders)
def has_orders(orders: list[int]) -> AssetCheckResult:
    calls.append(f"has_orders:{len(orders)}")
    return AssetCheckResult(passed=bool(orders))


@asset(check_specs=[AssetCheckSpec("positive", asset="totals")])
def totals():  # type: ignore[no-untyped-def]
    yield Output(6)
    yield AssetCheckResult(check_name="positive", passed=True)


@multi_asset(specs=[AssetSpec("a"), AssetSpec("b")],
             check_specs=[AssetCheckSpec("a_ok", asset="a")], can_subset=True)
def ab():  # type: ignore[no-untyped-def]
    yield MaterializeResult(asset_key="a")
    yield MaterializeResult(asset_key="b")
    yield AssetCheckResult(asset_key="a", check_name="a_ok", passed=True)


ASSETS = [orders, has_orders, totals, ab]


def test_a_check_selection_runs_only_the_check(tmp_path: Path) -> None:
    io = {"io_manager": FilesystemIOManager(base_dir=str(tmp_path))}
    calls.clear()
    assert materialize(ASSETS, resources=io, selection=[orders]).success
    assert calls == ["orders", "has_orders:3"]
    calls.clear()
    result = materialize(ASSETS, resources=io, selection=AssetSelection.checks(has_orders))
    assert result.success and calls == ["has_orders:3"]
    assert not result.get_asset_materialization_events()

    # define_asset_job(selection=AssetSelection.checks(...)) is a job of the check alone.
    job_def = define_asset_job("check_only", selection=AssetSelection.checks(has_orders))
    defs = Definitions(assets=ASSETS, jobs=[job_def], resources=io)
    calls.clear()
    assert defs.get_job_def("check_only").execute_in_process().success
    assert calls == ["has_orders:3"]


def test_a_check_of_its_assets_own_op_cannot_run_alone() -> None:
    with pytest.raises(InvalidSubsetError, match="totals"):
        materialize(ASSETS, selection=AssetSelection.checks(
            AssetCheckKey(AssetKey("totals"), "positive")))


def test_the_snapshot_says_which_checks_run_alone_and_the_host_explains() -> None:
    snapshot = build_location_snapshot(
        "loc", {"defs": Definitions(assets=ASSETS).get_repository_def()})
    repository = snapshot.repositories[0]
    modes = {(tuple(c.asset_key), c.name): (c.can_execute_individually,
                                            execution_mode(repository, c))
             for c in repository.asset_checks}
    assert modes == {
        (("orders",), "has_orders"): (True, CAN_EXECUTE),
        (("totals",), "positive"): (False, REQUIRES_MATERIALIZATION),
        (("a",), "a_ok"): (False, REQUIRES_MATERIALIZATION),
    }
    positive = find_check(repository, ["totals"], "positive")
    assert positive is not None
    reason = materialization_reason(repository, positive)
    assert reason is not None and "op 'totals'" in reason and "@asset_check" in reason
    check = find_check(repository, ["orders"], "has_orders")
    assert check is not None and materialization_reason(repository, check) is None
    assert find_check(repository, ["orders"], "nope") is None

    # A snapshot from an older code server does not say: the host tells from the op.
    old = msgspec.json.decode(msgspec.json.encode(repository).replace(
        b',"can_execute_individually":true', b"").replace(
        b',"can_execute_individually":false', b""), type=type(repository))
    assert all(c.can_execute_individually is None for c in old.asset_checks)
    assert {c.name: execution_mode(old, c) for c in old.asset_checks} == {
        "has_orders": CAN_EXECUTE, "positive": REQUIRES_MATERIALIZATION,
        "a_ok": REQUIRES_MATERIALIZATION}


@pytest.mark.parametrize("bad", [["only"], [], ["a", ""], ["", "x"]])
def test_check_parts_needs_a_key_and_a_name(bad: list[str]) -> None:
    with pytest.raises(ValueError, match="not an asset check"):
        check_parts(bad)


def test_check_parts_splits_the_key_from_the_name() -> None:
    assert check_parts(["raw", "orders", "fresh"]) == (["raw", "orders"], "fresh")
