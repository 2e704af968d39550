"""Observable source assets through the HTTP API on a real code server and run worker:
observation runs (asset selection and a define_asset_job), their ASSET_OBSERVATION events and
data versions, the data versions a materialization records of its parents, and staleness when
the source's data version changes (and not when it is observed again unchanged)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.workspace import Workspace

from .conftest import HERE, run_through_api, serving

ORIGIN = PythonFileOrigin("observed", str(HERE / "observable_location.py"),
                          working_directory=str(HERE))


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("feed") / "orders.txt"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, feed: Path
           ) -> Iterator[tuple[Workspace, Instance]]:
    feed.write_text("v1\n")
    with serving(tmp_path_factory.mktemp("observable-instance"), [ORIGIN],
                 env={"OBSERVED_FILE": str(feed)}) as pair:
        yield pair


@pytest.fixture(scope="module")
def client(served: tuple[Workspace, Instance]) -> Iterator[TestClient]:
    with TestClient(create_app(*served)) as test_client:
        yield test_client


def _run(client: TestClient, served: tuple[Workspace, Instance], **body: Any
         ) -> list[dict[str, Any]]:
    """Submit and launch a run through the code server; its events once it succeeded."""
    status, _, events = run_through_api(client, *served, "observed", **body)
    assert status == "SUCCESS", events
    return events


def _observe(client: TestClient, served: tuple[Workspace, Instance]) -> dict[str, Any]:
    events = _run(client, served, asset_selection=[["orders_feed"]])
    assert not [e for e in events if e["event_type"] == "ASSET_MATERIALIZATION"]
    [observation] = [e for e in events if e["event_type"] == "ASSET_OBSERVATION"]
    return observation


def _asset(client: TestClient, key: str) -> dict[str, Any]:
    response = client.get(f"/api/assets/{key}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _listed(client: TestClient, key: str) -> dict[str, Any]:
    return next(item for item in client.get("/api/assets").json()["assets"]
                if item["key"] == [key])


def test_the_source_is_observable_and_executable(client: TestClient) -> None:
    detail = _asset(client, "orders_feed")["asset"]
    assert detail["is_observable"] is True and detail["is_executable"] is True
    assert detail["data_version"] is None and detail["latest_observation"] is None
    assert _asset(client, "order_count")["asset"]["is_observable"] is False


def test_observing_then_materializing_then_a_changed_version_makes_the_child_stale(
    client: TestClient, served: tuple[Workspace, Instance], feed: Path
) -> None:
    observation = _observe(client, served)
    assert observation["asset_key"] == ["orders_feed"]
    assert observation["data_version"] == "v1"
    assert observation["tags"]["dagster/data_version"] == "v1"
    source = _asset(client, "orders_feed")
    assert source["asset"]["data_version"] == "v1"
    assert [o["data_version"] for o in source["observations"]] == ["v1"]
    assert source["materializations"] == []

    events = _run(client, served, asset_selection=[["order_count"]])
    [materialization] = [e for e in events if e["event_type"] == "ASSET_MATERIALIZATION"]
    assert materialization["tags"]["dagster/input_data_version/orders_feed"] == "v1"
    [loaded] = [e for e in events if e["event_type"] == "LOADED_INPUT"]
    assert loaded["message"] == "Loaded input 'orders_feed' using IO manager 'feed_loader'."
    assert _asset(client, "order_count")["asset"]["stale_reasons"] == []

    # Observed again with the same data version: the child is still up to date.
    assert _observe(client, served)["data_version"] == "v1"
    assert _asset(client, "order_count")["asset"]["stale_reasons"] == []
    assert _listed(client, "order_count")["stale_reasons"] == []

    # The source changed: an observation through a define_asset_job sees v2, the child is stale.
    feed.write_text("v2\nmore\n")
    events = _run(client, served, job="observe_feeds")
    [observation] = [e for e in events if e["event_type"] == "ASSET_OBSERVATION"]
    assert observation["data_version"] == "v2"
    reason = ["upstream data version changed: orders_feed (v1 → v2)"]
    assert _asset(client, "order_count")["asset"]["stale_reasons"] == reason
    assert _listed(client, "order_count")["stale_reasons"] == reason
    assert _listed(client, "orders_feed")["data_version"] == "v2"

    # Materializing the child again records v2: up to date again.
    _run(client, served, asset_selection=[["order_count"]])
    assert _asset(client, "order_count")["asset"]["stale_reasons"] == []


@pytest.mark.parametrize("executor", ["in_process", "multiprocess", "spawn"])
def test_one_run_observing_the_source_and_materializing_the_child_records_the_new_version(
    client: TestClient, served: tuple[Workspace, Instance], feed: Path, executor: str
) -> None:
    # The child's step process (forked or spawned) learns the version from the worker, which
    # may not have stored the observation yet.
    feed.write_text(f"{executor}-version\n")
    execution: dict[str, Any] = (
        {"multiprocess": {"config": {"start_method": "spawn"}}} if executor == "spawn"
        else {executor: {}})
    events = _run(client, served, asset_selection=[["orders_feed"], ["order_count"]],
                  run_config={"execution": execution})
    [observation] = [e for e in events if e["event_type"] == "ASSET_OBSERVATION"]
    [materialization] = [e for e in events if e["event_type"] == "ASSET_MATERIALIZATION"]
    assert observation["asset_key"] == ["orders_feed"]
    assert materialization["asset_key"] == ["order_count"]
    assert materialization["tags"]["dagster/input_data_version/orders_feed"] == (
        f"{executor}-version")
    assert _asset(client, "order_count")["asset"]["stale_reasons"] == []
