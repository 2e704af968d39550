"""A location whose code server dies at import (``os._exit(3)``) while $HW_CRASH_FLAG exists."""

import os

import headwater as hw

if os.path.exists(os.environ["HW_CRASH_FLAG"]):
    os._exit(3)


@hw.asset
def steady() -> int:
    return 1


defs = hw.Definitions(assets=[steady])
