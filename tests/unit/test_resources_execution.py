"""Resources and config seen by running assets and ops."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headwater import (
    AssetExecutionContext,
    Config,
    ConfigurableResource,
    Definitions,
    EnvVar,
    OpExecutionContext,
    ResourceParam,
    RunConfig,
    asset,
    define_asset_job,
    job,
    materialize,
    materialize_to_memory,
    op,
    resource,
)
from headwater.errors import ConfigError, EnvVarError, UserCodeError


class Warehouse(ConfigurableResource):
    url: str
    schema_name: str = "public"

    def table(self, name: str) -> str:
        return f"{self.url}/{self.schema_name}.{name}"


class Counter(ConfigurableResource):
    start: int = 0


class SizeConfig(Config):
    size: int
    unit: str = "rows"


def test_required_resource_keys_and_context_resources() -> None:
    @asset(required_resource_keys={"warehouse"})
    def orders(context: AssetExecutionContext) -> str:
        return str(context.resources.warehouse.table("orders"))

    result = materialize_to_memory(
        [orders], resources={"warehouse": Warehouse(url="duckdb://x")}
    )
    assert result.asset_value("orders") == "duckdb://x/public.orders"


def test_typed_resource_parameter() -> None:
    @asset
    def customers(warehouse: Warehouse) -> str:
        return warehouse.table("customers")

    assert customers.op is not None
    assert customers.op.required_resource_keys == {"warehouse"}
    assert customers.asset_deps[customers.key] == set()
    result = materialize_to_memory(
        [customers], resources={"warehouse": Warehouse(url="pg://db", schema_name="crm")}
    )
    assert result.asset_value("customers") == "pg://db/crm.customers"


def test_resource_param_for_plain_objects() -> None:
    @asset
    def uses_client(client: ResourceParam[dict[str, int]]) -> int:
        return client["x"]

    result = materialize_to_memory([uses_client], resources={"client": {"x": 5}})
    assert result.asset_value("uses_client") == 5


def test_env_var_in_resource_is_read_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    @asset
    def where(warehouse: Warehouse) -> str:
        return warehouse.url

    monkeypatch.delenv("HW_TEST_WAREHOUSE_URL", raising=False)
    defs = Definitions(
        assets=[where],
        resources={"warehouse": Warehouse(url=EnvVar("HW_TEST_WAREHOUSE_URL"))},
        jobs=[define_asset_job("all")],
    )
    # Loading the definitions does not need the variable ...
    Definitions.validate_loadable(defs)
    # ... running does, and says which variable is missing.
    with pytest.raises(EnvVarError, match="HW_TEST_WAREHOUSE_URL"):
        defs.get_job_def("all").execute_in_process()
    monkeypatch.setenv("HW_TEST_WAREHOUSE_URL", "snowflake://acct")
    result = defs.get_job_def("all").execute_in_process()
    assert result.asset_value("where") == "snowflake://acct"


def test_unset_env_var_fails_the_run_without_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    @asset
    def where(warehouse: Warehouse) -> str:
        return warehouse.url

    monkeypatch.delenv("HW_TEST_UNSET", raising=False)
    result = materialize_to_memory(
        [where],
        resources={"warehouse": Warehouse(url=EnvVar("HW_TEST_UNSET"))},
        raise_on_error=False,
    )
    assert not result.success
    assert [e.event_type.value for e in result.all_events] == ["RUN_START", "RUN_FAILURE"]
    assert "HW_TEST_UNSET" in result.all_events[-1].message


def test_asset_config_with_run_config_dict_and_run_config_object() -> None:
    @asset
    def sized(config: SizeConfig) -> str:
        return f"{config.size} {config.unit}"

    result = materialize_to_memory(
        [sized], run_config={"ops": {"sized": {"config": {"size": 3}}}}
    )
    assert result.asset_value("sized") == "3 rows"
    result = materialize_to_memory(
        [sized], run_config=RunConfig(ops={"sized": SizeConfig(size=4, unit="MB")})
    )
    assert result.asset_value("sized") == "4 MB"


def test_asset_config_with_context_and_prefixed_key() -> None:
    @asset(key_prefix="raw")
    def prefixed(context: AssetExecutionContext, config: SizeConfig) -> int:
        return config.size

    # Config is keyed by the op name, the key's parts joined by "__".
    result = materialize_to_memory(
        [prefixed], run_config={"ops": {"raw__prefixed": {"config": {"size": 8}}}}
    )
    assert result.asset_value("raw/prefixed") == 8


def test_bad_asset_config_names_asset_field_and_value() -> None:
    @asset
    def sized(config: SizeConfig) -> int:
        return config.size

    with pytest.raises(ConfigError) as info:
        materialize_to_memory([sized], run_config={"ops": {"sized": {"config": {"size": "big"}}}})
    message = str(info.value)
    assert "asset 'sized'" in message and "size" in message and "'big'" in message


def test_run_config_for_unknown_asset() -> None:
    @asset
    def sized(config: SizeConfig) -> int:
        return config.size

    with pytest.raises(ConfigError, match="op 'size'.*Did you mean: sized"):
        materialize_to_memory([sized], run_config={"ops": {"size": {"config": {"size": 1}}}})


def test_legacy_config_schema_on_asset_and_op_config() -> None:
    @asset(config_schema={"limit": int, "name": (str, "default")})
    def limited(context: AssetExecutionContext) -> str:
        return f"{context.op_config['name']}:{context.op_config['limit']}"

    result = materialize_to_memory(
        [limited], run_config={"ops": {"limited": {"config": {"limit": 5}}}}
    )
    assert result.asset_value("limited") == "default:5"


def test_resource_config_from_run_config() -> None:
    @asset
    def counted(counter: Counter) -> int:
        return counter.start

    resources = {"counter": Counter.configure_at_launch()}
    result = materialize_to_memory(
        [counted],
        resources=resources,
        run_config={"resources": {"counter": {"config": {"start": 11}}}},
    )
    assert result.asset_value("counted") == 11
    result = materialize_to_memory(
        [counted], resources=resources, run_config=RunConfig(resources={"counter": {"start": 2}})
    )
    assert result.asset_value("counted") == 2


def test_function_resource_with_teardown_runs_around_the_steps() -> None:
    events: list[str] = []

    @resource
    def tracked() -> Iterator[str]:
        events.append("setup")
        yield "value"
        events.append("teardown")

    @op(required_resource_keys={"tracked"})
    def uses(context: OpExecutionContext) -> str:
        events.append("op")
        return str(context.resources.tracked)

    @job(resource_defs={"tracked": tracked})
    def pipeline() -> None:
        uses()

    result = pipeline.execute_in_process()
    assert result.output_for_node("uses") == "value"
    assert events == ["setup", "op", "teardown"]


def test_resources_passed_to_execute_in_process() -> None:
    @op(required_resource_keys={"greeting"})
    def greet(context: OpExecutionContext) -> str:
        return str(context.resources.greeting)

    @job
    def pipeline() -> None:
        greet()

    result = pipeline.execute_in_process(resources={"greeting": "hello"})
    assert result.output_for_node("greet") == "hello"


def test_only_resources_a_run_needs_are_initialised() -> None:
    inits: list[str] = []

    @resource
    def wanted() -> str:
        inits.append("wanted")
        return "w"

    @resource
    def unused() -> str:
        inits.append("unused")
        return "u"

    @asset(required_resource_keys={"wanted"})
    def a(context: AssetExecutionContext) -> str:
        return str(context.resources.wanted)

    materialize_to_memory([a], resources={"wanted": wanted, "unused": unused})
    assert inits == ["wanted"]


def test_resource_init_error_fails_the_run() -> None:
    @resource
    def broken() -> Any:
        raise RuntimeError("cannot connect")

    @asset(required_resource_keys={"broken"})
    def a() -> int:
        return 1

    result = materialize_to_memory([a], resources={"broken": broken}, raise_on_error=False)
    assert not result.success
    assert "cannot connect" in result.all_events[-1].message
    with pytest.raises(UserCodeError, match="resource 'broken'"):
        materialize_to_memory([a], resources={"broken": broken})


def test_resources_reach_materialize_with_the_filesystem_io_manager() -> None:
    @asset
    def stored(warehouse: Warehouse) -> str:
        return warehouse.url

    result = materialize(
        [stored], resources={"warehouse": Warehouse(url="mem://")}
    )
    assert result.asset_value("stored") == "mem://"
