"""Cancelling a running run, and a worker that is killed outright."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.execution.launch import cancel_run, create_reexecution_run, pid_alive
from headwater.snapshot.events import EventType
from headwater.storage.instance import Instance

from .conftest import MULTIPROCESS_2, events, finish, keys, of_type, start, wait_for


def _blocker_pid(shared_dir: Path) -> int:
    started = wait_for(lambda: sorted(shared_dir.glob("started-*")), "the blocking step")
    # The pid is in the name: the file's content may not be written yet.
    return int(started[0].name.removeprefix("started-"))


@pytest.mark.parametrize("run_config", [{}, MULTIPROCESS_2], ids=["in_process", "multiprocess"])
def test_cancel_stops_the_running_step_and_ends_canceled(
    instance: Instance, shared_dir: Path, run_config: dict[str, object]
) -> None:
    run, process = start(instance, "barrier", asset_selection=keys("before", "blocker", "after"),
                         run_config=run_config)
    step_pid = _blocker_pid(shared_dir)

    assert cancel_run(instance, run.run_id) is True
    stored, code = finish(instance, run, process)

    assert (code, stored.status) == (1, RunStatus.CANCELED)
    assert not pid_alive(step_pid)
    all_events = events(instance, run.run_id)
    types = [e.event_type for e in all_events]
    assert EventType.RUN_CANCELING in types
    assert types[-1] is EventType.RUN_CANCELED
    assert of_type(all_events, EventType.STEP_SUCCESS, "before")
    [failure] = of_type(all_events, EventType.STEP_FAILURE, "blocker")
    assert "interrupted because its run was canceled" in failure.message
    assert not [e for e in all_events if e.step_key == "after"]
    assert not (shared_dir / "release").exists()
    assert cancel_run(instance, run.run_id) is False
    # Re-executing it runs what did not finish, the step that never started included.
    assert create_reexecution_run(instance, run.run_id).step_keys_to_execute == [
        "blocker", "after"]


def test_worker_killed_with_sigkill_leaves_the_run_started(
    instance: Instance, shared_dir: Path
) -> None:
    run, process = start(instance, "barrier", asset_selection=keys("before", "blocker", "after"),
                         run_config=MULTIPROCESS_2)
    step_pid = _blocker_pid(shared_dir)
    wait_for(lambda: of_type(events(instance, run.run_id), EventType.STEP_START, "blocker"),
             "STEP_START of the blocking step in storage")

    os.killpg(process.pid, signal.SIGKILL)  # the worker and its step processes
    process.wait(timeout=10)
    wait_for(lambda: not pid_alive(step_pid), "the step process to die")

    stored = instance.storage.get_run(run.run_id)
    assert stored is not None
    assert stored.status is RunStatus.STARTED
    assert stored.worker_pid == process.pid
    assert stored.worker_heartbeat is not None
    all_events = events(instance, run.run_id)
    assert all_events[0].event_type is EventType.RUN_START
    assert not [e for e in all_events if e.event_type.value in (
        "RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED")]
    assert of_type(all_events, EventType.STEP_SUCCESS, "before")
    assert {e.run_id for e in all_events} == {run.run_id}

    # Nothing is left to stop it: cancelling marks it CANCELED at once.
    assert cancel_run(instance, run.run_id) is True
    canceled = instance.storage.get_run(run.run_id)
    assert canceled is not None and canceled.status is RunStatus.CANCELED
    assert "no longer running" in events(instance, run.run_id)[-1].message


def test_cancel_while_the_location_is_still_importing(
    instance: Instance, shared_dir: Path
) -> None:
    run, process = start(instance, "hangs")
    wait_for(lambda: (shared_dir / "importing").exists(), "the location's import to start")

    assert cancel_run(instance, run.run_id) is True
    stored, code = finish(instance, run, process)

    assert (code, stored.status) == (1, RunStatus.CANCELED)
    assert "while its code location was loading" in events(instance, run.run_id)[-1].message
