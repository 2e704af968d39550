"""Jobs for ``execute_job(reconstructable(job), instance)``: the run worker imports this file."""

import os

import headwater as hw


class Settings(hw.Config):
    factor: int = 2


@hw.op
def produce(config: Settings) -> int:
    return 21 * config.factor


@hw.op
def report_pid(value: int) -> tuple[int, int]:
    return value, os.getpid()


@hw.job
def works() -> None:
    report_pid(produce())


@hw.op
def explode() -> None:
    raise ValueError("exploded on purpose")


@hw.job
def breaks() -> None:
    explode()


@hw.asset
def numbers() -> list[int]:
    return [1, 2, 3]


@hw.asset(partitions_def=hw.StaticPartitionsDefinition(["a", "b"]))
def parted(context: hw.AssetExecutionContext) -> str:
    return context.partition_key


@hw.op
def first_step() -> int:
    return 5


@hw.op
def flaky(value: int) -> int:
    if not os.path.exists(os.environ.get("HW_FLAKY_FLAG", "/nonexistent")):
        raise RuntimeError("flaky: the flag file is not there yet")
    return value + 1


@hw.job
def sometimes() -> None:
    flaky(first_step())
