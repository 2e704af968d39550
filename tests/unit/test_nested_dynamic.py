"""Nested dynamic outputs as Dagster has them: a step mapped over a dynamic output may have a
dynamic output of its own, but nothing may consume it (map or collect it): that would follow
two dynamic outputs, and is refused naming both."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from headwater import DagsterInvalidDefinitionError, DynamicOut, DynamicOutput, graph, job, op

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runs" / "user_code"))
import nested_dynamic  # noqa: E402


def test_a_mapped_step_with_its_own_dynamic_output_runs() -> None:
    result = nested_dynamic.nested.execute_in_process()

    assert result.output_for_node("joined") == "A,B"
    outputs = [(e.step_key, e.data.mapping_key) for e in result.all_events
               if e.event_type.value == "STEP_OUTPUT"]
    assert ("split[a]", "a0") in outputs and ("split[b]", "b1") in outputs


@op(out=DynamicOut())
def outer():  # type: ignore[no-untyped-def]
    for key in "ab":
        yield DynamicOutput(key, mapping_key=key)


@op(out=DynamicOut())
def inner(x: str):  # type: ignore[no-untyped-def]
    for index in range(2):
        yield DynamicOutput(f"{x}{index}", mapping_key=f"{x}{index}")


@op
def leaf(y: str) -> str:
    return y


@op
def total(ys: list) -> list:  # type: ignore[type-arg]
    return sorted(ys)


def test_mapping_a_nested_dynamic_output_is_refused() -> None:
    @job
    def nested_map() -> None:
        outer().map(lambda x: inner(x).map(leaf))

    with pytest.raises(DagsterInvalidDefinitionError,
                       match=r"op 'leaf'.*'inner:result'.*mapped over 'outer:result'"):
        nested_map.execute_in_process()


def test_collecting_a_nested_dynamic_output_inside_map_is_refused() -> None:
    @graph
    def per_key(x: Any) -> Any:
        return total(inner(x).collect())

    @job
    def collect_inside() -> None:
        outer().map(per_key).collect()

    with pytest.raises(DagsterInvalidDefinitionError,
                       match=r"op 'total'.*'per_key\.inner:result'.*'outer:result'"):
        collect_inside.execute_in_process()
