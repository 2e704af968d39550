"""A code location for the op model's later parts: checks of graph-backed assets (one failing
and blocking), inputs from run config through a type's loader, and a mapped step with a dynamic
output of its own."""

from headwater import (
    AssetCheckResult,
    AssetCheckSpec,
    DagsterType,
    Definitions,
    DynamicOut,
    DynamicOutput,
    In,
    Nothing,
    Out,
    Output,
    asset,
    dagster_type_loader,
    define_asset_job,
    graph_asset,
    job,
    op,
)


@op
def base() -> int:
    return 1


@op(out={"value": Out(), "check": Out(dagster_type=Nothing)})
def plus_one(x: int):
    yield Output(x + 1, "value")
    yield AssetCheckResult(passed=True, asset_key="checked", check_name="positive")


@graph_asset(check_specs=[AssetCheckSpec("positive", asset="checked", blocking=True)])
def checked():
    value, check = plus_one(base())
    return {"result": value, "checked_positive": check}


@op(out=Out(dagster_type=Nothing))
def too_small(x: int):
    yield AssetCheckResult(passed=x > 100, check_name="large")


@op
def doubled(x: int) -> int:
    return x * 2


@graph_asset(check_specs=[AssetCheckSpec("large", asset="gated", blocking=True)])
def gated():
    value = doubled(base())
    return {"result": value, "gated_large": too_small(value)}


@asset
def after_checked(checked: int) -> int:
    return checked + 10


@asset
def after_gated(gated: int) -> int:
    return gated + 10


@dagster_type_loader(config_schema={"n": int})
def load_count(_context, config):
    return config["n"]


Count = DagsterType(type_check_fn=lambda _c, value: isinstance(value, int), name="Count",
                    loader=load_count)


@op(ins={"count": In(Count)})
def repeat(count) -> str:
    return "x" * count


@job
def from_config():
    repeat()


@op(out=DynamicOut())
def outer():
    for key in ("a", "b"):
        yield DynamicOutput(key, mapping_key=key)


@op(out={"parts": DynamicOut(), "name": Out()})
def split(value: str):
    for index in range(2):
        yield DynamicOutput(f"{value}{index}", output_name="parts", mapping_key=f"{value}{index}")
    yield Output(value.upper(), output_name="name")


@op
def joined(names: list) -> str:
    return ",".join(names)


@job
def nested():
    joined(outer().map(lambda value: split(value)[1]).collect())


checks_job = define_asset_job("checks_job", selection=["checked", "gated", "after_checked",
                                                        "after_gated"])

defs = Definitions(assets=[checked, gated, after_checked, after_gated],
                   jobs=[from_config, nested, checks_job])
