"""ConfigMapping / @config_mapping on jobs, and configured() for resources and ops."""

from __future__ import annotations

from typing import Any

import pytest

import headwater as hw
from headwater.errors import DagsterInvalidConfigError, UserCodeError
from headwater.snapshot.build import build_location_snapshot


@hw.op(config_schema={"n": int})
def doubled(context: hw.OpExecutionContext) -> int:
    return int(context.op_config["n"])


class Simple(hw.Config):
    simplified: int


def test_job_config_mapping_with_a_schema() -> None:
    @hw.config_mapping(config_schema={"simplified": hw.Field(int, default_value=1)})
    def simple(values: dict[str, Any]) -> dict[str, Any]:
        return {"ops": {"doubled": {"config": {"n": values["simplified"] * 2}}}}

    @hw.job(config=simple)
    def mapped() -> None:
        doubled()

    assert mapped.execute_in_process(run_config={"simplified": 3}).output_for_node("doubled") == 6
    assert mapped.execute_in_process().output_for_node("doubled") == 2  # outer default
    with pytest.raises(DagsterInvalidConfigError) as info:
        mapped.execute_in_process(run_config={"simplified": "x"})
    assert "config mapping of job 'mapped'" in str(info.value)
    assert "at path simplified: expected Int, got 'x' (str)" in str(info.value)
    assert hw.validate_run_config(mapped, {"simplified": 2}) == {
        "ops": {"doubled": {"config": {"n": 4}}}
    }


def test_config_mapping_with_a_config_class_and_run_config_result() -> None:
    @hw.config_mapping
    def simple(config: Simple) -> hw.RunConfig:
        return hw.RunConfig(ops={"doubled": {"config": {"n": config.simplified}}})

    assert simple.config_schema is Simple

    @hw.job(config=simple)
    def mapped() -> None:
        doubled()

    assert mapped.execute_in_process(run_config={"simplified": 4}).output_for_node("doubled") == 4
    with pytest.raises(DagsterInvalidConfigError, match="simplified"):
        mapped.execute_in_process(run_config={})


def test_mapping_function_errors_are_user_code_errors() -> None:
    def broken(values: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("bad mapping")

    @hw.job(config=hw.ConfigMapping(config_fn=broken, config_schema={"x": int}))
    def mapped() -> None:
        doubled()

    with pytest.raises(UserCodeError, match="config mapping 'broken' of job 'mapped'"):
        mapped.execute_in_process(run_config={"x": 1})


def test_run_config_schema_of_a_mapped_job() -> None:
    mapping = hw.ConfigMapping(
        config_fn=lambda v: {"ops": {"doubled": {"config": {"n": v["x"]}}}},
        config_schema={"x": int},
    )

    @hw.job(config=mapping)
    def mapped() -> None:
        doubled()

    snap = build_location_snapshot("l", {"m": hw.Definitions(jobs=[mapped]).get_repository_def()})
    schema = snap.repository("m").jobs[0].run_config_schema
    assert schema["properties"]["x"] == {
        "type": "integer", "x-headwater-expected": "Int", "x-headwater-type": "Int"
    }
    assert schema["required"] == ["x"]
    assert "ops" not in schema["properties"] and "resources" in schema["properties"]


@hw.resource(config_schema={"a": int, "b": str})
def pair(context: hw.InitResourceContext) -> Any:
    return context.resource_config


@hw.asset(required_resource_keys={"pair"})
def shows(context: hw.AssetExecutionContext) -> Any:
    return context.resources.pair


def test_configured_resource_with_fixed_config_and_with_a_function() -> None:
    fixed = pair.configured({"a": 1, "b": "x"})
    assert hw.materialize_to_memory([shows], resources={"pair": fixed}).asset_value("shows") == {
        "a": 1, "b": "x"
    }
    derived = hw.configured(pair, config_schema={"a": int})(lambda c: {"a": c["a"], "b": "set"})
    result = hw.materialize_to_memory(
        [shows],
        resources={"pair": derived},
        run_config={"resources": {"pair": {"config": {"a": 2}}}},
    )
    assert result.asset_value("shows") == {"a": 2, "b": "set"}
    with pytest.raises(DagsterInvalidConfigError, match=r"resources\.pair\.config\.a"):
        hw.materialize_to_memory([shows], resources={"pair": derived}, run_config={
            "resources": {"pair": {"config": {"a": "two"}}}})
    bad = pair.configured({"a": "one", "b": "x"})
    with pytest.raises(DagsterInvalidConfigError, match="expected Int, got 'one'"):
        hw.materialize_to_memory([shows], resources={"pair": bad})
    assert pair.config_schema == {"a": int, "b": str}  # the original is untouched


def test_configured_op_gets_a_new_name_and_fixed_config() -> None:
    five = hw.configured(doubled, name="five")({"n": 5})
    seven = doubled.configured({"n": 7}, name="seven")

    @hw.job
    def both() -> None:
        five()
        seven()
        doubled()

    result = both.execute_in_process(run_config={"ops": {"doubled": {"config": {"n": 1}}}})
    assert [result.output_for_node(n) for n in ("five", "seven", "doubled")] == [5, 7, 1]
    with pytest.raises(DagsterInvalidConfigError, match=r"path ops\.five\.config: the defin"):
        both.execute_in_process(run_config={"ops": {"doubled": {"config": {"n": 1}},
                                                    "five": {"config": {"n": 2}}}})
