"""``python -m headwater.execution.step_process RUN_ID STEP_KEY [FD]``: one step, fresh process.

The ``spawn`` start method of the multiprocess executor (for platforms without ``fork``, or
when chosen with ``start_method: spawn``). The process loads the run's location again,
rebuilds the run's plan and config and executes the one step. Its events go to the pipe
``FD`` that the run worker reads; without ``FD`` they are stored in the instance directly.
Exit code 0 when the step succeeded, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence

from headwater.definitions.config.io_managers import FilesystemIOManager
from headwater.errors import StepNotFoundError
from headwater.execution.cancellation import Cancellation, install_sigterm_handler
from headwater.execution.dynamic_plan import apply_dynamic_keys
from headwater.execution.event_pipe import EventPipeWriter
from headwater.execution.log_capture import install_capture
from headwater.execution.run_context import EventSink, RunContext
from headwater.execution.run_job import configure_run_context
from headwater.execution.step_processes import (
    DYNAMIC_KEYS_ENV,
    PARENT_PID_ENV,
    execute_step_in_child,
)
from headwater.execution.worker_events import EventWriter
from headwater.execution.worker_setup import build_run_plan, code_load_failure, load_run_target
from headwater.processes import die_with_parent
from headwater.storage.instance import Instance

_USAGE = "usage: python -m headwater.execution.step_process RUN_ID STEP_KEY [EVENTS_FD]"


def main(argv: Sequence[str] | None = None) -> int:
    """Execute one step of a stored run; the process exit code."""
    cancellation = Cancellation()
    install_sigterm_handler(cancellation)
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (2, 3) or (len(args) == 3 and not args[2].isdigit()):
        print(_USAGE, file=sys.stderr)
        return 2
    run_id, step_key = args[0], args[1]
    parent = os.environ.pop(PARENT_PID_ENV, "")
    if parent.isdigit():
        die_with_parent(int(parent))  # a SIGKILLed worker leaves no step running
    instance = Instance.get()
    writer: EventWriter | None = None
    if len(args) == 3:
        pipe = EventPipeWriter(int(args[2]), cancellation)
        sink: EventSink = pipe.emit
    else:
        writer = EventWriter(instance.storage).start()
        sink = writer.emit
    try:
        return _execute(instance, run_id, step_key, sink, cancellation)
    finally:
        if writer is not None:
            writer.close()


def _execute(instance: Instance, run_id: str, step_key: str, sink: EventSink,
             cancellation: Cancellation) -> int:
    storage = instance.storage
    run = storage.get_run(run_id)
    if run is None:
        print(f"headwater: run {run_id} is not in the instance at {instance.root}.",
              file=sys.stderr)
        return 1
    try:
        target = load_run_target(run)
        plan = build_run_plan(storage, run, target.job)
        apply_dynamic_keys(plan, json.loads(os.environ.get(DYNAMIC_KEYS_ENV) or "[]"))
        step = plan.known_step(step_key)
        if step is None:
            raise StepNotFoundError(f"Run {run_id} has no step '{step_key}'.")
        context = RunContext(
            run_id=run.run_id,
            job=target.job,
            plan=plan,
            emit_event=sink,
            partition_key=run.partition_key,
            tags=dict(run.tags),
            instance=instance,
        )
        configure_run_context(
            context, run.run_config, FilesystemIOManager(base_dir=instance.storage_dir)
        )
    except (Exception, SystemExit) as exc:
        sink(code_load_failure(run_id, run.job_name, step_key, "its process", exc))
        return 1
    install_capture()
    return execute_step_in_child(context, step, sink, cancellation, "spawned by the run worker")


if __name__ == "__main__":
    sys.exit(main())
