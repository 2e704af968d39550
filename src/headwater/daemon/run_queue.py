"""The run queue: launch QUEUED runs, oldest first, under the concurrency limits.

``max_concurrent_runs`` caps the runs in progress (STARTING, STARTED, CANCELING);
each tag concurrency limit caps the runs in progress carrying a tag (with a given value, or
any value). A run over a tag limit waits while younger runs that fit are launched. Each run
is launched through its location's code server; a run of a location still loading waits.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import TYPE_CHECKING

from headwater.core.run_status import IN_PROGRESS_RUN_STATUSES, RunStatus
from headwater.errors import NotFoundError
from headwater.snapshot.runs import RunRecord, RunsFilter
from headwater.storage.daemon_config import RunQueueSettings
from headwater.workspace.entry import LocationStatus
from headwater.workspace.runs import RunSubmissionError, fail_run, launch_queued_run

if TYPE_CHECKING:
    from headwater.storage.instance import Instance
    from headwater.workspace.workspace import Workspace

logger = logging.getLogger(__name__)


class RunQueue:
    """Launches what fits; call :meth:`iterate` (the daemon does, every dequeue interval)."""

    def __init__(self, workspace: Workspace, instance: Instance,
                 settings: RunQueueSettings | None = None) -> None:
        self.workspace = workspace
        self.instance = instance
        self.settings = settings or RunQueueSettings()
        #: Runs waiting for their location's code server to restart: since when.
        self._waiting: dict[str, float] = {}

    def iterate(self) -> list[str]:
        """Launch the queued runs that fit the limits; their run ids."""
        storage = self.instance.storage
        queued = storage.get_runs(RunsFilter(statuses=[RunStatus.QUEUED]))
        if not queued:
            return []
        in_progress = storage.get_runs(RunsFilter(statuses=list(IN_PROGRESS_RUN_STATUSES)))
        limits = self.settings.tag_concurrency_limits
        used = Counter(index for run in in_progress
                       for index, limit in enumerate(limits) if limit.matches(run.tags))
        total = len(in_progress)
        maximum = self.settings.max_concurrent_runs
        launched: list[str] = []
        for run in reversed(queued):  # oldest first
            if 0 <= maximum <= total:
                break
            matching = [i for i, limit in enumerate(limits) if limit.matches(run.tags)]
            if any(used[i] >= limits[i].limit for i in matching):
                continue
            if not self._location_ready(run):
                continue
            if self._launch(run):
                launched.append(run.run_id)
                total += 1
                used.update(matching)
        return launched

    def _location_ready(self, run: RunRecord) -> bool:
        """False while the run's location is (re)loading, or its crashed code server waits to
        be restarted (at most ``location_wait_timeout``): it waits instead of failing."""
        if run.location_name is None:
            return True
        try:
            entry = self.workspace.get(run.location_name)
        except NotFoundError:
            return True  # launching fails it with a message naming the locations there are
        if entry.status is LocationStatus.LOADING:
            return False
        if not self.workspace.restarting(run.location_name):
            self._waiting.pop(run.run_id, None)
            return True
        since = self._waiting.setdefault(run.run_id, time.monotonic())
        waited = time.monotonic() - since
        if waited < self.settings.location_wait_timeout:
            return False
        self._waiting.pop(run.run_id, None)
        why = f" ({entry.error.message})" if entry.error is not None else ""
        fail_run(self.instance, run, (
            f"Location '{run.location_name}' had no running code server for {waited:.0f} s "
            f"(run_queue.location_wait_timeout){why}; the run was not launched. Fix the "
            "location and re-execute the run."))
        return False

    def _launch(self, run: RunRecord) -> bool:
        try:
            record = launch_queued_run(self.workspace, self.instance, run.run_id)
        except RunSubmissionError:
            return False  # canceled or launched meanwhile
        except Exception:  # noqa: BLE001 - storage trouble: try again next time
            logger.exception("Launching run %s failed", run.run_id)
            return False
        return record.status is not RunStatus.FAILURE

