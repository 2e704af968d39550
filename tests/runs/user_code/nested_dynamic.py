"""A step mapped over a dynamic output that has a dynamic output of its own (which, as in
Dagster, nothing may consume), followed by a collect of the outer fan-out."""

from headwater import Definitions, DynamicOut, DynamicOutput, Out, Output, job, op


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


defs = Definitions(jobs=[nested])
