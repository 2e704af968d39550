"""Assets that land data, one external source, and a check."""

from headwater import AssetCheckResult, AssetSpec, asset, asset_check

crm_export = AssetSpec("crm_export", description="landed by another tool")
extra_sources = [AssetSpec("web_events"), AssetSpec("app_events")]


@asset
def raw_orders() -> list[int]:
    return [1, 2, 3]


@asset(deps=[crm_export])
def raw_customers() -> list[str]:
    return ["ada", "grace"]


@asset(group_name="ingest")
def raw_payments() -> list[int]:
    return [10]


@asset_check(asset=raw_orders)
def orders_not_empty(raw_orders: list[int]) -> AssetCheckResult:
    return AssetCheckResult(passed=bool(raw_orders))
