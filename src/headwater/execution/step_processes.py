"""Step processes of the multiprocess executor: forked from the run worker, or spawned.

A forked step process starts with the location already imported, so it costs a fork, not an
interpreter start and an import (the default on Linux and macOS). A spawned one is a fresh
interpreter, ``python -m headwater.execution.step_process RUN_ID STEP_KEY FD``, which loads
the location again (for platforms without ``fork``, or when chosen).

Either way the process runs exactly one step (with its retries) through the same code as the
in-process executor and sends each event to the worker through a pipe as it happens; the
worker stores them and learns the step's outcome from them. The process never touches the
instance storage for events, so a step costs no database connection of its own.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import os
import subprocess
import sys
import traceback
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.execution.cancellation import Cancellation, install_sigterm_handler
from headwater.execution.dynamic_plan import dynamic_keys_payload
from headwater.execution.event_pipe import EventPipeReader, EventPipeWriter
from headwater.execution.in_process_executor import execute_step_with_retries, report_step_failure
from headwater.execution.multiprocess_executor import StepProcess, StepReport, pidfd_for
from headwater.execution.plan import ExecutionStep
from headwater.execution.reporting import run_data_versions
from headwater.execution.run_context import EventSink, RunContext
from headwater.execution.step_resources import step_resources
from headwater.processes import die_with_parent, flush_std_streams
from headwater.snapshot.events import AssetEventData, EngineData, EventType, OutputData, RunEvent

ForkGuard = Callable[[], AbstractContextManager[None]]

#: Environment variable: the pid of the run worker that spawned a step process (the step
#: process dies with it).
PARENT_PID_ENV = "HEADWATER_STEP_PARENT_PID"
#: Environment variable of a spawned step process: the run's known mapping keys (JSON).
DYNAMIC_KEYS_ENV = "HEADWATER_DYNAMIC_KEYS"
#: Data versions this run's earlier steps produced, for a spawned step (a forked one inherits
#: them): its materializations record them as input data versions even before the worker's
#: event writer has stored those steps' events.
DATA_VERSIONS_ENV = "HEADWATER_RUN_DATA_VERSIONS"


def remember_data_version(run: RunContext, event: RunEvent) -> None:
    """Keep the data version of a step's materialization or observation in the worker."""
    data = event.data
    if (event.event_type in (EventType.ASSET_MATERIALIZATION, EventType.ASSET_OBSERVATION)
            and isinstance(data, AssetEventData)):
        run_data_versions(run)[AssetKey(data.asset_key)] = data.data_version


class ChildStep:
    """A running step process: its pid, the pipe its events arrive on, what it reported."""

    def __init__(self, run: RunContext, step_key: str, pid: int, reader: EventPipeReader,
                 popen: subprocess.Popen[bytes] | None = None) -> None:
        self.step_key = step_key
        self.pid = pid
        self._run = run
        self._sink = run.emit_event
        self._reader = reader
        self._popen = popen
        self._pidfd = pidfd_for(pid)
        self._code: int | None = None
        self._report = StepReport()

    def wait_fds(self) -> list[int] | None:
        if self._pidfd is None:
            return None
        return [self._pidfd] if self._reader.at_eof else [self._pidfd, self._reader.fd]

    def pump(self) -> None:
        for event in self._reader.read():
            self._track(event)
            remember_data_version(self._run, event)
            self._sink(event)

    def _track(self, event: RunEvent) -> None:
        if event.step_key != self.step_key:
            return
        kind = event.event_type
        report = self._report
        if kind in (EventType.STEP_START, EventType.STEP_RESTARTED):
            report.outputs = set()
            report.mapping_keys = {}
        elif kind is EventType.STEP_OUTPUT and isinstance(event.data, OutputData):
            report.outputs.add(event.data.output_name)
            if event.data.mapping_key is not None:
                report.mapping_keys.setdefault(event.data.output_name, []).append(
                    event.data.mapping_key
                )
        elif kind is EventType.STEP_SUCCESS:
            report.finished, report.success = True, True
        elif kind is EventType.STEP_FAILURE:
            report.finished, report.success = True, False

    def poll(self) -> int | None:
        if self._code is not None:
            return self._code
        if self._popen is not None:
            code = self._popen.poll()
        else:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: its status is lost
                pid, status = self.pid, 255 << 8
            code = None if pid == 0 else os.waitstatus_to_exitcode(status)
        if code is not None:
            self._code = code
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return code

    def send_signal(self, signum: int) -> None:
        if self._code is None:
            os.kill(self.pid, signum)

    def report(self) -> StepReport:
        if self._code is not None:  # exited and pumped: nothing more will arrive
            self._reader.close()
        return self._report


class ForkLauncher:
    """Starts each step in a process forked from this one.

    ``guard`` is held around each fork; the run worker uses it to keep its background
    threads out of the database driver while the process is copied.
    """

    def __init__(self, guard: ForkGuard | None = None) -> None:
        self._guard: ForkGuard = guard or nullcontext
        self._frozen = False

    def start_step(self, run: RunContext, step: ExecutionStep) -> StepProcess:
        if not self._frozen:
            # Keep what is loaded out of the collector's reach: a child's garbage collection
            # then does not touch (and so copy) the memory it shares with the worker.
            gc.freeze()
            self._frozen = True
        read_fd, write_fd = os.pipe()
        flush_std_streams()  # or the child would print what is buffered a second time
        worker_pid = os.getpid()
        with self._guard(), warnings.catch_warnings():
            # Python 3.12+ warns about forking with threads running; ours (event writer,
            # heartbeat) are outside the database driver while the guard is held.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
            if pid == 0:
                os.close(read_fd)
                _forked_child(run, step, write_fd, worker_pid)
        os.close(write_fd)
        return ChildStep(run, step.key, pid, EventPipeReader(read_fd))


class SpawnLauncher:
    """Starts each step in a fresh interpreter that loads the run's location itself."""

    def start_step(self, run: RunContext, step: ExecutionStep) -> StepProcess:
        read_fd, write_fd = os.pipe()
        env: dict[str, str] = {**os.environ, PARENT_PID_ENV: str(os.getpid())}
        if run.plan.dynamic_keys:
            env[DYNAMIC_KEYS_ENV] = json.dumps(dynamic_keys_payload(run.plan))
        known = run_data_versions(run)
        if known:
            env[DATA_VERSIONS_ENV] = json.dumps(
                [[key.path, version] for key, version in known.items()])
        try:
            popen = subprocess.Popen(
                [sys.executable, "-m", "headwater.execution.step_process", run.run_id, step.key,
                 str(write_fd)],
                pass_fds=(write_fd,),
                env=env,
            )
        finally:
            os.close(write_fd)
        return ChildStep(run, step.key, popen.pid, EventPipeReader(read_fd), popen)


def _forked_child(run: RunContext, step: ExecutionStep, fd: int, worker_pid: int) -> None:
    """The body of a forked step process; never returns."""
    code = 1
    try:
        die_with_parent(worker_pid)  # a SIGKILLed worker leaves no step running
        cancellation = Cancellation()
        install_sigterm_handler(cancellation)
        sink = EventPipeWriter(fd, cancellation)
        code = execute_step_in_child(run, step, sink.emit, cancellation,
                                     "forked from the run worker")
        sink.close()
    except BaseException:  # noqa: BLE001 - the process must end here, whatever happened
        try:
            traceback.print_exc()
        except BaseException:  # noqa: BLE001
            pass
    finally:
        flush_std_streams()  # os._exit skips it, and the step may have printed
        os._exit(code)


def execute_step_in_child(run: RunContext, step: ExecutionStep, sink: EventSink,
                          cancellation: Cancellation, how: str) -> int:
    """Execute one step of ``run`` in this step process; returns the exit code (0: success).

    ``run`` is the worker's run context (inherited by fork, or rebuilt after a spawn); its
    events go to ``sink`` instead, and the step's resources are set up here and torn down
    after it.
    """
    step_run = dataclasses.replace(
        run,
        emit_event=sink,
        cancellation=cancellation,
        resources=None,
        captured_outputs=None,
        step_errors={},
    )
    # Not a field, so replace() drops it: the data versions of the run's earlier steps.
    run_data_versions(step_run).update(run_data_versions(run))
    step_run.emit(
        EventType.ENGINE_EVENT,
        f"Executing step '{step.key}' in process {os.getpid()} ({how}).",
        step_key=step.key,
        level=logging.DEBUG,
        data=EngineData(values={"pid": str(os.getpid())}),
    )
    outcome = None
    try:
        with step_resources(step_run, step) as resources:
            step_run.resources = resources
            outcome = execute_step_with_retries(step_run, step, {})
    except Exception as exc:  # noqa: BLE001 - resource set-up failures fail the step
        report_step_failure(step_run, step, exc)
    return 0 if outcome is not None else 1
