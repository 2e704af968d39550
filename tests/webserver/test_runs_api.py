"""Runs, schedules and sensors through the HTTP API."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from .conftest import SUCCESS, Served, run_to_end, submit


@pytest.mark.parametrize(("body", "fragment"), [
    ({}, "location"),
    ({"location": 3, "job": "orders_job"}, "location"),
    ({"location": "api", "job": "orders_job", "colour": "red"}, "colour"),
    ({"location": "api"}, "exactly one of 'job' and 'asset_selection'"),
    ({"location": "api", "job": "orders_job", "asset_selection": [["raw_orders"]]},
     "exactly one"),
    ({"location": "api", "asset_selection": [[]]}, "asset_selection[0]"),
    ({"location": "api", "asset_selection": "raw_orders"}, "asset_selection"),
    ({"location": "api", "job": "orders_job", "tags": {"a": 1}}, "tags"),
])
def test_bad_run_bodies_are_400_naming_the_field(client: TestClient, body: dict[str, object],
                                                fragment: str) -> None:
    response = client.post("/api/runs", json=body)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["error"]


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post("/api/runs", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]


def test_unknown_names_are_404_with_suggestions(client: TestClient) -> None:
    response = client.post("/api/runs", json={"location": "api", "job": "order_job"})
    assert response.status_code == 404 and "orders_job" in response.json()["error"]
    response = client.post("/api/runs", json={"location": "nowhere", "job": "x"})
    assert response.status_code == 404
    response = client.post("/api/runs", json={"location": "broken", "job": "x"})
    assert response.status_code == 409 and "settings.toml" in response.json()["error"]
    response = client.post("/api/runs", json={"location": "api", "asset_selection": [["paint"]],
                                               "partition": "purple"})
    assert response.status_code == 404 and "purple" in response.json()["error"]


def test_submitted_run_is_listed_queued_with_tags(client: TestClient) -> None:
    run_id = submit(client, job="orders_job", tags={"team": "<data>"},
                    run_config={"ops": {}})
    runs = client.get("/api/runs?status=QUEUED&location=api&job=orders_job").json()["runs"]
    mine = next(run for run in runs if run["run_id"] == run_id)
    assert mine["status"] == "QUEUED" and mine["tags"]["team"] == "<data>"
    assert mine["job_name"] == "orders_job" and mine["location"] == "api"
    detail = client.get(f"/api/runs/{run_id}").json()
    assert detail["run"]["run_config"] == {"ops": {}} and detail["steps"] == []
    assert all(run["status"] == "SUCCESS"
               for run in client.get("/api/runs?status=SUCCESS").json()["runs"])


def test_run_list_pages_with_a_cursor(client: TestClient) -> None:
    ids = [submit(client, job="orders_job") for _ in range(3)]
    first = client.get("/api/runs?limit=2").json()["runs"]
    assert [run["run_id"] for run in first] == ids[::-1][:2]
    rest = client.get(f"/api/runs?limit=2&cursor={first[-1]['run_id']}").json()["runs"]
    assert rest[0]["run_id"] == ids[0]


@pytest.mark.parametrize("query", ["status=DONE", "limit=0", "limit=x", "cursor=missing"])
def test_bad_run_queries_are_400(client: TestClient, query: str) -> None:
    response = client.get(f"/api/runs?{query}")
    assert response.status_code == 400 and query.split("=")[0] in response.json()["error"]


def test_run_detail_events_and_reexecution(client: TestClient, served: Served) -> None:
    run_id = submit(client, job="orders_job")
    assert run_to_end(served, run_id).status is SUCCESS
    detail = client.get(f"/api/runs/{run_id}").json()
    assert detail["run"]["status"] == "SUCCESS" and detail["run"]["end_time"] is not None
    steps = {step["step_key"]: step for step in detail["steps"]}
    assert set(steps) >= {"raw_orders", "order_total"}
    assert all(step["status"] == "SUCCESS" and step["attempts"] == 1 for step in steps.values())
    events = client.get(f"/api/runs/{run_id}/events").json()["events"]
    kinds = [event["event_type"] for event in events]
    assert kinds[0] == "RUN_START" and kinds[-1] == "RUN_SUCCESS"
    materialized = [e for e in events if e["event_type"] == "ASSET_MATERIALIZATION"]
    assert {tuple(e["asset_key"]) for e in materialized} >= {("raw_orders",), ("order_total",)}
    middle = events[len(events) // 2]["storage_id"]
    later = client.get(f"/api/runs/{run_id}/events?after={middle}").json()["events"]
    assert later and all(event["storage_id"] > middle for event in later)
    response = client.post(f"/api/runs/{run_id}/reexecute", json={"from_failure": True})
    assert response.status_code == 409 and "SUCCESS" in response.json()["error"]
    response = client.post(f"/api/runs/{run_id}/reexecute", json={"from_failure": False})
    assert response.status_code == 201
    child = client.get(f"/api/runs/{response.json()['run_id']}").json()["run"]
    assert child["parent_run_id"] == run_id and child["status"] == "QUEUED"


def test_cancel_a_queued_run(client: TestClient) -> None:
    run_id = submit(client, job="orders_job")
    response = client.post(f"/api/runs/{run_id}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "CANCELED"
    assert client.post("/api/runs/nope/cancel").status_code == 404
    assert client.get("/api/runs/nope").status_code == 404
    assert client.get("/api/runs/nope/events").status_code == 404


def test_schedule_and_sensor_switches(client: TestClient, served: Served) -> None:
    schedules = client.get("/api/schedules").json()["schedules"]
    assert [(s["name"], s["status"], s["next_tick"]) for s in schedules] == [
        ("orders_job_schedule", "STOPPED", None)]
    name = schedules[0]["name"]
    started = client.post(f"/api/schedules/api/{name}/start").json()
    assert started["status"] == "RUNNING" and started["next_tick"] > 0
    assert started["cron_schedule"] == "0 6 * * *"
    detail = client.get(f"/api/schedules/api/{name}").json()
    assert detail["schedule"]["status"] == "RUNNING" and detail["ticks"] == []
    assert client.post(f"/api/schedules/api/{name}/stop").json()["status"] == "STOPPED"
    sensor = client.get("/api/sensors").json()["sensors"][0]
    assert sensor["name"] == "orders_sensor" and sensor["minimum_interval_seconds"] == 60
    assert client.post("/api/sensors/api/orders_sensor/start").json()["status"] == "RUNNING"
    states = served.instance.storage.get_instigator_states("api")
    assert {(state.name, state.status.value) for state in states} == {
        ("orders_job_schedule", "STOPPED"), ("orders_sensor", "RUNNING")}
    response = client.post("/api/sensors/api/no_sensor/start")
    assert response.status_code == 404 and "orders_sensor" in response.json()["error"]
    assert client.get("/api/schedules/broken/x").status_code == 409
