"""Executor config in real runs: tag concurrency limits, retries turned off, and a custom
``@executor`` whose function receives its validated config (tests/runs/test_executor_settings.py).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import headwater as hw
from headwater.execution.in_process_executor import InProcessExecutor


def _gate(name: str) -> None:
    """Say the step started, then wait until the test releases it."""
    folder = Path(os.environ["HW_RUNS_TEST_DIR"])
    (folder / f"started-{name}").write_text(str(os.getpid()))
    while not (folder / f"release-{name}").exists():
        time.sleep(0.01)


@hw.op(tags={"database": "warehouse"})
def gate_a() -> int:
    _gate("gate_a")
    return 1


@hw.op(tags={"database": "warehouse"})
def gate_b() -> int:
    _gate("gate_b")
    return 2


@hw.op
def free() -> int:
    return 3


@hw.job(executor_def=hw.multiprocess_executor)
def tagged_job() -> None:
    gate_a()
    gate_b()
    free()


@hw.op(retry_policy=hw.RetryPolicy(max_retries=2))
def always_fails() -> None:
    raise RuntimeError("failing on purpose")


@hw.job(executor_def=hw.multiprocess_executor)
def flaky_job() -> None:
    always_fails()


@hw.job
def flaky_in_process_job() -> None:
    always_fails()


class _Recording(InProcessExecutor):
    """Runs steps in process after writing what the executor function was given."""

    def __init__(self, config: Any, path: str) -> None:
        Path(path).write_text(json.dumps({"config": dict(config), "pid": os.getpid()}))


@hw.executor(name="recording",
             config_schema={"path": str, "label": hw.Field(str, default_value="plain")})
def recording_executor(init_context: hw.InitExecutorContext) -> _Recording:
    return _Recording(init_context.executor_config, init_context.executor_config["path"])


@hw.op
def simple() -> int:
    return 5


@hw.job(executor_def=recording_executor)
def custom_job() -> None:
    simple()


defs = hw.Definitions(jobs=[tagged_job, flaky_job, flaky_in_process_job, custom_job])
