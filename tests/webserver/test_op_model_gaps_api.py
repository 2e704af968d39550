"""The op model's later parts through the HTTP API on a real code server, with step processes:
checks of graph-backed assets, inputs from run config by a type's loader (checked against the
job's run config schema on submission), a mapped step with a dynamic output of its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.workspace import Workspace

from .conftest import HERE, run_through_api, serving

ORIGIN = PythonFileOrigin("gaps", str(HERE / "op_model_gaps_location.py"),
                          working_directory=str(HERE))
MULTIPROCESS = {"execution": {"multiprocess": {"config": {"max_concurrent": 2}}}}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Instance]]:
    with serving(tmp_path_factory.mktemp("op-model-gaps-instance"), [ORIGIN]) as served_pair:
        yield served_pair


@pytest.fixture(scope="module")
def client(served: tuple[Workspace, Instance]) -> Iterator[TestClient]:
    with TestClient(create_app(*served)) as test_client:
        yield test_client


def _submit(client: TestClient, **body: Any) -> Any:
    return client.post("/api/runs", json={"location": "gaps", **body})


def _run(client: TestClient, served: tuple[Workspace, Instance], **body: Any
         ) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    return run_through_api(client, *served, "gaps", **body)


def _steps(detail: dict[str, Any]) -> dict[str, str]:
    return {step["step_key"]: step["status"] for step in detail["steps"]}


def test_checks_of_graph_backed_assets_run_and_a_failed_blocking_one_stops_downstream(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    status, detail, events = _run(client, served, job="checks_job", run_config=MULTIPROCESS)

    assert status == "FAILURE"
    steps = _steps(detail)
    assert steps["gated.too_small"] == "FAILURE"
    assert steps["checked.plus_one"] == "SUCCESS" and steps["after_checked"] == "SUCCESS"
    assert steps.get("after_gated") in (None, "SKIPPED")
    evaluations = {(e["step_key"], e["message"]) for e in events
                   if e["event_type"] == "ASSET_CHECK_EVALUATION"}
    assert {step for step, _ in evaluations} == {"checked.plus_one", "gated.too_small"}
    latest = served[1].storage.get_latest_check_results(["gated"])
    assert not latest["large"].passed


def test_inputs_from_run_config_are_required_by_the_schema_and_loaded(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    assert _submit(client, job="from_config", run_config={}).status_code == 400
    refused = _submit(client, job="from_config", run_config={"ops": {"repeat": {}}})
    assert refused.status_code == 400 and "inputs" in refused.text
    wrong = _submit(client, job="from_config",
                    run_config={"ops": {"repeat": {"inputs": {"count": {"m": 1}}}}})
    assert wrong.status_code == 400

    status, detail, events = _run(client, served, job="from_config", run_config={
        **MULTIPROCESS, "ops": {"repeat": {"inputs": {"count": {"n": 3}}}}})

    assert status == "SUCCESS", events
    step_inputs = [e for e in events if e["event_type"] == "STEP_INPUT"]
    assert [e["step_key"] for e in step_inputs] == ["repeat"]
    assert "Count" in step_inputs[0]["message"]


def test_a_mapped_step_with_its_own_dynamic_output_runs(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    status, detail, _ = _run(client, served, job="nested", run_config=MULTIPROCESS)

    assert status == "SUCCESS"
    assert _steps(detail) == {key: "SUCCESS" for key in
                              ["outer", "split[a]", "split[b]", "joined"]}
