"""Unconnected inputs taken from run config by their type's loader (``dagster_type_loader``,
the built-in scalar types and untyped inputs), and their place in the job's run config
schema."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from headwater import (
    DagsterInvalidConfigError,
    DagsterType,
    Definitions,
    Field,
    In,
    dagster_type_loader,
    graph,
    job,
    op,
)
from headwater.errors import InvalidDefinitionError
from headwater.snapshot.build import build_location_snapshot


@dagster_type_loader(config_schema={"n": int, "name": Field(str, default_value="x")})
def _load_thing(context: Any, config: Any) -> dict[str, Any]:
    assert context.op_def.name == "use"
    return {"n": config["n"], "name": config["name"]}


Thing = DagsterType(type_check_fn=lambda _c, v: isinstance(v, dict), name="Thing",
                    loader=_load_thing)


@op(ins={"t": In(Thing)})
def use(t: Any) -> int:
    return int(t["n"])


@op
def plus(x: int, y: int = 10) -> int:
    return x + y


@op
def untyped(v):  # type: ignore[no-untyped-def]
    return v


@job
def loads() -> None:
    plus(use())
    untyped()


def test_loader_builds_the_input_from_run_config() -> None:
    result = loads.execute_in_process(run_config={"ops": {
        "use": {"inputs": {"t": {"n": 3}}},
        "untyped": {"inputs": {"v": {"value": [1, 2]}}},
    }})
    assert result.output_for_node("use") == 3
    assert result.output_for_node("plus") == 13
    assert result.output_for_node("untyped") == [1, 2]
    [checked] = [e for e in result.all_events
                 if e.event_type.value == "STEP_INPUT" and e.step_key == "use"]
    assert "Thing" in checked.message


def test_builtin_scalars_take_the_value_or_a_value_selector_and_defaults_stay(
    tmp_path: Path,
) -> None:
    @job
    def sums() -> None:
        plus()

    assert sums.execute_in_process(
        run_config={"ops": {"plus": {"inputs": {"x": 4}}}}).output_for_node("plus") == 14
    assert sums.execute_in_process(run_config={"ops": {"plus": {"inputs": {
        "x": {"value": 4}, "y": 1}}}}).output_for_node("plus") == 5
    (tmp_path / "x.json").write_text(json.dumps(7))
    (tmp_path / "y.pickle").write_bytes(pickle.dumps(2))
    assert sums.execute_in_process(run_config={"ops": {"plus": {"inputs": {
        "x": {"json": {"path": str(tmp_path / "x.json")}},
        "y": {"pickle": {"path": str(tmp_path / "y.pickle")}},
    }}}}).output_for_node("plus") == 9


def test_wrong_or_missing_input_config_is_a_config_error_naming_the_path() -> None:
    with pytest.raises(DagsterInvalidConfigError, match=r"ops\.use\.inputs\.t\.n"):
        loads.execute_in_process(run_config={"ops": {
            "use": {"inputs": {"t": {"m": 3}}}, "untyped": {"inputs": {"v": {"value": 1}}}}})
    from headwater.execution.validation import validate_run_config

    with pytest.raises(DagsterInvalidConfigError, match=r"ops\.use\.inputs\.t"):
        validate_run_config(loads, {"ops": {"untyped": {"inputs": {"v": {"value": 1}}}}})
    with pytest.raises(Exception, match=r"connected or do not exist"):
        validate_run_config(loads, {"ops": {"plus": {"inputs": {"x": 1}},
                                            "use": {"inputs": {"t": {"n": 1}}},
                                            "untyped": {"inputs": {"v": {"value": 1}}}}})


def test_an_input_whose_type_has_no_loader_must_be_connected() -> None:
    class Opaque:
        pass

    @op
    def takes(o: Opaque) -> None:
        del o

    @job
    def broken() -> None:
        takes()

    from headwater.execution.plan import build_plan

    with pytest.raises(InvalidDefinitionError, match="dagster_type_loader"):
        build_plan(broken)


def test_nested_graph_inputs_sit_at_the_op_path_in_the_run_config_schema() -> None:
    @graph
    def inner() -> Any:
        return plus()

    @job
    def nested() -> None:
        use()
        inner()

    result = nested.execute_in_process(run_config={"ops": {
        "use": {"inputs": {"t": {"n": 1}}},
        "inner": {"ops": {"plus": {"inputs": {"x": 5}}}},
    }})
    assert result.output_for_node("inner.plus") == 15
    snap = build_location_snapshot("l", {"m": Definitions(jobs=[nested]).get_repository_def()})
    [job_snap] = snap.repository("m").jobs
    ops = job_snap.run_config_schema["properties"]["ops"]
    assert ops["required"] == ["inner", "use"]
    use_inputs = ops["properties"]["use"]["properties"]["inputs"]
    assert use_inputs["required"] == ["t"]
    assert use_inputs["properties"]["t"]["required"] == ["n"]
    plus_inputs = (ops["properties"]["inner"]["properties"]["ops"]["properties"]["plus"]
                   ["properties"]["inputs"])
    assert plus_inputs["required"] == ["x"]  # y has a default
    assert set(plus_inputs["properties"]) == {"x", "y"}
