"""Schedules and sensors by hand through the API: preview, cursor, bulk on/off."""

from __future__ import annotations

from starlette.testclient import TestClient

from headwater.snapshot.runs import InstigatorType

from .conftest import Served


def test_preview_evaluates_without_launching_or_storing(client: TestClient,
                                                        served: Served) -> None:
    runs_before = len(client.get("/api/runs").json()["runs"])
    schedule = client.post("/api/schedules/api/orders_job_schedule/preview",
                           json={"timestamp": 1_700_000_000.0})
    assert schedule.status_code == 200, schedule.text
    [request] = schedule.json()["run_requests"]
    assert request["job_name"] == "orders_job" and schedule.json()["error"] is None
    sensor = client.post("/api/sensors/api/orders_sensor/preview").json()
    assert sensor["run_requests"] == [] and sensor["error"] is None
    assert len(client.get("/api/runs").json()["runs"]) == runs_before
    assert served.instance.storage.get_ticks("api", "orders_sensor",
                                             InstigatorType.SENSOR) == []
    missing = client.post("/api/sensors/api/nope/preview")
    assert missing.status_code == 404 and "orders_sensor" in missing.json()["error"]


def test_cursor_is_set_shown_and_reset_keeping_the_status(client: TestClient) -> None:
    client.post("/api/sensors/api/orders_sensor/start")
    item = client.post("/api/sensors/api/orders_sensor/cursor", json={"cursor": "42"}).json()
    assert (item["cursor"], item["status"]) == ("42", "RUNNING")
    assert client.get("/api/sensors/api/orders_sensor").json()["sensor"]["cursor"] == "42"
    reset = client.post("/api/sensors/api/orders_sensor/cursor", json={"cursor": None}).json()
    assert (reset["cursor"], reset["status"]) == (None, "RUNNING")
    assert client.post("/api/sensors/api/orders_sensor/cursor", json={}).status_code == 400


def test_bulk_on_and_off(client: TestClient) -> None:
    items = [{"kind": "schedule", "location": "api", "name": "orders_job_schedule"},
             {"kind": "sensor", "location": "api", "name": "orders_sensor"},
             {"kind": "sensor", "location": "api", "name": "ghost"}]
    started = client.post("/api/instigators/bulk", json={"action": "start", "items": items})
    results = started.json()["results"]
    assert [(r["ok"], r.get("status")) for r in results] == [
        (True, "RUNNING"), (True, "RUNNING"), (False, None)]
    assert "ghost" in results[2]["error"]
    stopped = client.post("/api/instigators/bulk", json={"action": "stop", "items": items[:2]})
    assert {r["status"] for r in stopped.json()["results"]} == {"STOPPED"}
    assert client.post("/api/instigators/bulk", json={"action": "pause", "items": items}
                       ).status_code == 400
