"""Config classes, legacy schemas, validation errors, EnvVar, RunConfig and JSON Schema."""

from __future__ import annotations

import os
import pickle
from typing import Any, Literal, Optional
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.definitions.config.env_var import EnvVar, IntEnvVar
from headwater.definitions.config.pythonic import (
    Config,
    ConfigValidationError,
    Field,
    ImmutableFieldError,
    RunConfig,
    config_json_schema,
    config_model_from_schema,
    config_to_python,
    validate_config,
)
from headwater.definitions.config.resources import is_config_class
from headwater.errors import ConfigError, EnvVarError, InvalidDefinitionError


class Credentials(Config):
    user: str
    password: str = "secret"


class Warehouse(Config):
    credentials: Credentials
    port: int = 5432
    mode: Literal["fast", "safe"] = "safe"


class Orders(Config):
    limit: int = Field(default=10, description="How many orders to read.")
    warehouse: Optional[Warehouse] = None
    tags: list[str] = []


# --- Config classes ------------------------------------------------------------------------


def test_defaults_apply_when_config_is_none() -> None:
    config = validate_config(Orders, None, "op 'orders'")
    assert isinstance(config, Orders)
    assert (config.limit, config.warehouse, config.tags) == (10, None, [])


def test_nested_dict_becomes_nested_config() -> None:
    config = validate_config(
        Orders, {"warehouse": {"credentials": {"user": "ann"}, "port": "6543"}}, "op 'orders'"
    )
    assert isinstance(config, Orders)
    assert config.warehouse is not None
    assert config.warehouse.credentials.user == "ann"
    assert config.warehouse.port == 6543


def test_nested_error_names_where_path_value_and_expected_type() -> None:
    with pytest.raises(ConfigValidationError) as info:
        validate_config(
            Orders,
            {"limit": "ten", "warehouse": {"credentials": {}, "port": [1], "mode": "slow"}},
            "op 'orders'",
        )
    message = str(info.value)
    assert message.startswith("Invalid config for op 'orders':")
    assert "limit: got 'ten' (str), expected an integer" in message
    assert "warehouse.credentials.user: required field is missing" in message
    assert "warehouse.port: got [1] (list), expected an integer" in message
    assert "warehouse.mode: got 'slow' (str), expected one of 'fast' or 'safe'" in message
    paths = {p.path for p in info.value.problems}
    assert paths == {"limit", "warehouse.credentials.user", "warehouse.port", "warehouse.mode"}
    assert info.value.where == "op 'orders'"


def test_error_message_is_ours_not_pydantics() -> None:
    with pytest.raises(ConfigError) as info:
        validate_config(Orders, {"limit": "x"}, "op 'orders'")
    message = str(info.value)
    assert "pydantic" not in message
    assert "validation error for" not in message
    assert "Input should be" not in message


def test_unknown_field_is_rejected_with_suggestion() -> None:
    with pytest.raises(ConfigValidationError) as info:
        validate_config(Orders, {"limt": 3}, "op 'orders'")
    message = str(info.value)
    assert "limt: is not a known field (known fields: limit, tags, warehouse)" in message
    assert "Did you mean 'limit'?" in message


def test_list_item_error_path_uses_index() -> None:
    with pytest.raises(ConfigValidationError) as info:
        validate_config(Orders, {"tags": ["a", 3, "c", None]}, "op 'orders'")
    assert {p.path for p in info.value.problems} == {"tags[1]", "tags[3]"}


def test_union_alternatives_are_reported_once() -> None:
    class Either(Config):
        value: int | str

    with pytest.raises(ConfigValidationError) as info:
        validate_config(Either, {"value": [1]}, "op 'e'")
    assert [p.path for p in info.value.problems] == ["value"]
    assert "expected int | str" in str(info.value)


def test_value_that_is_not_a_mapping_is_rejected() -> None:
    with pytest.raises(ConfigValidationError, match=r"got 3 \(int\), expected a Orders"):
        validate_config(Orders, 3, "op 'orders'")


def test_instance_without_env_vars_is_returned_as_is() -> None:
    config = Orders(limit=3)
    assert validate_config(Orders, config, "op 'orders'") is config


def test_config_is_immutable() -> None:
    config = Orders()
    with pytest.raises(ImmutableFieldError, match="cannot set field 'limit'"):
        config.limit = 3
    with pytest.raises(AttributeError):
        config.limit = 3
    assert config.limit == 10


def test_config_rejects_unknown_keyword_at_construction() -> None:
    with pytest.raises(ValueError):
        Orders(limitt=3)  # type: ignore[call-arg]


def test_validation_error_survives_pickling() -> None:
    with pytest.raises(ConfigValidationError) as info:
        validate_config(Orders, {"limit": "x"}, "op 'orders'")
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value)
    assert copy.where == "op 'orders'"


@given(st.integers())
def test_any_integer_validates(value: int) -> None:
    config = validate_config(Orders, {"limit": value}, "op 'orders'")
    assert isinstance(config, Orders)
    assert config.limit == value


@given(st.text(st.characters(categories=("L", "P", "Zs")), min_size=1))
def test_any_non_integer_text_is_named_in_the_error(value: str) -> None:
    with pytest.raises(ConfigValidationError) as info:
        validate_config(Orders, {"limit": value}, "op 'orders'")
    (problem,) = info.value.problems
    assert problem.path == "limit"
    assert problem.value == value


# --- EnvVar in config ----------------------------------------------------------------------


class Connection(Config):
    url: str
    port: int = 1
    labels: dict[str, str] = {}


def test_env_var_is_a_str_until_resolved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HW_TEST_URL", raising=False)
    var = EnvVar("HW_TEST_URL")
    assert var == "HW_TEST_URL"
    assert var.env_var_name == "HW_TEST_URL"
    assert var.get_value() is None
    assert var.get_value("fallback") == "fallback"
    monkeypatch.setenv("HW_TEST_URL", "db://x")
    assert var.get_value() == "db://x"
    assert repr(var) == "EnvVar('HW_TEST_URL')"


def test_env_var_in_config_resolves_at_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_TEST_URL", "db://one")
    monkeypatch.setenv("HW_TEST_PORT", "6000")
    declared = Connection(url=EnvVar("HW_TEST_URL"), port=EnvVar.int("HW_TEST_PORT"))
    assert declared.url == "HW_TEST_URL"  # nothing read at definition time
    resolved = validate_config(Connection, declared, "op 'load'")
    assert isinstance(resolved, Connection)
    assert (resolved.url, resolved.port) == ("db://one", 6000)
    monkeypatch.setenv("HW_TEST_URL", "db://two")
    again = validate_config(Connection, declared, "op 'load'")
    assert isinstance(again, Connection)
    assert again.url == "db://two"


def test_unset_env_var_names_variable_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HW_TEST_MISSING", raising=False)
    with pytest.raises(EnvVarError) as info:
        validate_config(Connection, {"url": EnvVar("HW_TEST_MISSING")}, "op 'load'")
    message = str(info.value)
    assert "'HW_TEST_MISSING' is not set" in message
    assert "op 'load' field 'url'" in message


def test_int_env_var_with_non_integer_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_TEST_PORT", "eighty")
    with pytest.raises(ConfigError, match="'HW_TEST_PORT' is set, but its value is not an") as info:
        validate_config(Connection, {"url": "u", "port": EnvVar.int("HW_TEST_PORT")}, "op 'l'")
    assert "eighty" not in str(info.value)  # env values may be secrets: never echoed


def test_env_reference_dict_resolves_for_scalar_fields_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HW_TEST_URL", "db://env")
    config = validate_config(
        Connection, {"url": {"env": "HW_TEST_URL"}, "labels": {"env": "prod"}}, "op 'l'"
    )
    assert isinstance(config, Connection)
    assert config.url == "db://env"
    assert config.labels == {"env": "prod"}


def test_int_env_var_identity() -> None:
    port = EnvVar.int("HW_PORT")
    assert isinstance(port, IntEnvVar)
    assert isinstance(port, int)
    assert port == EnvVar.int("HW_PORT")
    assert port != EnvVar.int("HW_OTHER")
    assert repr(port) == "EnvVar.int('HW_PORT')"
    with mock.patch.dict(os.environ, {"HW_PORT": " 42 "}):
        assert port.get_value() == 42


@pytest.mark.parametrize("name", ["", "A=B", 3])
def test_env_var_rejects_bad_names(name: Any) -> None:
    with pytest.raises(InvalidDefinitionError, match="name of an environment variable"):
        EnvVar(name)


@given(st.from_regex(r"[A-Z_][A-Z0-9_]{0,20}", fullmatch=True), st.text(max_size=30))
def test_env_var_reads_whatever_is_set(name: str, value: str) -> None:
    value = value.replace("\x00", "")
    with mock.patch.dict(os.environ, {name: value}):
        assert EnvVar(name).resolve() == value


# --- legacy schemas ------------------------------------------------------------------------


def test_legacy_dict_schema_with_defaults_lists_and_nesting() -> None:
    model = config_model_from_schema(
        {"limit": int, "name": (str, "bob"), "ids": [int], "db": {"host": str, "port": (int, 1)}},
        "orders_config",
    )
    config = validate_config(model, {"limit": 3, "ids": ["4"], "db": {"host": "h"}}, "op 'o'")
    assert config_to_python(config) == {
        "limit": 3,
        "name": "bob",
        "ids": [4],
        "db": {"host": "h", "port": 1},
    }


def test_legacy_schema_errors_use_the_users_field_names() -> None:
    model = config_model_from_schema({"json": int, "model_name": str}, "legacy")
    with pytest.raises(ConfigValidationError) as info:
        validate_config(model, {"json": "x"}, "op 'o'")
    assert {p.path for p in info.value.problems} == {"json", "model_name"}
    ok = validate_config(model, {"json": 1, "model_name": "m"}, "op 'o'")
    assert config_to_python(ok) == {"json": 1, "model_name": "m"}


def test_legacy_optional_fields_default_to_none() -> None:
    model = config_model_from_schema({"when": Optional[str], "anything": Any}, "legacy")
    assert config_to_python(validate_config(model, None, "op 'o'")) == {
        "when": None,
        "anything": None,
    }


def test_legacy_nested_dict_with_all_defaults_is_optional() -> None:
    model = config_model_from_schema({"retry": {"times": (int, 3)}}, "legacy")
    assert config_to_python(validate_config(model, {}, "op 'o'")) == {"retry": {"times": 3}}


@pytest.mark.parametrize(
    ("schema", "good", "bad"), [(int, 5, "x"), (str, "s", 1), (bool, True, [])]
)
def test_single_type_schema(schema: type, good: Any, bad: Any) -> None:
    model = config_model_from_schema(schema, "scalar")
    assert config_to_python(validate_config(model, good, "resource 'r'")) == good
    with pytest.raises(ConfigValidationError) as info:
        validate_config(model, bad, "resource 'r'")
    assert "(the config value): got" in str(info.value)


def test_single_type_schema_requires_a_value() -> None:
    model = config_model_from_schema(int, "scalar")
    with pytest.raises(ConfigValidationError, match="required"):
        validate_config(model, None, "resource 'r'")


def test_config_class_schema_is_returned_as_is() -> None:
    assert config_model_from_schema(Orders, "x") is Orders


@pytest.mark.parametrize(
    "schema",
    [{"a": "int"}, {"a": (int, 1, 2)}, {"a": [int, str]}, {"a": None}, {"": int}],
)
def test_bad_legacy_schema_is_a_definition_error(schema: Any) -> None:
    with pytest.raises(InvalidDefinitionError, match="config_schema of bad"):
        config_model_from_schema(schema, "bad")


def test_field_spec_with_pydantic_field() -> None:
    model = config_model_from_schema({"n": (int, Field(default=2, description="d"))}, "m")
    assert config_to_python(validate_config(model, None, "op 'o'")) == {"n": 2}
    assert config_json_schema(model)["properties"]["n"]["description"] == "d"


# --- JSON Schema ---------------------------------------------------------------------------


def test_json_schema_has_required_defaults_and_descriptions() -> None:
    schema = config_json_schema(Orders)
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"]["limit"]["default"] == 10
    assert schema["properties"]["limit"]["description"] == "How many orders to read."
    assert "Warehouse" in schema["$defs"]
    assert schema["$defs"]["Credentials"]["required"] == ["user"]


def test_json_schema_of_single_type_and_env_defaults() -> None:
    assert config_json_schema(config_model_from_schema(int, "n")) == {"type": "integer"}

    class WithEnv(Config):
        url: str = EnvVar("HW_URL")

    prop = config_json_schema(WithEnv)["properties"]["url"]
    assert "default" not in prop
    assert prop["x-headwater-env"] == "HW_URL"


# --- RunConfig -----------------------------------------------------------------------------


def test_run_config_to_config_dict() -> None:
    run_config = RunConfig(
        ops={
            "orders": Orders(limit=3),
            "plain": {"limit": 4},
            "full": {"config": {"limit": 5}},
            "env": Connection(url=EnvVar("HW_URL")),
        },
        resources={"db": {"url": "x"}},
    )
    assert run_config.to_config_dict() == {
        "ops": {
            "orders": {"config": {"limit": 3, "warehouse": None, "tags": []}},
            "plain": {"config": {"limit": 4}},
            "full": {"config": {"limit": 5}},
            "env": {"config": {"url": {"env": "HW_URL"}, "port": 1, "labels": {}}},
        },
        "resources": {"db": {"config": {"url": "x"}}},
    }


def test_run_config_only_non_empty_parts() -> None:
    assert RunConfig().to_config_dict() == {}
    assert RunConfig(execution={"multiprocess": {"max": 2}}).to_config_dict() == {
        "execution": {"multiprocess": {"max": 2}}
    }
    assert RunConfig(ops={"a": {"x": 1}}) == RunConfig(ops={"a": {"config": {"x": 1}}})


def test_run_config_round_trips_through_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_URL", "db://round")
    data = RunConfig(ops={"c": Connection(url=EnvVar("HW_URL"))}).to_config_dict()
    config = validate_config(Connection, data["ops"]["c"]["config"], "op 'c'")
    assert isinstance(config, Connection)
    assert config.url == "db://round"


def test_is_config_class() -> None:
    assert is_config_class(Orders)
    assert not is_config_class(dict)
    assert not is_config_class(Orders())
    assert not is_config_class("Orders")


def test_bounds_and_custom_validator_errors_are_described() -> None:
    from pydantic import field_validator

    class Bounded(Config):
        count: int = Field(default=1, gt=0)
        name: str = "x"

        @field_validator("name")
        @classmethod
        def _no_spaces(cls, value: str) -> str:
            if " " in value:
                raise ValueError("names cannot contain spaces")
            return value

    with pytest.raises(ConfigValidationError) as info:
        validate_config(Bounded, {"count": 0, "name": "a b"}, "op 'b'")
    message = str(info.value)
    assert "count: got 0 (int), expected a value > 0" in message
    assert "name: got 'a b' (str): names cannot contain spaces" in message
