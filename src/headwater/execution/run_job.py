"""Executing a whole run: config, resources, the executor, and the run-level events."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from headwater.definitions.jobs import JobDefinition
from headwater.errors import HeadwaterError, NotFoundError
from headwater.execution.in_process_executor import execute_steps_in_process
from headwater.execution.log_capture import install_capture
from headwater.execution.plan import ExecutionPlan, build_plan
from headwater.execution.resources import initialize_resources
from headwater.execution.run_config import (
    merge_run_config,
    normalize_run_config,
    resolve_step_configs,
)
from headwater.execution.run_context import EventSink, RunContext
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
) -> RunOutcome:
    """Execute ``job`` in this process, sending every event to ``event_sink``.

    Errors before any step runs (bad config, a partition key the job does not have, a
    resource that fails to initialise) fail the run with RUN_FAILURE rather than raising.
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
    )
    install_capture()
    context.emit(EventType.RUN_START, f"Started execution of run for job '{job.name}'.")
    try:
        if plan is None:
            context.plan = build_plan(job)
        config = merge_run_config(job.default_run_config, normalize_run_config(run_config))
        _check_partition(job, partition_key)
        context.step_configs = resolve_step_configs(context.plan, config)
        resource_defs = dict(job.resource_defs)
        if "io_manager" not in resource_defs and default_io_manager is not None:
            resource_defs["io_manager"] = default_io_manager
        with initialize_resources(
            resource_defs,
            required_keys=_required_resource_keys(context.plan, job),
            resource_run_config=config.get("resources") or {},
            run_id=run_id,
            instance=instance,
            log=logging.getLogger("headwater.resources"),
        ) as resources:
            context.resources = resources
            failed = execute_steps_in_process(context)
    except HeadwaterError as exc:
        return _fail_run(context, exc)
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


def _fail_run(context: RunContext, exc: BaseException) -> RunOutcome:
    context.emit(
        EventType.RUN_FAILURE,
        f"Execution of run for job '{context.job.name}' failed: {exc}",
        level=logging.ERROR,
        data=RunFailureData(error=ErrorInfo.from_exception(exc)),
    )
    return RunOutcome(context.run_id, False, [], error=exc)


def _required_resource_keys(plan: ExecutionPlan, job: JobDefinition) -> set[str]:
    keys: set[str] = set()
    for step in plan.steps.values():
        keys |= step.op_def.required_resource_keys
        keys |= {o.io_manager_key for o in step.outputs if o.stores_value}
        keys |= {i.input_manager_key for i in step.inputs if i.input_manager_key}
        if step.assets_def is not None:
            keys |= step.assets_def.required_resource_keys
    keys |= _upstream_io_managers(plan, job)
    return keys


def _upstream_io_managers(plan: ExecutionPlan, job: JobDefinition) -> set[str]:
    from headwater.execution.plan import FromAsset, FromStepOutput

    keys: set[str] = set()
    for step in plan.steps.values():
        for step_input in step.inputs:
            for source in step_input.sources:
                if isinstance(source, FromStepOutput):
                    upstream = plan.steps.get(source.step_key)
                    output = upstream.output(source.output_name) if upstream else None
                    if output is not None:
                        keys.add(output.io_manager_key)
                elif isinstance(source, FromAsset):
                    layer = job.asset_layer
                    definition = layer.definition_for(source.asset_key) if layer else None
                    if definition is not None:
                        keys.add(definition.io_manager_key_for(source.asset_key))
    return keys


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
