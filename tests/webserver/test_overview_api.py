"""The home page's overview and global search through the API."""

from __future__ import annotations

from starlette.testclient import TestClient

from .conftest import SUCCESS, Served, run_to_end, submit


def test_overview_groups_runs_by_job_and_counts_what_needs_attention(
        client: TestClient, served: Served) -> None:
    run_id = submit(client, job="orders_job")
    assert run_to_end(served, run_id).status is SUCCESS
    queued = submit(client, asset_selection=[["raw_orders"]])
    body = client.get("/api/overview?hours=1").json()
    assert body["hours"] == 1 and body["now"] - body["since"] == 3600
    jobs = {job["job_name"]: job for job in body["jobs"]}
    assert run_id in [run["run_id"] for run in jobs["orders_job"]["runs"]]
    assert jobs["orders_job"]["location"] == "api"
    assert any(run["run_id"] == queued for job in body["jobs"] for run in job["runs"])
    assert body["counts"]["queued"] >= 1 and body["counts"]["failing_checks"] == 0
    response = client.get("/api/overview?hours=5")
    assert response.status_code == 400 and "1, 6, 24" in response.json()["error"]


def test_search_finds_every_kind_by_name_best_first(client: TestClient) -> None:
    results = client.get("/api/search?q=orders").json()["results"]
    found = {(item["kind"], item["name"]) for item in results}
    assert {("asset", "raw_orders"), ("job", "orders_job"), ("sensor", "orders_sensor"),
            ("schedule", "orders_job_schedule")} <= found
    assert results[0]["name"] == "orders_job"  # a prefix match comes before "raw_orders"
    asset = next(item for item in results if item["name"] == "raw_orders")
    assert asset["href"] == "/assets/raw_orders?location=api"
    assert client.get("/api/search?q=api").json()["results"][0] == {
        "kind": "location", "name": "api", "location": "api", "href": "/locations"}
    assert client.get("/api/search?q=").json() == {"results": []}
