"""Observable source assets: the decorators, what their functions return (DataVersion,
DataVersionsByPartition, ObserveResult), direct calls, observation events from materialize and
execute_in_process, loading by downstream assets and the input data versions they record."""

from __future__ import annotations

from typing import Any

import pytest

import headwater as hw
from headwater.webserver.asset_health import DataVersions, stale_reasons


class FixedLoader(hw.IOManager):
    def handle_output(self, context: hw.OutputContext, obj: Any) -> None:
        raise AssertionError("a source asset is never stored")

    def load_input(self, context: hw.InputContext) -> Any:
        return {"raw": [1, 2, 3]}[context.asset_key.path[-1]]


@hw.observable_source_asset
def plain() -> hw.DataVersion:
    return hw.DataVersion("p1")


@hw.observable_source_asset(io_manager_key="loader", description="rows from elsewhere")
def raw(context: hw.AssetExecutionContext) -> hw.DataVersion:
    context.log.info("looking at raw")
    return hw.DataVersion("r7")


@hw.asset
def total(raw: list[int]) -> int:
    return sum(raw)


def _observations(result: Any) -> list[Any]:
    return [event.data for event in result.get_asset_observation_events()]


def test_the_bare_decorator_names_the_asset_after_the_function() -> None:
    assert isinstance(plain, hw.AssetsDefinition)
    assert plain.key == hw.AssetKey("plain") and plain.is_observable and plain.is_executable
    assert plain.auto_observe_interval_minutes is None


def test_decorator_options_land_on_the_definition() -> None:
    @hw.observable_source_asset(
        key_prefix=["ext", "crm"], name="accounts", group_name="crm", description="CRM",
        metadata={"owner_team": "sales"}, tags={"tier": "gold"}, op_tags={"team": "x"},
        io_manager_key="warehouse", auto_observe_interval_minutes=30,
        automation_condition=hw.AutomationCondition.on_missing())
    def crm_accounts() -> hw.DataVersion:
        return hw.DataVersion("a")

    assert crm_accounts.key == hw.AssetKey(["ext", "crm", "accounts"])
    [spec] = crm_accounts.specs
    assert spec.group_name == "crm" and spec.description == "CRM"
    assert spec.metadata == {"owner_team": "sales"} and spec.tags == {"tier": "gold"}
    assert spec.automation_condition is not None
    assert crm_accounts.io_manager_key_for(crm_accounts.key) == "warehouse"
    assert crm_accounts.op.tags["team"] == "x"
    assert crm_accounts.auto_observe_interval_minutes == 30

    @hw.observable_source_asset(key=["a", "b"])
    def by_key() -> hw.DataVersion:
        return hw.DataVersion("a")

    assert by_key.key == hw.AssetKey(["a", "b"])


def test_key_with_name_and_upstream_parameters_are_refused() -> None:
    with pytest.raises(hw.InvalidDefinitionError, match="key= together with name="):
        hw.observable_source_asset(key="x", name="y")(lambda: hw.DataVersion("1"))

    with pytest.raises(hw.InvalidDefinitionError, match="no upstream assets"):
        @hw.observable_source_asset
        def takes_input(upstream: int) -> hw.DataVersion:
            return hw.DataVersion(str(upstream))


def test_direct_invocation_returns_what_the_function_returns() -> None:
    assert plain() == hw.DataVersion("p1")
    context = hw.build_asset_context()
    assert raw(context) == hw.DataVersion("r7")


def test_materialize_observes_and_never_materializes() -> None:
    result = hw.materialize([plain])
    assert result.success
    assert result.get_asset_materialization_events() == []
    [data] = _observations(result)
    assert data.asset_key == ["plain"] and data.data_version == "p1"
    assert data.tags == {"dagster/data_version": "p1"}
    [observation] = result.asset_observations_for_node("plain")
    assert observation.tags["dagster/data_version"] == "p1"


def test_a_downstream_asset_loads_the_source_and_records_its_data_version() -> None:
    result = hw.materialize([raw, total], resources={"loader": FixedLoader()})
    assert result.output_for_node("total") == 6
    [data] = _observations(result)
    assert data.data_version == "r7"
    [materialization] = [e.data for e in result.get_asset_materialization_events()]
    assert materialization.asset_key == ["total"]
    assert materialization.tags["dagster/input_data_version/raw"] == "r7"


def test_a_job_selecting_the_source_observes_it_in_process() -> None:
    defs = hw.Definitions(
        assets=[raw, total], resources={"loader": FixedLoader()},
        jobs=[hw.define_asset_job("observe_raw", selection=["raw"])])
    result = defs.resolve_job_def("observe_raw").execute_in_process()
    assert result.success
    assert [d.data_version for d in _observations(result)] == ["r7"]
    assert result.get_asset_materialization_events() == []


def test_observe_result_carries_metadata_tags_and_the_data_version() -> None:
    @hw.observable_source_asset
    def files() -> hw.ObserveResult:
        return hw.ObserveResult(data_version=hw.DataVersion("f2"), metadata={"count": 12},
                                tags={"source": "sftp"})

    [data] = _observations(hw.materialize([files]))
    assert data.data_version == "f2"
    assert data.tags == {"source": "sftp", "dagster/data_version": "f2"}
    assert data.metadata["count"].value == 12


class Catalog(hw.ConfigurableResource):
    version: str


def test_resources_are_passed_by_parameter() -> None:
    @hw.observable_source_asset
    def table(catalog: Catalog) -> hw.DataVersion:
        return hw.DataVersion(catalog.version)

    result = hw.materialize([table], resources={"catalog": Catalog(version="c3")})
    assert [d.data_version for d in _observations(result)] == ["c3"]


def test_multi_observable_source_asset_yields_one_observe_result_per_asset() -> None:
    @hw.multi_observable_source_asset(
        specs=[hw.AssetSpec("left"), hw.AssetSpec("right", group_name="sides")],
        check_specs=[hw.AssetCheckSpec("not_empty", asset="left")])
    def both() -> Any:
        yield hw.ObserveResult(asset_key="left", data_version=hw.DataVersion("l1"),
                               check_results=[hw.AssetCheckResult(passed=True)])
        yield hw.ObserveResult(asset_key="right", data_version=hw.DataVersion("r1"))

    assert both.keys == {hw.AssetKey("left"), hw.AssetKey("right")} and both.is_observable
    result = hw.materialize([both])
    assert {tuple(d.asset_key): d.data_version for d in _observations(result)} == {
        ("left",): "l1", ("right",): "r1"}
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.check_name == "not_empty"
    assert result.get_asset_materialization_events() == []


def test_data_versions_by_partition_converts_strings_and_rejects_other_types() -> None:
    versions = hw.DataVersionsByPartition({"a": "1", "b": hw.DataVersion("2")})
    assert versions.data_versions_by_partition == {"a": hw.DataVersion("1"),
                                                   "b": hw.DataVersion("2")}
    assert versions == hw.DataVersionsByPartition({"a": "1", "b": "2"})
    with pytest.raises(TypeError, match="partition 'a'"):
        hw.DataVersionsByPartition({"a": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="DataVersion takes a str"):
        hw.DataVersion(3)  # type: ignore[arg-type]


def test_a_partitioned_source_observes_each_partition() -> None:
    regions = hw.StaticPartitionsDefinition(["eu", "us"])

    @hw.observable_source_asset(partitions_def=regions)
    def sales() -> hw.DataVersionsByPartition:
        return hw.DataVersionsByPartition({"eu": "e1", "us": "u1"})

    result = hw.materialize([sales], partition_key="eu")
    assert {d.partition: d.data_version for d in _observations(result)} == {
        "eu": "e1", "us": "u1"}


def test_returning_the_wrong_kind_of_version_fails_with_what_to_return() -> None:
    regions = hw.StaticPartitionsDefinition(["eu"])

    @hw.observable_source_asset(partitions_def=regions)
    def partitioned() -> hw.DataVersion:
        return hw.DataVersion("x")

    with pytest.raises(hw.InvalidOutputError, match="must return a DataVersionsByPartition"):
        hw.materialize([partitioned], partition_key="eu")

    @hw.observable_source_asset
    def unversioned() -> int:
        return 3

    with pytest.raises(hw.InvalidOutputError, match="Return a DataVersion"):
        hw.materialize([unversioned])


def test_stale_reasons_compare_recorded_and_current_data_versions() -> None:
    latest: dict[tuple[str, ...], tuple[int, str | None]] = {("child",): (10, None)}
    same = DataVersions(current={("src",): "v1"}, observed_at={("src",): 12},
                        inputs={("child",): {("src",): "v1"}})
    assert stale_reasons(("child",), [("src",)], None, latest, same) == []
    changed = DataVersions(current={("src",): "v2"}, observed_at={("src",): 12},
                           inputs={("child",): {("src",): "v1"}})
    assert stale_reasons(("child",), [("src",)], None, latest, changed) == [
        "upstream data version changed: src (v1 → v2)"]
    # Nothing recorded: an observation with a data version after the child makes it stale.
    unrecorded = DataVersions(current={("src",): "v2"}, observed_at={("src",): 12})
    assert stale_reasons(("child",), [("src",)], None, latest, unrecorded) == [
        "upstream changed since: src"]
    earlier = DataVersions(current={("src",): "v2"}, observed_at={("src",): 8})
    assert stale_reasons(("child",), [("src",)], None, latest, earlier) == []


def test_required_resource_keys_reach_the_context_and_a_foreign_key_is_refused() -> None:
    @hw.observable_source_asset(required_resource_keys={"catalog"})
    def listed(context: hw.AssetExecutionContext) -> hw.DataVersion:
        return hw.DataVersion(context.resources.catalog.version)

    result = hw.materialize([listed], resources={"catalog": Catalog(version="k9")})
    assert [d.data_version for d in _observations(result)] == ["k9"]

    @hw.observable_source_asset
    def confused() -> hw.ObserveResult:
        return hw.ObserveResult(asset_key="elsewhere", data_version=hw.DataVersion("1"))

    with pytest.raises(hw.InvalidOutputError, match="'elsewhere', which it does not observe"):
        hw.materialize([confused])
