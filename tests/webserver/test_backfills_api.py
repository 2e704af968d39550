"""Backfills through the HTTP API: create, list, per-partition runs, cancel."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from headwater.workspace.backfills import advance_backfill

from .conftest import Served


@pytest.mark.parametrize(("body", "status", "fragment"), [
    ({"location": "api", "asset_selection": [["paint"]]}, 400, "partitions"),
    ({"location": "api", "asset_selection": [["paint"]], "partitions": []}, 400, "empty"),
    ({"location": "api", "asset_selection": [["paint"]], "partitions": ["red"],
      "partition_range": {"start": "red", "end": "blue"}}, 400, "exactly one"),
    ({"location": "api", "asset_selection": [["paint"]], "partition_range": {"start": "red"}},
     400, "end"),
    ({"location": "api", "asset_selection": [["paint"]], "partitions": ["purple"]}, 404,
     "purple"),
    ({"location": "api", "asset_selection": [["raw_orders"]], "partitions": ["red"]}, 400,
     "raw_orders"),
])
def test_bad_backfills_are_refused(client: TestClient, body: dict[str, object], status: int,
                                   fragment: str) -> None:
    response = client.post("/api/backfills", json=body)
    assert response.status_code == status, response.text
    assert fragment in response.json()["error"]


def test_backfill_lifecycle(client: TestClient, served: Served) -> None:
    response = client.post("/api/backfills", json={
        "location": "api", "asset_selection": [["paint"]],
        "partition_range": {"start": "red", "end": "green"}})
    assert response.status_code == 201, response.text
    backfill_id = response.json()["backfill_id"]
    listed = client.get("/api/backfills").json()["backfills"]
    assert [b["partition_keys"] for b in listed if b["backfill_id"] == backfill_id] == [
        ["red", "green"]]
    detail = client.get(f"/api/backfills/{backfill_id}").json()
    assert detail["backfill"]["status"] == "REQUESTED"
    assert detail["partitions"] == [{"partition": "red", "run_id": None, "status": None},
                                    {"partition": "green", "run_id": None, "status": None}]
    # What the daemon's backfill loop does: submit one queued run per partition.
    record = served.instance.storage.get_backfill(backfill_id)
    assert record is not None
    advance_backfill(served.workspace, served.instance, record)
    partitions = client.get(f"/api/backfills/{backfill_id}").json()["partitions"]
    assert [p["status"] for p in partitions] == ["QUEUED", "QUEUED"]
    run = client.get(f"/api/runs/{partitions[0]['run_id']}").json()["run"]
    assert run["partition"] == "red" and run["tags"]["headwater/backfill"] == backfill_id
    canceled = client.post(f"/api/backfills/{backfill_id}/cancel").json()
    assert canceled["status"] == "CANCELED"
    partitions = client.get(f"/api/backfills/{backfill_id}").json()["partitions"]
    assert [p["status"] for p in partitions] == ["CANCELED", "CANCELED"]
    assert client.get("/api/backfills?status=CANCELED").json()["backfills"][0][
        "backfill_id"] == backfill_id
    assert client.get("/api/backfills/nope").status_code == 404
    assert client.post("/api/backfills/nope/cancel").status_code == 404
    assert client.get("/api/backfills?status=DONE").status_code == 400
