"""Stored automation evaluation trees, of assets and of asset checks, on SQLite and PostgreSQL."""

from __future__ import annotations

from headwater.storage.sql_automation import AutomationEvaluationRecord
from headwater.storage.sql_storage import SqlStorage


def _record(evaluation_id: int, check_name: str | None = None) -> AutomationEvaluationRecord:
    return AutomationEvaluationRecord(
        asset_key=["orders"], evaluation_id=evaluation_id, sensor_name="default",
        location_name="loc", timestamp=float(evaluation_id), num_requested=evaluation_id % 2,
        tree={"id": "0", "result": bool(evaluation_id % 2)}, check_name=check_name)


def test_asset_and_check_trees_are_kept_apart(storage: SqlStorage) -> None:
    storage.add_automation_evaluations([_record(1), _record(1, "fresh"), _record(1, "rows")])
    storage.add_automation_evaluations([_record(2), _record(2, "fresh")])
    assert [r.evaluation_id for r in storage.get_automation_evaluations(["orders"])] == [2, 1]
    assert all(r.check_name is None for r in storage.get_automation_evaluations(["orders"]))
    fresh = storage.get_automation_evaluations(["orders"], check_name="fresh")
    assert [(r.evaluation_id, r.check_name) for r in fresh] == [(2, "fresh"), (1, "fresh")]
    latest = storage.get_latest_check_automation_evaluations(["orders"])
    assert {name: r.evaluation_id for name, r in latest.items()} == {"fresh": 2, "rows": 1}
    assert latest["fresh"].tree == {"id": "0", "result": False}
    assert storage.get_latest_check_automation_evaluations(["other"]) == {}
