"""Assets steered by files in ``$RUN_CONTROL_DIR``, for the run CLI tests.

``flaky`` fails until the file ``flag`` exists (re-execution from failure); ``blocked`` logs a
line, then waits for ``barrier``, which the tests never write (cancellation); ``vanishes``
ends the process that executes it.
"""

import os
import time
from pathlib import Path

import headwater as hw


def _control_dir() -> Path:
    return Path(os.environ["RUN_CONTROL_DIR"])


@hw.asset
def source() -> int:
    return 1


@hw.asset
def flaky(context: hw.AssetExecutionContext, source: int) -> int:
    if not (_control_dir() / "flag").exists():
        raise ValueError(f"the flag file is missing in {_control_dir()}")
    context.log.info("flag found")
    return source + 1


@hw.asset
def downstream(flaky: int) -> int:
    return flaky * 2


@hw.asset
def blocked(context: hw.AssetExecutionContext) -> int:
    context.log.info("waiting for the barrier")
    deadline = time.monotonic() + 60
    while not (_control_dir() / "barrier").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the barrier file never appeared")
        time.sleep(0.02)
    return 1


@hw.asset
def vanishes() -> int:
    os._exit(3)  # the run worker dies without recording the end of the run


defs = hw.Definitions(assets=[source, flaky, downstream, blocked, vanishes])
