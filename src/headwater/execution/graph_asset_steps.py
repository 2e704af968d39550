"""The steps of a graph-backed asset in an asset job: one per op of its graph (``graph.op``).

The graph's inputs load upstream assets (from the step producing them in this run, or from
storage); the op output each graph output maps to materializes that output's asset. When only
some of the assets are selected, only the ops they need run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.execution.plan import (
    ExecutionStep,
    FromAsset,
    FromStepOutput,
    Resolved,
    _graph_steps,
)


def graph_asset_steps(
    definition: AssetsDefinition,
    producer: Mapping[AssetKey, tuple[str, str]],
    job: JobDefinition,
) -> list[ExecutionStep]:
    """The steps computing ``definition``'s selected assets."""
    graph = definition.node_def
    prefix = definition.node_name
    inputs: dict[str, Resolved] = {}
    for input_name, key in definition.keys_by_input_name.items():
        if key in producer and not producer[key][0].startswith(f"{prefix}."):
            inputs[input_name] = [FromStepOutput(*producer[key])]
        else:
            inputs[input_name] = [FromAsset(key)]  # type: ignore[list-item]
    steps = {s.key: s for s in _graph_steps(graph, f"{prefix}.", inputs, (prefix,), job)}
    outputs: dict[tuple[str, str], AssetKey] = {}
    for output_name, key in definition.keys_by_output_name.items():
        if key in definition.selected_keys:
            handle, _, inner = graph.resolve_output(output_name)
            outputs[(f"{prefix}.{handle}", inner)] = key
    needed = _ancestors(steps, {step_key for step_key, _ in outputs})
    extra_upstream = {
        producer[dep][0] for key in definition.selected_keys
        for dep in definition.specs_by_key[key].deps
        if dep in producer and dep not in definition.keys_by_input_name.values()
    }
    result: list[ExecutionStep] = []
    for step_key, step in steps.items():
        if step_key not in needed:
            continue
        step.outputs = [
            replace(o, asset_key=outputs[(step_key, o.name)],
                    definition_metadata=definition.specs_by_key[
                        outputs[(step_key, o.name)]].metadata)
            if (step_key, o.name) in outputs else o
            for o in step.outputs
        ]
        step.assets_def = definition
        step.upstream = (step.upstream | extra_upstream) - {step_key}
        result.append(step)
    return result


def _ancestors(steps: Mapping[str, ExecutionStep], wanted: set[str]) -> set[str]:
    found: set[str] = set()
    pending = [key for key in wanted if key in steps]
    while pending:
        key = pending.pop()
        if key in found:
            continue
        found.add(key)
        pending.extend(up for up in steps[key].upstream if up in steps)
    return found
