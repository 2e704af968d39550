"""Graph-backed assets with checks: ``checked`` reports its check from the op that computes it,
``gated`` from a separate op of its graph; its blocking check fails so ``after_gated`` does not
run, while ``after_checked`` does."""

from headwater import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetOut,
    Definitions,
    Nothing,
    Out,
    Output,
    asset,
    graph_asset,
    graph_multi_asset,
    op,
)


@op
def base() -> int:
    return 1


@op(out={"value": Out(), "check": Out(dagster_type=Nothing)})
def plus_one_checked(x: int):
    yield Output(x + 1, "value")
    yield AssetCheckResult(passed=True, asset_key="checked", check_name="positive",
                           metadata={"value": x + 1})


@graph_asset(check_specs=[AssetCheckSpec("positive", asset="checked", blocking=True)])
def checked():
    value, check = plus_one_checked(base())
    return {"result": value, "checked_positive": check}


@op
def double(x: int) -> int:
    return x * 2


@op(out=Out(dagster_type=Nothing))
def inspect_value(x: int):
    yield AssetCheckResult(passed=x > 100, check_name="large", description=f"value {x}")


@graph_multi_asset(
    outs={"gated": AssetOut(), "side": AssetOut()},
    check_specs=[AssetCheckSpec("large", asset="gated", blocking=True)],
    can_subset=True,
)
def gated_pair():
    value = double(base())
    return {"gated": value, "side": base(), "gated_large": inspect_value(value)}


@asset
def after_checked(checked: int) -> int:
    return checked + 10


@asset
def after_gated(gated: int) -> int:
    return gated + 10


defs = Definitions(assets=[checked, gated_pair, after_checked, after_gated])
