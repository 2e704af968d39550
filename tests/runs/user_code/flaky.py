"""Steps that fail until a flag file exists (re-execution), and one that needs a retry.

Every value records how often it was computed in HW_RUNS_TEST_DIR/calls-<name>, so tests can
see what a re-execution recomputed and what it loaded.
"""

import os
from pathlib import Path

from headwater import Definitions, RetryPolicy, asset, job, op


def _dir() -> Path:
    return Path(os.environ["HW_RUNS_TEST_DIR"])


def _count(name: str) -> int:
    path = _dir() / f"calls-{name}"
    calls = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(calls))
    return calls


def _fail_unless_fixed(name: str) -> None:
    if not (_dir() / "fixed").exists():
        raise RuntimeError(f"{name} is broken until the flag file exists")


@asset
def upstream() -> int:
    _count("upstream")
    return 41


@asset
def middle(upstream: int) -> int:
    _count("middle")
    _fail_unless_fixed("middle")
    return upstream + 1


@asset
def downstream(middle: int) -> int:
    _count("downstream")
    return middle * 2


@asset
def side() -> str:
    _count("side")
    return "side"


@asset(retry_policy=RetryPolicy(max_retries=2))
def needs_retry() -> str:
    if _count("needs_retry") < 2:
        raise RuntimeError("first attempt fails")
    return "ok"


@op
def produce() -> dict[str, int]:
    _count("produce")
    return {"value": 7}


@op
def consume(data: dict[str, int]) -> int:
    _count("consume")
    _fail_unless_fixed("consume")
    return data["value"] * 3


@op
def report(total: int) -> str:
    _count("report")
    (_dir() / "report").write_text(str(total))
    return str(total)


@job
def op_chain() -> None:
    report(consume(produce()))


defs = Definitions(assets=[upstream, middle, downstream, side, needs_retry], jobs=[op_chain])
