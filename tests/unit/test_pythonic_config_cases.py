"""Pythonic config, the cases Dagster users hit (issue 16, part 2).

Each expectation was checked against Dagster 1.13 with the same code; where headwater is more
lenient (an enum given by value as well as by name) the test says so.
"""

from __future__ import annotations

import enum
from typing import Literal, Optional, Union

import pytest
from pydantic import Field

from headwater import (
    Config,
    ConfigurableResource,
    PermissiveConfig,
    RunConfig,
    RunRequest,
    asset,
    build_asset_context,
    build_op_context,
    build_schedule_context,
    build_sensor_context,
    define_asset_job,
    job,
    materialize,
    op,
    schedule,
    sensor,
)
from headwater.definitions.config.pythonic import ConfigValidationError, config_json_schema


class Color(enum.Enum):
    RED = "r"
    BLUE = "b"


class Inner(Config):
    x: int = 1


class Cat(Config):
    pet_type: Literal["cat"] = "cat"
    meows: int


class Dog(Config):
    pet_type: Literal["dog"] = "dog"
    barks: float


class Everything(Config):
    opt: Optional[str] = None
    opt_no_default: Optional[int]
    new_style_opt: int | None
    dflt: int = 5
    color: Color = Color.RED
    inner: Inner = Inner()
    inners: list[Inner] = []
    inner_map: dict[str, Inner] = {}
    pet: Union[Cat, Dog] = Field(discriminator="pet_type", default=Cat(meows=1))


@op
def everything_op(config: Everything) -> Everything:
    return config


@job
def everything_job() -> None:
    everything_op()


def _run(config: object) -> Everything:
    run_config = config if isinstance(config, RunConfig) else {
        "ops": {"everything_op": {"config": config}}
    }
    result = everything_job.execute_in_process(run_config=run_config)
    value = result.output_for_node("everything_op")
    assert isinstance(value, Everything)
    return value


def test_optional_fields_and_defaults_are_not_required() -> None:
    value = _run({})
    assert (value.opt, value.opt_no_default, value.new_style_opt) == (None, None, None)
    assert value.dflt == 5 and value.inner.x == 1 and isinstance(value.pet, Cat)
    # also when constructing the class in Python
    assert Everything(dflt=2).opt_no_default is None


def test_nested_lists_dicts_enums_by_name_and_union_variants() -> None:
    value = _run(
        {
            "opt": "a",
            "opt_no_default": 3,
            "color": "BLUE",
            "inner": {"x": 7},
            "inners": [{"x": 2}, {}],
            "inner_map": {"k": {"x": 9}},
            "pet": {"pet_type": "dog", "barks": 1.5},
        }
    )
    assert value.color is Color.BLUE
    assert [i.x for i in value.inners] == [2, 1]
    assert value.inner_map["k"].x == 9
    assert isinstance(value.pet, Dog) and value.pet.barks == 1.5


def test_union_variant_given_by_dagster_key_form() -> None:
    value = _run({"pet": {"dog": {"barks": 2.5}}})
    assert isinstance(value.pet, Dog) and value.pet.barks == 2.5


def test_enum_value_is_also_accepted() -> None:
    # Dagster accepts only the name; headwater also takes the value, which is unambiguous.
    assert _run({"color": "b"}).color is Color.BLUE


def test_errors_name_the_path_inside_lists_and_unions() -> None:
    with pytest.raises(ConfigValidationError) as info:
        _run({"inners": [{"x": "no"}], "pet": {"pet_type": "fish"}, "color": "GREEN"})
    text = str(info.value)
    assert "inners[0].x: got 'no' (str), expected an integer" in text
    assert "pet: got 'fish' (str) for 'pet_type', expected one of 'cat', 'dog'" in text
    assert "color: got 'GREEN' (str), expected one of the names RED, BLUE" in text


def test_json_schema_lists_enum_names_and_union_variants() -> None:
    schema = config_json_schema(Everything)
    assert schema["$defs"]["Color"]["enum"] == ["RED", "BLUE"]
    assert "opt_no_default" not in schema.get("required", [])
    assert schema["properties"]["pet"]["discriminator"]["propertyName"] == "pet_type"


def test_run_config_with_config_objects() -> None:
    value = _run(
        RunConfig(ops={"everything_op": Everything(color=Color.BLUE, pet=Dog(barks=2.0))})
    )
    assert value.color is Color.BLUE and isinstance(value.pet, Dog)


class Perm(PermissiveConfig):
    a: int = 1


def test_permissive_config_keeps_undeclared_fields() -> None:
    @op
    def perm_op(config: Perm) -> tuple[int, str]:
        return config.a, config.extra_thing  # type: ignore[attr-defined]

    @job
    def perm_job() -> None:
        perm_op()

    result = perm_job.execute_in_process(
        run_config={"ops": {"perm_op": {"config": {"a": 2, "extra_thing": "z"}}}}
    )
    assert result.output_for_node("perm_op") == (2, "z")


class Creds(ConfigurableResource):
    user: str


class Client(ConfigurableResource):
    creds: Creds
    region: str = "eu"
    note: Optional[str]

    def who(self) -> str:
        return f"{self.creds.user}@{self.region}"


@asset
def uses_client(client: Client) -> str:
    return client.who()


def test_resource_fields_that_are_resources() -> None:
    result = materialize([uses_client], resources={"client": Client(creds=Creds(user="u"))})
    assert result.output_for_node("uses_client") == "u@eu"


def test_run_config_with_resources_for_configure_at_launch() -> None:
    result = materialize(
        [uses_client],
        resources={"client": Client.configure_at_launch()},
        run_config=RunConfig(resources={"client": {"creds": {"user": "v"}, "region": "us"}}),
    )
    assert result.output_for_node("uses_client") == "v@us"


class AssetCfg(Config):
    n: int = 2


@asset
def cfg_asset(config: AssetCfg) -> int:
    return config.n * 10


@op
def ctx_op(context, config: AssetCfg) -> int:  # type: ignore[no-untyped-def]
    return config.n


@op
def input_then_config(x: int, config: AssetCfg) -> int:
    return x + config.n


def test_direct_invocation_with_config_object_or_dict() -> None:
    assert cfg_asset(AssetCfg(n=4)) == 40
    assert cfg_asset({"n": 3}) == 30
    assert cfg_asset(config=AssetCfg(n=6)) == 60
    assert cfg_asset(build_asset_context(), AssetCfg(n=5)) == 50
    assert ctx_op(build_op_context(config={"n": 8})) == 8
    assert ctx_op(build_op_context(), AssetCfg(n=9)) == 9
    assert input_then_config(1, AssetCfg(n=2)) == 3
    with pytest.raises(ConfigValidationError, match="n: got 'x'"):
        cfg_asset({"n": "x"})


cfg_job = define_asset_job("cfg_job", selection=[cfg_asset])


@schedule(job=cfg_job, cron_schedule="* * * * *")
def cfg_schedule(context):  # type: ignore[no-untyped-def]
    return RunRequest(run_config=RunConfig(ops={"cfg_asset": AssetCfg(n=11)}))


@sensor(job=cfg_job)
def cfg_sensor(context):  # type: ignore[no-untyped-def]
    yield RunRequest(run_key="a", run_config=RunConfig(ops={"cfg_asset": AssetCfg(n=12)}))


def test_run_config_objects_in_schedules_and_sensors_become_plain_run_config() -> None:
    scheduled = cfg_schedule(build_schedule_context())
    assert scheduled.run_config == {"ops": {"cfg_asset": {"config": {"n": 11}}}}
    ticked = cfg_sensor.evaluate_tick(build_sensor_context())
    assert [r.run_config for r in ticked.run_requests] == [
        {"ops": {"cfg_asset": {"config": {"n": 12}}}}
    ]
    result = materialize([cfg_asset], run_config=ticked.run_requests[0].run_config)
    assert result.output_for_node("cfg_asset") == 120
