"""``@graph(config=ConfigMapping(...))``: run config gives the graph's outer config."""

from __future__ import annotations

from typing import Any

import pytest

import headwater as hw


@hw.op(config_schema={"n": int})
def inner(context: hw.OpExecutionContext) -> int:
    value: int = context.op_config["n"]
    return value


@hw.op(config_schema={"suffix": str})
def other(context: hw.OpExecutionContext) -> str:
    value: str = context.op_config["suffix"]
    return value


def _double(config: dict[str, Any]) -> dict[str, Any]:
    return {"inner": {"config": {"n": config["m"] * 2}}}


@hw.graph(config=hw.ConfigMapping(config_schema={"m": int}, config_fn=_double))
def doubled() -> Any:
    return inner()


@hw.graph
def outer() -> Any:
    return doubled()


@hw.job
def flat() -> None:
    doubled()
    other()


@hw.job
def nested() -> None:
    outer()


def test_the_mapping_turns_the_graph_config_into_its_ops_config() -> None:
    result = flat.execute_in_process(
        run_config={"ops": {"doubled": {"config": {"m": 4}}, "other": {"config": {"suffix": "x"}}}}
    )
    assert result.output_for_node("doubled.inner") == 8
    assert result.output_for_node("other") == "x"


def test_a_mapped_graph_inside_another_graph() -> None:
    result = nested.execute_in_process(
        run_config={"ops": {"outer": {"ops": {"doubled": {"config": {"m": 5}}}}}}
    )
    assert result.output_for_node("outer.doubled.inner") == 10


def test_a_bad_outer_config_names_its_path() -> None:
    with pytest.raises(hw.DagsterInvalidConfigError) as info:
        ops = {"doubled": {"config": {"m": "x"}}, "other": {"config": {"suffix": "y"}}}
        flat.execute_in_process(run_config={"ops": ops})
    assert "ops.doubled.config.m" in str(info.value)
    assert "expected Int, got 'x' (str)" in str(info.value)
