"""Readable log lines as runs change status, for ``headwater dev``'s terminal.

Runs are executed by worker processes that write straight to storage; this thread polls the
newest runs and logs each status change once: queued, started, and how it ended.
"""

from __future__ import annotations

import logging
import threading

from headwater.core.run_status import RunStatus
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance

logger = logging.getLogger("headwater.runs")

#: How many of the newest runs are watched.
WATCHED_RUNS = 50


class RunLog:
    """Logs run status changes of ``instance`` every ``interval`` seconds until stopped."""

    def __init__(self, instance: Instance, interval: float = 0.5) -> None:
        self.instance = instance
        self.interval = interval
        self._seen: dict[str, RunStatus] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="headwater-run-log",
                                        daemon=True)

    def start(self) -> None:
        """Start polling in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def poll(self) -> None:
        """Log what changed since the last poll (the first poll only takes note)."""
        runs = self.instance.storage.get_runs(limit=WATCHED_RUNS)
        first = self._seen is None
        seen = self._seen or {}
        for run in reversed(runs):
            if seen.get(run.run_id) is not run.status and not first:
                _log(run)
        self._seen = {run.run_id: run.status for run in runs}

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - logging runs must never stop the server
                logger.debug("Reading runs failed", exc_info=True)
            self._stop.wait(self.interval)


def _log(run: RunRecord) -> None:
    what = run.job_name if not run.asset_selection else (
        ", ".join("/".join(key) for key in run.asset_selection[:3])
        + (f" (+{len(run.asset_selection) - 3})" if len(run.asset_selection) > 3 else ""))
    where = f" of {run.location_name}" if run.location_name else ""
    line = f"Run {run.run_id[:8]} ({what}{where}) {run.status.value}"
    if run.status.is_finished and run.start_time is not None and run.end_time is not None:
        line += f" in {run.end_time - run.start_time:.1f} s"
    if run.status is RunStatus.FAILURE:
        logger.error("%s: %s", line, run.failure_message or "see its event log")
    else:
        logger.info("%s", line)
