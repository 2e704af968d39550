"""Pipes through a real code server and run worker: an asset launching an external script
(written with dagster_pipes) materializes with the script's metadata and check result, in
process and in a step process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.workspace import Workspace

from .conftest import HERE, run_through_api, serving

ORIGIN = PythonFileOrigin("piped", str(HERE / "pipes_location.py"), working_directory=str(HERE))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Instance]]:
    with serving(tmp_path_factory.mktemp("pipes-instance"), [ORIGIN]) as served_pair:
        yield served_pair


@pytest.mark.parametrize("executor", ["in_process", "multiprocess"])
def test_an_external_script_materializes_through_a_run_worker(
        served: tuple[Workspace, Instance], executor: str) -> None:
    with TestClient(create_app(*served)) as client:
        status, _, events = run_through_api(client, *served, "piped",
                                            asset_selection=[["piped"]],
                                            run_config={"execution": {executor: {}}})
    assert status == "SUCCESS", events
    [materialization] = [e for e in events if e["event_type"] == "ASSET_MATERIALIZATION"]
    assert materialization["metadata"]["rows"]["value"] == 42
    assert materialization["data_version"] == "v42"
    [check] = [e for e in events if e["event_type"] == "ASSET_CHECK_EVALUATION"]
    assert "rows_positive" in check["message"]
    messages = [e["message"] for e in events]
    assert any("external started for piped" in message for message in messages)
