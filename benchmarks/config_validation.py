"""Benchmark: validating run config against a 200-field old-style config schema (issue 16).

Prints the median time per validation (defaults filled in, enums converted) of
- a 200-field ``Shape`` given half of its fields (the other half from defaults),
- the whole ``ops.<op>.config`` step of a run: ``validate_run_config`` on a one-op job.

Run: .venv/bin/python benchmarks/config_validation.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import headwater as hw
from headwater.definitions.config.schema_types import resolve_top_level
from headwater.definitions.config.schema_validation import validate_field


def schema_of(size: int) -> dict[str, Any]:
    """Fields of every kind: required strings, defaulted ints, enums, lists and nested shapes."""
    mode = hw.Enum("Mode", [hw.EnumValue("A", python_value=1), hw.EnumValue("B")])
    fields: dict[str, Any] = {}
    for i in range(size):
        kind = i % 5
        if kind == 0:
            fields[f"f{i}"] = str
        elif kind == 1:
            fields[f"f{i}"] = hw.Field(int, default_value=i)
        elif kind == 2:
            fields[f"f{i}"] = hw.Field(mode, default_value="B")
        elif kind == 3:
            fields[f"f{i}"] = [int]
        else:
            fields[f"f{i}"] = {"inner": hw.Field(float, default_value=1.5)}
    return fields


def value_of(size: int) -> dict[str, Any]:
    """Config giving the fields that have no default."""
    value: dict[str, Any] = {}
    for i in range(size):
        if i % 5 == 0:
            value[f"f{i}"] = f"s{i}"
        elif i % 5 == 3:
            value[f"f{i}"] = [1, 2, 3]
    return value


def median_seconds(fn: Callable[[], object], repeats: int = 2000) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    schema, value = schema_of(200), value_of(200)
    field = resolve_top_level(schema)
    assert field is not None
    direct = median_seconds(lambda: validate_field(field, value, "op 'wide'"))

    @hw.op(config_schema=schema)
    def wide(context: hw.OpExecutionContext) -> None:
        return None

    @hw.job
    def wide_job() -> None:
        wide()

    run_config = {"ops": {"wide": {"config": value}}}
    hw.validate_run_config(wide_job, run_config)  # the schema is resolved once, then cached
    whole = median_seconds(lambda: hw.validate_run_config(wide_job, run_config), repeats=500)
    pythonic = pythonic_seconds(200)
    print(f"200-field schema, validate + fill defaults: {direct * 1e6:8.1f} us per run config")
    print(f"validate_run_config on a one-op job:        {whole * 1e6:8.1f} us per run config")
    print(f"200-field pythonic Config (enums by name):  {pythonic * 1e6:8.1f} us per run config")


def pythonic_seconds(size: int) -> float:
    """A ``Config`` class of ``size`` fields (required, defaulted, enum, list, nested)."""
    import enum

    from headwater.definitions.config.pythonic import validate_config

    class Mode(enum.Enum):
        A = "a"
        B = "b"

    class Inner(hw.Config):
        inner: float = 1.5

    kinds: list[tuple[Any, Any]] = [(str, ...), (int, 0), (Mode, Mode.B), (list[int], ...),
                                    (Inner, Inner())]
    fields = {f"f{i}": kinds[i % 5] for i in range(size)}
    from pydantic import create_model

    model = create_model("Wide", __base__=hw.Config, **fields)  # type: ignore[call-overload]
    value = {**value_of(size), "f2": "A"}
    return median_seconds(lambda: validate_config(model, value, "op 'wide'"), repeats=500)


if __name__ == "__main__":
    main()
