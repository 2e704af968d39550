"""Observable source assets: external assets whose function reports their data version.

``@observable_source_asset`` wraps a function returning a ``DataVersion`` (or a
``DataVersionsByPartition`` when partitioned, or an ``ObserveResult``); running it is an
observation of the asset (an ASSET_OBSERVATION event), never a materialization. Assets that
depend on the source load its value with ``io_manager_key`` as for ``SourceAsset``.
``@multi_observable_source_asset(specs=[...])`` observes several assets in one function, which
yields or returns ``ObserveResult(asset_key=...)`` for each.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.decorators import check_output_defs
from headwater.definitions.assets.specs import (
    IO_MANAGER_KEY_METADATA,
    AssetSpec,
    decorated_asset_key,
)
from headwater.definitions.ops.op_definition import (
    DEFAULT_OUTPUT,
    OpDefinition,
    OutputDef,
    check_name,
)
from headwater.definitions.ops.params import FunctionParams, read_params
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.assets.checks import AssetCheckSpec

__all__ = ["multi_observable_source_asset", "observable_source_asset"]


def _no_inputs(params: FunctionParams, what: str) -> None:
    if params.inputs:
        names = ", ".join(p.name for p in params.inputs)
        raise InvalidDefinitionError(
            f"{what} takes parameter(s) {names}, which are neither the context nor resources. "
            "An observable source asset has no upstream assets: its function may only take "
            "the context and resources (annotated with their resource class)."
        )


def _observe_output(name: str, io_manager_key: str | None) -> OutputDef:
    # Nothing is stored; the IO manager key is kept so that downstream assets load the value.
    return OutputDef(name=name, is_nothing=True, is_required=False,
                     io_manager_key=io_manager_key or "io_manager")


def _io_manager_key(spec: AssetSpec) -> str | None:
    found = spec.metadata.get(IO_MANAGER_KEY_METADATA)
    return str(found) if found else None


@overload
def observable_source_asset(observe_fn: Callable[..., Any]) -> AssetsDefinition: ...


@overload
def observable_source_asset(
    observe_fn: None = None,
    *,
    key: CoercibleToAssetKey | None = None,
    name: str | None = None,
    key_prefix: str | Sequence[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    io_manager_key: str | None = None,
    description: str | None = None,
    group_name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    resource_defs: Mapping[str, object] | None = None,
    partitions_def: Any = None,
    auto_observe_interval_minutes: float | None = None,
    automation_condition: Any = None,
    op_tags: Mapping[str, str] | None = None,
    tags: Mapping[str, str] | None = None,
) -> Callable[[Callable[..., Any]], AssetsDefinition]: ...


def observable_source_asset(
    observe_fn: Callable[..., Any] | None = None,
    *,
    key: CoercibleToAssetKey | None = None,
    name: str | None = None,
    key_prefix: str | Sequence[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    io_manager_key: str | None = None,
    description: str | None = None,
    group_name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    resource_defs: Mapping[str, object] | None = None,
    partitions_def: Any = None,
    auto_observe_interval_minutes: float | None = None,
    automation_condition: Any = None,
    op_tags: Mapping[str, str] | None = None,
    tags: Mapping[str, str] | None = None,
) -> AssetsDefinition | Callable[[Callable[..., Any]], AssetsDefinition]:
    """Define a source asset whose data version the decorated function observes.

    The function may take the context and resources; it returns a ``DataVersion`` (a
    ``DataVersionsByPartition`` when ``partitions_def`` is given) or an ``ObserveResult``.
    Executing it (in the implicit asset job, ``materialize`` or a job selecting it) records an
    observation. ``auto_observe_interval_minutes`` is kept on the definition.
    """

    def decorate(func: Callable[..., Any]) -> AssetsDefinition:
        asset_key = decorated_asset_key(func.__name__, key, name, key_prefix,
                                        "@observable_source_asset")
        if name is not None:
            check_name(name, "asset")
        what = f"observable source asset '{asset_key.to_user_string()}'"
        params = read_params(func, what)
        _no_inputs(params, what)
        spec = AssetSpec(
            asset_key,
            description=description or inspect.getdoc(func),
            metadata=metadata,
            group_name=group_name,
            tags=tags,
            automation_condition=automation_condition,
            partitions_def=partitions_def,
        )
        op_def = OpDefinition(
            name=asset_key.to_python_identifier(),
            compute_fn=func,
            params=params,
            input_defs=[],
            output_defs=[_observe_output(DEFAULT_OUTPUT, io_manager_key)],
            config_schema=params.config_class,
            description=spec.description,
            tags=op_tags,
            required_resource_keys=list(required_resource_keys or ()),
            kind="asset",
        )
        definition = AssetsDefinition(
            specs=[spec],
            op=op_def,
            keys_by_output_name={DEFAULT_OUTPUT: asset_key},
            partitions_def=partitions_def,
            resource_defs=resource_defs,
            is_observable=True,
        )
        definition.auto_observe_interval_minutes = auto_observe_interval_minutes
        return definition

    return decorate(observe_fn) if observe_fn is not None else decorate


def multi_observable_source_asset(
    *,
    specs: Sequence[AssetSpec],
    name: str | None = None,
    description: str | None = None,
    partitions_def: Any = None,
    can_subset: bool = False,
    required_resource_keys: Iterable[str] | None = None,
    resource_defs: Mapping[str, object] | None = None,
    group_name: str | None = None,
    check_specs: Sequence[AssetCheckSpec] | None = None,
) -> Callable[[Callable[..., Any]], AssetsDefinition]:
    """Define several source assets observed by one function.

    The function yields (or returns a list of) ``ObserveResult(asset_key=..., data_version=...)``,
    one per asset of ``specs``.
    """
    if not specs:
        raise InvalidDefinitionError("@multi_observable_source_asset needs at least one spec.")

    def decorate(func: Callable[..., Any]) -> AssetsDefinition:
        op_name = name or func.__name__
        what = f"multi_observable_source_asset '{op_name}'"
        params = read_params(func, what)
        _no_inputs(params, what)
        keys_by_output: dict[str, AssetKey] = {}
        specs_by_output: dict[str, AssetSpec] = {}
        asset_specs: list[AssetSpec] = []
        for spec in specs:
            if spec.deps:
                raise InvalidDefinitionError(
                    f"{what}: spec '{spec.key.to_user_string()}' has deps; observable source "
                    "assets have no upstream assets."
                )
            keys_by_output[spec.key.to_python_identifier()] = spec.key
            specs_by_output[spec.key.to_python_identifier()] = spec
            asset_specs.append(spec.replace_attributes(
                group_name=spec.group_name or group_name, partitions_def=partitions_def))
        checks = check_output_defs(check_specs, keys_by_output.values(), what)
        op_def = OpDefinition(
            name=op_name,
            compute_fn=func,
            params=params,
            input_defs=[],
            output_defs=[*(_observe_output(n, _io_manager_key(specs_by_output[n]))
                           for n in keys_by_output),
                         *(OutputDef(name=n, is_nothing=True, is_required=False)
                           for n in checks)],
            config_schema=params.config_class,
            description=description or inspect.getdoc(func),
            required_resource_keys=list(required_resource_keys or ()),
            kind="multi_asset",
        )
        return AssetsDefinition(
            specs=asset_specs,
            op=op_def,
            keys_by_output_name=keys_by_output,
            check_specs_by_output_name=checks,
            partitions_def=partitions_def,
            can_subset=can_subset,
            resource_defs=resource_defs,
            is_observable=True,
        )

    return decorate
