"""Code location for the scale-out tests: wide asset graphs executed by the celery executor.

- ``leaf_0 .. leaf_N-1`` (``HW_FLEET_LEAVES``, default 199) return their index squared, and
  ``total`` sums ``leaf_0`` and ``leaf_1``: with ``total``, a 200-step run.
- ``hold`` blocks on its first attempt until the flag file ``HW_SHARED_DIR/release`` exists
  (a test kills its worker meanwhile); it may be retried once. ``hold_once`` blocks the same
  way and may not be retried. ``after_hold`` depends on ``hold``.
- ``fanned_out`` (an op job) yields 12 dynamic outputs, squares each in a mapped step and
  collects them in ``sum_all``.

Outputs go to ``HW_SHARED_DIR/outputs``: a folder every worker reaches (as NFS would be).
"""

import os
import time
from pathlib import Path

from headwater import (
    AssetExecutionContext,
    Definitions,
    DynamicOut,
    DynamicOutput,
    RetryPolicy,
    asset,
    define_asset_job,
    job,
    op,
)
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


@op(out=DynamicOut())
def fan_out():  # type: ignore[no-untyped-def]
    for index in range(12):
        yield DynamicOutput(index, mapping_key=f"n{index}")


@op
def square(value: int) -> int:
    return value * value


@op
def sum_all(values: list[int]) -> list[int]:
    return values


@job
def fanned_out() -> None:
    sum_all(fan_out().map(square).collect())


defs = Definitions(
    assets=[*leaves, total, hold, after_hold, hold_once],
    jobs=[
        define_asset_job("fleet", selection="group:leaves"),
        define_asset_job("holding", selection="group:hold or group:leaves"),
        define_asset_job("holding_once", selection="group:hold_once or group:leaves"),
        fanned_out,
    ],
    resources={"io_manager": FilesystemIOManager(base_dir=str(SHARED / "outputs"))},
    executor=celery_executor,
)
