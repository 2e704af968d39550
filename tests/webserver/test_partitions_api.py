"""The partitions view over HTTP: every partition's status, kept by the storage."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from headwater.definitions.partitions import (
    DailyPartitionsDefinition,
    MultiPartitionsDefinition,
    StaticPartitionsDefinition,
)
from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.snapshot.location import PartitionsSnap
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance
from headwater.webserver.partition_grid import asset_partitions_item

from .conftest import Served, run_to_end, submit


def test_statuses_follow_runs_of_partitions(client: TestClient, served: Served) -> None:
    before = client.get("/api/asset-partitions/paint").json()
    assert before["keys"] == ["red", "green", "blue"] and before["kind"] == "static"
    run_id = submit(client, asset_selection=[["paint"]], partition="green")
    assert run_to_end(served, run_id).status.value == "SUCCESS"
    body = client.get("/api/asset-partitions/paint?location=api").json()
    assert body["statuses"][1] == "M"
    assert body["counts"]["materialized"] == body["statuses"].count("M") >= 1
    assert body["asset_key"] == ["paint"] and body["location"] == "api"


def test_unpartitioned_and_unknown_assets_are_refused(client: TestClient) -> None:
    response = client.get("/api/asset-partitions/raw_orders")
    assert response.status_code == 409 and "not partitioned" in response.json()["error"]
    response = client.get("/api/asset-partitions/nope")
    assert response.status_code == 404 and "nope" in response.json()["error"]


def test_a_multi_partitioned_asset_is_a_two_dimensional_grid(tmp_path: Path) -> None:
    definition = MultiPartitionsDefinition({
        "region": StaticPartitionsDefinition(["eu", "us"]),
        "date": DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024-01-04")})
    snap = PartitionsSnap(kind="multi", data=definition.to_dict())
    instance = Instance(tmp_path)
    try:
        instance.storage.add_run(RunRecord(run_id="r1", job_name="j",
                                           asset_selection=[["sales"]],
                                           partition_key="2024-01-02|us"))
        instance.storage.store_events([
            RunEvent("r0", EventType.ASSET_MATERIALIZATION, 1.0,
                     data=AssetEventData(asset_key=["sales"], partition="2024-01-01|eu")),
            RunEvent("r1", EventType.RUN_START, 2.0)])
        item = asset_partitions_item(instance, ["sales"], "loc", snap)
    finally:
        instance.dispose()
    names = [dimension["name"] for dimension in item["dimensions"]]
    rows, columns = (dimension["keys"] for dimension in item["dimensions"])
    assert item["keys"] is None and len(item["statuses"]) == len(rows) * len(columns) == 6
    expected = {"2024-01-01|eu": "M", "2024-01-02|us": "P"}
    for index, letter in enumerate(item["statuses"]):
        row, column = rows[index // len(columns)], columns[index % len(columns)]
        by_name = dict(zip(names, (row, column), strict=True))
        key = f"{by_name['date']}|{by_name['region']}"
        assert letter == expected.get(key, "-"), key
    assert item["counts"] == {"materialized": 1, "failed": 0, "in_progress": 1, "missing": 4}
