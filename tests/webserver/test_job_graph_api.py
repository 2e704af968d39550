"""``GET /api/jobs/{location}/{name}`` on a real code server: the op graph of a job with
nested graphs and a dynamic output, and an asset job's assets and graph-backed ops."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.webserver.app import create_app

from .conftest import HERE, serving

CODE = HERE / "browser" / "job_graph_code"
ORIGIN = PythonFileOrigin("graphs", str(CODE / "definitions.py"), working_directory=str(CODE))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with serving(tmp_path_factory.mktemp("job-graph-instance"), [ORIGIN]) as served:
        with TestClient(create_app(*served)) as test_client:
            yield test_client


def _ops(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["name"]: op for op in body["ops"]}


def test_an_op_job_lists_its_ops_nested_graphs_and_dynamic_outputs(client: TestClient) -> None:
    response = client.get("/api/jobs/graphs/nested_job")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["job"]["name"] == "nested_job"
    assert body["job"]["is_asset_job"] is False
    assert body["assets"] == []
    ops = _ops(body)
    assert set(ops) == {"load", "clean.strip", "clean.deep.normalize", "publish", "fan",
                        "shout", "join"}
    assert ops["clean.deep.normalize"]["graph"] == ["clean", "deep"]
    assert ops["clean.deep.normalize"]["op_name"] == "normalize"
    assert ops["clean.deep.normalize"]["inputs"][0]["upstream"] == [["clean.strip", "result"]]
    assert ops["publish"]["inputs"][0]["upstream"] == [["clean.deep.normalize", "result"]]
    assert [o["is_dynamic"] for o in ops["fan"]["outputs"]] == [True]
    assert ops["join"]["inputs"][0]["is_fan_in"] is True
    assert ops["load"]["description"] == "Read the rows."
    schema = ops["publish"]["config_schema"]
    assert set(schema["properties"]) == {"target", "retries"}
    assert schema["required"] == ["target"]
    assert ops["load"]["config_schema"] is None


def test_an_asset_job_lists_its_assets_and_graph_backed_ops(client: TestClient) -> None:
    body = client.get("/api/jobs/graphs/assets_job").json()
    assert body["job"]["is_asset_job"] is True
    assets = {tuple(asset["key"]): asset for asset in body["assets"]}
    assert set(assets) == {("raw",), ("prepared",), ("report",)}
    assert assets[("report",)]["deps"] == [["prepared"]]
    assert assets[("report",)]["description"] == "The sum of the prepared numbers."
    ops = _ops(body)
    assert ops["prepared.add_one"]["graph"] == ["prepared"]
    assert ops["prepared.add_one"]["outputs"][0]["asset_key"] == ["prepared"]


def test_unknown_jobs_and_locations_are_404s_that_say_what_exists(client: TestClient) -> None:
    response = client.get("/api/jobs/graphs/nope")
    assert response.status_code == 404
    message = response.json()["error"]
    assert "no job named 'nope'" in message and "nested_job" in message
    assert "__ASSET_JOB" not in message
    assert client.get("/api/jobs/elsewhere/nested_job").status_code == 404
