"""A code location exercising the op and graph model: graph-backed assets, dynamic outputs,
hooks, type checks and a graph built the older way (GraphDefinition with dependencies)."""

from headwater import (
    AssetOut,
    DagsterType,
    Definitions,
    DependencyDefinition,
    DynamicOut,
    DynamicOutput,
    GraphDefinition,
    MultiDependencyDefinition,
    NodeInvocation,
    Out,
    OutputMapping,
    TypeCheck,
    asset,
    define_asset_job,
    failure_hook,
    graph_asset,
    graph_multi_asset,
    job,
    op,
    success_hook,
)


@success_hook
def note_success(context) -> None:
    context.log.info(f"success hook saw {context.step_key}")


@failure_hook
def note_failure(context) -> None:
    context.log.info(f"failure hook saw {type(context.op_exception).__name__}")


@success_hook
def broken_hook(context) -> None:
    raise RuntimeError("the hook itself broke")


@asset
def source_numbers() -> list:
    return [1, 2, 3]


@op
def double_all(numbers: list) -> list:
    return [n * 2 for n in numbers]


@op
def add_one(numbers: list) -> list:
    return [n + 1 for n in numbers]


@graph_asset
def prepared(source_numbers):
    return add_one(double_all(source_numbers))


@op(out={"low": Out(), "high": Out()})
def split(numbers: list):
    return [n for n in numbers if n < 3], [n for n in numbers if n >= 3]


@graph_multi_asset(outs={"lows": AssetOut(), "highs": AssetOut()}, can_subset=True)
def split_assets(prepared):
    low, high = split(prepared)
    return {"lows": low, "highs": add_one(high)}


@op(out=DynamicOut())
def fan(context):
    for name in ["red", "green", "blue"]:
        yield DynamicOutput(name, mapping_key=name)


@op
def shout(name: str) -> str:
    return name.upper()


@op
def join(names: list) -> str:
    return ",".join(names)


@job
def fanned():
    join(fan().map(shout).collect())


@op
def fine() -> int:
    return 1


@op
def explodes(value: int) -> int:
    raise ValueError(f"cannot use {value}")


@job(hooks={note_success, note_failure})
def hooked():
    explodes(fine.with_hooks({broken_hook})())


EvenNumber = DagsterType(
    lambda _, value: TypeCheck(isinstance(value, int) and value % 2 == 0,
                               description=f"{value!r} is not an even number"),
    name="EvenNumber",
)


@op(out=Out(EvenNumber))
def odd() -> int:
    return 3


@job
def typed():
    odd()


@op
def one() -> int:
    return 1


@op
def total(values: list) -> int:
    return sum(values)


legacy = GraphDefinition(
    name="legacy",
    node_defs=[one, total],
    dependencies={
        "one": {},
        NodeInvocation("one", alias="another_one"): {},
        "total": {"values": MultiDependencyDefinition(
            [DependencyDefinition("one"), DependencyDefinition("another_one")]
        )},
    },
    output_mappings=[OutputMapping("result", "total")],
).to_job()

graph_assets_job = define_asset_job(
    "graph_assets_job", selection=["source_numbers", "prepared", "lows", "highs"],
    hooks={note_success},
)

defs = Definitions(
    assets=[source_numbers, prepared, split_assets],
    jobs=[fanned, hooked, typed, legacy, graph_assets_job],
)
