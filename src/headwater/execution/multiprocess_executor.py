"""The multiprocess executor: each step in its own process, at most ``max_concurrent`` at once.

This module schedules; a :class:`StepLauncher` (see ``step_processes``) starts the step
processes. Each one sends its events to the run worker as they happen, which stores them
and learns the step's outcome from them; output values pass through the IO manager. The
exit status tells the rest. A process that dies without reporting
(``os._exit``, a segfault, SIGKILL) fails its step with a message naming the exit code or
signal; its downstream steps are skipped and every other step's events stay as stored.
"""

from __future__ import annotations

import os
import select
import signal
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from headwater.errors import StepFailure
from headwater.execution.executor_config import TagConcurrencyLimit
from headwater.execution.in_process_executor import report_step_failure
from headwater.execution.plan import ExecutionStep
from headwater.execution.run_context import RunContext
from headwater.execution.step_progress import StepProgress
from headwater.processes import describe_exit

#: How often to look at step processes when the platform cannot wait on them (no pidfd).
_POLL_SECONDS = 0.002
#: Upper bound on one wait, so a missed wake-up costs at most this much.
_MAX_WAIT_SECONDS = 1.0


class StepProcess(Protocol):
    """A started step process, and what it has reported so far."""

    step_key: str
    pid: int

    def wait_fds(self) -> list[int] | None:
        """Descriptors readable when there is news (events, exit); None: poll instead."""
        ...

    def pump(self) -> None:
        """Forward the events the process reported since the last call to the run's sink."""
        ...

    def poll(self) -> int | None:
        """None while running; then the exit code (negative: killed by that signal)."""
        ...

    def send_signal(self, signum: int) -> None:
        """Signal the process (no error when it has exited)."""
        ...

    def report(self) -> StepReport:
        """What the process reported about its step (complete once it exited and was pumped)."""
        ...


@dataclass
class StepReport:
    """What a step process reported about its step."""

    #: Whether it reported STEP_SUCCESS or STEP_FAILURE.
    finished: bool = False
    success: bool = False
    #: Outputs produced by the final attempt.
    outputs: set[str] = field(default_factory=set)
    #: Mapping keys yielded for each dynamic output, in order.
    mapping_keys: dict[str, list[str]] = field(default_factory=dict)


class StepLauncher(Protocol):
    """Starts step processes (fork or spawn)."""

    def start_step(self, run: RunContext, step: ExecutionStep) -> StepProcess:
        """Start a process executing ``step`` of ``run``."""
        ...


class StepProcessDied(StepFailure):
    """A step process exited without reporting a result."""


class MultiprocessExecutor:
    """Runs each step in its own process via ``launcher``; resources are set up per step."""

    per_step_resources = True

    def __init__(
        self, launcher: StepLauncher, max_concurrent: int, terminate_grace_seconds: float = 10.0,
        tag_concurrency_limits: tuple[TagConcurrencyLimit, ...] = (),
    ) -> None:
        self.launcher = launcher
        self.max_concurrent = max(1, max_concurrent)
        self.terminate_grace_seconds = terminate_grace_seconds
        self.tag_concurrency_limits = tag_concurrency_limits

    def execute(self, run: RunContext) -> list[str]:
        """Execute the plan; returns the keys of the steps that failed."""
        return _Schedule(self, run).run()


class _Schedule:
    """The state of one execution: what is waiting, running, done."""

    def __init__(self, executor: MultiprocessExecutor, run: RunContext) -> None:
        self.executor = executor
        self.run_ctx = run
        self.steps = StepProgress(run)
        self.running: dict[str, StepProcess] = {}

    def run(self) -> list[str]:
        run = self.run_ctx
        try:
            while self.steps.ready or self.running:
                if run.cancel_requested:
                    self._terminate_running()
                    break
                self._start_ready()
                if self.running:
                    self._wait()
                    self._reap()
        finally:
            if self.running:  # an unexpected error here: leave no step process behind
                self._signal_all(self.running.values(), signal.SIGKILL)
                for process in self.running.values():
                    while process.poll() is None:
                        time.sleep(_POLL_SECONDS)
        return self.steps.failed

    # Starting -------------------------------------------------------------------------------

    def _start_ready(self) -> None:
        deferred: list[str] = []
        try:
            self._start_fitting(deferred)
        finally:  # steps held back by a tag limit start first once a slot frees
            self.steps.ready.extendleft(reversed(deferred))

    def _start_fitting(self, deferred: list[str]) -> None:
        run = self.run_ctx
        while len(self.running) < self.executor.max_concurrent and not run.cancel_requested:
            step = self.steps.next_to_start()
            if step is None:
                return
            if self.running and not self._fits_tag_limits(step):
                deferred.append(step.key)
                continue
            try:
                self.running[step.key] = self.executor.launcher.start_step(run, step)
            except OSError as exc:
                report_step_failure(run, step, StepFailure(
                    f"Could not start a process for step '{step.key}': {exc}"
                ))
                self.steps.fail(step.key)

    def _fits_tag_limits(self, step: ExecutionStep) -> bool:
        """Whether ``step`` may start beside the running steps under the tag limits."""
        for limit in self.executor.tag_concurrency_limits:
            value = step.tags.get(limit.key)
            if value is None or (limit.value is not None and value != limit.value):
                continue
            same_value = limit.value is not None or limit.per_unique_value
            running = sum(
                1 for key in self.running
                if (tags := _step_tags(self.run_ctx, key)).get(limit.key) is not None
                and (not same_value or tags.get(limit.key) == value)
            )
            if running >= limit.limit:
                return False
        return True

    # Waiting --------------------------------------------------------------------------------

    def _wait(self) -> None:
        run = self.run_ctx
        fds: list[int] = []
        for process in self.running.values():
            wanted = process.wait_fds()
            if wanted is None:
                fds = []
                break
            fds.extend(wanted)
        if not fds:
            if run.cancellation is not None:
                run.cancellation.wait(_POLL_SECONDS)
            else:
                time.sleep(_POLL_SECONDS)
            return
        if run.cancellation is not None:
            fds.append(run.cancellation.fileno())
        poller = select.poll()
        for fd in fds:
            poller.register(fd, select.POLLIN)
        poller.poll(_MAX_WAIT_SECONDS * 1000)

    def _reap(self) -> None:
        for key, process in list(self.running.items()):
            process.pump()
            code = process.poll()
            if code is None:
                continue
            del self.running[key]
            process.pump()  # what it wrote just before exiting
            self._settle(process, code, canceled=False)

    def _settle(self, process: StepProcess, code: int, canceled: bool) -> None:
        run = self.run_ctx
        key = process.step_key
        report = process.report()
        if report.finished and report.success:
            self.steps.succeeded(key, report.outputs, report.mapping_keys)
            return
        if not report.finished:
            step = run.plan.steps[key]
            reason = (
                "was terminated because its run was canceled" if canceled
                else "did not report a result"
            )
            report_step_failure(run, step, StepProcessDied(
                f"The process of step '{key}' (pid {process.pid}) {describe_exit(code)} and "
                f"{reason}."
            ))
        self.steps.fail(key)

    # Cancellation ---------------------------------------------------------------------------

    def _terminate_running(self) -> None:
        """SIGTERM every step process, SIGKILL those still alive after the grace period."""
        if not self.running:
            return
        self._signal_all(self.running.values(), signal.SIGTERM)
        deadline = time.monotonic() + self.executor.terminate_grace_seconds
        killed = False
        while self.running:
            for key, process in list(self.running.items()):
                process.pump()
                code = process.poll()
                if code is not None:
                    del self.running[key]
                    process.pump()
                    self._settle(process, code, canceled=True)
            if not self.running:
                break
            if not killed and time.monotonic() >= deadline:
                self._signal_all(self.running.values(), signal.SIGKILL)
                killed = True
            time.sleep(_POLL_SECONDS * 5)

    @staticmethod
    def _signal_all(processes: Iterable[StepProcess], signum: int) -> None:
        for process in processes:
            try:
                process.send_signal(signum)
            except ProcessLookupError:
                pass


def _step_tags(run: RunContext, key: str) -> Mapping[str, str]:
    step = run.plan.known_step(key)
    return step.tags if step is not None else {}


def pidfd_for(pid: int) -> int | None:
    """A descriptor readable once ``pid`` exits (Linux 5.3+), else None."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        fd: int = opener(pid)
    except OSError:
        return None
    return fd
