"""Running a step's hooks once it has succeeded or failed (its retries used up).

A hook that raises is recorded as HOOK_ERRORED (with its traceback) and changes nothing
else: the step and the run end as they would have without it.
"""

from __future__ import annotations

import logging
from typing import Any

from headwater.definitions.ops.hooks import SUCCESS, HookContext
from headwater.errors import UserCodeError, user_code_boundary
from headwater.execution.plan import ExecutionStep
from headwater.execution.run_context import RunContext, StepLogger
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EngineData, EventType, StepFailureData


def run_hooks(run: RunContext, step: ExecutionStep, succeeded: bool,
              output_values: dict[str, Any] | None = None) -> None:
    """Run the hooks of ``step`` that its outcome triggers; record each as an event."""
    error = None if succeeded else run.step_errors.get(step.key)
    if isinstance(error, UserCodeError):
        error = error.original
    for hook in step.hooks:
        values = EngineData(values={"hook": hook.name})
        if (hook.event == SUCCESS) != succeeded:
            run.emit(EventType.HOOK_SKIPPED,
                     f"Skipped hook '{hook.name}': it runs after a step "
                     f"{'succeeds' if hook.event == SUCCESS else 'fails'}, and step "
                     f"'{step.key}' {'succeeded' if succeeded else 'failed'}.",
                     step_key=step.key, level=logging.DEBUG, data=values)
            continue
        context = HookContext(
            hook_def=hook, step_key=step.key, op=step.op_def, job_name=run.job.name,
            run_id=run.run_id, resources=run.resources, log=StepLogger(run, step.key),
            instance=run.instance, op_exception=error, op_output_values=output_values,
            op_config=run.step_configs.get(step.key),
        )
        try:
            with user_code_boundary(f"hook '{hook.name}' of step '{step.key}'"):
                hook.hook_fn(context)
        except Exception as exc:  # noqa: BLE001 - a failing hook is an event, never a failure
            original = exc.original if isinstance(exc, UserCodeError) else exc
            run.emit(EventType.HOOK_ERRORED,
                     f"Hook '{hook.name}' of step '{step.key}' raised {type(original).__name__}: "
                     f"{original}",
                     step_key=step.key, level=logging.ERROR,
                     data=StepFailureData(error=ErrorInfo.from_exception(original)))
            continue
        run.emit(EventType.HOOK_COMPLETED,
                 f"Finished hook '{hook.name}' after step '{step.key}'.",
                 step_key=step.key, data=values)
