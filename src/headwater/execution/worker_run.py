"""The body of the run worker (``python -m headwater.execution.worker RUN_ID``).

It opens the instance (``$HEADWATER_HOME``), reads the run, imports the run's code location
from its stored origin, builds the plan and executes it with the job's executor, storing
every event as it happens. It records its pid and a heartbeat on the run, so a monitor can
tell a dead worker from a slow one.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

from headwater.core.run_status import RunStatus
from headwater.definitions.config.io_managers import FilesystemIOManager
from headwater.definitions.ops.executors import InitExecutorContext
from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import HeadwaterError, user_code_boundary
from headwater.execution.cancellation import Cancellation, RunInterrupted
from headwater.execution.executor_config import (
    CELERY,
    MULTIPROCESS,
    ExecutorSettings,
    resolve_executor,
)
from headwater.execution.executor_registry import registered_step_executor
from headwater.execution.in_process_executor import InProcessExecutor
from headwater.execution.multiprocess_executor import MultiprocessExecutor
from headwater.execution.reexecution import plan_event_values
from headwater.execution.run_context import RunContext, StepExecutor
from headwater.execution.run_job import execute_job
from headwater.execution.step_processes import ForkLauncher, SpawnLauncher
from headwater.execution.worker_events import EventWriter, Heartbeat
from headwater.execution.worker_setup import build_run_plan, load_run_target
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EngineData, EventType, RunEvent, RunFailureData
from headwater.snapshot.runs import RunRecord
from headwater.storage.base import Storage
from headwater.storage.instance import Instance

#: Environment variable: seconds a step process gets to stop after SIGTERM before SIGKILL.
TERMINATE_GRACE_ENV = "HEADWATER_STEP_TERMINATE_GRACE_SECONDS"
DEFAULT_TERMINATE_GRACE_SECONDS = 10.0

_RUNNABLE = (RunStatus.QUEUED, RunStatus.STARTING)


def run_worker(run_id: str, cancellation: Cancellation) -> int:
    """Execute the stored run ``run_id``; the process exit code."""
    try:
        instance = Instance.get()
        run = instance.storage.get_run(run_id)
    except HeadwaterError as exc:
        print(f"headwater: the run worker cannot open the instance: {exc}", file=sys.stderr)
        return 1
    if run is None:
        print(f"headwater: run {run_id} is not in the instance at {instance.root}.",
              file=sys.stderr)
        return 1
    return execute_run(instance, run, cancellation)


def execute_run(instance: Instance, run: RunRecord, cancellation: Cancellation) -> int:
    """Execute ``run`` in this process (the worker); the exit code."""
    storage = instance.storage
    if run.status is RunStatus.CANCELING or cancellation.requested:
        _store_now(storage, run, EventType.RUN_CANCELED,
                   "The run was canceled before its worker started executing it.")
        return 1
    if run.status not in _RUNNABLE:
        print(
            f"headwater: run {run.run_id} is {run.status.value}; a worker executes only a "
            "QUEUED or STARTING run. Re-execute it to run it again.",
            file=sys.stderr,
        )
        return 1
    storage.set_run_worker(run.run_id, os.getpid())
    io_lock = threading.Lock()
    writer = EventWriter(storage, io_lock, spool_dir=instance.root / "spool").start()
    heartbeat = Heartbeat(storage, run.run_id, io_lock).start()
    try:
        success = _execute(instance, storage, run, writer, cancellation)
    except BaseException as exc:  # noqa: BLE001 - the run must end with an event, whatever broke
        kind = EventType.RUN_CANCELED if cancellation.requested else EventType.RUN_FAILURE
        writer.emit(_event(run, kind, f"The run worker stopped unexpectedly: "
                                      f"{type(exc).__name__}: {exc}", error=exc))
        success = False
    finally:
        heartbeat.stop()
        writer.close()
    return 0 if success else 1


def _execute(instance: Instance, storage: Storage, run: RunRecord, writer: EventWriter,
             cancellation: Cancellation) -> bool:
    try:
        with cancellation.interruptible():  # a location that hangs at import can be canceled
            target = load_run_target(run)
    except RunInterrupted:
        writer.emit(_event(run, EventType.RUN_CANCELED,
                           "The run was canceled while its code location was loading."))
        return False
    except (Exception, SystemExit) as exc:
        writer.emit(_event(
            run, EventType.RUN_FAILURE,
            f"Could not load run {run.run_id} of job '{run.job_name}' from "
            f"{_origin_name(run)}: {type(exc).__name__}: {exc}",
            error=exc,
        ))
        return False
    try:
        plan = build_run_plan(storage, run, target.job)
        settings = resolve_executor(target.job, run.run_config)
        step_executor = _executor(settings, writer, instance, target.job)
    except Exception as exc:  # noqa: BLE001 - reported as the run's failure
        writer.emit(_event(
            run, EventType.RUN_FAILURE,
            f"Run {run.run_id} of job '{run.job_name}' cannot execute: "
            f"{type(exc).__name__}: {exc}",
            error=exc,
        ))
        return False
    if cancellation.requested:
        writer.emit(_event(run, EventType.RUN_CANCELED,
                           "The run was canceled before its steps started."))
        return False
    executor = _Announced(step_executor, settings)
    outcome = execute_job(
        target.job,
        event_sink=writer.emit,
        run_id=run.run_id,
        run_config=run.run_config,
        partition_key=run.partition_key,
        tags=run.tags,
        instance=instance,
        default_io_manager=FilesystemIOManager(base_dir=instance.storage_dir),
        plan=plan,
        executor=executor,
        cancellation=cancellation,
    )
    return outcome.success


def _executor(settings: ExecutorSettings, writer: EventWriter,
              instance: Instance, job: JobDefinition) -> StepExecutor:
    custom = settings.definition
    if custom is not None and custom.executor_creation_fn is not None:
        context = InitExecutorContext(job, custom, settings.options, instance)
        with user_code_boundary(f"creating executor '{custom.name}' of job '{job.name}'"):
            made: StepExecutor = custom.executor_creation_fn(context)
        return made
    registered = registered_step_executor(settings.name)
    if registered is not None:
        return registered(settings, instance, terminate_grace_seconds(), writer.flush)
    if settings.name != MULTIPROCESS:
        return InProcessExecutor()
    launcher = (
        SpawnLauncher() if settings.start_method == "spawn"
        # While forking, no thread of ours may be inside the database driver.
        else ForkLauncher(writer.paused)
    )
    return MultiprocessExecutor(launcher, settings.max_concurrent, terminate_grace_seconds(),
                                settings.tag_concurrency_limits)


class _Announced:
    """An executor that first records the plan's steps and how they will run (ENGINE_EVENT)."""

    def __init__(self, inner: StepExecutor, settings: ExecutorSettings) -> None:
        self.inner = inner
        self.settings = settings
        self.per_step_resources = inner.per_step_resources

    def execute(self, run: RunContext) -> list[str]:
        keys = run.plan.step_keys
        if self.settings.name == MULTIPROCESS:
            how = (f"one process per step ({self.settings.start_method}, at most "
                   f"{self.settings.max_concurrent} at a time)")
        elif self.settings.name == CELERY:
            how = (f"as Celery tasks (at most {self.settings.max_concurrent} in flight)")
        else:
            how = "in the run worker's process"
        values = {
            **plan_event_values(keys),
            "executor": self.settings.name,
            "worker_pid": str(os.getpid()),
        }
        if self.settings.name == MULTIPROCESS:
            values["max_concurrent"] = str(self.settings.max_concurrent)
            values["start_method"] = self.settings.start_method
        run.emit(
            EventType.ENGINE_EVENT,
            f"Executing {len(keys)} step(s) {how}; worker pid {os.getpid()}.",
            data=EngineData(values=values),
        )
        return self.inner.execute(run)


def terminate_grace_seconds() -> float:
    """``$HEADWATER_STEP_TERMINATE_GRACE_SECONDS``, default 10."""
    raw = os.environ.get(TERMINATE_GRACE_ENV)
    try:
        value = float(raw) if raw else DEFAULT_TERMINATE_GRACE_SECONDS
    except ValueError:
        value = DEFAULT_TERMINATE_GRACE_SECONDS
    return value if value >= 0 else DEFAULT_TERMINATE_GRACE_SECONDS


def _origin_name(run: RunRecord) -> str:
    origin = run.origin or {}
    name = origin.get("location_name") or run.location_name or "its location"
    return f"location '{name}'" if name != "its location" else name


def _event(run: RunRecord, kind: EventType, message: str,
           error: BaseException | None = None) -> RunEvent:
    data = (
        RunFailureData(error=ErrorInfo.from_exception(error))
        if error is not None and kind is EventType.RUN_FAILURE
        else None
    )
    return RunEvent(
        run_id=run.run_id,
        event_type=kind,
        timestamp=time.time(),
        message=message,
        level=logging.ERROR,
        job_name=run.job_name,
        data=data,
    )


def _store_now(storage: Storage, run: RunRecord, kind: EventType, message: str) -> None:
    storage.store_event(_event(run, kind, message))
