"""@asset definitions and their materialization: keys, deps, attributes, IO managers, metadata."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from headwater import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetSpec,
    Definitions,
    FilesystemIOManager,
    InputContext,
    IOManager,
    MaterializeResult,
    MetadataValue,
    Output,
    OutputContext,
    asset,
    materialize,
    materialize_to_memory,
)
from headwater.errors import InvalidDefinitionError, InvalidOutputError


def fs(tmp_path: Path) -> dict[str, object]:
    return {"io_manager": FilesystemIOManager(base_dir=tmp_path)}


# Keys and dependencies ------------------------------------------------------------------------


def test_key_from_function_name_name_and_key_prefix() -> None:
    @asset
    def orders() -> int:
        return 1

    @asset(name="renamed")
    def fn_a() -> int:
        return 1

    @asset(key_prefix=["raw", "shop"])
    def customers() -> int:
        return 1

    @asset(key_prefix="raw", name="items")
    def fn_b() -> int:
        return 1

    @asset(key=["warehouse", "sales"])
    def fn_c() -> int:
        return 1

    assert orders.key == AssetKey("orders")
    assert fn_a.key == AssetKey("renamed")
    assert customers.key == AssetKey(["raw", "shop", "customers"])
    assert fn_b.key == AssetKey(["raw", "items"])
    assert fn_c.key == AssetKey(["warehouse", "sales"])
    # The op name is a python identifier made from the key.
    assert customers.op is not None and customers.op.name == "raw__shop__customers"


def test_key_together_with_name_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="key= together with name="):

        @asset(key="a", name="b")
        def fn() -> None: ...


def test_deps_inferred_from_parameters_and_values_flow(tmp_path: Path) -> None:
    @asset
    def upstream() -> list[int]:
        return [1, 2, 3]

    @asset
    def downstream(upstream: list[int]) -> int:
        return sum(upstream)

    assert downstream.asset_deps[downstream.key] == {AssetKey("upstream")}
    result = materialize([upstream, downstream], resources=fs(tmp_path))
    assert result.success
    assert result.output_for_node("downstream") == 6
    assert result.asset_value("downstream") == 6
    # The default filesystem IO manager stored both values under base_dir/<key>.
    assert pickle.loads((tmp_path / "upstream").read_bytes()) == [1, 2, 3]
    assert pickle.loads((tmp_path / "downstream").read_bytes()) == 6


def test_asset_in_key_and_key_prefix(tmp_path: Path) -> None:
    @asset(key_prefix="raw")
    def orders() -> int:
        return 10

    @asset(key=["other", "thing"])
    def thing() -> int:
        return 5

    @asset(ins={"o": AssetIn(key_prefix="raw", key=None), "t": AssetIn(key="other/thing")})
    def total(o: int, t: int) -> int:
        return o + t

    @asset(ins={"orders": AssetIn(key_prefix=["raw"])})
    def doubled(orders: int) -> int:
        return orders * 2

    assert total.asset_deps[total.key] == {AssetKey(["raw", "o"]), AssetKey(["other", "thing"])}
    assert doubled.asset_deps[doubled.key] == {AssetKey(["raw", "orders"])}
    result = materialize([orders, thing, doubled], resources=fs(tmp_path))
    assert result.asset_value("doubled") == 20
    assert (tmp_path / "raw" / "orders").exists()


def test_asset_in_for_unknown_parameter_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="nope"):

        @asset(ins={"nope": AssetIn("x")})
        def fn() -> None: ...


def test_non_data_deps_order_execution_without_passing_values() -> None:
    calls: list[str] = []

    @asset
    def first() -> None:
        calls.append("first")

    @asset(deps=[first, "external_table", AssetKey(["raw", "x"])])
    def second() -> None:
        calls.append("second")

    ext = AssetSpec("external_table")
    raw_x = AssetSpec(["raw", "x"])
    assert second.asset_deps[second.key] == {
        AssetKey("first"),
        AssetKey("external_table"),
        AssetKey(["raw", "x"]),
    }
    result = materialize_to_memory([second, first, ext, raw_x])
    assert result.success
    assert calls == ["first", "second"]
    # Assets returning None still record a materialization, but store nothing.
    assert [m.asset_key for m in result.asset_materializations] == [
        AssetKey("first"),
        AssetKey("second"),
    ]
    handled = [e for e in result.all_events if e.event_type.value == "HANDLED_OUTPUT"]
    assert handled == []


# Attributes -----------------------------------------------------------------------------------


def test_asset_attributes_are_kept_on_the_spec() -> None:
    @asset(
        group_name="sales",
        metadata={"owner_team": "data", "rows": 3},
        tags={"tier": "gold"},
        owners=["alice@example.com", "team:data"],
        kinds={"python", "duckdb"},
        compute_kind="pandas",
        code_version="v2",
    )
    def revenue() -> int:
        """Total revenue per day.

        Second paragraph.
        """
        return 1

    [spec] = revenue.specs
    assert spec.group_name == "sales"
    assert revenue.group_name == "sales"
    assert spec.description is not None and spec.description.startswith("Total revenue per day.")
    assert "Second paragraph." in spec.description
    assert spec.metadata == {"owner_team": "data", "rows": 3}
    assert spec.tags == {"tier": "gold"}
    assert spec.owners == ("alice@example.com", "team:data")
    assert spec.kinds == {"python", "duckdb", "pandas"}
    assert spec.code_version == "v2"
    assert revenue.code_versions_by_key[revenue.key] == "v2"


def test_default_group_and_explicit_description_wins() -> None:
    @asset(description="explicit")
    def a() -> int:
        """Docstring."""
        return 1

    assert a.group_name == "default"
    assert a.descriptions_by_key[a.key] == "explicit"


def test_invalid_asset_name_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="letters, digits and underscores"):

        @asset(name="bad name")
        def fn() -> None: ...


# IO managers ----------------------------------------------------------------------------------


class DictIOManager(IOManager):
    def __init__(self) -> None:
        self.stored: dict[tuple[str, ...], Any] = {}
        self.loaded: list[str] = []

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        self.stored[tuple(context.asset_key.path)] = obj
        context.add_output_metadata({"stored_by": "dict"})

    def load_input(self, context: InputContext) -> Any:
        self.loaded.append(context.asset_key.to_user_string())
        return self.stored[tuple(context.asset_key.path)]


def test_io_manager_key_routes_outputs_to_a_custom_io_manager(tmp_path: Path) -> None:
    custom = DictIOManager()

    @asset(io_manager_key="dict_io")
    def special() -> str:
        return "kept in dict"

    @asset
    def normal(special: str) -> str:
        return special.upper()

    result = materialize(
        [special, normal],
        resources={"io_manager": FilesystemIOManager(base_dir=tmp_path), "dict_io": custom},
    )
    assert custom.stored == {("special",): "kept in dict"}
    assert custom.loaded == ["special"]
    assert not (tmp_path / "special").exists()
    assert pickle.loads((tmp_path / "normal").read_bytes()) == "KEPT IN DICT"
    [mat] = result.asset_materializations_for_node("special")
    assert mat.metadata["stored_by"] == MetadataValue.text("dict")
    [normal_mat] = result.asset_materializations_for_node("normal")
    assert normal_mat.metadata["path"].value == str(tmp_path / "normal")


def test_missing_io_manager_is_a_definition_error() -> None:
    @asset(io_manager_key="nowhere")
    def a() -> int:
        return 1

    with pytest.raises(Exception, match="nowhere"):
        materialize_to_memory([a])


def test_materialize_to_memory_keeps_values_and_rejects_io_manager() -> None:
    @asset
    def a() -> dict[str, int]:
        return {"x": 1}

    @asset
    def b(a: dict[str, int]) -> int:
        return a["x"] + 1

    result = materialize_to_memory([a, b])
    assert result.asset_value("a") == {"x": 1}
    assert result.asset_value(AssetKey("b")) == 2
    with pytest.raises(InvalidDefinitionError, match="io_manager"):
        materialize_to_memory([a], resources={"io_manager": DictIOManager()})


def test_materialize_default_io_manager_uses_a_temporary_directory() -> None:
    @asset
    def a() -> int:
        return 7

    @asset
    def b(a: int) -> int:
        return a * 6

    result = materialize([a, b])
    assert result.asset_value("b") == 42
    [mat] = result.asset_materializations_for_node("a")
    path = Path(mat.metadata["path"].value)
    # The temporary folder is removed once materialize returns.
    assert not path.exists()


def test_unpicklable_value_fails_with_a_message_naming_the_asset(tmp_path: Path) -> None:
    @asset
    def gen() -> Any:
        return (i for i in range(3))

    result = materialize([gen], resources=fs(tmp_path), raise_on_error=False)
    assert not result.success
    [failure] = result.get_step_failure_events()
    assert "cannot be pickled" in failure.message
    assert "gen" in failure.message


# Metadata on materializations -----------------------------------------------------------------


def test_materialize_result_metadata() -> None:
    @asset
    def table() -> MaterializeResult:
        return MaterializeResult(
            metadata={"rows": 12, "preview": MetadataValue.md("| a |"), "ratio": 0.5}
        )

    result = materialize_to_memory([table])
    [mat] = result.asset_materializations_for_node("table")
    assert mat.asset_key == AssetKey("table")
    assert mat.metadata["rows"].value == 12
    assert mat.metadata["preview"] == MetadataValue.md("| a |")
    assert mat.metadata["ratio"].value == 0.5
    # A MaterializeResult carries no value, so nothing is stored.
    with pytest.raises(KeyError):
        result.asset_value("table")


def test_output_metadata_and_add_output_metadata() -> None:
    @asset
    def with_output() -> Output[list[int]]:
        return Output([1, 2], metadata={"count": 2})

    @asset
    def with_context(context: AssetExecutionContext, with_output: list[int]) -> int:
        context.add_output_metadata({"sum": sum(with_output)})
        return sum(with_output)

    result = materialize_to_memory([with_output, with_context])
    [first] = result.asset_materializations_for_node("with_output")
    [second] = result.asset_materializations_for_node("with_context")
    assert first.metadata["count"].value == 2
    assert second.metadata["sum"].value == 3
    assert result.asset_value("with_output") == [1, 2]


def test_log_event_records_extra_materialization() -> None:
    from headwater import AssetMaterialization

    @asset
    def a(context: AssetExecutionContext) -> int:
        context.log_event(AssetMaterialization("side_table", metadata={"n": 1}))
        return 1

    result = materialize_to_memory([a])
    keys = [m.asset_key for m in result.asset_materializations]
    assert keys == [AssetKey("a"), AssetKey("side_table")]


def test_context_exposes_asset_key_and_run_info() -> None:
    seen: dict[str, Any] = {}

    @asset(key_prefix="p")
    def a(context: AssetExecutionContext) -> int:
        seen["key"] = context.asset_key
        seen["run_id"] = context.run_id
        seen["selected"] = context.selected_asset_keys
        seen["has_partition"] = context.has_partition_key
        seen["job"] = context.job_name
        return 1

    result = materialize_to_memory([a], tags={"team": "x"})
    assert seen["key"] == AssetKey(["p", "a"])
    assert seen["run_id"] == result.run_id
    assert seen["selected"] == {AssetKey(["p", "a"])}
    assert seen["has_partition"] is False
    assert seen["job"] == result.job_name


def test_returning_value_from_none_annotated_asset_is_not_stored(tmp_path: Path) -> None:
    @asset
    def a() -> None:
        return None

    result = materialize([a], resources=fs(tmp_path))
    assert result.success
    assert list(tmp_path.iterdir()) == []


def test_definitions_accepts_only_assets_and_specs() -> None:
    defs = Definitions(assets=["not an asset"])
    with pytest.raises(InvalidDefinitionError, match="item 0 is str"):
        defs.get_repository_def()


def test_output_for_undeclared_name_is_invalid() -> None:
    @asset
    def a() -> Output[int]:
        return Output(1, output_name="other")

    result = materialize_to_memory([a], raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert "other" in failure.message
    with pytest.raises(InvalidOutputError, match="does not declare"):
        materialize_to_memory([a])


def test_async_assets_are_awaited() -> None:
    from collections.abc import AsyncIterator

    @asset
    async def fetched() -> int:
        return 41

    @asset
    async def streamed(fetched: int) -> AsyncIterator[Output[int]]:
        yield Output(fetched + 1, metadata={"async": True})

    result = materialize_to_memory([fetched, streamed])
    assert result.asset_value("fetched") == 41
    assert result.asset_value("streamed") == 42
    [mat] = result.asset_materializations_for_node("streamed")
    assert mat.metadata["async"].value is True


def test_input_manager_key_loads_with_another_manager() -> None:
    class Loader(IOManager):
        def handle_output(self, context: OutputContext, obj: Any) -> None:
            raise AssertionError("only loads")

        def load_input(self, context: InputContext) -> Any:
            return f"loaded {context.asset_key.to_user_string()}"

    class Broken(IOManager):
        def handle_output(self, context: OutputContext, obj: Any) -> None:
            raise AssertionError("only loads")

        def load_input(self, context: InputContext) -> Any:
            raise RuntimeError("disk gone")

    @asset
    def raw() -> int:
        return 1

    @asset(ins={"raw": AssetIn(input_manager_key="loader")})
    def cooked(raw: str) -> str:
        return raw

    result = materialize_to_memory([raw, cooked], resources={"loader": Loader()})
    assert result.asset_value("cooked") == "loaded raw"
    failed = materialize_to_memory([raw, cooked], resources={"loader": Broken()},
                                   raise_on_error=False)
    [failure] = failed.get_step_failure_events()
    assert "IO manager 'loader' loading input 'raw' of asset 'cooked'" in failure.message
    assert "disk gone" in failure.message
