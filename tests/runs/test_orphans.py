"""A SIGKILLed run worker leaves no step process running, and the run monitor ends what its
steps started (the worker's process group) when it fails the run."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.daemon.monitor import RunMonitor
from headwater.processes import pid_alive
from headwater.storage.instance import Instance
from process_tree import process_group

from .conftest import keys, start, wait_for


def _pid(shared_dir: Path, name: str) -> int:
    path = shared_dir / name
    wait_for(lambda: path.exists() and path.read_text(), f"{name} to be written", timeout=60)
    return int(path.read_text())


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_step_processes_die_with_their_worker(instance: Instance, shared_dir: Path,
                                              start_method: str) -> None:
    config = {"execution": {"multiprocess": {"config": {"start_method": start_method}}}}
    run, worker = start(instance, "step_with_child", asset_selection=keys("long_step"),
                        run_config=config)
    step_pid = _pid(shared_dir, "step.pid")
    helper_pid = _pid(shared_dir, "helper.pid")
    assert process_group(worker.pid) >= {worker.pid, step_pid, helper_pid}

    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    # The kernel ends the step process with its worker: it never writes its late output.
    wait_for(lambda: not pid_alive(step_pid), "the step process to die with its worker",
             timeout=10)
    (shared_dir / "release").touch()

    # The monitor fails the run and ends what is left of the worker's process group.
    assert RunMonitor(instance).iterate() == [run.run_id]
    wait_for(lambda: not pid_alive(helper_pid), "the step's helper process to be killed",
             timeout=10)
    assert process_group(worker.pid) == set()
    stored = instance.storage.get_run(run.run_id)
    assert stored is not None and stored.status is RunStatus.FAILURE
    assert not (shared_dir / "late-output").exists()
