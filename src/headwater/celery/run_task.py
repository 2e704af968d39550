"""A whole stored run, executed inside a Celery worker (the ``execute_run`` task).

The run executes exactly as in a run worker process (``execute_run``), with its job's
executor. Cancellation reaches it two ways: ``revoke(terminate=True)`` sends SIGTERM to the
pool process, and a watcher notices the run turning CANCELING in storage (so cancelling
works from any host, through the shared instance).
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from headwater.celery.worker_state import sigterm_cancels, worker_state
from headwater.core.run_status import RunStatus
from headwater.execution.cancellation import Cancellation
from headwater.execution.worker_run import execute_run
from headwater.storage.base import Storage

#: How often the watcher reads the run's status (seconds).
_WATCH_SECONDS = 1.0


def execute_run_task(run_id: str, hostname: str) -> dict[str, Any]:
    """Execute run ``run_id`` here; the task's result (plain data)."""
    state = worker_state()
    storage = state.instance.storage
    run = storage.get_run(run_id)
    if run is None:
        return {"status": "not_executed", "reason": f"run {run_id} is not in the instance"}
    cancellation = Cancellation()
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(storage, run_id, stop),
                               name="headwater-cancel-watch", daemon=True)
    try:
        with sigterm_cancels(cancellation):
            watcher.start()
            code = execute_run(state.instance, run, cancellation)
    finally:
        stop.set()
        if watcher.is_alive():
            watcher.join()
        cancellation.close()
    return {"status": "success" if code == 0 else "failure", "hostname": hostname,
            "pid": os.getpid()}


def _watch(storage: Storage, run_id: str, stop: threading.Event) -> None:
    """SIGTERM this process (cancelling the run on its main thread) once it is CANCELING."""
    while not stop.wait(_WATCH_SECONDS):
        try:
            run = storage.get_run(run_id)
        except Exception:  # noqa: BLE001 - a failed read is retried on the next round
            continue
        if run is not None and run.status is RunStatus.CANCELING:
            os.kill(os.getpid(), signal.SIGTERM)
            return
