"""A step that blocks until the test releases it (file-based barrier in HW_RUNS_TEST_DIR)."""

import os
import time
from pathlib import Path

from headwater import Definitions, asset


def _dir() -> Path:
    return Path(os.environ["HW_RUNS_TEST_DIR"])


@asset
def before() -> int:
    return 1


@asset
def blocker(before: int) -> int:
    (_dir() / f"started-{os.getpid()}").write_text(str(os.getpid()))
    while not (_dir() / "release").exists():
        time.sleep(0.01)
    return before + 1


@asset
def after(blocker: int) -> int:
    return blocker + 1


defs = Definitions(assets=[before, blocker, after])
