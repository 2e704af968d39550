"""Which resources steps need, and initialising just those (for one step in its own process)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from headwater.definitions.config.resources import Resources
from headwater.definitions.ops.jobs import JobDefinition
from headwater.execution.plan import (
    ExecutionPlan,
    ExecutionStep,
    FromAsset,
    FromConfig,
    FromStepOutput,
)
from headwater.execution.resources import initialize_resources
from headwater.execution.run_context import RunContext


def required_resource_keys(
    plan: ExecutionPlan, job: JobDefinition, steps: Iterable[ExecutionStep] | None = None
) -> set[str]:
    """Resource keys ``steps`` (default: every step of ``plan``) use, IO managers included."""
    chosen = list(plan.steps.values()) if steps is None else list(steps)
    keys: set[str] = set()
    for step in chosen:
        keys |= step.op_def.required_resource_keys
        keys |= {o.io_manager_key for o in step.outputs if o.stores_value}
        keys |= {i.input_manager_key for i in step.inputs if i.input_manager_key}
        keys |= {key for i in step.inputs for s in i.sources if isinstance(s, FromConfig)
                 for key in s.loader.required_resource_keys}
        if step.assets_def is not None:
            keys |= step.assets_def.required_resource_keys
        for hook in step.hooks:
            keys |= hook.required_resource_keys
    keys |= _upstream_io_managers(plan, job, chosen)
    return keys


def _upstream_io_managers(
    plan: ExecutionPlan, job: JobDefinition, steps: list[ExecutionStep]
) -> set[str]:
    """IO managers that load the inputs of ``steps`` from upstream outputs and assets."""
    keys: set[str] = set()
    for step in steps:
        for step_input in step.inputs:
            for source in step_input.sources:
                if isinstance(source, FromStepOutput):
                    upstream = plan.known_step(source.step_key)
                    output = upstream.output(source.output_name) if upstream else None
                    if output is not None:
                        keys.add(output.io_manager_key)
                elif isinstance(source, FromAsset):
                    layer = job.asset_layer
                    definition = layer.definition_for(source.asset_key) if layer else None
                    if definition is not None:
                        keys.add(definition.io_manager_key_for(source.asset_key))
    return keys


@contextmanager
def step_resources(run: RunContext, step: ExecutionStep) -> Iterator[Resources]:
    """Initialise the resources ``step`` needs (torn down on exit), from the run's definitions."""
    with initialize_resources(
        run.resource_defs,
        required_keys=required_resource_keys(run.plan, run.job, [step]),
        resource_run_config=run.resource_run_config,
        run_id=run.run_id,
        instance=run.instance,
        log=logging.getLogger("headwater.resources"),
    ) as resources:
        yield resources
