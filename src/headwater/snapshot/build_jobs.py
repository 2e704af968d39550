"""Snapshots of jobs: their steps, how steps connect, and the JSON Schema of their run config.

Also the small converters shared with :mod:`headwater.snapshot.build` (partitions, metadata),
which cache per object so that thousands of assets sharing one partitions definition pay for
its conversion once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.assets.asset_layer import AssetLayer
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.config.resources import ResourceDefinition
from headwater.definitions.metadata import normalize_metadata
from headwater.definitions.ops.composition import GraphInputRef, InputSource, OutputHandle
from headwater.definitions.ops.dynamic import CollectedHandle
from headwater.definitions.ops.executors import BUILTIN_EXECUTORS, in_process_executor
from headwater.definitions.ops.graphs import GraphDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.ops.op_definition import OpDefinition
from headwater.snapshot.config_schemas import (
    SchemaCache,
    mapped_run_config_schema,
    run_config_schema,
)
from headwater.snapshot.location import (
    AssetCheckRef,
    InputSnap,
    JobSnap,
    OpSnap,
    OutputRef,
    OutputSnap,
    PartitionsSnap,
)
from headwater.snapshot.metadata import MetadataEntrySnap, metadata_to_snap


class BuildCache(SchemaCache):
    """Per-build caches: config schemas, partitions and resource run schemas."""

    def __init__(self) -> None:
        super().__init__()
        self._partitions: dict[int, tuple[object, PartitionsSnap]] = {}
        self._resource_run: dict[int, tuple[object, dict[str, Any] | None]] = {}
        self._required: dict[int, tuple[object, list[str]]] = {}

    def required_keys(self, definition: AssetsDefinition) -> list[str]:
        """Sorted resource keys an assets definition needs (IO managers included)."""
        cached = self._required.get(id(definition))
        if cached is None:
            cached = (definition, sorted(definition.required_resource_keys))
            self._required[id(definition)] = cached
        return cached[1]

    def partitions(self, partitions_def: Any) -> PartitionsSnap | None:
        """The snapshot of a partitions definition (None for None)."""
        if partitions_def is None:
            return None
        cached = self._partitions.get(id(partitions_def))
        if cached is not None:
            return cached[1]
        data = msgspec.to_builtins(partitions_def.to_dict(), str_keys=True)
        snap = PartitionsSnap(kind=str(data.get("kind", type(partitions_def).__name__)), data=data)
        self._partitions[id(partitions_def)] = (partitions_def, snap)
        return snap

    def resource_run_schema(self, key: str, value: object) -> dict[str, Any] | None:
        """What run config may give resource ``key`` (see ``SchemaCache.resource_schema``)."""
        cached = self._resource_run.get(id(value))
        if cached is None:
            found = self.resource_schema(key, value)
            cached = (value, found[1] if found is not None else None)
            self._resource_run[id(value)] = cached
        return cached[1]


def metadata_snap(raw: Mapping[str, Any] | None) -> dict[str, MetadataEntrySnap]:
    """Definition metadata as snapshot entries; unstorable values become text of their repr."""
    if not raw:
        return {}
    return metadata_to_snap(normalize_metadata(raw, allow_invalid=True))


def key_list(key: AssetKey) -> list[str]:
    """The parts of an asset key, as the snapshot writes them."""
    return list(key)


def _plain(value: Any) -> dict[str, Any]:
    """``value`` as JSON-able builtins; objects JSON cannot hold become their repr."""
    converted = msgspec.to_builtins(value, str_keys=True, enc_hook=repr)
    return converted if isinstance(converted, dict) else {}


def resource_dependencies(value: object, resources: Mapping[str, object]) -> set[str]:
    """Keys of the resources ``value`` needs: its required keys and nested resources."""
    if not isinstance(value, ResourceDefinition):
        return set()
    keys = set(value.required_resource_keys)
    nested = getattr(value, "nested_resources", None)
    if callable(nested):
        by_id = {id(v): k for k, v in resources.items()}
        keys |= {by_id[id(r)] for r in nested().values() if id(r) in by_id}
    return keys


def used_resources(keys: set[str], resources: Mapping[str, object]) -> set[str]:
    """``keys`` plus every resource they depend on, directly or not."""
    found: set[str] = set()
    pending = list(keys)
    while pending:
        key = pending.pop()
        if key in found:
            continue
        found.add(key)
        if key in resources:
            pending.extend(resource_dependencies(resources[key], resources) - found)
    return found


# Jobs ----------------------------------------------------------------------------------------


def job_snap(job: JobDefinition, cache: BuildCache, *, is_implicit: bool = False) -> JobSnap:
    """The snapshot of one resolved job (op job or asset job)."""
    layer = job.asset_layer
    ops = _asset_ops(layer, cache) if layer is not None else _graph_ops(job.graph, cache)
    op_schemas = [
        (tuple(op.name.split(".")), op.config_schema)
        for op in ops
        if op.config_schema is not None
    ]
    used = used_resources({k for op in ops for k in op.required_resource_keys}, job.resource_defs)
    resource_schemas: dict[str, tuple[dict[str, Any], bool]] = {}
    for key, value in job.resource_defs.items():
        schema = cache.resource_run_schema(key, value)
        if schema is not None:
            resource_schemas[key] = (schema, key in used)
    return JobSnap(
        name=job.name,
        description=job.description,
        tags=dict(job.tags),
        run_tags=(dict(job.explicit_run_tags) if job.explicit_run_tags is not None else None),
        metadata=metadata_snap(job.metadata),
        is_asset_job=layer is not None,
        is_implicit=is_implicit,
        asset_selection=(
            [key_list(k) for k in sorted(layer.selected_asset_keys)] if layer is not None else []
        ),
        asset_check_selection=(
            [
                AssetCheckRef(asset_key=key_list(c.asset_key), name=c.name)
                for c in sorted(layer.selected_check_keys, key=lambda c: (c.asset_key, c.name))
            ]
            if layer is not None
            else []
        ),
        ops=ops,
        run_config_schema=_job_run_config_schema(job, op_schemas, resource_schemas, cache),
        default_run_config=_plain(job.default_run_config),
        partitions=cache.partitions(job.partitions_def),
        executor=job.executor_def.name if job.executor_def is not None else None,
    )


def _job_run_config_schema(
    job: JobDefinition,
    op_schemas: list[tuple[tuple[str, ...], dict[str, Any]]],
    resource_schemas: dict[str, tuple[dict[str, Any], bool]],
    cache: BuildCache,
) -> dict[str, Any]:
    schema = run_config_schema(
        op_schemas, resource_schemas, _input_schemas(job, cache),
        logger_schemas={name: cache.op_schema(definition.config_schema, f"{name}_logger")
                        for name, definition in job.loggers.items()},
        execution_schemas=_execution_schemas(job, cache),
        mapped_graphs=_mapped_graphs(job.graph, (), cache) if job.asset_layer is None else {},
    )
    mapping = job.config
    if not callable(getattr(mapping, "resolve", None)):
        return schema
    outer_schema = getattr(mapping, "config_schema", None)
    outer = cache.op_schema(outer_schema, f"{job.name}_mapping")
    return mapped_run_config_schema(schema, outer)


def _execution_schemas(job: JobDefinition, cache: BuildCache
                       ) -> dict[str, dict[str, Any] | None]:
    """``execution.config`` for the job's executor, and ``execution.<name>.config`` for each
    executor a run may choose by name."""
    own = job.executor_def or in_process_executor
    schemas: dict[str, dict[str, Any] | None] = {
        "config": cache.op_schema(own.resolved_config_schema(), f"{own.name}_executor")
    }
    for name in {*BUILTIN_EXECUTORS, own.name}:
        schemas[name] = None  # chosen by name: its config is checked by the run
    return schemas


def _mapped_graphs(graph: GraphDefinition, prefix: tuple[str, ...], cache: BuildCache
                   ) -> dict[tuple[str, ...], dict[str, Any] | None]:
    """Node paths of the graphs with a config mapping, with the mapping's outer schema."""
    found: dict[tuple[str, ...], dict[str, Any] | None] = {}
    for name, invocation in graph.invocations.items():
        node = invocation.definition
        if not isinstance(node, GraphDefinition):
            continue
        path = (*prefix, name)
        mapping = node.config
        if callable(getattr(mapping, "resolve", None)):
            outer = getattr(mapping, "config_schema", None)
            found[path] = cache.op_schema(outer, f"{node.name}_mapping")
        found.update(_mapped_graphs(node, path, cache))
    return found


def _input_schemas(job: JobDefinition, cache: BuildCache
                   ) -> list[tuple[tuple[str, ...], str, dict[str, Any], bool]]:
    if job.asset_layer is not None:
        return []  # asset inputs always load upstream assets
    from headwater.definitions.ops.type_loaders import loadable_inputs

    found = []
    for path, input_def, loader in loadable_inputs(job.graph):
        schema = cache.op_schema(loader.config_schema, f"{'_'.join(path)}_{input_def.name}")
        if schema is not None:
            found.append((path, input_def.name, schema, not input_def.has_default))
    return found


# Asset jobs ----------------------------------------------------------------------------------


def _asset_ops(layer: AssetLayer, cache: BuildCache) -> list[OpSnap]:
    producer: dict[AssetKey, OutputRef] = {}
    check_step: dict[AssetCheckKey, str] = {}
    for definition in layer.executed:
        assert definition.node_def is not None  # executed definitions are executable
        for output_name, key in definition.keys_by_output_name.items():
            if key in definition.selected_keys:
                producer[key] = _producer_ref(definition, output_name)
        for check_output, spec in definition.check_specs_by_output_name.items():
            if spec.key in layer.selected_check_keys:
                # In a graph-backed asset, the op whose output the check's output maps to.
                check_step[spec.key] = _producer_ref(definition, check_output).step
    blocking: dict[AssetKey, set[str]] = {}
    for definition in layer.executed:
        for spec in definition.check_specs_by_output_name.values():
            if spec.blocking and spec.key in check_step:
                blocking.setdefault(spec.asset_key, set()).add(check_step[spec.key])
    ops: list[OpSnap] = []
    for definition in layer.executed:
        if definition.is_graph_backed:
            ops.extend(_graph_asset_ops(definition, producer, cache, layer.selected_check_keys))
        else:
            ops.append(
                _asset_op(definition, producer, blocking, layer.selected_check_keys, cache)
            )
    return ops


def _producer_ref(definition: AssetsDefinition, output_name: str) -> OutputRef:
    if not definition.is_graph_backed:
        return OutputRef(step=definition.node_name, output=output_name)
    handle, _, inner = definition.node_def.resolve_output(output_name)
    return OutputRef(step=f"{definition.node_name}.{handle}", output=inner)


def _graph_asset_ops(definition: AssetsDefinition, producer: Mapping[AssetKey, OutputRef],
                     cache: BuildCache, selected_checks: frozenset[AssetCheckKey] = frozenset()
                     ) -> list[OpSnap]:
    """The ops of a graph-backed asset, named ``graph.op``; asset outputs carry their key,
    outputs reporting a selected check its name."""
    prefix = definition.node_name
    inputs = {
        name: [producer[key]] if key in producer else []
        for name, key in definition.keys_by_input_name.items()
    }
    found: list[OpSnap] = []
    _collect(definition.node_def, f"{prefix}.", inputs, cache, found)
    assets = {
        (ref.step, ref.output): key for key in definition.selected_keys
        if (ref := _producer_ref(definition, definition.output_names_by_key[key]))
    }
    checks = {
        (ref.step, ref.output): spec.name
        for output_name, spec in definition.check_specs_by_output_name.items()
        if spec.key in selected_checks and (ref := _producer_ref(definition, output_name))
    }
    return [
        msgspec.structs.replace(op, outputs=[
            msgspec.structs.replace(o, asset_key=key_list(assets[(op.name, o.name)]))
            if (op.name, o.name) in assets
            else msgspec.structs.replace(o, check_name=checks[(op.name, o.name)],
                                         is_required=False)
            if (op.name, o.name) in checks else o
            for o in op.outputs
        ])
        for op in found
    ]


def _asset_op(
    definition: AssetsDefinition,
    producer: Mapping[AssetKey, OutputRef],
    blocking: Mapping[AssetKey, set[str]],
    selected_checks: frozenset[AssetCheckKey],
    cache: BuildCache,
) -> OpSnap:
    op = definition.node_def
    assert op is not None
    step = op.name
    inputs = []
    for input_def in op.input_defs:
        key = definition.keys_by_input_name.get(input_def.name)
        ref = producer.get(key) if key is not None else None
        inputs.append(
            InputSnap(
                name=input_def.name,
                upstream=[ref] if ref is not None and ref.step != step else [],
                asset_key=key_list(key) if key is not None else None,
                is_nothing=input_def.is_nothing,
                has_default=input_def.has_default,
            )
        )
    specs = definition.specs_by_key
    upstream_keys = {dep for key in definition.selected_keys for dep in specs[key].deps}
    checks = definition.check_specs_by_output_name
    for spec in checks.values():
        if spec.key in selected_checks:
            upstream_keys |= {spec.asset_key, *spec.additional_deps}
    upstream_keys |= set(definition.keys_by_input_name.values())
    depends_on = {producer[key].step for key in upstream_keys if key in producer}
    for key in upstream_keys:
        depends_on |= blocking.get(key, set())
    depends_on.discard(step)
    outputs = []
    for output_def in op.output_defs:
        asset_key = definition.keys_by_output_name.get(output_def.name)
        check = checks.get(output_def.name) if checks else None
        if asset_key is not None and asset_key not in definition.selected_keys:
            continue
        if check is not None and check.key not in selected_checks:
            continue
        outputs.append(
            OutputSnap(
                name=output_def.name,
                io_manager_key=output_def.io_manager_key,
                is_required=output_def.is_required and check is None,
                is_dynamic=output_def.is_dynamic,
                stores_value=not output_def.is_nothing,
                asset_key=key_list(asset_key) if asset_key is not None else None,
                check_name=check.name if check is not None else None,
            )
        )
    return _op_snap(step, op, inputs, outputs, depends_on, op.tags, cache,
                    cache.required_keys(definition))


def _op_snap(
    name: str,
    op: OpDefinition,
    inputs: list[InputSnap],
    outputs: list[OutputSnap],
    depends_on: set[str],
    tags: Mapping[str, str],
    cache: BuildCache,
    required: list[str],
) -> OpSnap:
    return OpSnap(
        name=name,
        op_name=op.name,
        kind=op.kind,
        description=op.description,
        inputs=inputs,
        outputs=outputs,
        depends_on=sorted(depends_on),
        required_resource_keys=required,
        tags=dict(tags),
        config_schema=cache.op_schema(op.config_schema, op.name),
        pool=op.pool,
    )


# Op jobs -------------------------------------------------------------------------------------

_Refs = list[OutputRef]


def _graph_ops(graph: GraphDefinition, cache: BuildCache) -> list[OpSnap]:
    found: list[OpSnap] = []
    _collect(graph, "", {}, cache, found)
    return found


def _sources(source: InputSource) -> tuple[OutputHandle | GraphInputRef, ...]:
    return source if isinstance(source, tuple) else (source,)


def _collect(
    graph: GraphDefinition,
    prefix: str,
    graph_inputs: Mapping[str, _Refs],
    cache: BuildCache,
    found: list[OpSnap],
) -> None:
    for name, invocation in graph.invocations.items():
        resolved = {
            input_name: [
                ref
                for item in _sources(source)
                for ref in _resolve(graph, prefix, item, graph_inputs)
            ]
            for input_name, source in invocation.inputs.items()
        }
        definition = invocation.definition
        if isinstance(definition, GraphDefinition):
            _collect(definition, f"{prefix}{name}.", resolved, cache, found)
            continue
        fan_in = {n for n, source in invocation.inputs.items()
                  if isinstance(source, (tuple, CollectedHandle))}
        inputs = [
            InputSnap(
                name=d.name,
                upstream=resolved.get(d.name, []),
                is_nothing=d.is_nothing,
                has_default=d.has_default,
                is_fan_in=d.name in fan_in,
            )
            for d in definition.input_defs
        ]
        outputs = [
            OutputSnap(
                name=d.name,
                io_manager_key=d.io_manager_key,
                is_required=d.is_required,
                is_dynamic=d.is_dynamic,
                stores_value=not d.is_nothing,
            )
            for d in definition.output_defs
        ]
        depends_on = {ref.step for refs in resolved.values() for ref in refs}
        tags = {**definition.tags, **invocation.tags}
        required = sorted(definition.required_resource_keys | definition.io_manager_keys)
        found.append(
            _op_snap(f"{prefix}{name}", definition, inputs, outputs, depends_on, tags, cache,
                     required)
        )


def _resolve(
    graph: GraphDefinition,
    prefix: str,
    source: OutputHandle | GraphInputRef,
    graph_inputs: Mapping[str, _Refs],
) -> _Refs:
    """The op outputs behind ``source``, looking through graph inputs and nested graphs."""
    if isinstance(source, GraphInputRef):
        return list(graph_inputs.get(source.name, []))
    invocation = graph.invocations[source.node_name]
    definition = invocation.definition
    if isinstance(definition, GraphDefinition):
        inner = definition.output_mappings.get(source.output_name)
        if inner is None:
            return []
        nested_inputs = {
            name: [
                ref for item in _sources(s) for ref in _resolve(graph, prefix, item, graph_inputs)
            ]
            for name, s in invocation.inputs.items()
        }
        return _resolve(definition, f"{prefix}{source.node_name}.", inner, nested_inputs)
    return [OutputRef(step=f"{prefix}{source.node_name}", output=source.output_name)]
