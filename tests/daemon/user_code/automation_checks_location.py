"""A location whose asset check has its own automation condition: when ``raw`` updates, the
default automation sensor requests a run executing just ``raw_not_empty``."""

from headwater import (
    AssetCheckResult,
    AutomationCondition,
    Definitions,
    asset,
    asset_check,
)


@asset
def raw() -> int:
    return 3


@asset_check(asset=raw, automation_condition=AutomationCondition.any_deps_updated())
def raw_not_empty(raw: int) -> AssetCheckResult:
    return AssetCheckResult(passed=raw > 0, metadata={"rows": raw})


defs = Definitions(assets=[raw], asset_checks=[raw_not_empty])
