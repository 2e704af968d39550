"""Code location for the scale-out tests: wide asset graphs executed by the celery executor.

- ``leaf_0 .. leaf_N-1`` (``HW_FLEET_LEAVES``, default 199) return their index squared, and
  ``total`` sums ``leaf_0`` and ``leaf_1``: with ``total``, a 200-step run.
- ``hold`` blocks on its first attempt until the flag file ``HW_SHARED_DIR/release`` exists
  (a test kills its worker meanwhile); it may be retried once. ``hold_once`` blocks the same
  way and may not be retried. ``after_hold`` depends on ``hold``.

Outputs go to ``HW_SHARED_DIR/outputs``: a folder every worker reaches (as NFS would be).
"""

import os
import time
from pathlib import Path

from headwater import AssetExecutionContext, Definitions, RetryPolicy, asset, define_asset_job
from headwater.definitions.config.io_managers import FilesystemIOManager
from headwater.definitions.ops.executors import celery_executor

LEAVES = int(os.environ.get("HW_FLEET_LEAVES", "199"))
SHARED = Path(os.environ["HW_SHARED_DIR"])


def _leaf(index: int):  # type: ignore[no-untyped-def]
    @asset(name=f"leaf_{index}", group_name="leaves")
    def leaf() -> int:
        return index * index

    return leaf


leaves = [_leaf(index) for index in range(LEAVES)]


@asset(group_name="leaves")
def total(leaf_0: int, leaf_1: int) -> int:
    return leaf_0 + leaf_1


def _block_until_released(name: str, context: AssetExecutionContext) -> None:
    (SHARED / f"started-{name}-{context.retry_number}").write_text(
        str(os.getpid()))
    deadline = time.monotonic() + 90
    while not (SHARED / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


@asset(group_name="hold", retry_policy=RetryPolicy(max_retries=1))
def hold(context: AssetExecutionContext) -> str:
    if context.retry_number == 0:
        _block_until_released("hold", context)
    return f"done on attempt {context.retry_number + 1}"


@asset(group_name="hold")
def after_hold(hold: str) -> str:
    return hold.upper()


@asset(group_name="hold_once")
def hold_once(context: AssetExecutionContext) -> str:
    _block_until_released("hold_once", context)
    return "done"


defs = Definitions(
    assets=[*leaves, total, hold, after_hold, hold_once],
    jobs=[
        define_asset_job("fleet", selection="group:leaves"),
        define_asset_job("holding", selection="group:hold or group:leaves"),
        define_asset_job("holding_once", selection="group:hold_once or group:leaves"),
    ],
    resources={"io_manager": FilesystemIOManager(base_dir=str(SHARED / "outputs"))},
    executor=celery_executor,
)
