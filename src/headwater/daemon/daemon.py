"""The daemon: the scheduler, sensors, run queue, run monitor and backfills, one thread each.

    daemon = Daemon(workspace, instance)
    daemon.start()        # returns at once; the loops run in background threads
    ...
    daemon.stop()

It never imports user code: schedules and sensors are evaluated, and runs launched, by the
locations' code servers through the :class:`~headwater.workspace.Workspace`. Every loop
records how it last went in the daemon's heartbeat (see :mod:`headwater.daemon.status`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from headwater.daemon.automation.loop import AutomationLoop
from headwater.daemon.monitor import RunMonitor
from headwater.daemon.outage import StorageOutageLog, is_storage_outage
from headwater.daemon.run_queue import RunQueue
from headwater.daemon.scheduler import Scheduler
from headwater.daemon.sensors import SensorLoop
from headwater.daemon.status import (
    DaemonHeartbeat,
    LoopStatus,
    check_no_other_daemon,
    write_heartbeat,
)
from headwater.snapshot.runs import BackfillStatus, TickStatus
from headwater.storage.daemon_config import DaemonSettings
from headwater.workspace.backfills import advance_backfill

if TYPE_CHECKING:
    from headwater.storage.instance import Instance
    from headwater.workspace.workspace import Workspace

logger = logging.getLogger(__name__)

#: Seconds between iterations of the scheduler, sensor and backfill loops.
SCHEDULER_INTERVAL = 0.5
SENSOR_INTERVAL = 0.1
BACKFILL_INTERVAL = 1.0

#: SKIPPED ticks (most sensor ticks) are deleted after a week; the others are kept.
SKIPPED_TICK_RETENTION = 7 * 24 * 3600.0
TICK_PURGE_INTERVAL = 3600.0


class _Loop:
    """One background loop: its thread, wake-up event and last outcome."""

    def __init__(self, name: str, interval: float, step: Callable[[], object],
                 outage: StorageOutageLog, *, writes_storage: bool = False) -> None:
        self.name = name
        self.outage = outage
        #: Every iteration writes to storage, so one that succeeds proves it is reachable
        #: (other loops may skip storage when they have nothing to do).
        self.writes_storage = writes_storage
        self.interval = interval
        self.step = step
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.status = LoopStatus(name=name)
        self.thread: threading.Thread | None = None

    def run(self, stopped: threading.Event, clock: Callable[[], float]) -> None:
        while not stopped.is_set():
            error: str | None = None
            try:
                self.step()
            except Exception as exc:  # noqa: BLE001 - a loop never dies of one bad iteration
                if is_storage_outage(exc):
                    self.outage.failed(self.name, exc)  # once per outage, not per iteration
                else:
                    logger.exception("Daemon loop '%s' failed", self.name)
                error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            else:
                if self.writes_storage:
                    self.outage.succeeded()
            now = clock()
            with self.lock:
                previous = self.status
                self.status = LoopStatus(
                    name=self.name, last_iteration=now, iterations=previous.iterations + 1,
                    error=error if error is not None else previous.error,
                    error_time=now if error is not None else previous.error_time)
            self.wake.wait(self.interval)
            self.wake.clear()


class Daemon:
    """Runs the scheduler, sensors, run queue, run monitor, backfills and a heartbeat.

    Args:
        workspace: the code locations (started by the caller, who also stops it).
        instance: where states, ticks, runs and the heartbeat are stored.
        clock: the current time in epoch seconds (injectable for tests).
        settings: the daemon's settings (default: the instance's headwater.yaml).
    """

    def __init__(self, workspace: Workspace, instance: Instance, *,
                 clock: Callable[[], float] = time.time,
                 settings: DaemonSettings | None = None) -> None:
        self.workspace = workspace
        self.instance = instance
        self.clock = clock
        self.settings = settings or getattr(instance.config, "daemon", None) or DaemonSettings()
        self.daemon_id = uuid.uuid4().hex
        self._stopped = threading.Event()
        self._started_at = 0.0
        self.run_queue = RunQueue(workspace, instance, self.settings.run_queue)
        self.scheduler = Scheduler(workspace, instance, self.settings.scheduler,
                                   on_runs=self._wake_queue)
        self.sensors = SensorLoop(workspace, instance, self.settings.sensors, clock=clock,
                                  on_runs=self._wake_queue)
        self.automation = AutomationLoop(
            workspace, instance, clock=clock, on_runs=self._wake_queue,
            default_interval=self.settings.auto_materialize.minimum_interval_seconds)
        self.monitor = RunMonitor(instance, self.settings.run_monitoring)
        self.storage_outage = StorageOutageLog()
        outage = self.storage_outage
        self._loops = [
            _Loop("scheduler", SCHEDULER_INTERVAL, lambda: self.scheduler.iterate(self.clock()),
                  outage),
            _Loop("sensors", SENSOR_INTERVAL, lambda: self.sensors.iterate(self.clock()), outage),
            _Loop("automation", SENSOR_INTERVAL,
                  lambda: self.automation.iterate(self.clock()), outage),
            _Loop("run_queue", self.settings.run_queue.dequeue_interval, self.run_queue.iterate,
                  outage),
            _Loop("backfills", BACKFILL_INTERVAL, self._advance_backfills, outage),
            _Loop("tick_purge", TICK_PURGE_INTERVAL, self.purge_ticks, outage),
        ]
        if self.settings.run_monitoring.enabled:
            self._loops.append(_Loop("run_monitor", self.settings.run_monitoring.poll_interval,
                                     lambda: self.monitor.iterate(self.clock()), outage))
        self._heartbeat = _Loop("heartbeat", self.settings.heartbeat_interval,
                                self.write_heartbeat, outage, writes_storage=True)

    def start(self) -> None:
        """Start every loop in a background thread; returns at once.

        Raises:
            DaemonAlreadyRunningError: another daemon is alive on the same instance.
        """
        if self._started_at:
            raise RuntimeError("This daemon was already started.")
        check_no_other_daemon(self.instance, self.daemon_id, self.clock())
        self._started_at = self.clock()
        self.write_heartbeat()
        for loop in [*self._loops, self._heartbeat]:
            loop.thread = threading.Thread(target=loop.run, args=(self._stopped, self.clock),
                                           name=f"headwater-daemon-{loop.name}", daemon=True)
            loop.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loops (waiting up to ``timeout`` seconds) and record the stop."""
        self._stopped.set()
        for loop in [*self._loops, self._heartbeat]:
            loop.wake.set()
        deadline = time.monotonic() + timeout
        for loop in [*self._loops, self._heartbeat]:
            if loop.thread is not None:
                loop.thread.join(max(0.0, deadline - time.monotonic()))
        self.sensors.wait_idle(max(0.0, min(5.0, deadline - time.monotonic())))
        self.sensors.shutdown()
        if self._started_at:
            try:
                write_heartbeat(self.instance, self._beat(stopped=True))
            except Exception:  # noqa: BLE001 - storage gone: nothing more to record
                logger.exception("Could not record the daemon's stop")

    def loop_statuses(self) -> list[LoopStatus]:
        """How each loop last went."""
        statuses = []
        for loop in self._loops:
            with loop.lock:
                statuses.append(loop.status)
        return statuses

    def write_heartbeat(self) -> None:
        """Store the heartbeat now."""
        write_heartbeat(self.instance, self._beat(stopped=False))

    def _beat(self, *, stopped: bool) -> DaemonHeartbeat:
        return DaemonHeartbeat(
            daemon_id=self.daemon_id, timestamp=self.clock(), pid=os.getpid(),
            hostname=socket.gethostname(), tolerance=self.settings.heartbeat_tolerance,
            started_at=self._started_at, stopped=stopped, loops=self.loop_statuses())

    def purge_ticks(self) -> int:
        """Delete SKIPPED ticks older than a week; how many."""
        return self.instance.storage.delete_ticks(self.clock() - SKIPPED_TICK_RETENTION,
                                                  [TickStatus.SKIPPED])

    def _wake_queue(self) -> None:
        for loop in self._loops:
            if loop.name == "run_queue":
                loop.wake.set()

    def _advance_backfills(self) -> None:
        storage = self.instance.storage
        for status in (BackfillStatus.REQUESTED, BackfillStatus.CANCELING):
            for backfill in storage.get_backfills(status):
                before = backfill.submitted
                after = advance_backfill(self.workspace, self.instance, backfill)
                if after.submitted != before:
                    self._wake_queue()
