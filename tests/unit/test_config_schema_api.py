"""The old-style config schema API: Field, Shape, Selector, Enum, sources... through real runs."""

from __future__ import annotations

import enum
import pickle
from typing import Any

import pytest

import headwater as hw
from headwater.definitions.config.schema_types import resolve_top_level
from headwater.definitions.config.schema_validation import process_config
from headwater.errors import DagsterInvalidConfigError, InvalidDefinitionError
from headwater.snapshot.build import build_location_snapshot


class Color(enum.Enum):
    RED = "r"
    GREEN = "g"


class Limits(hw.Config):
    n: int


SCHEMA: dict[str, Any] = {
    "path": hw.Field(str, default_value="/tmp/x", description="where to write"),
    "mode": hw.Enum("Mode", [hw.EnumValue("FAST", python_value=1), hw.EnumValue("SLOW")]),
    "limit": hw.Noneable(int),
    "items": [int],
    "source": hw.Selector({"csv": {"sep": hw.Field(str, default_value=",")}, "table": str}),
    "extra": hw.Permissive({"known": hw.Field(int, default_value=1)}),
    "weights": hw.Map(str, float),
    "nested": {"depth": hw.Field(int, default_value=3)},
    "color": hw.Field(hw.Enum.from_python_enum(Color), default_value="GREEN"),
}


def _job(schema: Any, seen: dict[str, Any]) -> hw.JobDefinition:
    @hw.op(config_schema=schema)
    def my_op(context: hw.OpExecutionContext) -> None:
        seen["config"] = context.op_config

    @hw.job
    def my_job() -> None:
        my_op()

    return my_job


GOOD = {"mode": "FAST", "items": [1, 2], "source": {"csv": {}}, "weights": {"a": 1}}


def test_defaults_are_filled_and_values_converted() -> None:
    seen: dict[str, Any] = {}
    config = dict(GOOD, extra={"other": [1]})
    result = _job(SCHEMA, seen).execute_in_process(
        run_config={"ops": {"my_op": {"config": config}}}
    )
    assert result.success
    assert seen["config"] == {
        "path": "/tmp/x",
        "mode": 1,  # the EnumValue's python_value
        "limit": None,  # Noneable: optional, defaults to None
        "items": [1, 2],
        "source": {"csv": {"sep": ","}},  # the chosen selector field, with its defaults
        "extra": {"known": 1, "other": [1]},  # Permissive keeps unknown keys
        "weights": {"a": 1},  # an int is a valid Float
        "nested": {"depth": 3},  # a mapping whose fields are all optional is filled in
        "color": Color.GREEN,
    }


def test_every_error_names_its_path_expected_type_and_value() -> None:
    bad = {
        "path": 1,
        "mode": "MEDIUM",
        "items": [1, "x"],
        "source": {"csv": {}, "table": "t"},
        "weights": {"a": "heavy"},
        "nested": {"depth": True},
        "pth": "typo",
    }
    with pytest.raises(DagsterInvalidConfigError) as info:
        _job(SCHEMA, {}).execute_in_process(run_config={"ops": {"my_op": {"config": bad}}})
    message = str(info.value)
    assert message.startswith("Error in config for op 'my_op'")
    assert "(7 errors)" in message
    assert "at path ops.my_op.config.path: expected String, got 1 (int)" in message
    assert "at path ops.my_op.config.mode: expected one of 'FAST', 'SLOW' (enum Mode)" in message
    assert "at path ops.my_op.config.items[1]: expected Int, got 'x' (str)" in message
    assert "ops.my_op.config.source: give exactly one of the fields csv, table; got csv, table" in (
        message
    )
    assert "ops.my_op.config.weights['a']: expected Float, got 'heavy' (str)" in message
    assert "ops.my_op.config.nested.depth: expected Int, got True (bool)" in message
    assert 'Unexpected config entry "pth" at path ops.my_op.config' in message
    assert 'Did you mean "path"?' in message
    paths = sorted(e.path for e in info.value.errors)
    assert "ops.my_op.config.items[1]" in paths and "ops.my_op.config.pth" in paths
    assert isinstance(info.value, hw.ConfigError)


def test_missing_required_entries_are_named_with_their_type() -> None:
    with pytest.raises(DagsterInvalidConfigError) as info:
        _job(SCHEMA, {}).execute_in_process(run_config={"ops": {"my_op": {"config": {}}}})
    message = str(info.value)
    assert "Missing required config entry at path ops.my_op.config.mode: expected Mode" in message
    assert "ops.my_op.config.items: expected [Int]" in message
    assert "ops.my_op.config.path" not in message  # has a default
    with pytest.raises(DagsterInvalidConfigError, match="at path ops.my_op.config: expected"):
        _job(SCHEMA, {}).execute_in_process()  # no config at all for a required schema


def test_nested_graph_paths_and_validate_run_config() -> None:
    @hw.op(config_schema={"n": int})
    def inner(context: hw.OpExecutionContext) -> int:
        return int(context.op_config["n"])

    @hw.graph
    def wrapper() -> None:
        inner()

    @hw.job
    def outer() -> None:
        wrapper()

    good = {"ops": {"wrapper": {"ops": {"inner": {"config": {"n": 2}}}}}}
    assert hw.validate_run_config(outer, good) == good
    bad = {"ops": {"wrapper": {"ops": {"inner": {"config": {"n": "two"}}}}}}
    with pytest.raises(DagsterInvalidConfigError, match=r"ops\.wrapper\.ops\.inner\.config\.n"):
        hw.validate_run_config(outer, bad)


def test_scalar_shorthands_and_python_types() -> None:
    seen: dict[str, Any] = {}
    job = _job({"a": list, "b": dict, "c": hw.Any, "d": [{"x": int}]}, seen)
    config = {"a": [1, "two"], "b": {"free": True}, "c": object.__name__, "d": [{"x": 1}]}
    job.execute_in_process(run_config={"ops": {"my_op": {"config": config}}})
    assert seen["config"] == config
    with pytest.raises(DagsterInvalidConfigError, match=r"config\.d\[0\]\.x: expected Int"):
        job.execute_in_process(run_config={"ops": {"my_op": {"config": dict(config, d=[{}])}}})
    assert hw.Int.type_name == "Int" and hw.Bool.type_name == "Bool"
    assert resolve_top_level({"n": (int, 1)}) is None  # (type, default) stays on pydantic


def test_top_level_field_and_scalar_union() -> None:
    seen: dict[str, Any] = {}
    job = _job(hw.Field(int, default_value=5), seen)
    job.execute_in_process()
    assert seen["config"] == 5
    union = _job(hw.ScalarUnion(str, {"path": str, "mode": hw.Field(str, default_value="r")}), seen)
    union.execute_in_process(run_config={"ops": {"my_op": {"config": "a.csv"}}})
    assert seen["config"] == "a.csv"
    union.execute_in_process(run_config={"ops": {"my_op": {"config": {"path": "b"}}}})
    assert seen["config"] == {"path": "b", "mode": "r"}
    with pytest.raises(DagsterInvalidConfigError, match="expected String, got 3"):
        union.execute_in_process(run_config={"ops": {"my_op": {"config": 3}}})


def test_sources_read_env_vars_and_never_show_their_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}
    job = _job({"url": hw.StringSource, "port": hw.IntSource, "on": hw.BoolSource}, seen)
    monkeypatch.setenv("HW_URL", "postgres://secret@db")
    monkeypatch.setenv("HW_PORT", " 5432 ")
    monkeypatch.setenv("HW_ON", "false")
    config = {"url": {"env": "HW_URL"}, "port": {"env": "HW_PORT"}, "on": {"env": "HW_ON"}}
    job.execute_in_process(run_config={"ops": {"my_op": {"config": config}}})
    assert seen["config"] == {"url": "postgres://secret@db", "port": 5432, "on": False}
    job.execute_in_process(run_config={"ops": {"my_op": {"config": {"url": "u", "port": 1,
                                                                     "on": True}}}})
    assert seen["config"] == {"url": "u", "port": 1, "on": True}

    monkeypatch.setenv("HW_PORT", "hunter2-secret")
    monkeypatch.delenv("HW_URL")
    with pytest.raises(DagsterInvalidConfigError) as info:
        job.execute_in_process(run_config={"ops": {"my_op": {"config": config}}})
    message = str(info.value)
    assert 'Environment variable "HW_URL" at path ops.my_op.config.url is not set' in message
    assert 'Environment variable "HW_PORT" at path ops.my_op.config.port is set, but its value ' \
        "is not a valid Int" in message
    assert "hunter2" not in message and "hunter2" not in repr(info.value.errors)
    with pytest.raises(DagsterInvalidConfigError, match=r'expected Int or \{"env": "NAME"\}'):
        job.execute_in_process(run_config={"ops": {"my_op": {"config": {"url": "u", "port": "x",
                                                                         "on": True}}}})


def test_field_definition_errors() -> None:
    with pytest.raises(InvalidDefinitionError, match="a required field cannot have a default"):
        hw.Field(int, default_value=3, is_required=True)
    with pytest.raises(InvalidDefinitionError, match=r"Invalid default_value 'x' for Field\(Int\)"):
        hw.Field(int, default_value="x")
    with pytest.raises(InvalidDefinitionError, match="not a config schema"):
        hw.Array(object())
    with pytest.raises(InvalidDefinitionError, match="exactly one item type"):
        hw.Field([int, str])
    assert not hw.Field(hw.Noneable(int)).is_required
    assert not hw.Field({"a": hw.Field(int, default_value=1)}).is_required
    assert hw.Field(hw.Any).is_required
    assert hw.Field(int, is_required=False).is_required is False
    with pytest.raises(InvalidDefinitionError, match="has no default_value"):
        _ = hw.Field(int).default_value


def test_optional_field_without_default_is_left_out() -> None:
    field = resolve_top_level({"a": hw.Field(int, is_required=False)})
    assert field is not None
    assert process_config(field, {}) == ({}, [])


def test_resource_config_schema_with_fields_and_defaults() -> None:
    @hw.resource(config_schema={"prefix": hw.Field(str, default_value="p"), "n": int})
    def greeter(context: hw.InitResourceContext) -> str:
        return str(context.resource_config["prefix"]) * int(context.resource_config["n"])

    @hw.asset(required_resource_keys={"greeter"})
    def greeting(context: hw.AssetExecutionContext) -> str:
        return str(context.resources.greeter)

    result = hw.materialize_to_memory(
        [greeting], resources={"greeter": greeter},
        run_config={"resources": {"greeter": {"config": {"n": 3}}}},
    )
    assert result.asset_value("greeting") == "ppp"
    with pytest.raises(DagsterInvalidConfigError, match=(
        r"Missing required config entry at path resources\.greeter\.config: expected "
        r"\{ n: Int, prefix\?: String \}"
    )):
        hw.materialize_to_memory([greeting], resources={"greeter": greeter})


def test_error_pickles_and_pythonic_errors_share_the_class() -> None:
    with pytest.raises(DagsterInvalidConfigError) as info:
        _job({"n": int}, {}).execute_in_process(run_config={"ops": {"my_op": {"config": {}}}})
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) and copy.errors == info.value.errors

    @hw.op
    def typed(config: Limits) -> None:
        return None

    @hw.job
    def typed_job() -> None:
        typed()

    with pytest.raises(DagsterInvalidConfigError) as typed_info:
        typed_job.execute_in_process(run_config={"ops": {"typed": {"config": {"n": "x"}}}})
    assert typed_info.value.errors[0].path == "n"


def _without_message_hints(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {
            k: _without_message_hints(v)
            for k, v in schema.items()
            if k not in ("x-headwater-expected", "x-headwater-type")
        }
    if isinstance(schema, list):
        return [_without_message_hints(v) for v in schema]
    return schema


def test_json_schema_in_the_snapshot() -> None:
    seen: dict[str, Any] = {}
    job = _job(SCHEMA, seen)
    defs = hw.Definitions(jobs=[job])
    repo = build_location_snapshot("loc", {"main": defs.get_repository_def()}).repository("main")
    job_snap = next(j for j in repo.jobs if j.name == "my_job")
    op_snap = next(o for o in job_snap.ops if o.name == "my_op")
    assert op_snap.config_schema is not None
    # what the server's messages say about each node, for the UI's validator
    annotated = op_snap.config_schema["properties"]
    assert annotated["path"]["x-headwater-expected"] == "String"
    assert annotated["mode"]["x-headwater-expected"] == "one of 'FAST', 'SLOW' (enum Mode)"
    schema = _without_message_hints(op_snap.config_schema)
    props = schema["properties"]
    assert schema["required"] == ["items", "mode", "source", "weights"]
    assert schema["additionalProperties"] is False
    assert props["path"] == {"type": "string", "description": "where to write", "default": "/tmp/x"}
    assert props["mode"]["enum"] == ["FAST", "SLOW"]
    assert props["color"]["default"] == "GREEN"
    assert props["limit"]["anyOf"] == [{"type": "integer"}, {"type": "null"}]
    assert props["items"] == {"type": "array", "items": {"type": "integer"}}
    assert props["extra"]["additionalProperties"] is True
    assert props["source"]["maxProperties"] == 1
    assert props["weights"]["additionalProperties"] == {"type": "number"}
    run_schema = job_snap.run_config_schema
    assert run_schema["properties"]["ops"]["required"] == ["my_op"]
    sources = _job({"url": hw.StringSource}, seen)
    op_schema = _without_message_hints(build_location_snapshot(
        "loc", {"main": hw.Definitions(jobs=[sources]).get_repository_def()}
    ).repository("main").jobs[0].ops[0].config_schema)
    assert op_schema is not None
    url = op_schema["properties"]["url"]
    assert url["anyOf"][0] == {"type": "string"}
    assert url["anyOf"][1]["required"] == ["env"]


class Port(hw.Config):
    port: int


class PortResource(hw.ConfigurableResource):
    port: int


def test_pythonic_config_errors_never_show_env_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_SECRET_PORT", "topsecret-value")

    @hw.op
    def uses(config: Port) -> None:
        return None

    @hw.job
    def uses_job() -> None:
        uses()

    with pytest.raises(DagsterInvalidConfigError) as info:
        uses_job.execute_in_process(
            run_config={"ops": {"uses": {"config": {"port": {"env": "HW_SECRET_PORT"}}}}}
        )
    assert "port: got the value of $HW_SECRET_PORT (str), expected an integer" in str(info.value)

    @hw.asset
    def needs(res: PortResource) -> None:
        return None

    with pytest.raises(DagsterInvalidConfigError) as res_info:
        hw.materialize_to_memory(
            [needs], resources={"res": PortResource(port=hw.EnvVar("HW_SECRET_PORT"))}
        )
    for error in (info.value, res_info.value):
        assert "topsecret" not in str(error) and "topsecret" not in repr(error.errors)
