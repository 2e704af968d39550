"""Assets a -> b -> c, and an op job one -> two, for the run worker tests."""

import os

from headwater import Definitions, asset, get_logger, job, op


@asset
def a() -> int:
    get_logger().info("computing a in pid %s", os.getpid())
    return 1


@asset
def b(a: int) -> int:
    return a + 1


@asset
def c(b: int) -> int:
    return b * 10


@op
def one() -> list[int]:
    return [1, 2, 3]


@op
def two(numbers: list[int]) -> int:
    return sum(numbers)


@job
def ops_job() -> None:
    two(one())


defs = Definitions(assets=[a, b, c], jobs=[ops_job])
