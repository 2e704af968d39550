"""Calling asset and op functions directly, as unit tests of user code do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headwater import (
    AssetExecutionContext,
    Config,
    ConfigurableResource,
    DailyPartitionsDefinition,
    MaterializeResult,
    OpExecutionContext,
    Output,
    asset,
    build_asset_context,
    build_op_context,
    op,
)
from headwater.definitions.config.configurable import ConfigurableResourceFactory
from headwater.errors import HeadwaterError, InvalidDefinitionError


class Greeting(Config):
    word: str = "hello"


class Store(ConfigurableResource):
    prefix: str


def test_asset_without_context() -> None:
    @asset
    def plus_one(upstream: int) -> int:
        return upstream + 1

    assert plus_one(1) == 2
    assert plus_one(upstream=4) == 5


def test_asset_with_built_context_resources_and_partition() -> None:
    @asset(partitions_def=DailyPartitionsDefinition(start_date="2024-01-01"))
    def daily(context: AssetExecutionContext, store: Store) -> str:
        return f"{store.prefix}/{context.partition_key}"

    context = build_asset_context(resources={"store": Store(prefix="s3://b")},
                                  partition_key="2024-02-01")
    assert daily(context) == "s3://b/2024-02-01"
    # A resource may also be passed by parameter name.
    assert daily(context, store=Store(prefix="gs://x")) == "gs://x/2024-02-01"


def test_context_resources_by_attribute() -> None:
    @asset(required_resource_keys={"store"})
    def uses(context: AssetExecutionContext) -> str:
        return str(context.resources.store.prefix)

    assert uses(build_asset_context(resources={"store": Store(prefix="p")})) == "p"


def test_missing_resource_in_direct_call() -> None:
    @asset
    def needs(store: Store) -> str:
        return store.prefix

    with pytest.raises(InvalidDefinitionError, match="needs resource 'store'"):
        needs()


def test_context_built_automatically_when_omitted() -> None:
    seen: list[Any] = []

    @asset
    def wants_context(context: AssetExecutionContext) -> int:
        seen.append(context)
        return 1

    assert wants_context() == 1
    assert isinstance(seen[0], AssetExecutionContext)
    with pytest.raises(HeadwaterError, match="has no partition"):
        seen[0].partition_key  # noqa: B018 - the access itself raises


def test_config_instance_or_dict() -> None:
    @asset
    def greet(config: Greeting) -> str:
        return f"{config.word} world"

    assert greet(config=Greeting(word="hi")) == "hi world"
    assert greet(config={"word": "hey"}) == "hey world"
    assert greet() == "hello world"


def test_op_with_context_config_and_inputs() -> None:
    @op
    def shout(context: OpExecutionContext, config: Greeting, name: str) -> str:
        return f"{config.word.upper()} {name}"

    context = build_op_context(op_config={"word": "yo"})
    assert shout(context, "bob") == "YO bob"
    assert shout(build_op_context(), name="amy") == "HELLO amy"


def test_legacy_op_config_in_build_op_context() -> None:
    @op(config_schema={"n": int})
    def legacy(context: OpExecutionContext) -> int:
        return int(context.op_config["n"])

    assert legacy(build_op_context(op_config={"n": 3})) == 3


def test_generator_and_materialize_result_are_returned_as_is() -> None:
    @op
    def gen() -> Iterator[Output[int]]:
        yield Output(1)

    @asset
    def reported() -> MaterializeResult:
        return MaterializeResult(metadata={"a": 1})

    assert [o.value for o in gen()] == [1]
    assert reported().metadata == {"a": 1}


def test_unexpected_arguments_are_rejected() -> None:
    @asset
    def simple() -> int:
        return 1

    with pytest.raises(InvalidDefinitionError, match="unexpected arguments: 5, extra"):
        simple(5, extra=1)


def test_build_context_tags_and_log() -> None:
    @op
    def tagged(context: OpExecutionContext) -> str | None:
        context.log.info("logging works outside a run")
        return context.get_tag("team")

    assert tagged(build_op_context(run_tags={"team": "data"})) == "data"


def test_resource_definitions_in_built_context_are_initialised() -> None:
    from headwater import resource

    @resource
    def client() -> Iterator[str]:
        yield "connected"

    class Factory(ConfigurableResourceFactory):
        name: str

        def create_resource(self, context: Any) -> str:
            return f"client-{self.name}"

    @op(required_resource_keys={"client", "factory", "store", "plain"})
    def uses(context: OpExecutionContext) -> tuple[Any, ...]:
        r = context.resources
        return r.client, r.factory, r.store, r.plain

    context = build_op_context(
        resources={"client": client, "factory": Factory(name="x"), "store": Store(prefix="p"),
                   "plain": 3}
    )
    client_value, factory_value, store_value, plain = uses(context)
    assert (client_value, factory_value, plain) == ("connected", "client-x", 3)
    assert isinstance(store_value, Store) and store_value.prefix == "p"
