"""The ``@asset`` and ``@multi_asset`` decorators."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.partition_mappings import collect_partition_mappings
from headwater.definitions.assets.specs import (
    AssetIn,
    AssetOut,
    AssetSpec,
    CoercibleToAssetDep,
    condition_from_policy,
    decorated_asset_key,
    dep_keys,
)
from headwater.definitions.ops.op_definition import (
    DEFAULT_OUTPUT,
    InputDef,
    OpDefinition,
    OutputDef,
    build_output_defs,
    check_name,
)
from headwater.definitions.ops.params import FunctionParams, read_params, returns_nothing
from headwater.definitions.ops.retries import RetryPolicy
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.assets.checks import AssetCheckSpec

_NOTHING_RESULTS = ("MaterializeResult", "AssetCheckResult", "ObserveResult")


def _returns_no_value(annotation: Any) -> bool:
    if returns_nothing(annotation):
        return True
    name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return isinstance(name, str) and name.rsplit(".", 1)[-1] in _NOTHING_RESULTS


def asset_input_defs(
    params: FunctionParams, ins: Mapping[str, AssetIn] | None, what: str
) -> tuple[list[InputDef], dict[str, AssetKey]]:
    """Inputs of an asset op and the upstream key each loads."""
    ins = dict(ins or {})
    defs: list[InputDef] = []
    keys: dict[str, AssetKey] = {}
    for param in params.inputs:
        spec = ins.pop(param.name, None)
        if spec is None:
            keys[param.name] = AssetKey((param.name,))
            defs.append(InputDef(param.name, param.annotation, param.default))
            continue
        keys[param.name] = spec.resolve_key(param.name)
        defs.append(
            InputDef(
                name=param.name,
                annotation=spec.dagster_type or param.annotation,
                default_value=param.default,
                metadata=spec.metadata,
                input_manager_key=spec.input_manager_key,
            )
        )
    if ins:
        raise InvalidDefinitionError(
            f"{what} has ins= for {', '.join(sorted(ins))}, which its function does not take "
            "as parameters. Add the parameters, or use deps= for dependencies without values."
        )
    return defs, keys


def check_output_defs(
    check_specs: Sequence[AssetCheckSpec] | None, computed: Iterable[AssetKey], what: str
) -> dict[str, AssetCheckSpec]:
    """Nothing-typed outputs for checks executed inside an asset op."""
    computed = set(computed)
    by_output: dict[str, AssetCheckSpec] = {}
    for spec in check_specs or ():
        if spec.asset_key not in computed:
            raise InvalidDefinitionError(
                f"{what} has check_specs for '{spec.asset_key.to_user_string()}', which it does "
                "not compute. Use @asset_check for checks of other assets."
            )
        by_output[f"{spec.asset_key.to_python_identifier()}_{spec.name}"] = spec
    return by_output


def _nothing_output(name: str) -> OutputDef:
    return OutputDef(name=name, is_nothing=True, is_required=False)


@overload
def asset(fn: Callable[..., Any]) -> AssetsDefinition: ...


@overload
def asset(
    fn: None = None,
    *,
    name: str | None = None,
    key_prefix: str | Sequence[str] | None = None,
    key: CoercibleToAssetKey | None = None,
    ins: Mapping[str, AssetIn] | None = None,
    deps: Iterable[CoercibleToAssetDep] | None = None,
    metadata: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    description: str | None = None,
    config_schema: Any = None,
    required_resource_keys: Iterable[str] | None = None,
    resource_defs: Mapping[str, object] | None = None,
    io_manager_key: str | None = None,
    dagster_type: Any = None,
    partitions_def: Any = None,
    op_tags: Mapping[str, str] | None = None,
    group_name: str | None = None,
    output_required: bool = True,
    automation_condition: Any = None,
    freshness_policy: Any = None,
    retry_policy: RetryPolicy | None = None,
    code_version: str | None = None,
    check_specs: Sequence[AssetCheckSpec] | None = None,
    owners: Sequence[str] | None = None,
    kinds: Iterable[str] | None = None,
    compute_kind: str | None = None,
    pool: str | None = None,
    backfill_policy: Any = None,
    non_argument_deps: Iterable[CoercibleToAssetDep] | None = None,
    auto_materialize_policy: Any = None,
) -> Callable[[Callable[..., Any]], AssetsDefinition]: ...


def asset(  # noqa: C901 - one flat pass over the decorator's many options
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    key_prefix: str | Sequence[str] | None = None,
    key: CoercibleToAssetKey | None = None,
    ins: Mapping[str, AssetIn] | None = None,
    deps: Iterable[CoercibleToAssetDep] | None = None,
    metadata: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    description: str | None = None,
    config_schema: Any = None,
    required_resource_keys: Iterable[str] | None = None,
    resource_defs: Mapping[str, object] | None = None,
    io_manager_key: str | None = None,
    dagster_type: Any = None,
    partitions_def: Any = None,
    op_tags: Mapping[str, str] | None = None,
    group_name: str | None = None,
    output_required: bool = True,
    automation_condition: Any = None,
    freshness_policy: Any = None,
    retry_policy: RetryPolicy | None = None,
    code_version: str | None = None,
    check_specs: Sequence[AssetCheckSpec] | None = None,
    owners: Sequence[str] | None = None,
    kinds: Iterable[str] | None = None,
    compute_kind: str | None = None,
    pool: str | None = None,
    backfill_policy: Any = None,
    non_argument_deps: Iterable[CoercibleToAssetDep] | None = None,
    auto_materialize_policy: Any = None,
) -> AssetsDefinition | Callable[[Callable[..., Any]], AssetsDefinition]:
    """Define an asset computed by the decorated function.

    The asset's key is the function name (or ``name``/``key``, with ``key_prefix``). Each
    parameter that is not the context, config or a resource loads the upstream asset of the
    same name (or the key given in ``ins``); ``deps`` adds upstream assets whose values the
    function does not need.
    """

    def decorate(func: Callable[..., Any]) -> AssetsDefinition:
        asset_key = decorated_asset_key(func.__name__, key, name, key_prefix, "@asset")
        if name is not None:
            check_name(name, "asset")
        what = f"asset '{asset_key.to_user_string()}'"
        params = read_params(func, what)
        input_defs, keys_by_input = asset_input_defs(params, ins, what)
        out_spec_nothing = _returns_no_value(params.return_annotation)
        output = OutputDef(
            name=DEFAULT_OUTPUT,
            annotation=dagster_type or params.return_annotation,
            is_required=output_required,
            io_manager_key=io_manager_key or "io_manager",
            code_version=code_version,
            is_nothing=out_spec_nothing,
        )
        checks = check_output_defs(check_specs, [asset_key], what)
        all_kinds = set(kinds or ())
        if compute_kind:
            all_kinds.add(compute_kind)
        spec = AssetSpec(
            asset_key,
            deps=[*keys_by_input.values(), *dep_keys(deps), *dep_keys(non_argument_deps)],
            description=description or inspect.getdoc(func),
            metadata=metadata,
            group_name=group_name,
            code_version=code_version,
            owners=owners,
            tags=tags,
            kinds=all_kinds,
            automation_condition=condition_from_policy(
                automation_condition, auto_materialize_policy, f"@asset {what}"),
            partitions_def=partitions_def,
            freshness_policy=freshness_policy,
        )
        op_def = OpDefinition(
            name=asset_key.to_python_identifier(),
            compute_fn=func,
            params=params,
            input_defs=input_defs,
            output_defs=[output, *(_nothing_output(n) for n in checks)],
            config_schema=params.config_class or config_schema,
            description=spec.description,
            tags=op_tags,
            required_resource_keys=list(required_resource_keys or ()),
            retry_policy=retry_policy,
            code_version=code_version,
            pool=pool,
            kind="asset",
        )
        return AssetsDefinition(
            specs=[spec],
            op=op_def,
            keys_by_output_name={DEFAULT_OUTPUT: asset_key},
            keys_by_input_name=keys_by_input,
            check_specs_by_output_name=checks,
            partitions_def=partitions_def,
            resource_defs=resource_defs,
            partition_mappings=collect_partition_mappings(
                what, ins, keys_by_input, deps, non_argument_deps),
            backfill_policy=backfill_policy,
        )

    return decorate(fn) if fn is not None else decorate


def multi_asset(  # noqa: C901 - one flat pass over the decorator's many options
    *,
    outs: Mapping[str, AssetOut] | None = None,
    specs: Sequence[AssetSpec] | None = None,
    name: str | None = None,
    ins: Mapping[str, AssetIn] | None = None,
    deps: Iterable[CoercibleToAssetDep] | None = None,
    description: str | None = None,
    config_schema: Any = None,
    required_resource_keys: Iterable[str] | None = None,
    internal_asset_deps: Mapping[str, Iterable[AssetKey]] | None = None,
    partitions_def: Any = None,
    op_tags: Mapping[str, str] | None = None,
    can_subset: bool = False,
    resource_defs: Mapping[str, object] | None = None,
    group_name: str | None = None,
    retry_policy: RetryPolicy | None = None,
    code_version: str | None = None,
    check_specs: Sequence[AssetCheckSpec] | None = None,
    compute_kind: str | None = None,
    pool: str | None = None,
    backfill_policy: Any = None,
) -> Callable[[Callable[..., Any]], AssetsDefinition]:
    """Define several assets computed by one function.

    With ``outs``, the function returns a tuple (in ``outs`` order) or yields ``Output``s,
    each stored by its IO manager. With ``specs``, the function reports each asset with a
    ``MaterializeResult(asset_key=...)`` and nothing is stored.
    """
    if (outs is None) == (specs is None):
        raise InvalidDefinitionError("@multi_asset needs exactly one of outs= or specs=.")

    def decorate(func: Callable[..., Any]) -> AssetsDefinition:
        op_name = name or func.__name__
        what = f"multi_asset '{op_name}'"
        params = read_params(func, what)
        input_defs, keys_by_input = asset_input_defs(params, ins, what)
        extra_deps = dep_keys(deps)
        all_upstream = [*keys_by_input.values(), *extra_deps]
        output_defs: list[OutputDef] = []
        keys_by_output: dict[str, AssetKey] = {}
        asset_specs: list[AssetSpec] = []
        if outs is not None:
            for out_name, out in outs.items():
                asset_key = out.resolve_key(out_name)
                keys_by_output[out_name] = asset_key
                [output] = build_output_defs({out_name: _as_op_out(out)}, None)
                output_defs.append(output)
                own_deps = (
                    dep_keys(out.deps) if out.deps is not None
                    else list((internal_asset_deps or {}).get(out_name, all_upstream))
                )
                asset_specs.append(
                    AssetSpec(
                        asset_key,
                        deps=own_deps,
                        description=out.description,
                        metadata=out.metadata,
                        group_name=out.group_name or group_name,
                        code_version=out.code_version or code_version,
                        owners=out.owners,
                        tags=out.tags,
                        kinds=out.kinds | ({compute_kind} if compute_kind else set()),
                        automation_condition=out.automation_condition,
                        freshness_policy=out.freshness_policy,
                        partitions_def=partitions_def,
                    )
                )
        else:
            for spec in specs or ():
                out_name = spec.key.to_python_identifier()
                keys_by_output[out_name] = spec.key
                output_defs.append(
                    OutputDef(name=out_name, is_nothing=True, is_required=not spec.skippable)
                )
                asset_specs.append(
                    spec.replace_attributes(
                        deps=spec.deps or all_upstream,
                        group_name=spec.group_name or group_name,
                        partitions_def=partitions_def,
                    )
                )
        if can_subset:
            output_defs = [_optional(d) for d in output_defs]
        checks = check_output_defs(check_specs, keys_by_output.values(), what)
        op_def = OpDefinition(
            name=op_name,
            compute_fn=func,
            params=params,
            input_defs=input_defs,
            output_defs=[*output_defs, *(_nothing_output(n) for n in checks)],
            config_schema=params.config_class or config_schema,
            description=description or inspect.getdoc(func),
            tags=op_tags,
            required_resource_keys=list(required_resource_keys or ()),
            retry_policy=retry_policy,
            code_version=code_version,
            pool=pool,
            kind="multi_asset",
        )
        return AssetsDefinition(
            specs=asset_specs,
            op=op_def,
            keys_by_output_name=keys_by_output,
            keys_by_input_name=keys_by_input,
            check_specs_by_output_name=checks,
            partitions_def=partitions_def,
            can_subset=can_subset,
            resource_defs=resource_defs,
            partition_mappings=collect_partition_mappings(what, ins, keys_by_input, deps),
            backfill_policy=backfill_policy,
        )

    return decorate


def _as_op_out(out: AssetOut) -> Any:
    from headwater.definitions.ops.op_definition import Out

    return Out(
        dagster_type=out.dagster_type,
        description=out.description,
        is_required=out.is_required,
        io_manager_key=out.io_manager_key,
        metadata=out.metadata,
        code_version=out.code_version,
    )


def _optional(output: OutputDef) -> OutputDef:
    from dataclasses import replace

    return replace(output, is_required=False)
