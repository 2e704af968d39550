"""A location that records each import (a line in $HW_HELD_DIR/imports) and, while the file
$HW_HELD_DIR/hold exists, does not finish importing until $HW_HELD_DIR/release exists."""

import os
import time
from pathlib import Path

import headwater as hw

_folder = Path(os.environ["HW_HELD_DIR"])
with open(_folder / "imports", "a") as _imports:
    _imports.write(f"{os.getpid()}\n")
if (_folder / "hold").exists():
    _deadline = time.monotonic() + 120
    while not (_folder / "release").exists() and time.monotonic() < _deadline:
        time.sleep(0.01)


@hw.asset
def held() -> int:
    return 1


defs = hw.Definitions(assets=[held])
