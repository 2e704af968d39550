"""Op jobs with dynamic outputs: fan out, map (chained, with a second input), collect.

``fails_on_b`` fails its mapped step for mapping key ``b`` until the file ``fixed`` exists in
``$HW_RUNS_TEST_DIR``; ``retried`` fails each mapped step's first attempt.
"""

import os
from pathlib import Path

from headwater import Definitions, DynamicOut, DynamicOutput, RetryPolicy, job, op

SHARED = Path(os.environ.get("HW_RUNS_TEST_DIR", "."))
NAMES = ["alpha", "b", "gamma"]


@op(out=DynamicOut())
def fan():
    for name in NAMES:
        yield DynamicOutput(name, mapping_key=name)


@op
def offset() -> int:
    return 100


@op
def length(context, name: str) -> int:
    context.log.info(f"{context.step_key} in pid {os.getpid()}")
    return len(name)


@op
def plus(value: int, extra: int) -> int:
    return value + extra


@op
def total(values: list) -> list:
    return values


@op
def fail_on_b(context, name: str) -> str:
    if context.get_mapping_key() == "b" and not (SHARED / "fixed").exists():
        raise ValueError("b is broken")
    return name.upper()


@op(retry_policy=RetryPolicy(max_retries=1))
def first_attempt_fails(context, name: str) -> str:
    marker = SHARED / f"attempted-{context.get_mapping_key()}"
    if not marker.exists():
        marker.touch()
        raise RuntimeError(f"first attempt of {context.step_key}")
    return name


@job
def fanned():
    extra = offset()
    total(fan().map(lambda name: plus(length(name), extra)).collect())


@job
def fails_on_b():
    total(fan().map(fail_on_b).collect())


@job
def retried():
    total(fan().map(first_attempt_fails).collect())


defs = Definitions(jobs=[fanned, fails_on_b, retried])
