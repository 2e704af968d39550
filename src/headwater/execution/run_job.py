"""Executing a whole run: config, resources, the executor, and the run-level events."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.partitions.context import partition_loading_context
from headwater.errors import HeadwaterError, NotFoundError
from headwater.execution.cancellation import Cancellation
from headwater.execution.executor_config import retries_enabled
from headwater.execution.in_process_executor import InProcessExecutor
from headwater.execution.input_config import resolve_input_configs
from headwater.execution.log_capture import install_capture
from headwater.execution.plan import ExecutionPlan, build_plan
from headwater.execution.resources import initialize_resources
from headwater.execution.run_config import (
    job_run_config,
    resolve_step_configs,
)
from headwater.execution.run_context import EventSink, RunContext, StepExecutor
from headwater.execution.run_loggers import (
    forwarding_sink,
    resolve_logger_configs,
    send_to_loggers,
    start_loggers,
)
from headwater.execution.step_resources import required_resource_keys
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EventType, RunFailureData


@dataclass
class RunOutcome:
    """How a run ended."""

    run_id: str
    success: bool
    failed_steps: list[str]
    #: Why the run failed: the first failed step's exception, or the error outside any step.
    error: BaseException | None = None
    #: The run stopped because it was canceled (it ended with RUN_CANCELED).
    canceled: bool = False


def new_run_id() -> str:
    """A fresh run id."""
    return str(uuid.uuid4())


def execute_job(
    job: JobDefinition,
    *,
    event_sink: EventSink,
    run_id: str | None = None,
    run_config: Any = None,
    partition_key: str | None = None,
    tags: Mapping[str, str] | None = None,
    instance: Any = None,
    default_io_manager: object | None = None,
    plan: ExecutionPlan | None = None,
    captured_outputs: dict[tuple[str, str], Any] | None = None,
    executor: StepExecutor | None = None,
    cancellation: Cancellation | None = None,
) -> RunOutcome:
    """Execute ``job``, sending every event to ``event_sink``.

    Errors before any step runs (bad config, a partition key the job does not have, a
    resource that fails to initialise) fail the run with RUN_FAILURE rather than raising.
    ``executor`` runs the steps (default: one after another in this process); when
    ``cancellation`` is requested meanwhile, the run ends with RUN_CANCELED.
    """
    run_id = run_id or new_run_id()
    context = RunContext(
        run_id=run_id,
        job=job,
        plan=plan or ExecutionPlan(job.name, {}),
        emit_event=event_sink,
        partition_key=partition_key,
        tags=dict(tags or {}),
        instance=instance,
        captured_outputs=captured_outputs,
        cancellation=cancellation,
    )
    step_executor: StepExecutor = executor or InProcessExecutor()
    install_capture()
    started = context.emit(EventType.RUN_START, f"Started execution of run for job '{job.name}'.")
    try:
        if plan is None:
            context.plan = build_plan(job)
        config = configure_run_context(context, run_config, default_io_manager)
        loggers = start_loggers(job, resolve_logger_configs(job, config), run_id)
        if loggers:
            send_to_loggers(started, loggers)
            context.emit_event = forwarding_sink(context.emit_event, loggers)
        if step_executor.per_step_resources:
            failed = step_executor.execute(context)
        else:
            with initialize_resources(
                context.resource_defs,
                required_keys=required_resource_keys(context.plan, job),
                resource_run_config=context.resource_run_config,
                run_id=run_id,
                instance=instance,
                log=logging.getLogger("headwater.resources"),
            ) as resources:
                context.resources = resources
                failed = step_executor.execute(context)
    except HeadwaterError as exc:
        return _fail_run(context, exc)
    if context.cancel_requested:
        context.emit(
            EventType.RUN_CANCELED,
            f"Execution of run for job '{job.name}' was canceled"
            + (f"; steps that did not finish: {', '.join(failed)}." if failed else "."),
            level=logging.ERROR,
        )
        return RunOutcome(run_id, False, failed, canceled=True)
    if failed:
        context.emit(
            EventType.RUN_FAILURE,
            f"Execution of run for job '{job.name}' failed. Steps failed: {', '.join(failed)}.",
            level=logging.ERROR,
            data=RunFailureData(failed_steps=failed),
        )
        return RunOutcome(run_id, False, failed, error=context.step_errors.get(failed[0]))
    context.emit(EventType.RUN_SUCCESS, f"Finished execution of run for job '{job.name}'.")
    return RunOutcome(run_id, True, [])


def configure_run_context(
    context: RunContext, run_config: Any, default_io_manager: object | None
) -> dict[str, Any]:
    """Validate the run config against the plan and set the steps' config and resources.

    Returns the run config the run uses (the job's defaults and config mapping applied).

    Raises:
        ConfigError: the run config does not fit the job.
        NotFoundError: the partition key does not fit the job.
    """
    job = context.job
    config = job_run_config(
        job, run_config, partition_config=job.run_config_for_partition_key(context.partition_key))
    with partition_loading_context(dynamic_partitions_store=context.instance):
        if context.partition_key is not None or not context.partition_keys:
            _check_partition(job, context.partition_key)
    context.step_configs = resolve_step_configs(context.plan, config)
    context.input_configs = resolve_input_configs(context.plan, config)
    resource_defs = dict(job.resource_defs)
    if "io_manager" not in resource_defs and default_io_manager is not None:
        resource_defs["io_manager"] = default_io_manager
    context.resource_defs = resource_defs
    context.resource_run_config = config.get("resources") or {}
    context.retries_enabled = retries_enabled(job, config)
    return config


def _fail_run(context: RunContext, exc: BaseException) -> RunOutcome:
    context.emit(
        EventType.RUN_FAILURE,
        f"Execution of run for job '{context.job.name}' failed: {exc}",
        level=logging.ERROR,
        data=RunFailureData(error=ErrorInfo.from_exception(exc)),
    )
    return RunOutcome(context.run_id, False, [], error=exc)


def _check_partition(job: JobDefinition, partition_key: str | None) -> None:
    partitions_def = job.partitions_def
    if partition_key is None:
        if partitions_def is not None:
            raise NotFoundError(
                f"Job '{job.name}' is partitioned; pass a partition key (for example "
                "--partition KEY on the command line, or partition_key=... in Python)."
            )
        return
    if partitions_def is None:
        raise NotFoundError(
            f"Job '{job.name}' is not partitioned, but partition '{partition_key}' was requested."
        )
    partitions_def.validate_partition_key(partition_key)
