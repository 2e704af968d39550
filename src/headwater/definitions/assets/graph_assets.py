"""Graph-backed assets: ``@graph_asset``, ``@graph_multi_asset``, ``AssetsDefinition.from_graph``
and ``AssetsDefinition.from_op``.

A graph-backed asset is computed by several ops; each op is its own step (``graph.op``), and
the asset is materialized by the op whose output the graph's output maps to. The graph's
inputs load upstream assets, by parameter name or through ``ins``/``keys_by_input_name``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.specs import (
    AssetIn,
    AssetOut,
    AssetSpec,
    condition_from_policy,
    decorated_asset_key,
    dep_keys,
)
from headwater.definitions.ops.graphs import GraphDefinition, GraphOut, compose_graph
from headwater.definitions.ops.op_definition import DEFAULT_OUTPUT, OpDefinition, check_name
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.assets.checks import AssetCheckSpec

NodeDefinition = Any  # OpDefinition | GraphDefinition


def _input_keys(
    input_names: Sequence[str], ins: Mapping[str, AssetIn] | None, what: str
) -> dict[str, AssetKey]:
    ins = dict(ins or {})
    keys = {name: (ins.pop(name).resolve_key(name) if name in ins else AssetKey(name))
            for name in input_names}
    if ins:
        raise InvalidDefinitionError(
            f"{what} has ins= for {', '.join(sorted(ins))}, which its function does not take "
            "as parameters. Add the parameters, or remove them from ins=."
        )
    return keys


def graph_asset(
    compose_fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    ins: Mapping[str, AssetIn] | None = None,
    config: Any = None,
    key_prefix: str | Sequence[str] | None = None,
    group_name: str | None = None,
    partitions_def: Any = None,
    metadata: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    owners: Sequence[str] | None = None,
    kinds: Iterable[str] | None = None,
    automation_condition: Any = None,
    backfill_policy: Any = None,
    resource_defs: Mapping[str, object] | None = None,
    check_specs: Sequence[AssetCheckSpec] | None = None,
    code_version: str | None = None,
    key: CoercibleToAssetKey | None = None,
    deps: Iterable[Any] | None = None,
    auto_materialize_policy: Any = None,
    freshness_policy: Any = None,
) -> Any:
    """Define one asset computed by a graph of ops; the function's body wires them.

    Each parameter loads the upstream asset of that name (or the key given in ``ins``); the
    body returns the output of the op that computes the asset.
    """

    def decorate(fn: Callable[..., Any]) -> AssetsDefinition:
        asset_key = decorated_asset_key(fn.__name__, key, name, key_prefix, "@graph_asset")
        graph_name = name or asset_key.to_python_identifier()
        check_name(graph_name, "graph_asset")
        what = f"graph_asset '{asset_key.to_user_string()}'"
        invocations, inputs, outputs = compose_graph(fn, graph_name, what="graph_asset")
        checks = _check_outputs(check_specs, [asset_key], what)
        if set(outputs) - set(checks) != {DEFAULT_OUTPUT}:
            raise InvalidDefinitionError(
                f"{what} must return the output of the op that computes the asset (one op "
                "output, or a dict with it as 'result' and one op output per check); use "
                "@graph_multi_asset for several assets."
            )
        _require_check_outputs(checks, outputs, what)
        graph_def = GraphDefinition(graph_name, invocations, inputs, outputs,
                                    description=description or inspect.getdoc(fn), config=config)
        keys_by_input = _input_keys(inputs, ins, what)
        spec = AssetSpec(
            asset_key,
            deps=[*keys_by_input.values(), *dep_keys(deps)],
            description=description or inspect.getdoc(fn),
            metadata=metadata,
            group_name=group_name,
            code_version=code_version,
            owners=owners,
            tags=tags,
            kinds=set(kinds or ()),
            automation_condition=condition_from_policy(
                automation_condition, auto_materialize_policy, "@graph_asset"),
            partitions_def=partitions_def,
            freshness_policy=freshness_policy,
        )
        return AssetsDefinition(
            specs=[spec],
            node_def=graph_def,
            keys_by_output_name={DEFAULT_OUTPUT: asset_key},
            keys_by_input_name=keys_by_input,
            check_specs_by_output_name=checks,
            partitions_def=partitions_def,
            resource_defs=resource_defs,
        )

    return decorate(compose_fn) if compose_fn is not None else decorate


def graph_multi_asset(
    *,
    outs: Mapping[str, AssetOut],
    name: str | None = None,
    ins: Mapping[str, AssetIn] | None = None,
    partitions_def: Any = None,
    backfill_policy: Any = None,
    group_name: str | None = None,
    can_subset: bool = False,
    resource_defs: Mapping[str, object] | None = None,
    check_specs: Sequence[AssetCheckSpec] | None = None,
    config: Any = None,
    description: str | None = None,
) -> Callable[[Callable[..., Any]], AssetsDefinition]:
    """Define several assets computed by one graph: the body returns a dict (or a tuple in
    ``outs`` order) of op outputs, one per asset."""

    def decorate(fn: Callable[..., Any]) -> AssetsDefinition:
        graph_name = name or fn.__name__
        what = f"graph_multi_asset '{graph_name}'"
        graph_outs = {out_name: GraphOut(out.description) for out_name, out in outs.items()}
        invocations, inputs, outputs = compose_graph(fn, graph_name, graph_outs,
                                                     what="graph_multi_asset")
        missing = [out_name for out_name in outs if out_name not in outputs]
        if missing:
            raise InvalidDefinitionError(
                f"{what} declares outs {', '.join(missing)}, which its body does not return. "
                "Return a dict with an op output for each."
            )
        checks = _check_outputs(
            check_specs, [out.resolve_key(out_name) for out_name, out in outs.items()], what
        )
        _require_check_outputs(checks, outputs, what)
        graph_def = GraphDefinition(graph_name, invocations, inputs, outputs,
                                    description=description or inspect.getdoc(fn), config=config)
        keys_by_input = _input_keys(inputs, ins, what)
        upstream = list(keys_by_input.values())
        keys_by_output: dict[str, AssetKey] = {}
        specs: list[AssetSpec] = []
        for out_name, out in outs.items():
            asset_key = out.resolve_key(out_name)
            keys_by_output[out_name] = asset_key
            specs.append(AssetSpec(
                asset_key,
                deps=dep_keys(out.deps) if out.deps is not None else upstream,
                description=out.description,
                metadata=out.metadata,
                group_name=out.group_name or group_name,
                code_version=out.code_version,
                owners=out.owners,
                tags=out.tags,
                kinds=out.kinds,
                automation_condition=out.automation_condition,
                freshness_policy=out.freshness_policy,
                partitions_def=partitions_def,
            ))
        return AssetsDefinition(
            specs=specs,
            node_def=graph_def,
            keys_by_output_name=keys_by_output,
            keys_by_input_name=keys_by_input,
            check_specs_by_output_name=checks,
            partitions_def=partitions_def,
            can_subset=can_subset,
            resource_defs=resource_defs,
        )

    return decorate


def _check_outputs(check_specs: Sequence[AssetCheckSpec] | None, computed: Iterable[AssetKey],
                   what: str) -> dict[str, AssetCheckSpec]:
    from headwater.definitions.assets.decorators import check_output_defs

    return check_output_defs(check_specs, computed, what)


def _require_check_outputs(checks: Mapping[str, AssetCheckSpec], outputs: Iterable[str],
                           what: str) -> None:
    """Each check of a graph-backed asset is reported by the op output its graph output maps
    to, named ``<asset key as identifier>_<check name>`` (as Dagster names it)."""
    missing = [name for name in checks if name not in outputs]
    if missing:
        raise InvalidDefinitionError(
            f"{what} has check_specs whose results its body does not return: "
            f"{', '.join(missing)}. Return a dict with, for each check, the output of the op "
            "that yields its AssetCheckResult under that name."
        )


def assets_from_node(
    node_def: NodeDefinition,
    *,
    keys_by_input_name: Mapping[str, AssetKey] | None = None,
    keys_by_output_name: Mapping[str, AssetKey] | None = None,
    key_prefix: str | Sequence[str] | None = None,
    internal_asset_deps: Mapping[str, Iterable[AssetKey]] | None = None,
    partitions_def: Any = None,
    group_name: str | None = None,
    group_names_by_output_name: Mapping[str, str] | None = None,
    descriptions_by_output_name: Mapping[str, str] | None = None,
    metadata_by_output_name: Mapping[str, Mapping[str, Any]] | None = None,
    tags_by_output_name: Mapping[str, Mapping[str, str]] | None = None,
    owners_by_output_name: Mapping[str, Sequence[str]] | None = None,
    code_versions_by_output_name: Mapping[str, str] | None = None,
    resource_defs: Mapping[str, object] | None = None,
    can_subset: bool = False,
    check_specs: Sequence[AssetCheckSpec] | None = None,
) -> AssetsDefinition:
    """``AssetsDefinition.from_graph`` / ``from_op``: every output of ``node_def`` is an asset
    (named by the output, or by ``keys_by_output_name``), every input loads one."""
    prefix = [key_prefix] if isinstance(key_prefix, str) else list(key_prefix or [])
    input_names = (
        node_def.all_input_names if isinstance(node_def, GraphDefinition)
        else [d.name for d in node_def.input_defs if not d.is_nothing]
    )
    by_input = {
        name: AssetKey.from_coercible((keys_by_input_name or {}).get(name) or AssetKey(name))
        for name in input_names
    }
    check_names = {f"{spec.asset_key.to_python_identifier()}_{spec.name}"
                   for spec in check_specs or ()}
    output_names = [name for name in _node_output_names(node_def) if name not in check_names]
    by_output = {
        out: AssetKey.from_coercible(
            (keys_by_output_name or {}).get(out) or AssetKey([*prefix, out])
        )
        for out in output_names
    }
    upstream = list(by_input.values())
    specs = [
        AssetSpec(
            key,
            deps=list((internal_asset_deps or {}).get(out, upstream)),
            description=(descriptions_by_output_name or {}).get(out) or node_def.description,
            metadata=(metadata_by_output_name or {}).get(out),
            group_name=(group_names_by_output_name or {}).get(out) or group_name,
            tags=(tags_by_output_name or {}).get(out),
            owners=(owners_by_output_name or {}).get(out),
            code_version=(code_versions_by_output_name or {}).get(out),
            partitions_def=partitions_def,
        )
        for out, key in by_output.items()
    ]
    checks = _check_outputs(check_specs, by_output.values(), f"{node_def.describe}")
    if isinstance(node_def, GraphDefinition):
        _require_check_outputs(checks, node_def.output_mappings, node_def.describe)
    return AssetsDefinition(
        specs=specs,
        node_def=node_def,
        keys_by_output_name=by_output,
        keys_by_input_name=by_input,
        check_specs_by_output_name=checks,
        partitions_def=partitions_def,
        can_subset=can_subset,
        resource_defs=resource_defs,
    )


def _node_output_names(node_def: NodeDefinition) -> list[str]:
    if isinstance(node_def, OpDefinition):
        return [d.name for d in node_def.output_defs]
    names = list(node_def.output_mappings)
    if not names:
        raise InvalidDefinitionError(
            f"{node_def.describe} has no outputs, so it computes no assets. Return the op "
            "outputs that are assets from its body."
        )
    return names
