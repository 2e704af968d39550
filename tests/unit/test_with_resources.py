"""with_resources: resources (and their config) bound to copies of assets and jobs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headwater import (
    AssetExecutionContext,
    AssetSpec,
    ConfigurableResource,
    Definitions,
    InMemoryIOManager,
    ResourceDefinition,
    asset,
    job,
    materialize,
    op,
    resource,
    with_resources,
)
from headwater.errors import (
    ConfigError,
    DuplicateDefinitionError,
    InvalidDefinitionError,
    UnknownResourceError,
)


@resource(config_schema={"n": int})
def number(context: Any) -> int:
    return int(context.resource_config["n"])


@asset(required_resource_keys={"num"})
def counted(context: AssetExecutionContext) -> int:
    return int(context.resources.num)


class Multiplier(ConfigurableResource):
    factor: int
    label: str = "x"


@asset
def scaled(multiplier: Multiplier) -> str:
    return f"{multiplier.label}{10 * multiplier.factor}"


def test_resource_config_by_key_configures_the_bound_resource() -> None:
    [bound] = with_resources([counted], {"num": number}, {"num": {"config": {"n": 7}}})
    assert materialize([bound]).asset_value("counted") == 7
    assert counted.resource_defs == {}  # the original is untouched
    # Bound resources also serve a Definitions that does not provide the key itself.
    defs = Definitions(assets=[bound])
    assert defs.resolve_implicit_global_asset_job_def().execute_in_process().asset_value(
        "counted"
    ) == 7


def test_without_config_the_run_config_configures_it() -> None:
    [bound] = with_resources([counted], {"num": number})
    result = materialize([bound], run_config={"resources": {"num": {"config": {"n": 3}}}})
    assert result.asset_value("counted") == 3


def test_config_is_validated_when_binding() -> None:
    with pytest.raises(ConfigError) as caught:
        with_resources([counted], {"num": number}, {"num": {"config": {"n": "many"}}})
    assert "resource 'num'" in str(caught.value) and "n" in str(caught.value)


def test_config_must_have_the_run_config_shape() -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        with_resources([counted], {"num": number}, {"num": {"n": 7}})
    assert "{'config': ...}" in str(caught.value)
    assert "{'num': {'config': {'n': 7}}}" in str(caught.value)


def test_config_for_a_key_not_given_is_an_error() -> None:
    with pytest.raises(InvalidDefinitionError, match="'nmu', which is not one of .*'num'"):
        with_resources([counted], {"num": number}, {"nmu": {"config": {"n": 7}}})


def test_config_for_a_plain_value_is_an_error() -> None:
    with pytest.raises(InvalidDefinitionError, match="resource 'num'.*takes no config"):
        with_resources([counted], {"num": 5}, {"num": {"config": 5}})


def test_missing_resource_names_the_asset_the_key_and_what_was_given() -> None:
    with pytest.raises(UnknownResourceError) as caught:
        with_resources([counted], {"other": 1})
    message = str(caught.value)
    assert "'num'" in message and "asset 'counted'" in message and "'other'" in message


def test_missing_dependency_of_a_resource_is_named() -> None:
    needs_creds = ResourceDefinition(lambda c: c.resources.creds, required_resource_keys={"creds"})
    with pytest.raises(UnknownResourceError, match="'creds', required by resource 'num'"):
        with_resources([counted], {"num": needs_creds})


def test_keeps_only_the_resources_used_and_their_dependencies() -> None:
    creds = ResourceDefinition.hardcoded_resource("secret")
    client = ResourceDefinition(lambda c: len(c.resources.creds), required_resource_keys={"creds"})
    [bound] = with_resources([counted], {"num": client, "creds": creds, "unused": 1})
    assert set(bound.resource_defs) == {"num", "creds"}
    assert materialize([bound]).asset_value("counted") == 6


def test_conflicting_resource_on_the_asset_is_an_error() -> None:
    @asset(resource_defs={"num": ResourceDefinition.hardcoded_resource(1)},
           required_resource_keys={"num"})
    def owns_num(context: AssetExecutionContext) -> int:
        return int(context.resources.num)

    with pytest.raises(InvalidDefinitionError) as caught:
        with_resources([owns_num], {"num": number})
    assert "asset 'owns_num' already binds resource(s) 'num'" in str(caught.value)
    # The asset's own io_manager is kept rather than a conflict.
    lake = InMemoryIOManager()

    @asset(resource_defs={"io_manager": lake})
    def stored() -> int:
        return 4

    [bound] = with_resources([stored], {"io_manager": InMemoryIOManager()})
    assert bound.resource_defs["io_manager"] is lake


def test_configurable_resource_configured_at_launch_gets_its_config() -> None:
    [bound] = with_resources(
        [scaled], {"multiplier": Multiplier.configure_at_launch()},
        {"multiplier": {"config": {"factor": 3}}},
    )
    assert materialize([bound]).asset_value("scaled") == "x30"


def test_configurable_resource_config_overrides_fields_and_is_validated() -> None:
    [bound] = with_resources(
        [scaled], {"multiplier": Multiplier(factor=1)}, {"multiplier": {"config": {"factor": 5}}}
    )
    assert materialize([bound]).asset_value("scaled") == "x50"
    with pytest.raises(ConfigError, match="resource 'multiplier'"):
        with_resources([scaled], {"multiplier": Multiplier(factor=1)},
                       {"multiplier": {"config": {"factor": "lots"}}})
    with pytest.raises(ConfigError, match="must be a mapping"):
        with_resources([scaled], {"multiplier": Multiplier(factor=1)},
                       {"multiplier": {"config": 5}})


@pytest.fixture
def lifecycle() -> Iterator[list[str]]:
    yield []


def test_generator_resources_keep_their_teardown(lifecycle: list[str]) -> None:
    @resource(config_schema={"name": str})
    def connection(context: Any) -> Iterator[str]:
        lifecycle.append(f"open {context.resource_config['name']}")
        yield context.resource_config["name"]
        lifecycle.append("close")

    @asset(required_resource_keys={"conn"})
    def uses_conn(context: AssetExecutionContext) -> str:
        return str(context.resources.conn)

    config = {"conn": {"config": {"name": "db"}}}
    [bound] = with_resources([uses_conn], {"conn": connection}, config)
    assert materialize([bound]).asset_value("uses_conn") == "db"
    assert lifecycle == ["open db", "close"]


def test_jobs_get_resources_too() -> None:
    @op(required_resource_keys={"num"})
    def read_num(context: Any) -> int:
        return int(context.resources.num)

    @job
    def num_job() -> None:
        read_num()

    [bound] = with_resources([num_job], {"num": number}, {"num": {"config": {"n": 9}}})
    assert bound.execute_in_process().output_for_node("read_num") == 9
    with pytest.raises(UnknownResourceError, match="op 'read_num'"):
        with_resources([num_job], {})


def test_only_assets_and_jobs_are_accepted() -> None:
    with pytest.raises(InvalidDefinitionError, match="AssetSpec 'ext'"):
        with_resources([AssetSpec("ext")], {})
    with pytest.raises(InvalidDefinitionError, match="got int"):
        with_resources([3], {})


def test_location_resource_may_not_replace_a_bound_one() -> None:
    [bound] = with_resources([counted], {"num": ResourceDefinition.hardcoded_resource(1)})
    with pytest.raises(DuplicateDefinitionError) as caught:
        Definitions(assets=[bound], resources={"num": 2}).get_repository_def()
    assert "Asset 'counted' binds resource(s) 'num' itself" in str(caught.value)
    # The same object on both sides is fine.
    same = bound.resource_defs["num"]
    defs = Definitions(assets=[bound], resources={"num": same})
    assert defs.resolve_implicit_global_asset_job_def().execute_in_process().asset_value(
        "counted"
    ) == 1


def test_two_assets_binding_different_resources_to_one_key_cannot_share_a_job() -> None:
    @asset(required_resource_keys={"num"})
    def also_counted(context: AssetExecutionContext) -> int:
        return int(context.resources.num)

    [first] = with_resources([counted], {"num": ResourceDefinition.hardcoded_resource(1)})
    [second] = with_resources([also_counted], {"num": ResourceDefinition.hardcoded_resource(2)})
    defs = Definitions(assets=[first, second])
    with pytest.raises(DuplicateDefinitionError) as caught:
        defs.resolve_implicit_global_asset_job_def()
    message = str(caught.value)
    assert "asset 'counted' and asset 'also_counted' bind different resources to the key 'num'" \
        in message
    # Bound together, they share the one object and run in one job.
    five = ResourceDefinition.hardcoded_resource(5)
    both = with_resources([counted, also_counted], {"num": five})
    result = Definitions(assets=both).resolve_implicit_global_asset_job_def().execute_in_process()
    assert (result.asset_value("counted"), result.asset_value("also_counted")) == (5, 5)
