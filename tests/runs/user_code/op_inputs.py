"""An op job whose unconnected inputs come from run config through their types' loaders
(``ops.<op>.inputs.<name>``), and whose connected inputs are recorded as STEP_INPUT."""

import os

from headwater import (
    DagsterType,
    Definitions,
    Field,
    In,
    ResourceDefinition,
    dagster_type_loader,
    job,
    op,
)


@dagster_type_loader(config_schema={"n": int, "label": Field(str, default_value="none")},
                     required_resource_keys={"prefix"})
def load_pair(context, config):
    context.log.info(f"loading a pair in pid {os.getpid()}")
    return (context.resources.prefix + config["label"], config["n"])


Pair = DagsterType(
    type_check_fn=lambda _context, value: isinstance(value, tuple) and len(value) == 2,
    name="Pair",
    loader=load_pair,
)


@op(ins={"pair": In(Pair)})
def describe(pair) -> str:
    return f"{pair[0]}={pair[1]}"


@op
def scale(text: str, factor: int, offset: int = 1) -> str:
    return text * (factor + offset)


@job(resource_defs={"prefix": ResourceDefinition.hardcoded_resource(">")})
def loaded():
    scale(describe())


defs = Definitions(jobs=[loaded])
