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
