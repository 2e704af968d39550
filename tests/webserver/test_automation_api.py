"""/api/automation, /api/automation/evaluations/{key} and the asset API's freshness, over a
real code server and the daemon's automation loop."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.daemon.automation.loop import AutomationLoop
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.workspace import LocationStatus, Workspace

from .conftest import FAST

HERE = Path(__file__).resolve().parent
ORIGIN = PythonFileOrigin("auto", str(HERE / "automation_api_location.py"),
                          working_directory=str(HERE))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Workspace, Instance]]:
    instance = Instance(tmp_path / "instance")
    workspace = Workspace([ORIGIN], settings=FAST,
                          env={**os.environ, "HEADWATER_HOME": str(instance.root)})
    workspace.start()
    try:
        for entry in workspace.wait_until_settled(60):
            assert entry.status is LocationStatus.LOADED, entry.error
        yield workspace, instance
    finally:
        workspace.stop()
        instance.dispose()


def test_automation_api_lists_ticks_trees_and_freshness(
    served: tuple[Workspace, Instance],
) -> None:
    workspace, instance = served
    assert AutomationLoop(workspace, instance).iterate(time.time()) == 1
    with TestClient(create_app(workspace, instance)) as client:
        [sensor] = client.get("/api/automation").json()["sensors"]
        assert (sensor["name"], sensor["status"]) == ("default_automation_condition_sensor",
                                                      "RUNNING")
        assert sensor["asset_selection"] == [["down"]]
        [tick] = sensor["ticks"]
        assert tick["status"] == "SKIPPED" and tick["requested"] == []
        assert tick["evaluation_id"] == "1"

        [evaluation] = client.get("/api/automation/evaluations/down").json()["evaluations"]
        assert evaluation["tree"]["name"] == "eager" and evaluation["tree"]["result"] is False
        assert client.get("/api/automation/evaluations/up").json() == {
            "evaluations": [], "checks": {}}  # no condition on it, nor on its checks

        listed = {item["name"]: item for item in client.get("/api/sensors").json()["sensors"]}
        assert listed["default_automation_condition_sensor"]["cursor"] is None  # not shown

        fresh = client.get("/api/assets/fresh").json()["asset"]
        assert fresh["freshness"]["status"] == "FAIL"  # never materialized
        assert fresh["freshness"]["policy"] == {"kind": "time_window", "fail_seconds": 3600.0,
                                                "warn_seconds": 1800.0}
        assert client.get("/api/assets/down").json()["asset"]["freshness"] is None
