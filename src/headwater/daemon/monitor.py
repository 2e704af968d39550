"""The run monitor: fail runs whose worker is gone.

A STARTED (or CANCELING) run whose worker has not sent a heartbeat within
``worker_heartbeat_timeout``, or whose worker process is gone (local workers only), becomes
FAILURE (CANCELED if it was being canceled); a run STARTING longer than ``start_timeout``
becomes FAILURE; a run STARTED longer than its ``dagster/max_runtime`` tag (or
``max_runtime``) becomes FAILURE and its worker's process group is stopped. The reason goes
into the run's event log. Status changes are
compare-and-set, so a run that finished meanwhile is left alone.

A stale heartbeat alone does not fail a run whose worker is still running on this host (its
``/proc`` command line names the run): the worker is alive and will report, most likely it
could not reach the storage for a while. The monitor logs that once per run instead. When a
local worker is gone, what its steps started (the rest of its process group) is killed too.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import TYPE_CHECKING

from headwater.core.names import MAX_RUNTIME_SECONDS_TAG
from headwater.core.run_status import RunStatus
from headwater.processes import kill_group_of_dead_leader, pid_alive
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.runs import RunRecord, RunsFilter
from headwater.storage.daemon_config import RunMonitoringSettings
from headwater.workspace.runs import fail_run

if TYPE_CHECKING:
    from headwater.storage.instance import Instance

logger = logging.getLogger(__name__)


class RunMonitor:
    """Checks in-progress runs; call :meth:`iterate` with the current time."""

    def __init__(self, instance: Instance, settings: RunMonitoringSettings | None = None) -> None:
        self.instance = instance
        self.settings = settings or RunMonitoringSettings()
        launcher = getattr(instance.config, "run_launcher", None)
        #: Worker pids are checked only when workers are local processes.
        self.check_pids = getattr(launcher, "kind", "subprocess") == "subprocess"
        #: Runs whose stale heartbeat was explained by a live worker (logged once each).
        self._explained: set[str] = set()

    def iterate(self, now: float | None = None) -> list[str]:
        """Fail the runs whose worker is gone; their ids."""
        current = time.time() if now is None else now
        runs = self.instance.storage.get_runs(RunsFilter(statuses=[
            RunStatus.STARTING, RunStatus.STARTED, RunStatus.CANCELING]))
        ended = []
        for run in runs:
            if self._past_max_runtime(run, current):
                ended.append(run.run_id)
                continue
            reason = self._problem(run, current)
            if reason is not None and self._end(run, reason):
                ended.append(run.run_id)
                if self._local(run) and run.worker_pid is not None:
                    # Step processes and anything they started share the worker's group.
                    kill_group_of_dead_leader(run.worker_pid)
        self._explained &= {run.run_id for run in runs}
        return ended

    def max_runtime(self, run: RunRecord) -> float | None:
        """The run's limit in seconds: its tag, else the setting; None for no limit."""
        tagged = run.tags.get(MAX_RUNTIME_SECONDS_TAG)
        if tagged is not None:
            try:
                seconds = float(tagged)
            except ValueError:
                logger.warning("Run %s: tag %s=%r is not a number of seconds; ignored.",
                               run.run_id, MAX_RUNTIME_SECONDS_TAG, tagged)
            else:
                return seconds if seconds > 0 else None
        return self.settings.max_runtime or None

    def _past_max_runtime(self, run: RunRecord, now: float) -> bool:
        """Fail a STARTED run older than its limit and stop its worker; whether it did."""
        limit = self.max_runtime(run)
        if run.status is not RunStatus.STARTED or limit is None or run.start_time is None:
            return False
        if now - run.start_time <= limit:
            return False
        message = (f"Run monitor: the run exceeded its maximum runtime of {limit:g} s "
                   f"({MAX_RUNTIME_SECONDS_TAG} tag or run_monitoring.max_runtime); its worker "
                   "was stopped.")
        if not fail_run(self.instance, run, message, expected=[RunStatus.STARTED]):
            return False
        pid = run.worker_pid
        if self._local(run) and pid is not None and worker_runs_here(pid, run.run_id):
            stop_process_group(pid)
        return True

    def _local(self, run: RunRecord) -> bool:
        return self.check_pids and run.origin is not None

    def _problem(self, run: RunRecord, now: float) -> str | None:
        settings = self.settings
        pid = run.worker_pid
        local = self._local(run)
        if local and pid is not None and not pid_alive(pid):
            return (f"The run's worker process (pid {pid}) exited without recording the "
                    "end of the run.")
        if run.status is RunStatus.STARTING:
            since = run.updated_at or run.created_at
            if now - since > settings.start_timeout:
                return (f"The run was STARTING for more than {settings.start_timeout:g} s "
                        "(run_monitoring.start_timeout) without its worker starting it.")
            return None
        last = run.worker_heartbeat or run.start_time or run.updated_at
        if now - last > settings.worker_heartbeat_timeout:
            if local and pid is not None and worker_runs_here(pid, run.run_id):
                self._explain(run, pid, now - last)
                return None
            return (f"The run's worker sent no heartbeat for {now - last:.0f} s (more than "
                    f"run_monitoring.worker_heartbeat_timeout, "
                    f"{settings.worker_heartbeat_timeout:g} s); it is presumed dead.")
        return None

    def _end(self, run: RunRecord, reason: str) -> bool:
        if run.status is RunStatus.CANCELING:
            storage = self.instance.storage
            if not storage.update_run_status(run.run_id, RunStatus.CANCELED,
                                             expected=[RunStatus.CANCELING]):
                return False
            storage.store_event(RunEvent(
                run_id=run.run_id, event_type=EventType.RUN_CANCELED, timestamp=time.time(),
                message=f"The run was canceled. {reason}", level=logging.WARNING,
                job_name=run.job_name))
            return True
        return fail_run(self.instance, run, f"Run monitor: {reason}", expected=[run.status])

    def _explain(self, run: RunRecord, pid: int, gap: float) -> None:
        if run.run_id in self._explained:
            return
        self._explained.add(run.run_id)
        logger.warning(
            "Run %s: no worker heartbeat for %.0f s, but its worker (pid %d) is still running "
            "on this host, so the run is not failed; its storage writes are most likely "
            "failing and being retried.", run.run_id, gap, pid)


def stop_process_group(pid: int) -> None:
    """SIGTERM the worker's process group (the worker leads its own session), then SIGKILL
    whatever is left of the worker after a grace period, without blocking the monitor."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return

    def finish() -> None:
        deadline = time.monotonic() + _KILL_GRACE_SECONDS
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                return
            time.sleep(0.1)
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    threading.Thread(target=finish, name=f"stop-worker-{pid}", daemon=True).start()


#: How long a worker past its maximum runtime has to end after SIGTERM.
_KILL_GRACE_SECONDS = 30.0


def worker_runs_here(pid: int, run_id: str) -> bool:
    """Whether process ``pid`` on this host is alive and is the worker of ``run_id`` (its
    command line names the run; without ``/proc``, whether the pid is alive)."""
    if not pid_alive(pid):
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            arguments = file.read().split(b"\0")
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return run_id.encode() in arguments
