"""Running one step: load its inputs, call the user's function, store and report its outputs."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from headwater.definitions.config.io_managers import InputContext, OutputContext
from headwater.definitions.ops.context import (
    AssetCheckExecutionContext,
    AssetExecutionContext,
    ExecutionInfo,
    OpExecutionContext,
)
from headwater.definitions.partitions.context import partition_loading_context
from headwater.errors import InvalidOutputError, StepFailure, user_code_boundary
from headwater.execution.input_config import LoaderContext, load_from_config
from headwater.execution.log_capture import capturing_step_logs
from headwater.execution.output_capture import capturing_step_output
from headwater.execution.outputs import StepResultItem, normalize_step_result
from headwater.execution.partition_inputs import InputPartitions, input_partitions
from headwater.execution.plan import (
    ExecutionStep,
    FromAsset,
    FromCollected,
    FromConfig,
    FromDefault,
    FromStepOutput,
    StepInput,
    StepOutput,
)
from headwater.execution.reporting import (
    report_asset_event,
    report_check,
    report_output,
)
from headwater.execution.run_context import RunContext, StepLogger
from headwater.execution.type_checks import check_inputs, check_output
from headwater.snapshot.events import EventType, InputData, StepSuccessData


@dataclass
class StepRun:
    """What one attempt of a step produced."""

    produced_outputs: set[str] = field(default_factory=set)
    failed_blocking_checks: list[str] = field(default_factory=list)
    #: Mapping keys yielded for each dynamic output, in order.
    mapping_keys: dict[str, list[str]] = field(default_factory=dict)
    #: Values produced, by output name (dicts by mapping key for dynamic outputs); for hooks.
    output_values: dict[str, Any] = field(default_factory=dict)


def run_step(run: RunContext, step: ExecutionStep, produced: Mapping[str, set[str]],
             retry_number: int = 0) -> StepRun:
    """Execute ``step`` once. Raises on failure; the executor reports it.

    ``produced`` maps each finished step key to the outputs it produced, so inputs can be
    loaded from them.
    """
    started = time.perf_counter()
    if retry_number == 0:
        run.emit(EventType.STEP_START, f"Started execution of step '{step.key}'.",
                 step_key=step.key)
    else:
        run.emit(EventType.STEP_RESTARTED, f"Started re-execution (attempt {retry_number + 1}) "
                 f"of step '{step.key}'.", step_key=step.key)
    log = StepLogger(run, step.key)
    resolver = InputPartitions(run, step)
    kwargs = _load_inputs(run, step, log, resolver)
    if step.op_def.input_defs:
        check_inputs(run, step, kwargs, log)
    run_keys = run.partition_keys
    info = ExecutionInfo(
        run_id=run.run_id,
        job_name=run.job.name,
        step_key=step.key,
        op_name=step.op_def.name,
        op_config=run.step_configs.get(step.key),
        resources=run.resources,
        log=log,
        instance=run.instance,
        tags=run.tags,
        partition_key=run_keys[0] if run_keys is not None and len(run_keys) == 1 else None,
        partition_keys=run_keys,
        input_partitions=resolver,
        partitions_def=run.plan.partitions_def,
        retry_number=retry_number,
        assets_def=step.assets_def,
        selected_output_names=frozenset(o.name for o in step.outputs),
        mapping_key=step.mapping_key,
    )
    context = _context_for(step, info)
    outcome = StepRun()
    with capturing_step_logs(run, step.key), capturing_step_output(run, step.key), \
            user_code_boundary(step.describe), \
            partition_loading_context(dynamic_partitions_store=run.instance):
        result = _call(step, context, info, kwargs)
        items = list(normalize_step_result(step, result))
    for item in items:
        _handle_item(run, step, info, log, item, outcome)
    for event in info.logged_events:
        report_asset_event(run, step, event)
    _check_required_outputs(step, outcome)
    if outcome.failed_blocking_checks:
        raise StepFailure(
            f"Blocking check(s) failed for {step.describe}: "
            f"{', '.join(outcome.failed_blocking_checks)}. Downstream steps will not run."
        )
    duration_ms = (time.perf_counter() - started) * 1000
    run.emit(
        EventType.STEP_SUCCESS,
        f"Finished execution of step '{step.key}' in {duration_ms:.1f}ms.",
        step_key=step.key,
        data=StepSuccessData(duration_ms=duration_ms),
    )
    return outcome


def _context_for(step: ExecutionStep, info: ExecutionInfo) -> OpExecutionContext:
    if step.op_def.kind == "asset_check":
        return AssetCheckExecutionContext(info)
    if step.assets_def is not None:
        return AssetExecutionContext(info)
    return OpExecutionContext(info)


def _call(step: ExecutionStep, context: OpExecutionContext, info: ExecutionInfo,
          inputs: dict[str, Any]) -> Any:
    params = step.op_def.params
    kwargs = dict(inputs)
    if params.context:
        kwargs[params.context] = context
    if params.config:
        kwargs[params.config] = info.op_config
    for key in params.resources:
        kwargs[key] = run_resource(info, key)
    fn = step.op_def.compute_fn
    result = fn(**kwargs)
    if inspect.isgeneratorfunction(fn):
        # Only generator functions yield events; an iterator returned as a value is a value.
        return list(result)
    if inspect.isasyncgenfunction(fn):
        return asyncio.run(_collect(result))
    if inspect.iscoroutinefunction(fn):
        return asyncio.run(result)
    return result


async def _collect(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]


def run_resource(info: ExecutionInfo, key: str) -> Any:
    """The initialised resource ``key``."""
    return info.resources[key]


# Inputs ---------------------------------------------------------------------------------------


def _load_inputs(run: RunContext, step: ExecutionStep, log: StepLogger,
                 resolver: InputPartitions) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for step_input in step.inputs:
        if step_input.is_nothing:
            continue
        loaded = [_load_source(run, step, step_input, source, log, resolver)
                  for source in step_input.sources]
        if not step.op_def.input_def(step_input.name).in_signature:
            continue
        values[step_input.name] = loaded if step_input.is_fan_in else loaded[0]
    return values


def _load_source(run: RunContext, step: ExecutionStep, step_input: StepInput, source: Any,
                 log: StepLogger, resolver: InputPartitions) -> Any:
    if isinstance(source, FromDefault):
        return source.value
    if isinstance(source, FromConfig):
        return load_from_config(step, step_input.name, source, run.input_configs,
                                LoaderContext(run.resources, log, step))
    if isinstance(source, FromCollected):
        raise StepFailure(
            f"Input '{step_input.name}' of step '{step.key}' collects dynamic output "
            f"'{source.output_name}' of '{source.step_key}', whose mapping keys are not known "
            "in this process. Execute the run from its start (or re-execute from failure)."
        )
    upstream = _upstream_output_context(run, source, log)
    manager_key = step_input.input_manager_key or upstream.manager_key
    upstream_key = step_input.asset_key or (
        upstream.context.asset_key if upstream.context.has_asset_key else None)
    partition_key, partition_keys = input_partitions(resolver, upstream_key,
                                                     upstream.partitions_def)
    context = InputContext(
        name=step_input.name,
        upstream_output=upstream.context,
        asset_key=step_input.asset_key or (
            upstream.context.asset_key if upstream.context.has_asset_key else None
        ),
        partition_key=partition_key,
        partition_keys=partition_keys,
        definition_metadata=step.op_def.input_def(step_input.name).metadata,
        resources=run.resources,
        log=log,  # type: ignore[arg-type]
        op_name=step.op_def.name,
    )
    manager = run.resources[manager_key]
    with user_code_boundary(
        f"IO manager '{manager_key}' loading input '{step_input.name}' of {step.describe}"
    ):
        value = manager.load_input(context)
    asset_key = step_input.asset_key
    run.emit(
        EventType.LOADED_INPUT,
        f"Loaded input '{step_input.name}' using IO manager '{manager_key}'.",
        step_key=step.key,
        level=logging.DEBUG,
        data=InputData(
            input_name=step_input.name,
            upstream_step_key=source.step_key if isinstance(source, FromStepOutput) else None,
            upstream_output_name=source.output_name if isinstance(source, FromStepOutput) else None,
            asset_key=asset_key.path if asset_key is not None else None,
            manager_key=manager_key,
        ),
    )
    return value


@dataclass
class _Upstream:
    context: OutputContext
    manager_key: str
    #: The upstream asset's partitions definition (None when it is not partitioned).
    partitions_def: Any


def _upstream_output_context(run: RunContext, source: Any, log: StepLogger) -> _Upstream:
    if isinstance(source, FromStepOutput):
        upstream_step = run.plan.known_step(source.step_key)
        output = upstream_step.output(source.output_name) if upstream_step else None
        if upstream_step is None or output is None:
            raise StepFailure(
                f"Input comes from output '{source.output_name}' of step '{source.step_key}', "
                "which is not part of this run."
            )
        partitions_def = (
            upstream_step.assets_def.partitions_def if upstream_step.assets_def else None
        )
        return _Upstream(
            output_context(
                run, upstream_step, output, log, partitions_def is not None,
                source_run_id=run.plan.source_run_ids.get(source.step_key),
                mapping_key=source.mapping_key,
            ),
            output.io_manager_key,
            partitions_def,
        )
    assert isinstance(source, FromAsset)
    layer = run.job.asset_layer
    definition = layer.definition_for(source.asset_key) if layer is not None else None
    if definition is None:
        raise StepFailure(
            f"Cannot load asset '{source.asset_key.to_user_string()}': it is not defined in "
            "this location."
        )
    partitioned = definition.partitions_def is not None and run.partition_key is not None
    context = OutputContext(
        name=definition.output_names_by_key.get(source.asset_key, "result"),
        step_key=definition.node_name,
        run_id=run.run_id,
        op_name=definition.node_name,
        asset_key=source.asset_key,
        partition_key=run.partition_key if partitioned else None,
        definition_metadata=definition.specs_by_key[source.asset_key].metadata,
        resources=run.resources,
        log=log,  # type: ignore[arg-type]
    )
    return _Upstream(
        context, definition.io_manager_key_for(source.asset_key), definition.partitions_def
    )


def output_context(run: RunContext, step: ExecutionStep, output: StepOutput, log: Any,
                   partitioned: bool | None = None,
                   source_run_id: str | None = None,
                   mapping_key: str | None = None) -> OutputContext:
    """The IO manager context for ``output`` of ``step``.

    ``source_run_id`` is the run that stored the output when it is not this one (an input
    of a re-execution loading what its parent run produced).
    """
    if partitioned is None:
        partitioned = step.assets_def is not None and step.assets_def.partitions_def is not None
    return OutputContext(
        name=output.name,
        step_key=step.key,
        run_id=source_run_id or run.run_id,
        op_name=step.op_def.name,
        asset_key=output.asset_key,
        partition_key=run.partition_key if partitioned else None,
        partition_keys=run.partition_keys if partitioned else None,
        definition_metadata=output.definition_metadata,
        config=None,
        resources=run.resources,
        log=log,
        mapping_key=mapping_key,
    )


# Outputs --------------------------------------------------------------------------------------


def _handle_item(run: RunContext, step: ExecutionStep, info: ExecutionInfo, log: StepLogger,
                 item: StepResultItem, outcome: StepRun) -> None:
    if item.kind == "output":
        output = step.output(item.output_name)
        if output is None:
            raise InvalidOutputError(
                f"{step.describe} produced output '{item.output_name}', which it does not "
                f"declare (or which this run did not select). Declared: "
                f"{', '.join(o.name for o in step.outputs) or 'none'}."
            )
        _check_dynamic(step, item, outcome)
        if item.output_name in outcome.produced_outputs and item.mapping_key is None:
            raise InvalidOutputError(
                f"{step.describe} produced output '{item.output_name}' more than once."
            )
        if item.has_value:
            check_output(run, step, item.output_name, item.value, item.mapping_key, log)
        outcome.produced_outputs.add(item.output_name)
        if item.has_value and step.hooks:
            if item.mapping_key is None:
                outcome.output_values[item.output_name] = item.value
            else:
                by_key = outcome.output_values.setdefault(item.output_name, {})
                by_key[item.mapping_key] = item.value
        report_output(run, step, info, log, output, item)
    elif item.kind == "check":
        failed = report_check(run, step, item)
        if failed:
            outcome.failed_blocking_checks.append(failed)
        output_name = item.output_name
        if output_name:
            outcome.produced_outputs.add(output_name)
    else:
        report_asset_event(run, step, item.event)


def _check_dynamic(step: ExecutionStep, item: StepResultItem, outcome: StepRun) -> None:
    """A ``DynamicOutput`` goes to a ``DynamicOut``, once per mapping key; nothing else does."""
    dynamic = step.op_def.has_output(item.output_name) and step.op_def.output_def(
        item.output_name
    ).is_dynamic
    if item.mapping_key is None:
        if dynamic:
            raise InvalidOutputError(
                f"{step.describe} produced a plain value for output '{item.output_name}', which "
                "is a DynamicOut; yield DynamicOutput(value, mapping_key=...) for each value."
            )
        return
    if not dynamic:
        raise InvalidOutputError(
            f"{step.describe} yielded a DynamicOutput for output '{item.output_name}', which "
            "is not a DynamicOut. Declare it with out=DynamicOut(), or yield Output(value)."
        )
    keys = outcome.mapping_keys.setdefault(item.output_name, [])
    if item.mapping_key in keys:
        raise InvalidOutputError(
            f"{step.describe} yielded mapping key '{item.mapping_key}' twice for dynamic output "
            f"'{item.output_name}'; each DynamicOutput needs its own mapping_key."
        )
    keys.append(item.mapping_key)


def _check_required_outputs(step: ExecutionStep, outcome: StepRun) -> None:
    missing = [
        o.name for o in step.outputs
        if o.is_required and o.name not in outcome.produced_outputs
        and not step.op_def.output_def(o.name).is_dynamic
    ]
    if missing:
        raise InvalidOutputError(
            f"{step.describe} finished without producing required output(s) "
            f"{', '.join(missing)}. Return or yield a value for each."
        )
    unreported = [
        o.check_key.to_user_string()
        for o in step.outputs
        if o.check_key is not None and o.name not in outcome.produced_outputs
    ]
    if unreported:
        raise InvalidOutputError(
            f"{step.describe} did not return an AssetCheckResult for check(s) "
            f"{', '.join(unreported)}."
        )
