"""A workspace's own code servers load their location in-process: one process each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_run
from headwater.storage.instance import Instance
from headwater.workspace import LocationStatus, Workspace
from process_tree import child_pids

from .conftest import GOOD, USER_CODE, wait_for, wait_status


def test_a_managed_location_is_one_process_that_serves_and_launches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_workspace: Callable[..., Workspace]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HEADWATER_HOME", str(home))
    workspace = make_workspace([GOOD])
    entry = wait_status(workspace, "good", LocationStatus.LOADED)
    assert entry.pid is not None and entry.location_pid == entry.pid
    assert child_pids(entry.pid) == set()
    client = workspace.client("good")
    instance = Instance.ephemeral(home)
    try:
        run = create_run(instance, origin=GOOD, job_name="orders_job")
        worker = client.launch_run(run.run_id)
        assert worker in child_pids(entry.pid)  # run workers stay processes of their own

        def finished() -> RunStatus | None:
            stored = instance.get_run(run.run_id)
            return stored.status if stored is not None and stored.status.is_finished else None

        assert wait_for(finished, "the run to finish", 40) is RunStatus.SUCCESS
    finally:
        instance.dispose()


def test_code_that_exits_at_import_shows_the_exit(
    make_workspace: Callable[..., Workspace]
) -> None:
    exits = PythonFileOrigin("exits", str(USER_CODE / "exits_at_import.py"))
    workspace = make_workspace([exits])
    entry = wait_for(lambda: (workspace.get("exits").error is not None
                              and workspace.get("exits")), "the load error", 30)
    assert entry.status is LocationStatus.ERROR and entry.error is not None
    assert "location 'exits'" in entry.error.message
    assert "exited with code 3" in entry.error.message
