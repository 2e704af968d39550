"""The in-process executor: every step in order, in the calling process."""

from __future__ import annotations

import logging
import time

from headwater.errors import (
    Failure,
    HeadwaterError,
    RetryRequested,
    StepFailure,
    UserCodeError,
)
from headwater.execution.cancellation import RunInterrupted
from headwater.execution.plan import ExecutionStep
from headwater.execution.run_context import RunContext
from headwater.execution.step_progress import StepProgress
from headwater.execution.step_runner import StepRun, run_step
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EventType, StepFailureData, StepRetryData


class InProcessExecutor:
    """Every step one after another in this process, sharing the run's resources."""

    per_step_resources = False

    def execute(self, run: RunContext) -> list[str]:
        """Run the plan's steps in order; returns the keys of the steps that failed."""
        return execute_steps_in_process(run)


def execute_steps_in_process(run: RunContext) -> list[str]:
    """Run the plan's steps one by one; returns the keys of the steps that failed.

    A step whose upstream failed or was skipped, or whose input's output was never
    produced, is skipped. Once the run is canceled no further step starts, and a running
    step is interrupted (it fails with a message saying so).
    """
    progress = StepProgress(run)
    while not run.cancel_requested:
        step = progress.next_to_start()
        if step is None:
            break
        outcome = execute_step_with_retries(run, step, progress.produced)
        if outcome is None:
            progress.fail(step.key)
        else:
            progress.succeeded(step.key, outcome.produced_outputs, outcome.mapping_keys)
    return progress.failed


def execute_step_with_retries(
    run: RunContext, step: ExecutionStep, produced: dict[str, set[str]], first_attempt: int = 0
) -> StepRun | None:
    """Run ``step`` (again, per its retry policy); what it produced, or None if it failed.

    ``first_attempt`` counts the attempts made elsewhere already (a Celery step whose worker
    was lost is retried on another worker). The step's hooks run after its last attempt.
    """
    outcome = _attempts(run, step, produced, first_attempt)
    if step.hooks:
        from headwater.execution.hook_runner import run_hooks

        run_hooks(run, step, outcome is not None,
                  outcome.output_values if outcome is not None else None)
    return outcome


def _attempts(
    run: RunContext, step: ExecutionStep, produced: dict[str, set[str]], first_attempt: int
) -> StepRun | None:
    attempt = first_attempt
    while True:
        try:
            if run.cancellation is None:
                return run_step(run, step, produced, retry_number=attempt)
            with run.cancellation.interruptible():
                return run_step(run, step, produced, retry_number=attempt)
        except RunInterrupted:
            report_step_failure(run, step, StepFailure(
                f"Step '{step.key}' was interrupted because its run was canceled."
            ))
            return None
        except Exception as exc:  # noqa: BLE001 - every failure of a step is reported, not raised
            delay = retry_delay(step, exc, attempt) if run.retries_enabled else None
            if delay is None:
                report_step_failure(run, step, _retries_exhausted(step, exc, attempt))
                return None
            attempt += 1
            run.emit(
                EventType.STEP_UP_FOR_RETRY,
                f"Step '{step.key}' failed and will be retried (attempt {attempt + 1}"
                f"{f' in {delay:.1f}s' if delay else ''}): {exc}",
                step_key=step.key,
                level=logging.WARNING,
                data=StepRetryData(attempt=attempt, seconds_to_wait=delay,
                                   error=ErrorInfo.from_exception(_original(exc))),
            )
            if delay and run.cancellation is not None:
                if run.cancellation.wait(delay):
                    report_step_failure(run, step, StepFailure(
                        f"Step '{step.key}' was not retried because its run was canceled."
                    ))
                    return None
            elif delay:
                time.sleep(delay)


def retry_delay(step: ExecutionStep, exc: BaseException, attempt: int) -> float | None:
    """Seconds to wait before retrying after ``exc`` on try ``attempt`` (None: don't retry)."""
    original = _original(exc)
    if isinstance(original, RetryRequested):
        return original.seconds_to_wait if attempt < original.max_retries else None
    policy = step.retry_policy
    if policy is None or attempt >= policy.max_retries:
        return None
    if isinstance(original, Failure) and not original.allow_retries:
        return None
    return policy.seconds_before_attempt(attempt + 1)


def _retries_exhausted(step: ExecutionStep, exc: Exception, attempt: int) -> Exception:
    """A ``RetryRequested`` past its limit becomes a failure that names the step."""
    if not isinstance(exc, RetryRequested):
        return exc
    error = StepFailure(
        f"{step.describe} requested a retry after {attempt + 1} attempt(s), but allows at most "
        f"{exc.max_retries} retries (RetryRequested(max_retries={exc.max_retries}))."
    )
    error.__cause__ = exc
    return error


def _original(exc: BaseException) -> BaseException:
    return exc.original if isinstance(exc, UserCodeError) else exc


def report_step_failure(run: RunContext, step: ExecutionStep, exc: BaseException) -> None:
    """Emit STEP_FAILURE for ``exc`` with the user's traceback and a clear message."""
    run.step_errors.setdefault(step.key, exc)
    original = _original(exc)
    metadata = {}
    if isinstance(original, Failure):
        from headwater.execution.reporting import snap_metadata

        metadata = snap_metadata(original.metadata, step.describe)
    user_code = isinstance(exc, (UserCodeError, Failure)) or not isinstance(exc, HeadwaterError)
    run.emit(
        EventType.STEP_FAILURE,
        f"Step '{step.key}' failed: {exc}",
        step_key=step.key,
        level=logging.ERROR,
        data=StepFailureData(
            error=ErrorInfo.from_exception(original), user_code=user_code, metadata=metadata
        ),
    )
