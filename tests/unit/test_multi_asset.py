"""@multi_asset: outs, specs, subsetting and internal dependencies, with real runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from headwater import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetOut,
    AssetSpec,
    Definitions,
    FilesystemIOManager,
    MaterializeResult,
    Output,
    asset,
    define_asset_job,
    materialize,
    materialize_to_memory,
    multi_asset,
)
from headwater.errors import InvalidDefinitionError, InvalidOutputError


def test_outs_tuple_return_stores_each_asset(tmp_path: Path) -> None:
    @multi_asset(outs={"users": AssetOut(), "orders": AssetOut(key_prefix="shop")})
    def load() -> tuple[list[str], list[int]]:
        return ["ann", "bob"], [1, 2, 3]

    @asset(ins={"orders": AssetIn(key=["shop", "orders"])})
    def order_count(users: list[str], orders: list[int]) -> int:
        return len(users) * 100 + len(orders)

    assert load.keys == {AssetKey("users"), AssetKey(["shop", "orders"])}
    result = materialize(
        [load, order_count], resources={"io_manager": FilesystemIOManager(base_dir=tmp_path)}
    )
    assert result.success
    assert result.asset_value("users") == ["ann", "bob"]
    assert result.asset_value("shop/orders") == [1, 2, 3]
    assert result.asset_value("order_count") == 203
    assert (tmp_path / "users").exists()
    assert (tmp_path / "shop" / "orders").exists()
    assert sorted(m.asset_key.to_user_string() for m in result.asset_materializations) == [
        "order_count",
        "shop/orders",
        "users",
    ]


def test_outs_yielded_outputs_with_metadata() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def both() -> Iterator[Output[int]]:
        yield Output(2, output_name="b", metadata={"which": "b"})
        yield Output(1, output_name="a")

    result = materialize_to_memory([both])
    assert result.asset_value("a") == 1
    assert result.asset_value("b") == 2
    mats = {m.asset_key.to_user_string(): m for m in result.asset_materializations_for_node("both")}
    assert mats["b"].metadata["which"].value == "b"
    assert "which" not in mats["a"].metadata


def test_wrong_tuple_length_names_the_multi_asset() -> None:
    @multi_asset(outs={"x": AssetOut(), "y": AssetOut()})
    def splitter() -> Any:
        return 1, 2, 3

    with pytest.raises(InvalidOutputError) as info:
        materialize_to_memory([splitter])
    message = str(info.value)
    assert "multi_asset 'splitter'" in message
    assert "3 values" in message and "2 outputs" in message


def test_missing_required_output_is_an_error() -> None:
    @multi_asset(outs={"x": AssetOut(), "y": AssetOut()})
    def only_x() -> Iterator[Output[int]]:
        yield Output(1, output_name="x")

    result = materialize_to_memory([only_x], raise_on_error=False)
    assert not result.success
    [failure] = result.get_step_failure_events()
    assert "required output(s) y" in failure.message


def test_optional_output_not_produced_skips_downstream() -> None:
    @multi_asset(outs={"x": AssetOut(), "y": AssetOut(is_required=False)})
    def maybe() -> Iterator[Output[int]]:
        yield Output(1, output_name="x")

    @asset
    def uses_y(y: int) -> int:
        return y

    @asset
    def uses_x(x: int) -> int:
        return x

    result = materialize_to_memory([maybe, uses_y, uses_x])
    assert result.success
    assert result.get_skipped_step_keys() == ["uses_y"]
    assert result.asset_value("uses_x") == 1


def test_specs_with_materialize_results() -> None:
    calls: list[str] = []

    @multi_asset(specs=[AssetSpec("left", group_name="g"), AssetSpec("right", deps=["left"])])
    def pair(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
        calls.append("pair")
        yield MaterializeResult(asset_key="left", metadata={"n": 1})
        yield MaterializeResult(asset_key=AssetKey("right"), metadata={"n": 2})

    assert pair.group_names_by_key[AssetKey("left")] == "g"
    assert pair.asset_deps[AssetKey("right")] == {AssetKey("left")}
    result = materialize_to_memory([pair])
    assert calls == ["pair"]
    by_key = {m.asset_key: m.metadata["n"].value for m in result.asset_materializations}
    assert by_key == {AssetKey("left"): 1, AssetKey("right"): 2}


def test_specs_result_for_unknown_key_is_an_error() -> None:
    @multi_asset(specs=[AssetSpec("p"), AssetSpec("q")])
    def pq() -> Iterator[MaterializeResult]:
        yield MaterializeResult(asset_key="p")
        yield MaterializeResult(asset_key="zzz")

    result = materialize_to_memory([pq], raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert "'zzz'" in failure.message and "does not compute" in failure.message


def test_multi_asset_needs_outs_or_specs() -> None:
    with pytest.raises(InvalidDefinitionError, match="exactly one of outs= or specs="):
        multi_asset()


def test_can_subset_runs_only_selected_outputs() -> None:
    ran: list[set[str]] = []

    @multi_asset(
        outs={"a": AssetOut(is_required=False), "b": AssetOut(is_required=False)},
        can_subset=True,
    )
    def ab(context: AssetExecutionContext) -> Iterator[Output[int]]:
        ran.append({k.to_user_string() for k in context.selected_asset_keys})
        for name in sorted(context.selected_output_names):
            yield Output(1, output_name=name)

    @asset
    def after_b(b: int) -> int:
        return b + 1

    result = materialize_to_memory([ab, after_b], selection=["b", "after_b"])
    assert ran == [{"b"}]
    assert [m.asset_key.to_user_string() for m in result.asset_materializations] == [
        "b",
        "after_b",
    ]

    defs = Definitions(assets=[ab, after_b], jobs=[define_asset_job("just_a", selection="a")])
    job_result = defs.get_job_def("just_a").execute_in_process()
    assert ran[-1] == {"a"}
    assert [m.asset_key.to_user_string() for m in job_result.asset_materializations] == ["a"]


def test_selecting_part_of_a_non_subsettable_multi_asset_is_an_error() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def ab() -> tuple[int, int]:
        return 1, 2

    with pytest.raises(InvalidDefinitionError, match="cannot run a subset. Also select: b"):
        materialize_to_memory([ab], selection=["a"])


def test_internal_asset_deps_and_upstream_inputs() -> None:
    @asset
    def source() -> int:
        return 10

    @multi_asset(
        outs={"first": AssetOut(), "second": AssetOut()},
        internal_asset_deps={"first": {AssetKey("source")}, "second": {AssetKey("first")}},
    )
    def chain(source: int) -> tuple[int, int]:
        return source + 1, source + 2

    assert chain.asset_deps == {
        AssetKey("first"): {AssetKey("source")},
        AssetKey("second"): {AssetKey("first")},
    }
    result = materialize_to_memory([source, chain])
    assert result.asset_value("first") == 11
    assert result.asset_value("second") == 12
    graph = Definitions(assets=[source, chain]).resolve_asset_graph()
    assert graph.parents(AssetKey("second")) == {AssetKey("first")}


def test_asset_out_attributes() -> None:
    @multi_asset(
        outs={
            "a": AssetOut(group_name="ga", metadata={"m": 1}, tags={"t": "1"}, kinds={"sql"}),
            "b": AssetOut(key=["deep", "b"], description="B!", owners=["bob@example.com"]),
        },
        group_name="fallback",
        compute_kind="python",
    )
    def ab() -> tuple[int, int]:
        return 1, 2

    specs = {s.key.to_user_string(): s for s in ab.specs}
    assert specs["a"].group_name == "ga"
    assert specs["a"].metadata == {"m": 1}
    assert specs["a"].tags == {"t": "1"}
    assert specs["a"].kinds == {"sql", "python"}
    assert specs["deep/b"].group_name == "fallback"
    assert specs["deep/b"].description == "B!"
    assert specs["deep/b"].owners == ("bob@example.com",)


def test_generator_yielding_plain_values_is_rejected() -> None:
    @multi_asset(outs={"a": AssetOut()})
    def bad() -> Iterator[int]:
        yield 1

    result = materialize_to_memory([bad], raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert "yielded int" in failure.message
