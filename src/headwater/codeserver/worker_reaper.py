"""The run workers a code server started, each reaped as soon as it exits.

A process that exits stays a ``<defunct>`` entry in the process table until its parent waits
for it. A code server launches a worker per run and may serve for weeks, so each worker gets
a small thread that waits for it; the server still answers which runs it started and whether
their workers are alive.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

#: Finished workers remembered for ``list_runs``; older ones are forgotten first.
KEEP_FINISHED = 1000


class WorkerReaper:
    """Run id -> worker process, reaped in the background as each one exits."""

    def __init__(self, keep_finished: int = KEEP_FINISHED) -> None:
        self.keep_finished = keep_finished
        self._workers: OrderedDict[str, subprocess.Popen[bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, run_id: str, process: subprocess.Popen[bytes]) -> None:
        """Track ``process`` (the worker of ``run_id``) and wait for it in a thread."""
        with self._lock:
            self._workers[run_id] = process
            self._forget_old()
        threading.Thread(target=process.wait, name=f"headwater-reap-{process.pid}",
                         daemon=True).start()

    def workers(self) -> list[tuple[str, int, bool]]:
        """``(run id, pid, alive)`` of each worker started here, oldest first."""
        with self._lock:
            items = list(self._workers.items())
        return [(run_id, process.pid, process.returncode is None) for run_id, process in items]

    def _forget_old(self) -> None:
        finished = [run_id for run_id, process in self._workers.items()
                    if process.returncode is not None]
        for run_id in finished[:max(0, len(finished) - self.keep_finished)]:
            del self._workers[run_id]
