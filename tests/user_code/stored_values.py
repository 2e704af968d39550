"""Assets whose stored values the load_asset_value tests read back after real runs."""

from headwater import AssetExecutionContext, Definitions, StaticPartitionsDefinition, asset

regions = StaticPartitionsDefinition(["eu", "us"])


@asset
def totals() -> dict[str, int]:
    return {"orders": 3}


@asset(partitions_def=regions)
def regional(context: AssetExecutionContext) -> str:
    return f"sales-{context.partition_key}"


defs = Definitions(assets=[totals, regional])
