"""Locations, assets and jobs through the HTTP API, against real code servers."""

from __future__ import annotations

from starlette.testclient import TestClient

from polling import wait_for

from .api_location import MARKUP
from .conftest import SUCCESS, Served, run_to_end, submit


def test_health(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["read_only"] is False
    assert body["daemon"] == {"alive": False, "last_heartbeat": None}
    assert isinstance(body["version"], str)


def test_locations_show_status_counts_and_load_errors(client: TestClient) -> None:
    items = {item["name"]: item for item in client.get("/api/locations").json()["locations"]}
    api, broken = items["api"], items["broken"]
    assert api["status"] == "loaded" and api["error"] is None
    assert api["counts"] == {"assets": 3, "jobs": 1, "schedules": 1, "sensors": 1}
    assert api["source"].startswith("python_file") and "api_location.py" in api["source"]
    assert api["server"]["pid"] > 0 and api["server"]["python_version"]
    assert broken["status"] == "error"
    assert "settings.toml has no [orders] section" in broken["error"]["message"]
    assert any("read_settings" in line for line in broken["error"]["stack"])
    assert broken["counts"]["assets"] == 0


def test_asset_list_has_graph_fields(client: TestClient) -> None:
    assets = {tuple(item["key"]): item for item in client.get("/api/assets").json()["assets"]}
    assert set(assets) == {("raw_orders",), ("order_total",), ("paint",)}
    total = assets[("order_total",)]
    assert total["deps"] == [["raw_orders"]]
    assert total["group"] == "analytics" and total["location"] == "api"
    assert total["check_names"] == ["total_is_positive"]
    assert assets[("paint",)]["partitioned"] is True
    assert assets[("raw_orders",)]["kinds"] == ["csv"]
    # Markup is data: the API returns it verbatim as a JSON string (the UI escapes it).
    assert assets[("raw_orders",)]["description"] == MARKUP


def test_asset_detail(client: TestClient) -> None:
    body = client.get("/api/assets/raw_orders").json()
    asset = body["asset"]
    assert asset["metadata"]["owner_team"] == {"type": "text", "value": "data"}
    assert asset["job_names"] == ["orders_job"]
    assert client.get("/api/assets/paint").json()["asset"]["partitions"] == {
        "kind": "static", "keys": ["red", "green", "blue"]}
    checks = client.get("/api/assets/order_total?location=api").json()["checks"]
    assert checks[0]["name"] == "total_is_positive"


def test_unknown_asset_and_location_are_json_404(client: TestClient) -> None:
    response = client.get("/api/assets/no/such/asset")
    assert response.status_code == 404
    assert response.json() == {"error": "No asset with key 'no/such/asset'."}
    response = client.get("/api/assets/raw_orders?location=nowhere")
    assert response.status_code == 404 and "nowhere" in response.json()["error"]


def test_jobs_hide_implicit_asset_jobs(client: TestClient) -> None:
    jobs = client.get("/api/jobs").json()["jobs"]
    assert [job["name"] for job in jobs] == ["orders_job"]
    job = jobs[0]
    assert job["is_asset_job"] is True and job["location"] == "api"
    assert sorted(job["asset_selection"]) == [["order_total"], ["raw_orders"]]
    assert isinstance(job["run_config_schema"], dict)


def test_materialization_shows_in_asset_list_and_detail(client: TestClient,
                                                        served: Served) -> None:
    run_id = submit(client, asset_selection=[["raw_orders"], ["order_total"]])
    assert run_to_end(served, run_id).status is SUCCESS

    def listed() -> dict[str, object] | None:
        assets = {tuple(a["key"]): a for a in client.get("/api/assets").json()["assets"]}
        total = assets[("order_total",)]
        latest = total["latest_materialization"]
        return total if latest is not None and latest["run_id"] == run_id else None

    total = wait_for(listed, "the materialization to be listed", 10)
    assert total["latest_run_status"] == "SUCCESS"
    detail = client.get("/api/assets/order_total").json()
    assert detail["materializations"][0]["run_id"] == run_id
    assert detail["materializations"][0]["metadata"]["rows"] == {"type": "int", "value": 3}
    assert detail["checks"][0]["passed"] is True and detail["checks"][0]["run_id"] == run_id


def test_reload_one_location_answers_the_new_load(client: TestClient) -> None:
    before = client.get("/api/locations").json()["locations"][0]
    response = client.post("/api/locations/api/reload")
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["status"] == "loaded" and after["server_id"] != before["server_id"]
    assert client.post("/api/locations/nowhere/reload").status_code == 404


def test_unknown_path_and_method_are_json(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and "error" in response.json()
    response = client.delete("/api/runs")
    assert response.status_code == 405 and "DELETE" in response.json()["error"]
