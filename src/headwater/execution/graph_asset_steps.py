"""The steps of a graph-backed asset in an asset job: one per op of its graph (``graph.op``).

The graph's inputs load upstream assets (from the step producing them in this run, or from
storage); the op output each graph output maps to materializes that output's asset. When only
some of the assets are selected, only the ops they need run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.execution.plan import (
    ExecutionStep,
    FromAsset,
    FromStepOutput,
    Resolved,
    StepOutput,
    _graph_steps,
)


def graph_asset_steps(
    definition: AssetsDefinition,
    producer: Mapping[AssetKey, tuple[str, str]],
    job: JobDefinition,
    blocking_checks: Mapping[AssetKey, set[str]] | None = None,
    selected_checks: frozenset[AssetCheckKey] | None = None,
) -> list[ExecutionStep]:
    """The steps computing ``definition``'s selected assets and checks.

    A check's graph output maps to the op output that reports it; steps that load an
    upstream asset with blocking checks wait for the steps executing those checks.
    """
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
    checks: dict[tuple[str, str], AssetCheckKey] = {}
    for output_name, spec in definition.check_specs_by_output_name.items():
        if selected_checks is None or spec.key in selected_checks:
            handle, _, inner = graph.resolve_output(output_name)
            checks[(f"{prefix}.{handle}", inner)] = spec.key
    needed = _ancestors(steps, {step_key for step_key, _ in [*outputs, *checks]})
    upstream_keys = {
        dep for key in definition.selected_keys for dep in definition.specs_by_key[key].deps
    } | set(definition.keys_by_input_name.values())
    extra_upstream = {
        producer[dep][0] for dep in upstream_keys
        if dep in producer and dep not in definition.keys_by_input_name.values()
    }
    for dep in upstream_keys:
        extra_upstream |= (blocking_checks or {}).get(dep, set())
    result: list[ExecutionStep] = []
    for step_key, step in steps.items():
        if step_key not in needed:
            continue
        step.outputs = [_annotated(definition, step_key, o, outputs, checks)
                        for o in step.outputs]
        step.assets_def = definition
        step.upstream = (step.upstream | extra_upstream) - {step_key}
        result.append(step)
    return result


def _annotated(definition: AssetsDefinition, step_key: str, output: StepOutput,
               assets: Mapping[tuple[str, str], AssetKey],
               checks: Mapping[tuple[str, str], AssetCheckKey]) -> StepOutput:
    asset_key = assets.get((step_key, output.name))
    if asset_key is not None:
        return replace(output, asset_key=asset_key,
                       definition_metadata=definition.specs_by_key[asset_key].metadata)
    check_key = checks.get((step_key, output.name))
    if check_key is not None:
        return replace(output, check_key=check_key, is_required=False)
    return output


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
