"""The op and graph model through the HTTP API, on a real code server: graph-backed assets and
dynamic outputs with the multiprocess executor, hooks, type checks and an older-style graph."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.workspace import Workspace

from .conftest import HERE, run_through_api, serving

ORIGIN = PythonFileOrigin("ops", str(HERE / "op_model_location.py"), working_directory=str(HERE))
MULTIPROCESS = {"execution": {"multiprocess": {"config": {"max_concurrent": 2}}}}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Instance]]:
    with serving(tmp_path_factory.mktemp("op-model-instance"), [ORIGIN]) as served_pair:
        yield served_pair


@pytest.fixture(scope="module")
def client(served: tuple[Workspace, Instance]) -> Iterator[TestClient]:
    with TestClient(create_app(*served)) as test_client:
        yield test_client


def _run(client: TestClient, served: tuple[Workspace, Instance], **body: Any
         ) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """Submit a run, launch it through the code server, wait for it; (status, detail, events)."""
    return run_through_api(client, *served, "ops", **body)


def _steps(detail: dict[str, Any]) -> dict[str, str]:
    return {step["step_key"]: step["status"] for step in detail["steps"]}


def test_graph_backed_assets_run_one_step_per_op_in_step_processes(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    assets = {tuple(a["key"]) for a in client.get("/api/assets").json()["assets"]}
    assert {("prepared",), ("lows",), ("highs",)} <= assets

    status, detail, events = _run(client, served, job="graph_assets_job",
                                  run_config=MULTIPROCESS)

    assert status == RunStatus.SUCCESS.value, events
    assert _steps(detail) == {key: "SUCCESS" for key in [
        "source_numbers", "prepared.double_all", "prepared.add_one", "split_assets.split",
        "split_assets.add_one"]}
    materialized = {(e["step_key"], tuple(e["asset_key"])) for e in events
                    if e["event_type"] == "ASSET_MATERIALIZATION"}
    assert materialized == {("source_numbers", ("source_numbers",)),
                            ("prepared.add_one", ("prepared",)),
                            ("split_assets.split", ("lows",)),
                            ("split_assets.add_one", ("highs",))}
    pids = {e["step_key"] for e in events if e["event_type"] == "ENGINE_EVENT"
            and e["step_key"] and "process" in e["message"]}
    assert "prepared.double_all" in pids  # ran in its own step process
    hooks = [e["step_key"] for e in events if e["event_type"] == "HOOK_COMPLETED"]
    assert sorted(hooks) == sorted(_steps(detail))  # the asset job's hook ran after each step


def test_subset_of_a_graph_multi_asset_runs_only_the_ops_it_needs(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    _run(client, served, job="graph_assets_job")  # upstream values exist
    status, detail, _ = _run(client, served, asset_selection=[["lows"]],
                             run_config=MULTIPROCESS)
    assert status == "SUCCESS"
    assert _steps(detail) == {"split_assets.split": "SUCCESS"}


def test_dynamic_outputs_map_and_collect_in_step_processes(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    status, detail, events = _run(client, served, job="fanned", run_config=MULTIPROCESS)

    assert status == "SUCCESS"
    assert _steps(detail) == {key: "SUCCESS" for key in [
        "fan", "shout[red]", "shout[green]", "shout[blue]", "join"]}
    loaded = [e for e in events if e["event_type"] == "LOADED_INPUT" and e["step_key"] == "join"]
    assert len(loaded) == 3


def test_a_raising_hook_is_an_event_and_failure_hooks_see_the_error(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    status, detail, events = _run(client, served, job="hooked")

    assert status == "FAILURE"  # 'explodes' failed; the broken hook did not add a failure
    assert _steps(detail) == {"fine": "SUCCESS", "explodes": "FAILURE"}
    [errored] = [e for e in events if e["event_type"] == "HOOK_ERRORED"]
    assert errored["step_key"] == "fine" and "the hook itself broke" in errored["message"]
    logs = {(e["step_key"], e["message"]) for e in events if e["event_type"] == "LOG"}
    assert ("fine", "success hook saw fine") in logs
    assert ("explodes", "failure hook saw ValueError") in logs


def test_a_failed_type_check_fails_the_step_naming_the_output(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    status, detail, events = _run(client, served, job="typed")

    assert status == "FAILURE"
    [failure] = [e for e in events if e["event_type"] == "STEP_FAILURE"]
    assert 'step output "result"' in failure["message"]
    assert "EvenNumber" in failure["message"] and "3 is not an even number" in failure["message"]


def test_a_graph_built_with_dependencies_runs(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    jobs = {j["name"] for j in client.get("/api/jobs").json()["jobs"]}
    assert {"legacy", "fanned", "hooked", "typed"} <= jobs

    status, detail, _ = _run(client, served, job="legacy")

    assert status == "SUCCESS"
    assert _steps(detail) == {"one": "SUCCESS", "another_one": "SUCCESS", "total": "SUCCESS"}
