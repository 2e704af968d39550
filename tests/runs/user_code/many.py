"""A wide, shallow asset graph for the multiprocess tests and the benchmark.

``HW_MANY_ASSETS`` (default 20) assets ``leaf_0 ... leaf_N-1``, each returning the pid of the
process that computed it, plus ``summary`` depending on the first two.
"""

import os

from headwater import Definitions, asset, get_logger

COUNT = max(2, int(os.environ.get("HW_MANY_ASSETS", "20")))


def _leaf(index: int):  # type: ignore[no-untyped-def]
    @asset(name=f"leaf_{index}")
    def leaf() -> int:
        get_logger().info("leaf_%s in pid %s", index, os.getpid())
        return os.getpid()

    return leaf


leaves = [_leaf(index) for index in range(COUNT)]


@asset
def summary(leaf_0: int, leaf_1: int) -> list[int]:
    return [leaf_0, leaf_1]


defs = Definitions(assets=[*leaves, summary])
