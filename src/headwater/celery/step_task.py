"""One step of a stored run, executed inside a Celery worker (the ``execute_step`` task).

The step runs through the same code as a multiprocess step process (resources set up for
the step, retries per its ``RetryPolicy``), with its events stored straight into the
instance (the shared PostgreSQL). They are all stored before the task returns, so the
executor, which learns the outcome from the task's result, never sees a result before the
events behind it.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from headwater.celery.worker_state import sigterm_cancels, worker_state
from headwater.core.run_status import RunStatus
from headwater.errors import NotFoundError
from headwater.execution.cancellation import Cancellation
from headwater.execution.dynamic_plan import apply_dynamic_keys
from headwater.execution.in_process_executor import (
    execute_step_with_retries,
    report_step_failure,
)
from headwater.execution.step_resources import step_resources
from headwater.execution.worker_setup import code_load_failure
from headwater.snapshot.events import EngineData, EventType

SUCCESS = "success"
FAILURE = "failure"
#: The step was not executed (its run is gone, finished or being canceled).
NOT_EXECUTED = "not_executed"


def execute_step_task(run_id: str, step_key: str, first_attempt: int,
                      hostname: str, dynamic: list[Any] | None = None) -> dict[str, Any]:
    """Execute ``step_key`` of run ``run_id``; the task's result (plain data).

    ``dynamic`` holds the mapping keys of the run's dynamic outputs known when the step was
    sent (needed by steps that collect them).
    """
    state = worker_state()
    try:
        return _execute(state, run_id, step_key, first_attempt, hostname, dynamic)
    finally:
        state.writer.flush()


def _execute(state: Any, run_id: str, step_key: str, first_attempt: int,
             hostname: str, dynamic: list[Any] | None) -> dict[str, Any]:
    context = state.contexts.get(run_id)
    if context is None:  # the first step of this run here: check the run, load its code
        run = state.instance.storage.get_run(run_id)
        if run is None or run.status.is_finished or run.status is RunStatus.CANCELING:
            why = "is not in the instance" if run is None else f"is {run.status.value}"
            return _result(NOT_EXECUTED, hostname, reason=f"run {run_id} {why}")
    try:
        context = context or state.run_context(run)
        apply_dynamic_keys(context.plan, dynamic)
        step = context.plan.known_step(step_key)
        if step is None:
            raise NotFoundError(f"Run {run_id} has no step '{step_key}'.")
    except (Exception, SystemExit) as exc:
        job_name = run.job_name if context is None else context.job.name
        state.writer.emit(code_load_failure(run_id, job_name, step_key,
                                            f"Celery worker {hostname}", exc))
        return _result(FAILURE, hostname)
    cancellation = Cancellation()
    try:
        step_run = state.step_context(context, cancellation)
        step_run.emit(
            EventType.ENGINE_EVENT,
            f"Executing step '{step_key}' on Celery worker {hostname} (pid {os.getpid()}).",
            step_key=step_key,
            level=logging.DEBUG,
            data=EngineData(values={"hostname": hostname, "pid": str(os.getpid()),
                                    "first_attempt": str(first_attempt)}),
        )
        outcome = None
        with sigterm_cancels(cancellation):
            try:
                with step_resources(step_run, step) as resources:
                    step_run.resources = resources
                    outcome = execute_step_with_retries(step_run, step, {}, first_attempt)
            except Exception as exc:  # noqa: BLE001 - resource set-up failures fail the step
                report_step_failure(step_run, step, exc)
    finally:
        cancellation.close()
    if outcome is None:
        return _result(FAILURE, hostname)
    result = _result(SUCCESS, hostname, outputs=sorted(outcome.produced_outputs))
    if outcome.mapping_keys:
        result["mapping_keys"] = outcome.mapping_keys
    return result


def _result(status: str, hostname: str, *, outputs: list[str] | None = None,
            reason: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"status": status, "hostname": hostname, "pid": os.getpid()}
    if outputs is not None:
        result["outputs"] = outputs
    if reason is not None:
        result["reason"] = reason
    return result
