"""A run whose run config or partition cannot apply to its job is a 400 at submission, not a
FAILURE run later."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from headwater.snapshot.runs import RunsFilter

from .conftest import Served


@pytest.mark.parametrize(("run_config", "named"), [
    ({"ops": {"no_such_op": {"config": {"x": 1}}}}, "'no_such_op'"),
    ({"opz": {}}, "'opz'"),
    ({"resources": {"warehouse": {"config": {}}}}, "'warehouse'"),
    ({"ops": ["raw_orders"]}, "'ops' must be a mapping"),
])
def test_a_run_config_the_job_cannot_take_is_a_400(
    client: TestClient, served: Served, run_config: dict[str, Any], named: str
) -> None:
    before = served.instance.storage.count_runs(RunsFilter())
    response = client.post("/api/runs", json={"location": "api", "job": "orders_job",
                                              "run_config": run_config})
    assert response.status_code == 400, response.text
    message = response.json()["error"]
    assert "orders_job" in message and named in message, message
    assert served.instance.storage.count_runs(RunsFilter()) == before  # nothing queued


def test_a_partition_the_job_does_not_have_is_refused(client: TestClient) -> None:
    unpartitioned = client.post("/api/runs", json={"location": "api", "job": "orders_job",
                                                   "partition": "red"})
    assert unpartitioned.status_code == 400
    assert "not partitioned" in unpartitioned.json()["error"]
    unknown = client.post("/api/runs", json={"location": "api", "asset_selection": [["paint"]],
                                             "partition": "purple"})
    assert unknown.status_code in (400, 404)
    assert "purple" in unknown.json()["error"]


def test_a_config_the_job_takes_is_accepted(client: TestClient) -> None:
    response = client.post("/api/runs", json={"location": "api", "job": "orders_job",
                                              "run_config": {"ops": {}, "execution": {}}})
    assert response.status_code == 201, response.text
