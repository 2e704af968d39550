"""A location whose op declares an old-style config schema (Field, Enum, Selector, Map)."""

import headwater as hw

MODE = hw.Enum("Mode", [hw.EnumValue("fast"), hw.EnumValue("slow")])


@hw.op(
    config_schema={
        "limit": hw.Field(int, description="how many rows"),
        "mode": hw.Field(MODE, default_value="fast"),
        "store": hw.Selector({"s3": {"bucket": str}, "local": {"folder": str}}),
        "weights": hw.Field(hw.Map(str, float), default_value={}),
        "label": hw.Field(hw.Noneable(str), default_value=None),
    }
)
def load(context: hw.OpExecutionContext) -> int:
    limit: int = context.op_config["limit"]
    return limit


@hw.job
def legacy_job() -> None:
    load()


defs = hw.Definitions(jobs=[legacy_job])
