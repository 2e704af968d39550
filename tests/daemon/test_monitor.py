"""The run monitor: runs whose worker died, went silent, or never started are ended with the
reason in their event log; healthy runs are left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from headwater.core.run_status import RunStatus
from headwater.daemon.monitor import RunMonitor
from headwater.snapshot.events import EventType
from headwater.snapshot.runs import RunRecord
from headwater.storage.daemon_config import RunMonitoringSettings
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from headwater.workspace.runs import launch_queued_run, submit_run
from polling import wait_for

from .conftest import LOCATION, wait_run_status

ORIGIN = {"type": "python_file", "location_name": LOCATION, "python_file": "x.py"}
SETTINGS = RunMonitoringSettings(worker_heartbeat_timeout=60, start_timeout=120)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def stored(instance: Instance, run_id: str, status: RunStatus, **fields: object) -> RunRecord:
    return instance.storage.add_run(RunRecord(run_id=run_id, job_name="job", status=status,
                                              origin=ORIGIN, **fields))  # type: ignore[arg-type]


def failure_messages(instance: Instance, run_id: str) -> list[str]:
    return [record.event.message for record in instance.storage.get_events(run_id)
            if record.event.event_type is EventType.RUN_FAILURE]


def test_dead_silent_and_stuck_runs_fail_and_healthy_ones_stay(instance: Instance) -> None:
    now = time.time()
    pid = dead_pid()
    stored(instance, "dead", RunStatus.STARTED, worker_pid=pid, worker_heartbeat=now)
    stored(instance, "silent", RunStatus.STARTED, worker_pid=os.getpid(),
           worker_heartbeat=now - 100)
    stored(instance, "stuck", RunStatus.STARTING, created_at=now - 500, updated_at=now - 500)
    stored(instance, "healthy", RunStatus.STARTED, worker_pid=os.getpid(),
           worker_heartbeat=now - 5)
    stored(instance, "canceling", RunStatus.CANCELING, worker_pid=pid, worker_heartbeat=now)
    ended = RunMonitor(instance, SETTINGS).iterate(now)
    assert sorted(ended) == ["canceling", "dead", "silent", "stuck"]
    statuses = {run_id: instance.storage.get_run(run_id).status  # type: ignore[union-attr]
                for run_id in ("dead", "silent", "stuck", "healthy", "canceling")}
    assert statuses == {"dead": RunStatus.FAILURE, "silent": RunStatus.FAILURE,
                        "stuck": RunStatus.FAILURE, "healthy": RunStatus.STARTED,
                        "canceling": RunStatus.CANCELED}
    assert f"worker process (pid {pid}) exited" in failure_messages(instance, "dead")[0]
    assert "sent no heartbeat for 100 s" in failure_messages(instance, "silent")[0]
    assert "STARTING for more than 120 s" in failure_messages(instance, "stuck")[0]
    dead = instance.storage.get_run("dead")
    assert dead is not None and "exited without recording" in (dead.failure_message or "")
    assert RunMonitor(instance, SETTINGS).iterate(now) == []  # each run is ended once


def test_a_finished_run_is_never_overwritten(instance: Instance) -> None:
    stored(instance, "done", RunStatus.SUCCESS, worker_pid=dead_pid())
    assert RunMonitor(instance, SETTINGS).iterate() == []
    assert instance.storage.get_run("done").status is RunStatus.SUCCESS  # type: ignore[union-attr]


def test_a_sigkilled_worker_fails_its_run(workspace: Workspace, instance: Instance) -> None:
    run = submit_run(workspace, instance, location=LOCATION, job_name="sleepy_job")
    launch_queued_run(workspace, instance, run.run_id)
    started = wait_run_status(instance, run.run_id, {RunStatus.STARTED})
    pid = wait_for(lambda: (instance.storage.get_run(run.run_id) or started).worker_pid,
                   "the worker pid")
    os.kill(pid, signal.SIGKILL)
    monitor = RunMonitor(instance, SETTINGS)
    wait_for(lambda: monitor.iterate(), "the monitor to notice the dead worker")
    failed = instance.storage.get_run(run.run_id)
    assert failed is not None and failed.status is RunStatus.FAILURE
    assert f"pid {pid}" in failure_messages(instance, run.run_id)[-1]


def test_runs_past_their_max_runtime_fail_and_their_worker_is_stopped(
        instance: Instance) -> None:
    now = time.time()
    # A stand-in worker: its own session, its command line names the run (as a worker's does).
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "over"],
                              start_new_session=True)
    try:
        stored(instance, "over", RunStatus.STARTED, worker_pid=worker.pid, worker_heartbeat=now,
               start_time=now - 10, tags={"dagster/max_runtime": "5"})
        stored(instance, "under", RunStatus.STARTED, worker_pid=os.getpid(),
               worker_heartbeat=now, start_time=now - 10, tags={"dagster/max_runtime": "60"})
        stored(instance, "untagged", RunStatus.STARTED, worker_pid=os.getpid(),
               worker_heartbeat=now, start_time=now - 1000)
        stored(instance, "bad_tag", RunStatus.STARTED, worker_pid=os.getpid(),
               worker_heartbeat=now, start_time=now - 1000, tags={"dagster/max_runtime": "x"})
        assert RunMonitor(instance, SETTINGS).iterate(now) == ["over"]
        run = instance.storage.get_run("over")
        assert run is not None and run.status is RunStatus.FAILURE
        assert "exceeded its maximum runtime of 5 s" in failure_messages(instance, "over")[0]
        assert wait_for(lambda: worker.poll() is not None, "the worker to stop")
        assert worker.returncode == -signal.SIGTERM
        # The instance-wide limit applies to runs without a tag (and the bad tag's run).
        limited = RunMonitoringSettings(worker_heartbeat_timeout=60, start_timeout=120,
                                        max_runtime=500)
        assert sorted(RunMonitor(instance, limited).iterate(now)) == ["bad_tag", "untagged"]
        for run_id in ("under",):
            assert instance.storage.get_run(run_id).status is RunStatus.STARTED  # type: ignore[union-attr]
    finally:
        worker.kill()
        worker.wait()
