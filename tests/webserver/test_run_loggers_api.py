"""Configured loggers, executor config and mapped-graph config through the HTTP API, on a
real code server and run worker (with step processes): the file logger named in run config
receives the run's messages, and bad logger, executor or graph config is refused on
submission with the path it is at."""

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

ORIGIN = PythonFileOrigin("logs", str(HERE / "loggers_location.py"),
                          working_directory=str(HERE))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Instance]]:
    with serving(tmp_path_factory.mktemp("loggers-instance"), [ORIGIN]) as served_pair:
        yield served_pair


@pytest.fixture(scope="module")
def client(served: tuple[Workspace, Instance]) -> Iterator[TestClient]:
    with TestClient(create_app(*served)) as test_client:
        yield test_client


def _submit(client: TestClient, **body: Any) -> Any:
    return client.post("/api/runs", json={"location": "logs", **body})


def _run(client: TestClient, served: tuple[Workspace, Instance], **body: Any
         ) -> tuple[str, list[dict[str, Any]]]:
    status, _, events = run_through_api(client, *served, "logs", **body)
    return status, events


def _lines(path: Path) -> list[tuple[str, str]]:
    return [tuple(line.split("|", 1)) for line in path.read_text().splitlines()]  # type: ignore[misc]


@pytest.mark.parametrize("executor", ["in_process", "multiprocess"])
def test_the_file_logger_named_in_run_config_receives_the_runs_messages(
    client: TestClient, served: tuple[Workspace, Instance], tmp_path: Path, executor: str
) -> None:
    path = tmp_path / f"{executor}.log"
    status, events = _run(client, served, job="logged_job", run_config={
        "loggers": {"file": {"config": {"path": str(path)}}},
        "execution": {executor: {"config": {}}},
    })

    assert status == "SUCCESS"
    lines = _lines(path)
    messages = [message for _, message in lines]
    assert ("INFO", next(m for m in messages if m.endswith("chatty - hello from chatty"))) in lines
    assert any(level == "WARNING" and m.endswith("chatty - a warning through the python logger")
               for level, m in lines)
    assert not any("a debug line" in m for m in messages)  # the logger's level is INFO
    assert all(" - STEP_START - " not in m for m in messages)  # run events are DEBUG
    # The event log still has every message, the debug one included.
    logged = {e["message"] for e in events if e["event_type"] == "LOG"}
    assert {"hello from chatty", "a warning through the python logger", "a debug line"} <= logged


def test_a_debug_level_logger_also_receives_the_runs_events(
    client: TestClient, served: tuple[Workspace, Instance], tmp_path: Path
) -> None:
    path = tmp_path / "debug.log"
    status, _ = _run(client, served, asset_selection=[["logged_asset"]], run_config={
        "loggers": {"file": {"config": {"path": str(path), "level": "DEBUG"}}},
    })

    assert status == "SUCCESS"
    messages = [message for _, message in _lines(path)]
    assert any(m.endswith("logged_asset - hello from the asset") for m in messages)
    assert any(" - logged_asset - STEP_START - " in m for m in messages)
    assert any(" - RUN_START - " in m for m in messages)
    assert any(" - RUN_SUCCESS - " in m for m in messages)


def test_without_loggers_in_run_config_no_logger_is_built(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    status, events = _run(client, served, job="logged_job")
    assert status == "SUCCESS"
    assert any(e["message"] == "hello from chatty" for e in events)


@pytest.mark.parametrize(("run_config", "expected"), [
    ({"loggers": {"file": {"config": {}}}}, "loggers.file.config.path"),
    ({"loggers": {"nope": {"config": {}}}}, "'nope'"),
    ({"execution": {"config": {"max_concurent": 2}}}, 'Did you mean "max_concurrent"'),
])
def test_missing_or_unknown_logger_and_executor_config_is_refused_naming_its_path(
    client: TestClient, run_config: dict[str, Any], expected: str
) -> None:
    response = _submit(client, job="logged_job", run_config=run_config)
    assert response.status_code == 400, response.text
    assert expected in response.json()["error"]


@pytest.mark.parametrize(("run_config", "expected"), [
    ({"loggers": {"file": {"config": {"path": 3}}}},
     "Invalid value at path loggers.file.config.path: expected String, got 3 (int)"),
    ({"execution": {"config": {"max_concurrent": "two"}}},
     "Invalid value at path execution.config.max_concurrent: expected Int, got 'two' (str)"),
])
def test_a_wrong_logger_or_executor_config_value_fails_the_run_naming_its_path(
    client: TestClient, served: tuple[Workspace, Instance], run_config: dict[str, Any],
    expected: str
) -> None:
    status, events = _run(client, served, job="logged_job", run_config=run_config)
    assert status == "FAILURE"
    [failure] = [e for e in events if e["event_type"] == "RUN_FAILURE"]
    assert expected in failure["message"]
    assert not any(e["event_type"] == "STEP_START" for e in events)


def test_a_mapped_graph_takes_its_outer_config(
    client: TestClient, served: tuple[Workspace, Instance]
) -> None:
    inner_form = _submit(client, job="mapped_job",
                         run_config={"ops": {"doubled": {"ops": {"inner": {"config": {"n": 1}}}}}})
    assert inner_form.status_code == 400, inner_form.text
    assert "'ops.doubled'" in inner_form.json()["error"]
    wrong = _submit(client, job="mapped_job", run_config={"ops": {"doubled": {"config": {"y": 1}}}})
    assert wrong.status_code == 400
    assert "ops.doubled.config" in wrong.json()["error"]

    status, events = _run(client, served, job="mapped_job",
                          run_config={"ops": {"doubled": {"config": {"x": 4}}}})
    assert status == "SUCCESS"
    assert any(e["message"] == "inner got 8" for e in events)
