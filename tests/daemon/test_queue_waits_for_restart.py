"""A queued run whose location's code server crashed waits (bounded) while the workspace
restarts it, and launches once it is back, instead of failing."""

from __future__ import annotations

import dataclasses
import os
import signal
from collections.abc import Callable
from pathlib import Path

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.daemon.run_queue import RunQueue
from headwater.storage.daemon_config import RunQueueSettings
from headwater.storage.instance import Instance
from headwater.workspace import LocationStatus, Workspace
from headwater.workspace.runs import submit_run
from polling import wait_for

from .conftest import FAST, USER_CODE, wait_run_status

CRASHES = PythonFileOrigin("crashes", str(USER_CODE / "crashes_when_flagged.py"),
                           working_directory=str(USER_CODE))


def _restarting(workspace: Workspace) -> bool:
    entry = workspace.get("crashes")
    return (entry.status is LocationStatus.ERROR and entry.error is not None
            and "Retrying in 2.0 s" in entry.error.message)


def test_a_queued_run_waits_for_its_restarting_code_server(
    make_workspace: Callable[..., Workspace], instance: Instance, tmp_path: Path
) -> None:
    flag = tmp_path / "crash"
    workspace = make_workspace([CRASHES], env={"HW_CRASH_FLAG": str(flag)},
                               settings=dataclasses.replace(FAST, restart_backoff_max=2.0))
    run = submit_run(workspace, instance, location="crashes", asset_selection=[["steady"]])
    # The code server crashes, and so does each restart while the flag is there: the location
    # sits in its restart backoff (the waits grow to 2 s).
    flag.touch()
    pid = workspace.get("crashes").pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: _restarting(workspace), "the location to be in its restart backoff", 60)

    run_queue = RunQueue(workspace, instance, RunQueueSettings(location_wait_timeout=120))
    assert run_queue.iterate() == []
    stored = instance.storage.get_run(run.run_id)
    assert stored is not None and stored.status is RunStatus.QUEUED

    flag.unlink()  # the next restart succeeds
    wait_for(lambda: workspace.get("crashes").status is LocationStatus.LOADED,
             "the location to be back", 60)
    assert run_queue.iterate() == [run.run_id]
    ended = wait_run_status(instance, run.run_id, {RunStatus.SUCCESS, RunStatus.FAILURE})
    assert ended.status is RunStatus.SUCCESS, ended.failure_message


def test_the_wait_is_bounded_by_a_setting(
    make_workspace: Callable[..., Workspace], instance: Instance, tmp_path: Path
) -> None:
    flag = tmp_path / "crash"
    workspace = make_workspace([CRASHES], env={"HW_CRASH_FLAG": str(flag)},
                               settings=dataclasses.replace(FAST, restart_backoff_max=2.0))
    run = submit_run(workspace, instance, location="crashes", asset_selection=[["steady"]])
    flag.touch()
    pid = workspace.get("crashes").pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: _restarting(workspace), "the location to be in its restart backoff", 60)
    run_queue = RunQueue(workspace, instance, RunQueueSettings(location_wait_timeout=0))
    run_queue.iterate()
    failed = instance.storage.get_run(run.run_id)
    assert failed is not None and failed.status is RunStatus.FAILURE
    assert failed.failure_message is not None
    assert "run_queue.location_wait_timeout" in failed.failure_message
