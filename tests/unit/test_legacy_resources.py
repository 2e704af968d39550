"""The function-based resource API and its helpers, through real runs and test contexts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import headwater as hw
from headwater.errors import DagsterInvalidConfigError, UserCodeError


def _tracked(events: list[str]) -> hw.ResourceDefinition:
    @hw.resource(config_schema={"name": hw.Field(str, default_value="conn")})
    def connection(context: hw.InitResourceContext) -> Iterator[str]:
        events.append(f"open {context.resource_config['name']}")
        yield str(context.resource_config["name"])
        events.append("close")

    return connection


def test_build_resources_initialises_with_config_and_tears_down() -> None:
    events: list[str] = []

    @hw.resource(required_resource_keys={"conn"})
    def client(context: hw.InitResourceContext) -> str:
        return f"client of {context.resources.conn}"

    with hw.build_resources(
        {"conn": _tracked(events), "client": client},
        resource_config={"conn": {"config": {"name": "db"}}},
    ) as resources:
        assert resources.client == "client of db"
        assert events == ["open db"]
    assert events == ["open db", "close"]
    with pytest.raises(DagsterInvalidConfigError, match=r"resources\.conn\.config\.name"):
        with hw.build_resources({"conn": _tracked([])},
                                resource_config={"conn": {"config": {"name": 1}}}):
            pass


def test_generator_resource_tears_down_when_the_run_fails() -> None:
    events: list[str] = []

    @hw.asset(required_resource_keys={"conn"})
    def broken(context: hw.AssetExecutionContext) -> None:
        events.append(f"use {context.resources.conn}")
        raise ValueError("boom")

    result = hw.materialize_to_memory(
        [broken], resources={"conn": _tracked(events)}, raise_on_error=False
    )
    assert not result.success
    assert events == ["open conn", "use conn", "close"]


def test_make_values_resource() -> None:
    values = hw.make_values_resource(table=str, limit=hw.Field(int, default_value=10))

    @hw.asset(required_resource_keys={"values"})
    def reads(context: hw.AssetExecutionContext) -> Any:
        return context.resources.values

    result = hw.materialize_to_memory(
        [reads], resources={"values": values},
        run_config={"resources": {"values": {"config": {"table": "t"}}}},
    )
    assert result.asset_value("reads") == {"table": "t", "limit": 10}
    with pytest.raises(DagsterInvalidConfigError, match=r"resources\.values\.config\.table"):
        hw.materialize_to_memory([reads], resources={"values": values},
                                 run_config={"resources": {"values": {"config": {}}}})
    anything = hw.make_values_resource()
    with hw.build_resources({"v": anything}, resource_config={"v": {"config": {"x": [1]}}}) as r:
        assert r.v == {"x": [1]}
    with hw.build_resources({"v": anything}) as r:
        assert r.v is None


class Client(hw.ConfigurableResource):
    prefix: str
    connection: hw.ResourceDependency[str]

    def call(self) -> str:
        return f"{self.prefix}:{self.connection}"


def test_resource_dependency_on_a_function_resource() -> None:
    events: list[str] = []

    @hw.asset
    def called(client: Client) -> str:
        return client.call()

    client = Client(prefix="p", connection=_tracked(events))  # type: ignore[arg-type]
    result = hw.materialize_to_memory([called], resources={"client": client})
    assert result.asset_value("called") == "p:conn"
    assert events == ["open conn", "close"]
    plain = Client(prefix="q", connection="direct")
    assert hw.materialize_to_memory([called], resources={"client": plain}).asset_value(
        "called") == "q:direct"


def test_input_manager_loads_an_input_instead_of_the_io_manager() -> None:
    @hw.input_manager(config_schema={"base": int})
    def numbers(context: hw.InputContext) -> int:
        return int(context.resource_config["base"]) + 1

    @hw.op
    def source() -> int:
        return 0

    @hw.op(ins={"value": hw.In(input_manager_key="numbers")})
    def uses(value: int) -> int:
        return value * 10

    @hw.job(resource_defs={"numbers": numbers})
    def pipeline() -> None:
        uses(source())

    result = pipeline.execute_in_process(
        run_config={"resources": {"numbers": {"config": {"base": 4}}}}
    )
    assert result.output_for_node("uses") == 50
    assert isinstance(numbers, hw.InputManagerDefinition)


class Store(hw.IOManager):
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.stored: dict[str, Any] = {}

    def handle_output(self, context: hw.OutputContext, obj: Any) -> None:
        self.stored[context.name] = f"{self.prefix}{obj}"

    def load_input(self, context: hw.InputContext) -> Any:
        return self.stored.get("result")


STORES: list[Store] = []


@hw.io_manager(config_schema={"prefix": str})
def legacy_store(context: hw.InitResourceContext) -> Store:
    store = Store(context.resource_config["prefix"])
    STORES.append(store)
    return store


class AdaptedStore(hw.ConfigurableLegacyIOManagerAdapter):
    prefix: str

    @property
    def wrapped_io_manager(self) -> hw.IOManagerDefinition:
        return legacy_store


def test_configurable_legacy_io_manager_adapter() -> None:
    @hw.asset
    def value() -> int:
        return 7

    hw.materialize([value], resources={"io_manager": AdaptedStore(prefix="v=")})
    assert STORES[-1].stored == {"result": "v=7"}


def test_bind_resources_to_jobs_keeps_jobs_working() -> None:
    @hw.op(required_resource_keys={"conn"})
    def uses(context: hw.OpExecutionContext) -> str:
        return str(context.resources.conn)

    @hw.job
    def bound() -> None:
        uses()

    defs = hw.Definitions(jobs=hw.BindResourcesToJobs([bound]),
                          resources={"conn": hw.ResourceDefinition.hardcoded_resource("c")})
    assert defs.get_job_def("bound").execute_in_process().output_for_node("uses") == "c"


def test_build_op_context_with_resources_config_and_teardown() -> None:
    events: list[str] = []

    @hw.op(required_resource_keys={"conn"})
    def uses(context: hw.OpExecutionContext) -> str:
        return str(context.resources.conn)

    with hw.build_op_context(
        resources={"conn": _tracked(events)}, resources_config={"conn": {"name": "x"}}
    ) as context:
        assert uses(context) == "x"
        assert events == ["open x"]
    assert events == ["open x", "close"]
    with pytest.raises(DagsterInvalidConfigError, match=r"resources\.conn\.config\.name"):
        hw.build_asset_context(resources={"conn": _tracked([])},
                               resources_config={"conn": {"name": 3}})


def test_resource_helpers() -> None:
    with hw.build_resources({
        "fixed": hw.ResourceDefinition.hardcoded_resource(5),
        "none": hw.ResourceDefinition.none_resource(),
        "mock": hw.ResourceDefinition.mock_resource(),
        "text": hw.ResourceDefinition.string_resource(),
    }, resource_config={"text": {"config": "hello"}}) as r:
        assert (r.fixed, r.none, r.text) == (5, None, "hello")
        r.mock.anything.called_with(1)
    with pytest.raises(UserCodeError, match="resource 'bad'"):
        with hw.build_resources({"bad": hw.ResourceDefinition(lambda: 1 / 0)}):
            pass
