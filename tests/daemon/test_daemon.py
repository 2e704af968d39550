"""The Daemon in this process: its loops turn a sensor's request into a finished run, its
heartbeat says it is alive, and stopping it says so."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from headwater.core.run_status import RunStatus
from headwater.daemon import Daemon, DaemonAlreadyRunningError, DaemonSettings, get_daemon_status
from headwater.daemon.status import DaemonHeartbeat, write_heartbeat
from headwater.snapshot.runs import InstigatorType, TickRecord, TickStatus
from headwater.storage.daemon_config import RunQueueSettings
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from polling import wait_for

from .conftest import runs_tagged, turn_on


def test_sensor_runs_are_queued_launched_and_finish(workspace: Workspace,
                                                    instance: Instance) -> None:
    assert not get_daemon_status(instance).alive
    turn_on(instance, "counting_sensor", InstigatorType.SENSOR)
    settings = DaemonSettings(run_queue=RunQueueSettings(dequeue_interval=5.0),
                              heartbeat_interval=0.2)
    daemon = Daemon(workspace, instance, settings=settings)
    daemon.start()
    try:
        # The queue is woken when the sensor creates runs, well before its 5 s interval.
        done = wait_for(lambda: [r for r in runs_tagged(
            instance, headwater__sensor_name="counting_sensor")
            if r.status is RunStatus.SUCCESS], "a sensor run to succeed", 60)
        assert done[0].tags["headwater/run_key"] in {"key-1", "key-2"}
        status = get_daemon_status(instance)
        assert status.alive and status.daemon_id == daemon.daemon_id
        loops = wait_for(lambda: {loop.name: loop for loop in get_daemon_status(
            instance).loops if loop.iterations}, "every loop to have run", 10)
        assert {"scheduler", "sensors", "run_queue", "backfills", "run_monitor"} <= set(loops)
        assert all(loop.error is None for loop in loops.values())
        assert not get_daemon_status(instance, now=time.time() + 3600).alive
    finally:
        daemon.stop()
    stopped = get_daemon_status(instance)
    assert not stopped.alive and stopped.stopped


def test_old_skipped_ticks_are_purged(workspace: Workspace, instance: Instance) -> None:
    storage = instance.storage
    now = time.time()
    for age, status in ((8 * 86400, TickStatus.SKIPPED), (8 * 86400, TickStatus.SUCCESS),
                        (86400, TickStatus.SKIPPED)):
        storage.add_tick(TickRecord(location_name="x", name="s",
                                    instigator_type=InstigatorType.SENSOR,
                                    timestamp=now - age, status=status))
    assert Daemon(workspace, instance).purge_ticks() == 1
    assert [t.status for t in storage.get_ticks("x", "s", InstigatorType.SENSOR)] == [
        TickStatus.SKIPPED, TickStatus.SUCCESS]


def _heartbeat(daemon_id: str, pid: int, hostname: str, *, stopped: bool = False,
               age: float = 0.0) -> DaemonHeartbeat:
    now = time.time()
    return DaemonHeartbeat(daemon_id=daemon_id, timestamp=now - age, pid=pid, hostname=hostname,
                           tolerance=30.0, started_at=now - 60, stopped=stopped)


def test_a_second_daemon_on_the_same_instance_is_refused(workspace: Workspace,
                                                          instance: Instance) -> None:
    first = Daemon(workspace, instance)
    first.start()
    try:
        second = Daemon(workspace, instance)
        with pytest.raises(DaemonAlreadyRunningError, match=rf"pid {os.getpid()} on .*"
                           r"Stop the other `headwater dev` or `headwater daemon run`"):
            second.start()
        second.stop()
        assert get_daemon_status(instance).daemon_id == first.daemon_id
    finally:
        first.stop()
    # Once the first has stopped, a new daemon starts.
    third = Daemon(workspace, instance)
    third.start()
    third.stop()


@pytest.mark.parametrize(("beat", "refused"), [
    # Written on this host by a process that no longer exists (kill -9, then restart).
    (lambda: _heartbeat("gone", dead_pid(), socket.gethostname()), False),
    # Silent for longer than its tolerance.
    (lambda: _heartbeat("old", os.getpid(), "elsewhere", age=31.0), False),
    # Stopped cleanly.
    (lambda: _heartbeat("done", os.getpid(), "elsewhere", stopped=True), False),
    # Alive on another host: nothing here can tell it is gone.
    (lambda: _heartbeat("remote", 1, "another-host"), True),
])
def test_stale_heartbeats_do_not_block_a_restart(
        workspace: Workspace, instance: Instance, beat: Callable[[], DaemonHeartbeat],
        refused: bool) -> None:
    write_heartbeat(instance, beat())
    daemon = Daemon(workspace, instance)
    if refused:
        with pytest.raises(DaemonAlreadyRunningError, match="on another-host"):
            daemon.start()
    else:
        daemon.start()
        assert get_daemon_status(instance).daemon_id == daemon.daemon_id
    daemon.stop()


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
