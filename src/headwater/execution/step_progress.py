"""Where a parallel execution stands: which steps wait, which are ready, which ended how.

Shared by the executors that run several steps at once (multiprocess, Celery): they start
ready steps up to their limit, and report each step's end here, which releases the steps
downstream of it. A ready step whose upstream did not succeed, or whose input's output was
never produced, is skipped (STEP_SKIPPED) instead of started.
"""

from __future__ import annotations

import logging
from collections import deque

from headwater.execution.in_process_executor import blocked_by
from headwater.execution.plan import ExecutionStep
from headwater.execution.run_context import RunContext
from headwater.snapshot.events import EventType


class StepProgress:
    """The steps of one run's plan: waiting on upstream steps, ready, produced, failed."""

    def __init__(self, run: RunContext) -> None:
        self.run_ctx = run
        steps = run.plan.steps
        self.waiting_on: dict[str, set[str]] = {key: set(s.upstream) for key, s in steps.items()}
        self.downstream: dict[str, list[str]] = {key: [] for key in steps}
        for key, step in steps.items():
            for upstream in step.upstream:
                self.downstream[upstream].append(key)
        self.ready: deque[str] = deque(key for key, waits in self.waiting_on.items() if not waits)
        #: The outputs each succeeded step produced.
        self.produced: dict[str, set[str]] = {}
        #: Steps that failed or were skipped: their downstream steps are skipped.
        self.not_run: set[str] = set()
        #: Keys of the failed steps, in the order they failed.
        self.failed: list[str] = []

    def next_to_start(self) -> ExecutionStep | None:
        """Take the next ready step that can run (skipping blocked ones); None when none is."""
        run = self.run_ctx
        while self.ready:
            key = self.ready.popleft()
            step = run.plan.steps[key]
            blocked = blocked_by(step, self.produced, self.not_run)
            if blocked is None:
                return step
            self.not_run.add(key)
            run.emit(EventType.STEP_SKIPPED, f"Skipped step '{key}': {blocked}.",
                     step_key=key, level=logging.WARNING)
            self._release_downstream(key)
        return None

    def succeeded(self, key: str, outputs: set[str]) -> None:
        """Step ``key`` succeeded having produced ``outputs``."""
        self.produced[key] = outputs
        self._release_downstream(key)

    def fail(self, key: str) -> None:
        """Step ``key`` failed: its downstream steps will be skipped."""
        self.failed.append(key)
        self.not_run.add(key)
        self._release_downstream(key)

    def _release_downstream(self, key: str) -> None:
        for downstream in self.downstream[key]:
            waits = self.waiting_on[downstream]
            waits.discard(key)
            if not waits:
                self.ready.append(downstream)
