"""Asset health through the API: checks (blocking or warn), staleness, in progress per step."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.webserver.asset_health import check_status, stale_reasons

from .conftest import SUCCESS, Served, run_to_end, submit


def _assets(client: TestClient) -> dict[str, dict[str, object]]:
    return {"/".join(item["key"]): item for item in client.get("/api/assets").json()["assets"]}


def test_checks_staleness_and_in_progress_per_step(client: TestClient, served: Served) -> None:
    run_id = submit(client, job="orders_job")
    assert run_to_end(served, run_id).status is SUCCESS
    assets = _assets(client)
    total = assets["order_total"]
    assert total["check_status"] == "passed"
    assert total["checks"] == [{
        "name": "total_is_positive", "blocking": False, "passed": True, "severity": "ERROR",
        "timestamp": total["checks"][0]["timestamp"], "run_id": run_id}]  # type: ignore[index]
    assert total["stale_reasons"] == [] and total["in_progress"] is False
    assert total["location_reload_failed"] is False
    assert assets["paint"]["checks"] == [] and assets["paint"]["check_status"] is None

    # raw_orders materialized again: order_total is now older than its upstream.
    again = submit(client, asset_selection=[["raw_orders"]])
    assert run_to_end(served, again).status is SUCCESS
    assets = _assets(client)
    assert assets["order_total"]["stale_reasons"] == ["upstream changed since: raw_orders"]
    assert assets["raw_orders"]["stale_reasons"] == []
    detail = client.get("/api/assets/order_total").json()
    assert detail["asset"]["stale_reasons"] == ["upstream changed since: raw_orders"]
    assert detail["checks"][0]["blocking"] is False
    assert detail["checks"][0]["severity"] == "ERROR"

    # A run in progress marks only the asset whose step has started, not the whole run.
    now = time.time()
    served.instance.storage.add_run(RunRecord(
        run_id="in-progress", job_name="orders_job", status=RunStatus.STARTED,
        location_name="api", created_at=now, start_time=now))
    served.instance.storage.store_event(RunEvent(
        run_id="in-progress", event_type=EventType.STEP_START, timestamp=now,
        step_key="raw_orders", job_name="orders_job"))
    assets = _assets(client)
    assert assets["raw_orders"]["in_progress"] is True
    assert assets["order_total"]["in_progress"] is False
    served.instance.storage.store_event(RunEvent(
        run_id="in-progress", event_type=EventType.STEP_SUCCESS, timestamp=now,
        step_key="raw_orders", job_name="orders_job"))
    assert _assets(client)["raw_orders"]["in_progress"] is False


def test_check_status_and_stale_reasons() -> None:
    passed = {"passed": True, "severity": "ERROR"}
    warned = {"passed": False, "severity": "WARN"}
    failed = {"passed": False, "severity": "ERROR"}
    assert check_status([]) is None
    assert check_status([{"passed": None, "severity": None}]) is None
    assert check_status([passed, warned]) == "warning"
    assert check_status([warned, failed]) == "failed"
    assert check_status([passed]) == "passed"
    latest = {("a",): (5, "v1"), ("up",): (9, None)}
    assert stale_reasons(("a",), [("up",)], "v2", latest) == [
        "upstream changed since: up", "code version changed: v1 → v2"]
    assert stale_reasons(("a",), [("up",)], "v1", {("a",): (10, "v1"), ("up",): (9, None)}) == []
    assert stale_reasons(("never",), [("up",)], "v1", latest) == []


def test_only_partitioned_assets_when_asked(client: TestClient) -> None:
    partitioned = client.get("/api/assets?partitioned=true").json()["assets"]
    assert [item["key"] for item in partitioned] == [["paint"]]
    assert len(client.get("/api/assets?partitioned=false").json()["assets"]) == 3
    response = client.get("/api/assets?partitioned=yes")
    assert response.status_code == 400 and "partitioned" in response.json()["error"]


def test_asset_page_data_has_downstream_assets_and_check_history(client: TestClient,
                                                                 served: Served) -> None:
    run_id = submit(client, job="orders_job")
    assert run_to_end(served, run_id).status is SUCCESS
    raw = client.get("/api/assets/raw_orders").json()["asset"]
    assert raw["downstream"] == [["order_total"]]
    detail = client.get("/api/assets/order_total").json()
    assert detail["asset"]["downstream"] == []
    [check] = detail["checks"]
    assert [entry["run_id"] for entry in check["history"]][0] == run_id
    assert check["history"][0]["passed"] is True
