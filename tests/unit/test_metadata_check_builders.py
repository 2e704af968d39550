"""build_metadata_bounds_checks and build_column_schema_change_checks: checks over the metadata
of the latest materializations, run with materialize() against a test instance."""

from __future__ import annotations

import pytest

import headwater as dg

ROWS: dict[str, object] = {"rows": 10}
COLUMNS: list[dg.TableColumn] = [dg.TableColumn("id", "int")]


@dg.asset
def table() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={
        **ROWS, "dagster/column_schema": dg.TableSchema(columns=list(COLUMNS))})


def _run_checks(instance: dg.DagsterInstance, checks: list[object]) -> dict[str, bool]:
    result = dg.materialize([table, *checks], instance=instance)  # type: ignore[list-item]
    return {evaluation.check_name: evaluation.passed
            for evaluation in result.get_asset_check_evaluations()}


def test_bounds_checks_pass_within_and_fail_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    inclusive = dg.build_metadata_bounds_checks(assets=[table], metadata_key="rows",
                                                min_value=5, max_value=10)
    exclusive = dg.build_metadata_bounds_checks(assets=["table"], metadata_key="rows",
                                                max_value=10, exclusive_max=True)
    assert [[key.name for key in check.check_keys] for check in inclusive] == [  # type: ignore[attr-defined]
        ["rows_bounds_check"]]
    with dg.instance_for_test() as instance:
        assert _run_checks(instance, inclusive) == {"rows_bounds_check": True}
        assert _run_checks(instance, exclusive) == {"rows_bounds_check": False}
        monkeypatch.setitem(ROWS, "rows", "ten")
        assert _run_checks(instance, inclusive) == {"rows_bounds_check": False}
        monkeypatch.delitem(ROWS, "rows")
        evaluations = dg.materialize([table, *inclusive], instance=instance
                                     ).get_asset_check_evaluations()
        assert not evaluations[0].passed
        assert "no metadata `rows`" in (evaluations[0].description or "")
        assert evaluations[0].severity == dg.AssetCheckSeverity.WARN


def test_bounds_checks_refuse_impossible_bounds() -> None:
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="min_value, max_value"):
        dg.build_metadata_bounds_checks(assets=[table], metadata_key="rows")
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="greater than max_value"):
        dg.build_metadata_bounds_checks(assets=[table], metadata_key="rows", min_value=3,
                                        max_value=1)


def test_schema_change_check_compares_the_two_latest_materializations() -> None:
    checks = dg.build_column_schema_change_checks(assets=[table],
                                                  severity=dg.AssetCheckSeverity.ERROR)
    with dg.instance_for_test() as instance:
        assert _run_checks(instance, checks) == {"column_schema_change": True}  # only one
        assert _run_checks(instance, checks) == {"column_schema_change": True}  # unchanged
        original = list(COLUMNS)
        COLUMNS[:] = [dg.TableColumn("id", "string"), dg.TableColumn("name", "string")]
        try:
            result = dg.materialize([table, *checks], instance=instance)
        finally:
            COLUMNS[:] = original
        evaluation = result.get_asset_check_evaluations()[0]
        assert not evaluation.passed and evaluation.severity == "ERROR"
        assert "Added columns: name" in (evaluation.description or "")
        assert "id: int -> string" in (evaluation.description or "")
