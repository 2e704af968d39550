"""Asset checks: @asset_check, check_specs on assets, blocking checks and multi_asset_check."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from headwater import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    Definitions,
    MaterializeResult,
    asset,
    asset_check,
    define_asset_job,
    materialize_to_memory,
    multi_asset_check,
)
from headwater.errors import InvalidDefinitionError, StepFailure, UnknownDependencyError


@asset
def orders() -> list[int]:
    return [1, 2, 3]


@asset
def customers() -> list[str]:
    return ["ann"]


def test_asset_check_loading_the_asset_value() -> None:
    seen: list[list[int]] = []

    @asset_check(asset=orders, description="No negative ids")
    def no_negatives(orders: list[int]) -> AssetCheckResult:
        seen.append(orders)
        return AssetCheckResult(passed=all(o >= 0 for o in orders), metadata={"n": len(orders)})

    assert no_negatives.check_keys == {AssetCheckKey(AssetKey("orders"), "no_negatives")}
    result = materialize_to_memory([orders, no_negatives])
    assert result.success
    assert seen == [[1, 2, 3]]
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.asset_key == AssetKey("orders")
    assert evaluation.check_name == "no_negatives"
    assert evaluation.passed is True
    assert evaluation.metadata["n"].value == 3


def test_asset_check_without_loading_the_value() -> None:
    @asset_check(asset="orders")
    def row_count_ok(context: AssetCheckExecutionContext) -> AssetCheckResult:
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN,
                                description="too few rows")

    result = materialize_to_memory([orders, row_count_ok])
    # A failing check does not fail the run.
    assert result.success
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.passed is False
    assert evaluation.severity == "WARN"
    assert evaluation.description == "too few rows"
    loaded = [e for e in result.all_events if e.event_type.value == "LOADED_INPUT"]
    assert [e.step_key for e in loaded] == []


def test_check_specs_on_asset_with_materialize_result() -> None:
    @asset(check_specs=[AssetCheckSpec("positive", asset="scores"),
                        AssetCheckSpec("non_empty", asset="scores")])
    def scores() -> MaterializeResult:
        return MaterializeResult(
            metadata={"rows": 2},
            check_results=[
                AssetCheckResult(check_name="positive", passed=True),
                AssetCheckResult(check_name="non_empty", passed=False),
            ],
        )

    assert scores.check_keys == {
        AssetCheckKey(AssetKey("scores"), "positive"),
        AssetCheckKey(AssetKey("scores"), "non_empty"),
    }
    result = materialize_to_memory([scores])
    assert result.success
    outcomes = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert outcomes == {"positive": True, "non_empty": False}
    [mat] = result.asset_materializations_for_node("scores")
    assert mat.metadata["rows"].value == 2


def test_missing_check_result_for_declared_spec_fails_the_step() -> None:
    @asset(check_specs=[AssetCheckSpec("declared", asset="quiet")])
    def quiet() -> None:
        return None

    result = materialize_to_memory([quiet], raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert "quiet:declared" in failure.message


def test_check_specs_for_another_asset_are_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="Use @asset_check"):

        @asset(check_specs=[AssetCheckSpec("c", asset="elsewhere")])
        def mine() -> None: ...


def test_blocking_check_failure_stops_downstream() -> None:
    @asset_check(asset=orders, blocking=True)
    def must_pass(orders: list[int]) -> AssetCheckResult:
        return AssetCheckResult(passed=False)

    @asset
    def order_summary(orders: list[int]) -> int:
        return len(orders)

    @asset
    def unrelated(customers: list[str]) -> int:
        return len(customers)

    result = materialize_to_memory(
        [orders, customers, must_pass, order_summary, unrelated], raise_on_error=False
    )
    assert not result.success
    assert result.get_failed_step_keys() == ["orders_must_pass"]
    assert result.get_skipped_step_keys() == ["order_summary"]
    assert result.asset_value("unrelated") == 1
    with pytest.raises(StepFailure, match="Blocking check"):
        materialize_to_memory([orders, must_pass, order_summary])


def test_blocking_check_in_asset_check_specs_stops_downstream() -> None:
    @asset(check_specs=[AssetCheckSpec("valid", asset="gated", blocking=True)])
    def gated() -> Iterator[object]:
        yield MaterializeResult()
        yield AssetCheckResult(passed=False)

    @asset(deps=[gated])
    def consumer() -> None:
        pass

    result = materialize_to_memory([gated, consumer], raise_on_error=False)
    assert result.get_skipped_step_keys() == ["consumer"]
    # The asset was still materialized before its blocking check failed.
    assert [m.asset_key for m in result.asset_materializations] == [AssetKey("gated")]


def test_warn_severity_blocking_check_does_not_block() -> None:
    @asset_check(asset=orders, blocking=True)
    def soft(orders: list[int]) -> AssetCheckResult:
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN)

    @asset
    def next_step(orders: list[int]) -> int:
        return 1

    result = materialize_to_memory([orders, soft, next_step])
    assert result.success
    assert result.asset_value("next_step") == 1


def test_multi_asset_check() -> None:
    @multi_asset_check(
        specs=[
            AssetCheckSpec("orders_present", asset="orders"),
            AssetCheckSpec("customers_present", asset="customers"),
        ]
    )
    def presence(orders: list[int], customers: list[str]) -> Iterator[AssetCheckResult]:
        yield AssetCheckResult(asset_key="orders", check_name="orders_present",
                               passed=bool(orders))
        yield AssetCheckResult(asset_key="customers", check_name="customers_present",
                               passed=not customers)

    result = materialize_to_memory([orders, customers, presence])
    outcomes = {(e.asset_key.to_user_string(), e.check_name): e.passed
                for e in result.get_asset_check_evaluations()}
    assert outcomes == {("orders", "orders_present"): True,
                        ("customers", "customers_present"): False}


def test_ambiguous_check_result_in_multi_check_is_an_error() -> None:
    @multi_asset_check(
        specs=[AssetCheckSpec("a", asset="orders"), AssetCheckSpec("b", asset="orders")]
    )
    def two_checks() -> Iterator[AssetCheckResult]:
        yield AssetCheckResult(passed=True)

    result = materialize_to_memory([orders, two_checks], raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert "pass asset_key= and check_name=" in failure.message


def test_check_of_unknown_asset_is_a_definition_error() -> None:
    @asset_check(asset="ghost")
    def haunted() -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    with pytest.raises(UnknownDependencyError, match="'ghost'"):
        Definitions(assets=[orders], asset_checks=[haunted]).get_repository_def()


def test_check_parameter_that_matches_no_asset_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="matches no checked asset"):

        @multi_asset_check(
            specs=[AssetCheckSpec("a", asset="orders"), AssetCheckSpec("b", asset="customers")]
        )
        def bad(other: int) -> None: ...


def test_checks_follow_their_asset_into_asset_jobs() -> None:
    @asset_check(asset=orders)
    def orders_ok(orders: list[int]) -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    defs = Definitions(
        assets=[orders, customers],
        asset_checks=[orders_ok],
        jobs=[
            define_asset_job("orders_job", selection="orders"),
            define_asset_job("customers_job", selection="customers"),
        ],
    )
    with_check = defs.get_job_def("orders_job").execute_in_process()
    assert [e.check_name for e in with_check.get_asset_check_evaluations()] == ["orders_ok"]
    without = defs.get_job_def("customers_job").execute_in_process()
    assert without.get_asset_check_evaluations() == []


def test_check_runs_alone_against_a_stored_value() -> None:
    from headwater import InMemoryIOManager

    @asset_check(asset=orders)
    def orders_len(orders: list[int]) -> AssetCheckResult:
        return AssetCheckResult(passed=len(orders) == 3)

    manager = InMemoryIOManager()
    defs = Definitions(assets=[orders], asset_checks=[orders_len],
                       resources={"io_manager": manager},
                       jobs=[define_asset_job("all", selection="*"),
                             define_asset_job("check_only",
                                              selection=_checks_only())])
    defs.get_job_def("all").execute_in_process()
    result = defs.get_job_def("check_only").execute_in_process()
    assert result.asset_materializations == []
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.passed is True


def _checks_only() -> object:
    from headwater import AssetSelection

    return AssetSelection.checks_for_assets("orders")
