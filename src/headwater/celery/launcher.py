"""The run launcher: how a code server starts a run's worker, chosen by ``run_launcher``.

``subprocess`` (the default) starts ``python -m headwater.execution.worker RUN_ID`` next to
the code server. ``celery`` sends the run as a ``headwater.execute_run`` task to the
configured queue, where a ``headwater celery worker`` executes it; cancelling revokes the
task (terminating it when it runs), and the worker also stops a run it sees CANCELING.
"""

from __future__ import annotations

import logging
import subprocess
import time
from dataclasses import dataclass

from headwater.core.run_status import RunStatus
from headwater.execution.launch import (
    RunLaunchError,
    cancel_run,
    launch_run_worker,
    store_launch_failure,
)
from headwater.snapshot.events import EventType, RunEvent
from headwater.storage.config import RunLauncherSettings
from headwater.storage.instance import Instance

#: The pid reported for a run launched on Celery (its worker process is on another host).
REMOTE_PID = 0


@dataclass
class LaunchedRun:
    """A launched run: the local worker process, or the Celery task executing it."""

    run_id: str
    pid: int
    process: subprocess.Popen[bytes] | None = None
    task_id: str | None = None


def run_task_id(run_id: str) -> str:
    """The Celery task id of a run launched on Celery."""
    return f"hw-run-{run_id}"


def launch_run(instance: Instance, run_id: str) -> LaunchedRun:
    """Launch the QUEUED run ``run_id`` with the instance's run launcher.

    Raises:
        NotFoundError: no such run.
        RunLaunchError: the run is not QUEUED.
        OSError: the worker could not be started (the run is marked FAILURE first).
        ConnectionError / kombu errors: the broker could not take the task (the run is
            marked FAILURE first).
    """
    settings = instance.config.run_launcher
    if settings.kind != "celery":
        process = launch_run_worker(instance, run_id)
        return LaunchedRun(run_id, process.pid, process=process)
    return _launch_on_celery(instance, run_id, settings)


def _launch_on_celery(instance: Instance, run_id: str,
                      settings: RunLauncherSettings) -> LaunchedRun:
    from headwater.celery.app import RUN_TASK, celery_app
    from headwater.celery.settings import resolve_connection

    storage = instance.storage
    connection = resolve_connection({}, settings)
    if not storage.update_run_status(run_id, RunStatus.STARTING, expected=[RunStatus.QUEUED]):
        current = storage.get_run(run_id)
        state = current.status.value if current is not None else "missing"
        raise RunLaunchError(f"Run {run_id} is {state}, not QUEUED, so it cannot be launched.")
    app = celery_app(connection.broker, connection.backend)
    task_id = run_task_id(run_id)
    try:
        app.send_task(RUN_TASK, args=[run_id], task_id=task_id, queue=connection.queue)
    except Exception as exc:
        message = (f"Could not send run {run_id} to Celery at {connection.broker} (queue "
                   f"'{connection.queue}'): {type(exc).__name__}: {exc}")
        store_launch_failure(instance, run_id, message, exc)
        raise
    return LaunchedRun(run_id, REMOTE_PID, task_id=task_id)


def cancel_launched_run(instance: Instance, run_id: str) -> bool:
    """Ask a run to stop, wherever it executes; True if this changed anything.

    With the Celery launcher a run not yet started by any worker is revoked and marked
    CANCELED; a started one becomes CANCELING and its task is terminated (SIGTERM), after
    which its worker records CANCELED.

    Raises:
        NotFoundError: no such run.
    """
    settings = instance.config.run_launcher
    if settings.kind != "celery":
        return cancel_run(instance, run_id)
    return _cancel_on_celery(instance, run_id, settings)


def _cancel_on_celery(instance: Instance, run_id: str, settings: RunLauncherSettings) -> bool:
    from headwater.celery.app import celery_app
    from headwater.celery.settings import resolve_connection

    storage = instance.storage
    run = storage.get_run(run_id)
    if run is None or run.status.is_finished:
        return cancel_run(instance, run_id)  # the same errors and answers as locally
    connection = resolve_connection({}, settings)
    app = celery_app(connection.broker, connection.backend)
    task_id = run_task_id(run_id)
    started = app.AsyncResult(task_id).state not in ("PENDING", "RECEIVED")
    if run.status is not RunStatus.CANCELING:
        in_flight = [RunStatus.QUEUED, RunStatus.STARTING, RunStatus.STARTED]
        if not storage.update_run_status(run_id, RunStatus.CANCELING, expected=in_flight):
            return _cancel_on_celery(instance, run_id, settings)  # it moved: decide again
        storage.store_event(_event(run.job_name, run_id, EventType.RUN_CANCELING,
                                   "Cancellation requested; stopping the run."))
    app.control.revoke(task_id, terminate=started, signal="SIGTERM")
    if not started:
        storage.store_event(_event(run.job_name, run_id, EventType.RUN_CANCELED,
                                   "The run was canceled before a Celery worker started it."))
    return True


def _event(job_name: str, run_id: str, kind: EventType, message: str) -> RunEvent:
    return RunEvent(run_id=run_id, event_type=kind, timestamp=time.time(), message=message,
                    level=logging.WARNING, job_name=job_name)
