"""A location that records each import in the file $HW_IMPORT_MARKER (one line per import)."""

import os

import headwater as hw

with open(os.environ["HW_IMPORT_MARKER"], "a") as marker:
    marker.write(f"{os.getpid()}\n")


@hw.asset
def one() -> int:
    return 1


defs = hw.Definitions(assets=[one])
