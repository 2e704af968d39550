"""Execution plans: the steps of a run, where each input comes from, and their order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.ops.composition import GraphInputRef, OutputHandle
from headwater.definitions.ops.dynamic import CollectedHandle
from headwater.definitions.ops.graphs import GraphDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.ops.op_definition import OpDefinition
from headwater.definitions.ops.retries import RetryPolicy
from headwater.errors import CycleError, InvalidDefinitionError


@dataclass(frozen=True)
class FromStepOutput:
    """The input is an output of an earlier step."""

    step_key: str
    output_name: str
    #: The value of one mapping key of a dynamic output.
    mapping_key: str | None = None


@dataclass(frozen=True)
class FromCollected:
    """Every mapped value of a dynamic output (``.collect()``); resolved into one
    ``FromStepOutput`` per mapping key once the dynamic output is known."""

    step_key: str
    output_name: str


@dataclass(frozen=True)
class FromAsset:
    """The input is an asset that this run does not compute: load its stored value."""

    asset_key: AssetKey


@dataclass(frozen=True)
class FromDefault:
    """The input is unconnected and takes the parameter's default."""

    value: Any


@dataclass(frozen=True)
class FromConfig:
    """The input is unconnected and its type has a loader: run config
    (``ops.<op>.inputs.<name>``) gives it, else its default (``default`` is ``NO_VALUE``
    when it has none)."""

    loader: Any
    default: Any


InputSource = Union[FromStepOutput, FromAsset, FromDefault, FromCollected, FromConfig]


@dataclass(frozen=True)
class StepInput:
    """One input of a step: its sources (several for fan-in) and the asset it carries."""

    name: str
    sources: tuple[InputSource, ...]
    asset_key: AssetKey | None = None
    is_fan_in: bool = False
    is_nothing: bool = False
    input_manager_key: str | None = None


@dataclass(frozen=True)
class StepOutput:
    """One output of a step."""

    name: str
    io_manager_key: str
    is_required: bool
    stores_value: bool
    asset_key: AssetKey | None = None
    check_key: AssetCheckKey | None = None
    definition_metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ExecutionStep:
    """A single op execution within a run."""

    key: str
    op_def: OpDefinition
    inputs: list[StepInput]
    outputs: list[StepOutput]
    upstream: frozenset[str]
    assets_def: AssetsDefinition | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    retry_policy: RetryPolicy | None = None
    #: Path of node names in run config (``ops: {graph: {ops: {op: ...}}}``).
    config_path: tuple[str, ...] = ()
    #: For steps mapped over a dynamic output: (step key, output name) of that output.
    dynamic_root: tuple[str, str] | None = None
    #: For a mapped step (``op[key]``): its mapping key. None for a template or other step.
    mapping_key: str | None = None
    #: Hooks to run after the step (``HookDefinition``s from the job, the op invocation).
    hooks: tuple[Any, ...] = ()

    def output(self, name: str) -> StepOutput | None:
        """The output named ``name``, if the step has it in this plan."""
        for output in self.outputs:
            if output.name == name:
                return output
        return None

    @property
    def describe(self) -> str:
        """How messages name the step's definition."""
        return self.assets_def.describe if self.assets_def is not None else self.op_def.describe


@dataclass
class ExecutionPlan:
    """Steps in an order where each comes after everything it depends on."""

    job_name: str
    steps: dict[str, ExecutionStep]
    partitions_def: Any = None
    #: Steps of the job that this plan does not execute but whose stored outputs its steps
    #: load (a subset plan, e.g. a re-execution from failure), by key.
    loaded_steps: dict[str, ExecutionStep] = field(default_factory=dict)
    #: For outputs of ``loaded_steps``: the run whose stored value to load, by step key
    #: (op outputs are stored per run; asset values are not). Missing: this run.
    source_run_ids: dict[str, str] = field(default_factory=dict)
    #: Steps mapped over a dynamic output whose mapping keys are not known yet, by key;
    #: each becomes one step per mapping key (``op[key]``) once its dynamic output is.
    templates: dict[str, ExecutionStep] = field(default_factory=dict)
    #: Mapping keys of the dynamic outputs known so far, by (step key, output name).
    dynamic_keys: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def step(self, key: str) -> ExecutionStep:
        """The step ``key``."""
        return self.steps[key]

    def known_step(self, key: str) -> ExecutionStep | None:
        """The step ``key``, executed by this plan or only loaded from; None if unknown.

        A mapped step key (``op[mapping_key]``) of a template is made from the template.
        """
        found = self.steps.get(key) or self.loaded_steps.get(key)
        if found is None and key.endswith("]"):
            from headwater.execution.dynamic_plan import mapped_step

            found = mapped_step(self, key)
        return found

    @property
    def step_keys(self) -> list[str]:
        """Keys in execution order."""
        return list(self.steps)

    def downstream_of(self, key: str) -> list[str]:
        """Keys of steps that depend (directly) on ``key``."""
        return [s.key for s in self.steps.values() if key in s.upstream]


def build_plan(job: JobDefinition) -> ExecutionPlan:
    """The plan for every op of ``job`` (asset jobs: the ops of its selected assets)."""
    if job.asset_layer is not None:
        steps = _asset_steps(job)
    else:
        steps = _graph_steps(job.graph, "", {}, (), job)
    ordered = _toposorted(steps, job.name)
    from headwater.execution.dynamic_plan import split_templates

    ordered, templates = split_templates(ordered, job.name)
    return ExecutionPlan(job.name, ordered, job.partitions_def, templates=templates)


# Op graphs ------------------------------------------------------------------------------------

Resolved = list[Union[FromStepOutput, FromCollected]]


def _graph_steps(
    graph: GraphDefinition,
    prefix: str,
    graph_inputs: Mapping[str, Resolved],
    config_prefix: tuple[str, ...],
    job: JobDefinition,
) -> list[ExecutionStep]:
    steps: list[ExecutionStep] = []
    for name, invocation in graph.invocations.items():
        resolved: dict[str, Resolved] = {}
        fan_in: set[str] = set()
        for input_name, source in invocation.inputs.items():
            items = source if isinstance(source, tuple) else (source,)
            if isinstance(source, (tuple, CollectedHandle)):
                fan_in.add(input_name)
            resolved[input_name] = [
                out for item in items for out in _resolve(graph, prefix, item, graph_inputs)
            ]
        definition = invocation.definition
        path = (*config_prefix, name)
        if isinstance(definition, GraphDefinition):
            steps.extend(_graph_steps(definition, f"{prefix}{name}.", resolved, path, job))
            continue
        step_inputs = []
        for input_def in definition.input_defs:
            sources: tuple[InputSource, ...] = tuple(resolved.get(input_def.name, ()))
            if not sources and not input_def.is_nothing:
                sources = (_unconnected(definition, input_def, job),)
            step_inputs.append(
                StepInput(
                    input_def.name,
                    sources,
                    is_fan_in=input_def.name in fan_in,
                    is_nothing=input_def.is_nothing,
                    input_manager_key=input_def.input_manager_key,
                )
            )
        outputs = [
            StepOutput(
                d.name, d.io_manager_key, d.is_required, not d.is_nothing,
                definition_metadata=d.metadata,
            )
            for d in definition.output_defs
        ]
        upstream = frozenset(
            s.step_key for i in step_inputs for s in i.sources
            if isinstance(s, (FromStepOutput, FromCollected))
        )
        steps.append(
            ExecutionStep(
                key=f"{prefix}{name}",
                op_def=definition,
                inputs=step_inputs,
                outputs=outputs,
                upstream=upstream,
                tags={**definition.tags, **invocation.tags},
                retry_policy=(
                    invocation.retry_policy or definition.retry_policy or job.op_retry_policy
                ),
                config_path=path,
                hooks=(*job.hooks, *(h for h in invocation.hooks if h not in job.hooks)),
            )
        )
    return steps


def _unconnected(definition: OpDefinition, input_def: Any, job: JobDefinition) -> InputSource:
    from headwater.definitions.ops.type_loaders import input_loader

    loader = input_loader(input_def) if input_def.input_manager_key is None else None
    if loader is not None:
        return FromConfig(loader, input_def.default_value)
    if not input_def.has_default:
        raise InvalidDefinitionError(
            f"{definition.describe} in job '{job.name}': input '{input_def.name}' is not "
            "connected to any op output, has no default value and its type has no loader to "
            "take it from run config. Connect it, give it a default, or give its DagsterType "
            "a loader (dagster_type_loader)."
        )
    return FromDefault(input_def.default_value)


def _resolve(
    graph: GraphDefinition,
    prefix: str,
    source: OutputHandle | GraphInputRef | CollectedHandle,
    graph_inputs: Mapping[str, Resolved],
) -> Resolved:
    if isinstance(source, GraphInputRef):
        return list(graph_inputs.get(source.name, []))
    if isinstance(source, CollectedHandle):
        collected = _resolve(graph, prefix, source.source, graph_inputs)
        return [FromCollected(s.step_key, s.output_name) for s in collected]
    definition = graph.invocations[source.node_name].definition
    if isinstance(definition, GraphDefinition):
        inner = definition.output_mappings.get(source.output_name)
        if inner is None:
            raise InvalidDefinitionError(
                f"{definition.describe} has no output '{source.output_name}'."
            )
        return _resolve(definition, f"{prefix}{source.node_name}.", inner, graph_inputs)
    return [FromStepOutput(f"{prefix}{source.node_name}", source.output_name)]


# Asset jobs -----------------------------------------------------------------------------------


def _asset_steps(job: JobDefinition) -> list[ExecutionStep]:
    layer = job.asset_layer
    assert layer is not None
    producer: dict[AssetKey, tuple[str, str]] = {}
    check_step: dict[AssetCheckKey, str] = {}
    for definition in layer.executed:
        node = definition.node_def
        assert node is not None
        for name, key in definition.keys_by_output_name.items():
            if key in definition.selected_keys:
                producer[key] = (
                    _graph_output_step(definition, name) if definition.is_graph_backed
                    else (node.name, name)
                )
        for output_name, spec in definition.check_specs_by_output_name.items():
            if spec.key in layer.selected_check_keys:
                check_step[spec.key] = (
                    _graph_output_step(definition, output_name)[0] if definition.is_graph_backed
                    else node.name
                )
    blocking_checks: dict[AssetKey, set[str]] = {}
    for definition in layer.executed:
        for spec in definition.check_specs:
            if spec.blocking and spec.key in check_step:
                blocking_checks.setdefault(spec.asset_key, set()).add(check_step[spec.key])
    steps: list[ExecutionStep] = []
    for d in layer.executed:
        if d.is_graph_backed:
            from headwater.execution.graph_asset_steps import graph_asset_steps

            steps.extend(graph_asset_steps(d, producer, job, blocking_checks,
                                           layer.selected_check_keys))
        else:
            steps.append(_asset_step(d, producer, blocking_checks, layer.selected_check_keys, job))
    return steps


def _graph_output_step(definition: AssetsDefinition, output_name: str) -> tuple[str, str]:
    handle, _, inner_output = definition.node_def.resolve_output(output_name)
    return f"{definition.node_name}.{handle}", inner_output


def _asset_step(
    definition: AssetsDefinition,
    producer: Mapping[AssetKey, tuple[str, str]],
    blocking_checks: Mapping[AssetKey, set[str]],
    selected_checks: frozenset[AssetCheckKey],
    job: JobDefinition,
) -> ExecutionStep:
    op_def = definition.op
    assert op_def is not None
    step_key = op_def.name
    inputs = []
    for input_def in op_def.input_defs:
        key = definition.keys_by_input_name.get(input_def.name)
        source: InputSource
        if key is None:
            source = FromDefault(input_def.default_value)
        elif key in producer and producer[key][0] != step_key:
            source = FromStepOutput(*producer[key])
        else:
            source = FromAsset(key)
        inputs.append(
            StepInput(input_def.name, (source,), asset_key=key,
                      input_manager_key=input_def.input_manager_key)
        )
    upstream_keys = {dep for key in definition.selected_keys for dep in definition.asset_deps[key]}
    for spec in definition.check_specs:
        if spec.key in selected_checks:
            upstream_keys |= {spec.asset_key, *spec.additional_deps}
    upstream_keys |= set(definition.keys_by_input_name.values())
    upstream = {producer[key][0] for key in upstream_keys if key in producer}
    for key in upstream_keys:
        upstream |= blocking_checks.get(key, set())
    upstream.discard(step_key)
    outputs = []
    for output_def in op_def.output_defs:
        asset_key = definition.keys_by_output_name.get(output_def.name)
        check_spec = definition.check_specs_by_output_name.get(output_def.name)
        if asset_key is not None and asset_key not in definition.selected_keys:
            continue
        if check_spec is not None and check_spec.key not in selected_checks:
            continue
        outputs.append(
            StepOutput(
                output_def.name,
                output_def.io_manager_key,
                is_required=output_def.is_required and check_spec is None,
                stores_value=not output_def.is_nothing,
                asset_key=asset_key,
                check_key=check_spec.key if check_spec is not None else None,
                definition_metadata=(
                    definition.specs_by_key[asset_key].metadata if asset_key else {}
                ),
            )
        )
    return ExecutionStep(
        key=step_key,
        op_def=op_def,
        inputs=inputs,
        outputs=outputs,
        upstream=frozenset(upstream),
        assets_def=definition,
        tags=op_def.tags,
        retry_policy=op_def.retry_policy or job.op_retry_policy,
        config_path=(step_key,),
        hooks=job.hooks,
    )


def _toposorted(steps: Iterable[ExecutionStep], job_name: str) -> dict[str, ExecutionStep]:
    by_key = {step.key: step for step in steps}
    for step in by_key.values():
        step.upstream = frozenset(key for key in step.upstream if key in by_key)
    ordered: dict[str, ExecutionStep] = {}
    remaining = dict(by_key)
    while remaining:
        ready = [s for s in remaining.values() if s.upstream <= ordered.keys()]
        if not ready:
            raise CycleError(
                f"Job '{job_name}' has steps that depend on each other: "
                f"{', '.join(sorted(remaining))}."
            )
        for step in ready:
            ordered[step.key] = step
            del remaining[step.key]
    return ordered


def subset_plan(
    plan: ExecutionPlan,
    step_keys: Iterable[str],
    source_run_ids: Mapping[str, str] | None = None,
) -> ExecutionPlan:
    """A plan with only ``step_keys``; their inputs from dropped steps are loaded, not computed.

    ``source_run_ids`` names, per dropped step, the run whose stored outputs to load.
    """
    keep = set(step_keys)
    steps = {key: step for key, step in plan.steps.items() if key in keep}
    known = keep | {
        key for key, step in plan.templates.items()
        if step.dynamic_root is not None and step.dynamic_root[0] in keep
    }
    for step in steps.values():
        step.upstream = frozenset(key for key in step.upstream if key in known)
    loaded = {
        **plan.loaded_steps,
        **{key: step for key, step in plan.steps.items() if key not in keep},
    }
    return ExecutionPlan(
        plan.job_name,
        steps,
        plan.partitions_def,
        loaded_steps=loaded,
        source_run_ids={**plan.source_run_ids, **(source_run_ids or {})},
        # Templates of dynamic outputs this plan computes; the others were resolved before.
        templates={
            key: step for key, step in plan.templates.items()
            if step.dynamic_root is not None and step.dynamic_root[0] in keep
        },
        dynamic_keys=dict(plan.dynamic_keys),
    )
